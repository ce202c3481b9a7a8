package io.cameliotmp.examples.mqtt;

import java.time.Duration;

import io.cameliotmp.test.FreePorts;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The README's demo command: the devices' samples and the start-up command's result reach the broker, on the ports
 * given on the command line ({@code -Ddemo.mqtt-port}, {@code -Dcamel.component.iotmp.port}), as the README runs it
 * away from 1883 and 25204.
 */
class MqttBridgeDemoTest {

    @Test
    void theDemoShowsSamplesAndAResult() throws Exception {
        int mqttPort = FreePorts.next();
        int iotmpPort = FreePorts.next();
        System.setProperty(MqttBridgeDemo.MQTT_PORT_PROPERTY, String.valueOf(mqttPort));
        System.setProperty(MqttBridgeDemo.IOTMP_PORT_PROPERTY, String.valueOf(iotmpPort));
        try {
            assertThat(MqttBridgeDemo.mqttPort()).as("the broker's port from the command line").isEqualTo(mqttPort);
            assertThat(MqttBridgeDemo.iotmpPort()).as("the bridge's port from the command line").isEqualTo(iotmpPort);
            try (MqttBridgeDemo demo = MqttBridgeDemo.start(MqttBridgeDemo.mqttPort(), MqttBridgeDemo.iotmpPort())) {
                await().atMost(Duration.ofSeconds(60)).until(() -> demo.seen().stream().anyMatch(
                        m -> m.topic().equals("devices/device-3/temperature") && m.payload().contains("celsius")));
                await().atMost(Duration.ofSeconds(60)).until(() -> demo.seen().stream().anyMatch(
                        m -> m.topic().equals("devices/device-1/led/result") && m.payload().contains("\"ok\":true")));
            }
        } finally {
            System.clearProperty(MqttBridgeDemo.MQTT_PORT_PROPERTY);
            System.clearProperty(MqttBridgeDemo.IOTMP_PORT_PROPERTY);
        }
    }
}
