package io.cameliotmp.examples.kafka;

import java.time.Duration;

import io.cameliotmp.test.FreePorts;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The README's demo command: devices' samples, bucket writes and the start-up command's reply all reach Kafka, on the
 * IOTMP port given on the command line ({@code -Dcamel.component.iotmp.port}), as the README runs it away from 25204.
 */
class KafkaBridgeDemoTest {

    @Test
    void theDemoShowsSamplesBucketWritesAndAReply() throws Exception {
        int port = FreePorts.next();
        System.setProperty(KafkaBridgeDemo.IOTMP_PORT_PROPERTY, String.valueOf(port));
        try {
            assertThat(KafkaBridgeDemo.iotmpPort()).as("the demo's port from the command line").isEqualTo(port);
            try (KafkaBridgeDemo demo = KafkaBridgeDemo.start(KafkaBridgeDemo.iotmpPort())) {
                await().atMost(Duration.ofSeconds(60)).until(() -> seen(demo, "iotmp.samples", "demo/device-3")
                                                                   && seen(demo, "iotmp.buckets", "demo/device-2")
                                                                   && seen(demo, "iotmp.replies", "demo-1"));
                await().atMost(Duration.ofSeconds(60)).until(() -> demo.seen().stream()
                        .anyMatch(r -> r.topic().equals("iotmp.replies") && r.value().contains("\"ok\":true")
                                       && r.value().contains("\"on\":true")));
            }
        } finally {
            System.clearProperty(KafkaBridgeDemo.IOTMP_PORT_PROPERTY);
        }
    }

    private static boolean seen(KafkaBridgeDemo demo, String topic, String key) {
        return demo.seen().stream().anyMatch(r -> r.topic().equals(topic) && key.equals(r.key()));
    }
}
