package io.cameliotmp.examples.kafka;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.test.FreePorts;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.test.junit5.CamelContextConfiguration;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;
import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Batches of samples while Kafka is not there: a Kafka send waits up to {@code max-block-ms} for the broker's
 * metadata, and camel-kafka sends every record of a list body, so a batch of n records held its samples in flight
 * (the device paused at its bound, a stop waiting on it) for n times that wait: 20 records took 40 s, the README's
 * batches of a thousand over half an hour. A batch now gives up after the first send that timed out waiting for the
 * broker.
 */
class BatchedKafkaUnavailableTest extends CamelMainTestSupport {

    /** Upper bound of the wait: far above one max-block-ms (2 s), and above the 40 s the old behaviour needed. */
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final int BATCH = 20;
    /** Static: configureContext runs in the constructor, before instance fields are set. */
    private static final int PORT = FreePorts.next();

    @Override
    public void configureContext(CamelContextConfiguration configuration) {
        super.configureContext(configuration);
        Properties overrides = new Properties();
        // a port nothing listens on: no broker
        overrides.put("camel.component.kafka.brokers", "127.0.0.1:" + FreePorts.next());
        overrides.put("camel.component.kafka.interceptor-classes", SampleSends.class.getName());
        overrides.put("camel.component.iotmp.host", "127.0.0.1");
        overrides.put("camel.component.iotmp.port", String.valueOf(PORT));
        overrides.put("camel.component.iotmp.device-credentials", "acme/*=s3cret");
        overrides.put("bridge.batch-size", String.valueOf(BATCH));
        // batches are cut by size alone: the test's samples make exactly one
        overrides.put("bridge.batch-timeout", String.valueOf(TimeUnit.HOURS.toMillis(1)));
        configuration.withUseOverridePropertiesWithPropertiesComponent(overrides);
    }

    @Override
    protected Class<?> getMainClass() {
        return KafkaBridgeApplication.class;
    }

    @Test
    void aBatchGivesUpOnKafkaAfterOneSendThatTimedOut() throws Exception {
        SampleSends.reset();
        AtomicInteger value = new AtomicInteger();
        IotmpDevice device = IotmpDevice.builder().host("127.0.0.1").port(PORT).credentials("acme", "thermo", "s3cret")
                .requestTimeout(WAIT).build();
        device.resource("temperature").output(() -> Map.of("celsius", value.incrementAndGet()));
        NotifyBuilder failed = new NotifyBuilder(context).fromRoute("samples-temperature").whenFailed(1).create();
        try (device) {
            device.start().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            // the stream's first sample comes as the server opens it, the second once the device sees it open; the
            // rest fill the batch
            await().atMost(WAIT).until(() -> device.stream("temperature"));
            for (int i = 2; i < BATCH; i++) {
                assertThat(device.stream("temperature")).isTrue();
            }

            // the batch failed (a send was refused) and left the route: its samples are released
            await().atMost(WAIT).until(() -> SampleSends.failed.get() > 0
                                             && context.getInflightRepository().size("samples-temperature") == 0);

            assertThat(SampleSends.sent.get()).as("sends of the failed batch").isEqualTo(1);
            // dropped and counted as one outage, logged once, not a failed exchange that Camel's error handler and
            // the stream consumer each logged with its stack trace
            SampleSendFailures failures = context.getRegistry().lookupByNameAndType(
                    KafkaBridgeRoutes.SAMPLE_SEND_FAILURES, SampleSendFailures.class);
            assertThat(failures.dropped()).isEqualTo(BATCH);
            assertThat(failures.outages()).isEqualTo(1);
            assertThat(failed.matches()).as("the batch's exchange failed").isFalse();
        }
    }

    /** Counts the sends to the samples topic, and those that failed, as Kafka's producer makes them. */
    public static final class SampleSends implements ProducerInterceptor<Object, Object> {
        static final AtomicInteger sent = new AtomicInteger();
        static final AtomicInteger failed = new AtomicInteger();

        static void reset() {
            sent.set(0);
            failed.set(0);
        }

        @Override
        public ProducerRecord<Object, Object> onSend(ProducerRecord<Object, Object> record) {
            if ("iotmp.samples".equals(record.topic())) {
                sent.incrementAndGet();
            }
            return record;
        }

        @Override
        public void onAcknowledgement(RecordMetadata metadata, Exception exception) {
            if (exception != null && metadata != null && "iotmp.samples".equals(metadata.topic())) {
                failed.incrementAndGet();
            }
        }

        @Override
        public void close() {
        }

        @Override
        public void configure(Map<String, ?> configs) {
        }
    }
}
