package io.cameliotmp.server.ota;

import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.DeflaterOutputStream;

import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.device.OtaSettings;
import io.cameliotmp.server.DeviceId;
import io.cameliotmp.server.DeviceRequest;
import io.cameliotmp.server.IotmpServer;
import io.cameliotmp.server.IotmpServerConfig;
import io.cameliotmp.server.StaticAuthenticator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.testing.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The device end of OTA in the Java device client, driven step by step: what it refuses and the bounds it keeps
 * against a server that sends more than it announced. And the server's reading of a device's options, which it
 * does not trust either.
 */
class DeviceOtaResourcesTest {

    private static final DeviceId DEVICE = new DeviceId("alice", "esp32");

    private IotmpServer server;
    private IotmpDevice device;
    private FirmwareUpdateTest.RecordingTarget target;

    @AfterEach
    void stop() {
        if (device != null) {
            device.close();
        }
        if (server != null) {
            server.stop();
        }
    }

    private void start(OtaSettings settings) {
        server = new IotmpServer(IotmpServerConfig.builder().host("127.0.0.1").port(0).nativeTransport(false)
                .authenticator(StaticAuthenticator.parse("alice/esp32=s3cr3t")).build());
        server.start();
        target = new FirmwareUpdateTest.RecordingTarget();
        device = IotmpDevice.builder().host("127.0.0.1").port(server.localAddress().getPort())
                .credentials("alice", "esp32", "s3cr3t").noReconnect().ota(target, settings).build();
        device.start();
        assertThat(device.awaitConnected(Duration.ofSeconds(30))).isTrue();
        eventually().until(() -> server.registry().isConnected(DEVICE));
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> run(String resource, Object input) throws Exception {
        return (Map<String, Object>) server.send(DEVICE, DeviceRequest.run(resource, input), Duration.ofSeconds(30))
                .get().payload();
    }

    private static Map<String, Object> begin(long size, byte[] image, String compression, byte[] compressed)
            throws Exception {
        Map<String, Object> begin = new LinkedHashMap<>();
        begin.put("size", size);
        begin.put("checksum", md5(image));
        if (compression != null) {
            begin.put("compression", compression);
            begin.put("compressed_size", (long) compressed.length);
            begin.put("compressed_checksum", md5(compressed));
        }
        return begin;
    }

    private static String md5(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
    }

    @Test
    void advertisesItsOptionsAsTheArduinoLibraryDoes() throws Exception {
        start(OtaSettings.defaults().withBlockSize(2048).withVersion("\"1.0\""));
        assertThat(run(FirmwareUpdate.OPTIONS, null)).containsEntry("enabled", true).containsEntry("block_size", 2048L)
                .containsEntry("timeout", 30000L).containsEntry("compression", "zlib")
                .containsEntry("checksum", "md5").containsEntry("version", "\"1.0\"");
        assertThat(run(FirmwareUpdate.VERSION, null)).containsEntry("version", "\"1.0\"");
    }

    @Test
    void refusesWhatTheLibraryRefuses() throws Exception {
        start(OtaSettings.defaults());
        byte[] image = new byte[100];
        assertThat(run(FirmwareUpdate.WRITE, new byte[10])).containsEntry("success", false)
                .containsEntry("error", "no OTA update in progress");
        assertThat(run(FirmwareUpdate.END, null)).containsEntry("error", "No OTA update in progress");
        assertThat(run(FirmwareUpdate.BEGIN, Map.of())).isEqualTo(Map.of("success", false));
        assertThat(run(FirmwareUpdate.BEGIN, begin(100, image, "gzip", new byte[5])))
                .containsEntry("error", "Unsupported compression");
        assertThat(run(FirmwareUpdate.BEGIN, begin(100, image, null, null))).containsEntry("success", true);
        // an update is running: a second begin is refused without a reason, as boards do
        assertThat(run(FirmwareUpdate.BEGIN, begin(100, image, null, null))).isEqualTo(Map.of("success", false));
        assertThat(run(FirmwareUpdate.WRITE, "not bytes")).containsEntry("error", "Invalid input type received");
        assertThat(target.discarded.get()).isEqualTo(1);
    }

    @Test
    void neverTakesMoreThanAnnounced() throws Exception {
        start(OtaSettings.defaults().withCompression(""));
        byte[] image = new byte[100];
        assertThat(run(FirmwareUpdate.BEGIN, begin(100, image, null, null))).containsEntry("success", true);
        assertThat(run(FirmwareUpdate.WRITE, new byte[60])).containsEntry("success", true);
        assertThat(run(FirmwareUpdate.END, null)).containsEntry("error", "Cannot end OTA with missing bytes");
        assertThat(run(FirmwareUpdate.BEGIN, begin(100, image, null, null))).containsEntry("success", true);
        assertThat(run(FirmwareUpdate.WRITE, new byte[60])).containsEntry("success", true);
        assertThat((String) run(FirmwareUpdate.WRITE, new byte[60]).get("error")).contains("more bytes than announced");
        assertThat(target.committed()).isNull();
    }

    /** An image larger than the device takes is refused at begin, before a target or spool file is opened. */
    @Test
    void refusesAnImageLargerThanItsBound() throws Exception {
        start(OtaSettings.defaults().withMaxImageSize(1000));
        byte[] image = new byte[1001];
        assertThat(run(FirmwareUpdate.BEGIN, begin(1001, image, null, null))).containsEntry("success", false)
                .containsEntry("error", "Not Enough Space");
        assertThat(run(FirmwareUpdate.BEGIN, begin(1000, new byte[1000], "zlib", new byte[1001])))
                .containsEntry("success", false).containsEntry("error", "Not Enough Space");
        assertThat(target.opened.get()).isZero();
        // the bound itself is taken
        assertThat(run(FirmwareUpdate.BEGIN, begin(1000, new byte[1000], null, null))).containsEntry("success", true);
        assertThat(target.opened.get()).isEqualTo(1);
        assertThatThrownBy(() -> OtaSettings.defaults().withMaxImageSize(0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aSmallCompressedStreamCannotInflateBeyondTheAnnouncedSize() throws Exception {
        start(OtaSettings.defaults().withCompression("zlib"));
        byte[] huge = new byte[10 * 1024 * 1024];
        ByteArrayOutputStream zlib = new ByteArrayOutputStream();
        try (DeflaterOutputStream out = new DeflaterOutputStream(zlib)) {
            out.write(huge);
        }
        byte[] bomb = zlib.toByteArray();
        assertThat(bomb.length).isLessThan(32 * 1024);
        // announces 1000 bytes, sends 10 MiB of zeros compressed into a few KiB
        assertThat(run(FirmwareUpdate.BEGIN, begin(1000, new byte[1000], "zlib", bomb))).containsEntry("success",
                true);
        assertThat(run(FirmwareUpdate.WRITE, bomb)).containsEntry("success", true);
        assertThat((String) run(FirmwareUpdate.END, null).get("error")).contains("inflates beyond its size");
        assertThat(target.committed()).isNull();
        assertThat(target.discarded.get()).isEqualTo(1);
    }

    @Test
    void dropsAnUpdateWithoutProgressForItsTimeout() throws Exception {
        start(OtaSettings.defaults().withCompression("").withTimeout(Duration.ofSeconds(1)));
        byte[] image = new byte[100];
        assertThat(run(FirmwareUpdate.BEGIN, begin(100, image, null, null))).containsEntry("success", true);
        eventually().until(() -> "no OTA update in progress".equals(run(FirmwareUpdate.WRITE, new byte[1])
                .get("error")));
        assertThat(target.discarded.get()).isEqualTo(1);
    }

    @Test
    void theServerBoundsWhatADeviceAdvertises() {
        Map<String, Object> hostile = new LinkedHashMap<>();
        hostile.put("enabled", "yes");
        hostile.put("block_size", 1L << 40);
        hostile.put("timeout", Double.POSITIVE_INFINITY);
        hostile.put("compression", 42L);
        hostile.put("version", "v".repeat(10_000));
        DeviceOtaOptions options = DeviceOtaOptions.parse(hostile);
        assertThat(options.enabled()).isTrue();
        assertThat(options.blockSize()).isEqualTo(DeviceOtaOptions.MAX_BLOCK_SIZE);
        assertThat(options.timeoutMillis()).isEqualTo(DeviceOtaOptions.DEFAULT_TIMEOUT_MILLIS);
        assertThat(options.compression()).isEmpty();
        assertThat(options.version()).hasSize(128);

        Map<String, Object> negative = Map.of("block_size", -5L, "timeout", 1e12, "enabled", false);
        DeviceOtaOptions parsed = DeviceOtaOptions.parse(negative);
        assertThat(parsed.enabled()).isFalse();
        assertThat(parsed.blockSize()).isEqualTo(DeviceOtaOptions.DEFAULT_BLOCK_SIZE);
        assertThat(parsed.timeoutMillis()).isEqualTo(DeviceOtaOptions.MAX_TIMEOUT_MILLIS);
        assertThat(DeviceOtaOptions.isKnownVersion("\"\"")).isFalse();
        assertThat(DeviceOtaOptions.isKnownVersion("\"1.0\"")).isTrue();
    }
}
