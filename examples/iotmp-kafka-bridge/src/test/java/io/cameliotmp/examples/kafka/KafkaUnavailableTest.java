package io.cameliotmp.examples.kafka;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.device.IotmpErrorException;
import io.cameliotmp.test.FreePorts;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.test.junit5.CamelContextConfiguration;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The README's promise for a Kafka that is not there: a device's bucket write is answered with an ERROR, and the
 * device stays connected. A Kafka send waits for the broker's metadata on the thread that serves the device, at
 * most {@code camel.component.kafka.max-block-ms}; with Kafka's own 60 s the writes and samples queued behind each
 * other kept the device's connection unanswered until it gave up on the server.
 */
class KafkaUnavailableTest extends CamelMainTestSupport {

    /** Upper bound of the wait: far above the application's max-block-ms, below Kafka's default of 60 s. */
    private static final Duration WAIT = Duration.ofSeconds(40);
    /** Static: configureContext runs in the constructor, before instance fields are set. */
    private static final int PORT = FreePorts.next();

    @Override
    public void configureContext(CamelContextConfiguration configuration) {
        super.configureContext(configuration);
        Properties overrides = new Properties();
        // a port nothing listens on: no broker
        overrides.put("camel.component.kafka.brokers", "127.0.0.1:" + FreePorts.next());
        overrides.put("camel.component.iotmp.host", "127.0.0.1");
        overrides.put("camel.component.iotmp.port", String.valueOf(PORT));
        overrides.put("camel.component.iotmp.device-credentials", "acme/*=s3cret");
        configuration.withUseOverridePropertiesWithPropertiesComponent(overrides);
    }

    @Override
    protected Class<?> getMainClass() {
        return KafkaBridgeApplication.class;
    }

    @Test
    void aBucketWriteIsAnsweredWithAnErrorWhileKafkaIsDown() throws Exception {
        // the device waits as long as this test does: what decides is whether the answer comes before Kafka's own
        // 60 s, never how fast a loaded machine runs the 2 s sends
        IotmpDevice device = IotmpDevice.builder().host("127.0.0.1").port(PORT).credentials("acme", "logger", "s3cret")
                .requestTimeout(WAIT).build();
        // a bridged stream: its first sample goes to Kafka, and waits there, before the write
        device.resource("temperature").output(() -> Map.of("celsius", 21.5));
        try (device) {
            device.start().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);

            CompletableFuture<Object> write = device.writeBucket("climate", Map.of("celsius", 22), true)
                    .toCompletableFuture();

            assertThatThrownBy(() -> write.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                    .as("the write's answer, within %s", WAIT).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(IotmpErrorException.class);
            assertThat(device.isConnected()).isTrue();
        }
    }

    @Test
    void aSampleKafkaDoesNotTakeIsDroppedAndCountedNotAFailedExchange() throws Exception {
        NotifyBuilder failed = new NotifyBuilder(context).fromRoute("samples-temperature").whenFailed(1).create();
        SampleSendFailures failures = context.getRegistry().lookupByNameAndType(KafkaBridgeRoutes.SAMPLE_SEND_FAILURES,
                SampleSendFailures.class);
        IotmpDevice device = IotmpDevice.builder().host("127.0.0.1").port(PORT).credentials("acme", "thermo", "s3cret")
                .requestTimeout(WAIT).build();
        device.resource("temperature").output(() -> Map.of("celsius", 21.5));
        try (device) {
            device.start().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            // the stream's first sample goes as the server opens it
            await().atMost(WAIT).until(() -> failures.dropped() >= 1);
            assertThat(failures.outages()).isEqualTo(1);
            assertThat(failed.matches()).as("the sample's exchange failed").isFalse();
        }
    }
}
