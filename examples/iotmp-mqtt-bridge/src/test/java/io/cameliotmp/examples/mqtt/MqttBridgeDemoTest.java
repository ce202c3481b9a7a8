package io.cameliotmp.examples.mqtt;

import java.time.Duration;

import io.cameliotmp.test.FreePorts;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;

/** The README's demo command: the devices' samples and the start-up command's result reach the broker. */
class MqttBridgeDemoTest {

    @Test
    void theDemoShowsSamplesAndAResult() throws Exception {
        try (MqttBridgeDemo demo = MqttBridgeDemo.start(FreePorts.next(),
                FreePorts.next())) {
            await().atMost(Duration.ofSeconds(60)).until(() -> demo.seen().stream().anyMatch(
                    m -> m.topic().equals("devices/device-3/temperature") && m.payload().contains("celsius")));
            await().atMost(Duration.ofSeconds(60)).until(() -> demo.seen().stream().anyMatch(
                    m -> m.topic().equals("devices/device-1/led/result") && m.payload().contains("\"ok\":true")));
        }
    }
}
