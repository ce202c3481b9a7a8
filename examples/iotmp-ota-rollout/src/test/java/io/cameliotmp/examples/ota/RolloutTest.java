package io.cameliotmp.examples.ota;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.device.OtaSettings;
import io.cameliotmp.device.OtaTarget;
import io.cameliotmp.protocol.session.FirmwareVersionMarker;
import io.cameliotmp.test.FreePorts;
import org.apache.camel.test.junit5.CamelContextConfiguration;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;
import org.apache.camel.util.json.Jsoner;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rollout as shipped (application.properties and RolloutRoutes, loaded by Camel Main) against eight simulated
 * devices of which two have failing flash: the canary first, then waves of three updated two at a time, and a stop
 * before the next batch once more than one device failed.
 */
class RolloutTest extends CamelMainTestSupport {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final List<Integer> FAILING = List.of(3, 5);

    /** Static: {@link #configureContext} runs in the constructor, before instance fields are set. */
    private static final int PORT = FreePorts.next();
    /** Fresh directories for each run: the file consumer watches one, reports go to the other. */
    private static final Path DIR = Path.of("target", "rollout-test-" + System.nanoTime());
    private final List<IotmpDevice> devices = new ArrayList<>();
    /** What the devices' flash saw, in order: "open device-n", "commit device-n", "discard device-n". */
    private final List<String> flashEvents = new CopyOnWriteArrayList<>();
    private final AtomicInteger updating = new AtomicInteger();
    private final AtomicInteger mostAtOnce = new AtomicInteger();

    @Override
    public void configureContext(CamelContextConfiguration configuration) {
        super.configureContext(configuration);
        Properties overrides = new Properties();
        overrides.put("camel.component.iotmp.host", "127.0.0.1");
        overrides.put("camel.component.iotmp.port", String.valueOf(PORT));
        overrides.put("rollout.dir", DIR.resolve("firmware").toString());
        overrides.put("rollout.reports", DIR.resolve("reports").toString());
        overrides.put("rollout.canary", "1");
        overrides.put("rollout.wave-size", "3");
        overrides.put("rollout.concurrency", "2");
        overrides.put("rollout.max-failures", "1");
        overrides.put("rollout.reboot-timeout", "60000");
        configuration.withUseOverridePropertiesWithPropertiesComponent(overrides);
    }

    @AfterEach
    void closeDevices() {
        devices.forEach(IotmpDevice::close);
    }

    private void connectFleet() {
        for (int n = 1; n <= 8; n++) {
            String id = "device-" + n;
            IotmpDevice device = IotmpDevice.builder().host("127.0.0.1").port(PORT).credentials("demo", id, "secret")
                    .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(200))
                    .ota(new Flash(id, FAILING.contains(n)), OtaSettings.defaults().withVersion("1.0.0")).build();
            devices.add(device);
            device.start();
        }
        for (IotmpDevice device : devices) {
            assertThat(device.awaitConnected(WAIT)).as(device.deviceId()).isTrue();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void rollsOutCanaryFirstThenWavesAndStopsAfterTooManyFailures(@TempDir Path images) throws Exception {
        connectFleet();
        Path image = images.resolve("firmware-2.0.0.bin");
        byte[] bytes = new byte[50_000];
        new Random(1).nextBytes(bytes);
        byte[] marker = FirmwareVersionMarker.bytesOf("2.0.0");
        bytes[99] = 0;
        System.arraycopy(marker, 0, bytes, 100, marker.length);
        bytes[100 + marker.length] = 0;
        Files.write(image, bytes);

        Map<String, Object> summary = template.requestBody("direct:rollout", image.toFile(), Map.class);

        List<Map<String, Object>> results = (List<Map<String, Object>>) summary.get("results");
        Map<String, String> outcomes = new java.util.TreeMap<>();
        results.forEach(r -> outcomes.put((String) r.get("device"), (String) r.get("outcome")));
        assertThat(outcomes).containsExactlyInAnyOrderEntriesOf(Map.of(
                "device-1", "UPDATED",
                "device-2", "UPDATED", "device-3", "FAILED", "device-4", "UPDATED",
                "device-5", "FAILED", "device-6", "UPDATED", "device-7", "SKIPPED",
                "device-8", "SKIPPED"));
        assertThat(summary).containsEntry("succeeded", 4L).containsEntry("failed", 2).containsEntry("skipped", 2L)
                .containsEntry("stopped", true);
        // the canary was updated alone, before any other device was touched
        assertThat(results.get(0)).containsEntry("device", "device-1").containsEntry("version", "2.0.0");
        assertThat(flashEvents.subList(0, 2)).containsExactly("open device-1", "commit device-1");
        // never more than rollout.concurrency updates at a time
        assertThat(mostAtOnce.get()).isBetween(1, 2);
        // the stop came after the batch of device-5 and device-6, in the middle of their wave: device-7, the wave's
        // last batch, was never touched
        assertThat(flashEvents).doesNotContain("open device-7", "open device-8");
        // failed devices carry their typed failure
        assertThat(results.stream().filter(r -> "FAILED".equals(r.get("outcome"))).map(r -> r.get("failure")))
                .allMatch(f -> "WRITE_FAILED".equals(f) || "END_FAILED".equals(f));

        // the same image dropped into rollout.dir: a second rollout, which leaves updated devices alone, and a report
        // copied under another name first, so that the consumer never sees a partial file
        Path firmware = Files.createDirectories(DIR.resolve("firmware"));
        Path partial = Files.copy(image, firmware.resolve("firmware-2.0.0.partial"));
        Files.move(partial, firmware.resolve("firmware-2.0.0.bin"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        Path report = DIR.resolve("reports").resolve("rollout-firmware-2.0.0.json");
        Awaitility.await().atMost(WAIT).until(() -> Files.exists(report) && Files.size(report) > 0);
        Map<String, Object> again = (Map<String, Object>) Jsoner.deserialize(Files.readString(report));
        List<Map<String, Object>> second = (List<Map<String, Object>>) again.get("results");
        assertThat(second).filteredOn(r -> "device-1".equals(r.get("device"))).singleElement()
                .satisfies(r -> assertThat(r).containsEntry("outcome", "ALREADY_CURRENT"));
        assertThat(again).containsEntry("stopped", true);

        // and once more under the same name, as the README drops it again: a third rollout and a new report
        java.nio.file.attribute.FileTime firstDrop = Files.getLastModifiedTime(firmware.resolve("firmware-2.0.0.bin"));
        Files.delete(report);
        Path partialAgain = Files.copy(image, firmware.resolve("firmware-2.0.0.partial"));
        // a later copy, whatever the clock's resolution
        Files.setLastModifiedTime(partialAgain,
                java.nio.file.attribute.FileTime.fromMillis(firstDrop.toMillis() + 1_000));
        Files.move(partialAgain, firmware.resolve("firmware-2.0.0.bin"), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Awaitility.await("the report of the image dropped again").atMost(WAIT)
                .until(() -> Files.exists(report) && Files.size(report) > 0);
        Map<String, Object> third = (Map<String, Object>) Jsoner.deserialize(Files.readString(report));
        assertThat((List<Map<String, Object>>) third.get("results"))
                .filteredOn(r -> "device-1".equals(r.get("device"))).singleElement()
                .satisfies(r -> assertThat(r).containsEntry("outcome", "ALREADY_CURRENT"));
    }

    /** A device's flash: records what happens to it; a failing one breaks on the first byte written. */
    private final class Flash implements OtaTarget {
        private final String device;
        private final boolean failing;

        Flash(String device, boolean failing) {
            this.device = device;
            this.failing = failing;
        }

        @Override
        public OutputStream open(long size) {
            flashEvents.add("open " + device);
            mostAtOnce.accumulateAndGet(updating.incrementAndGet(), Math::max);
            return new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    if (failing) {
                        throw new IOException("flash write error");
                    }
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    write(0);
                }
            };
        }

        @Override
        public void commit() {
            updating.decrementAndGet();
            flashEvents.add("commit " + device);
        }

        @Override
        public void discard() {
            updating.decrementAndGet();
            flashEvents.add("discard " + device);
        }
    }
}
