package io.cameliotmp.device;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A device closed in the middle of an OTA update leaves no open image and no spool file behind. */
class DeviceOtaCloseTest {

    private static final Path TMP = Path.of(System.getProperty("java.io.tmpdir"));

    @Test
    void closingTheDeviceDuringACompressedUpdateDiscardsTheImageAndDeletesItsSpoolFile() throws Exception {
        AtomicBoolean discarded = new AtomicBoolean();
        OtaTarget target = new OtaTarget() {
            @Override
            public OutputStream open(long size) {
                return new ByteArrayOutputStream();
            }

            @Override
            public void discard() {
                discarded.set(true);
            }
        };
        IotmpDevice device = IotmpDevice.builder().host("127.0.0.1").port(1).credentials("u", "d", "c").build();
        DeviceOta ota = DeviceOta.install(device, target, OtaSettings.defaults().withCompression("zlib"));
        Set<Path> before = spoolFiles();

        assertThat(ota.begin(Map.of("size", 64, "checksum", "00", "compression", "zlib", "compressed_size", 32,
                "compressed_checksum", "00"))).containsEntry("success", true);
        assertThat(ota.write(new byte[16])).containsEntry("success", true);
        Set<Path> spooled = spoolFiles();
        spooled.removeAll(before);
        assertThat(spooled).as("the compressed image is spooled to a file").isNotEmpty();

        device.closeAsync().toCompletableFuture().get(30, TimeUnit.SECONDS);

        assertThat(discarded).isTrue();
        assertThat(spooled).allSatisfy(file -> assertThat(file).doesNotExist());
        assertThat(ota.write(new byte[16])).containsEntry("success", false);
    }

    @Test
    void aBeginHandledOnlyAfterTheDeviceClosedOpensNothing() throws Exception {
        AtomicInteger opened = new AtomicInteger();
        OtaTarget target = size -> {
            opened.incrementAndGet();
            return new ByteArrayOutputStream();
        };
        IotmpDevice device = IotmpDevice.builder().host("127.0.0.1").port(1).credentials("u", "d", "c").build();
        DeviceOta ota = DeviceOta.install(device, target, OtaSettings.defaults().withCompression("zlib"));
        device.closeAsync().toCompletableFuture().get(30, TimeUnit.SECONDS);

        // a begin that reached a handler thread before the close, run after it: nothing is left to clean it up
        assertThat(ota.begin(Map.of("size", 64, "checksum", "00", "compression", "zlib", "compressed_size", 32,
                "compressed_checksum", "00"))).containsEntry("success", false);

        // the spool file is created only after the image is opened
        assertThat(opened).as("the image was never opened").hasValue(0);
    }

    private static Set<Path> spoolFiles() throws IOException {
        Set<Path> files = new HashSet<>();
        try (DirectoryStream<Path> found = Files.newDirectoryStream(TMP, "iotmp-ota-*.part")) {
            found.forEach(files::add);
        }
        return files;
    }
}
