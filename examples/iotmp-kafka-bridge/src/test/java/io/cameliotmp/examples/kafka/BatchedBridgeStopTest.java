package io.cameliotmp.examples.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.test.FreePorts;
import org.apache.camel.test.junit5.CamelContextConfiguration;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The batched bridge stopping with a partial batch open: Camel's graceful shutdown hands the open batch to the route
 * and waits for it, so every sample the bridge took is in Kafka once it has stopped, in the device's order.
 */
class BatchedBridgeStopTest extends CamelMainTestSupport {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int PORT = FreePorts.next();

    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = EmbeddedKafka.start(EmbeddedKafka.TOPICS);
    }

    @AfterAll
    static void stopKafka() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Override
    public void configureContext(CamelContextConfiguration configuration) {
        super.configureContext(configuration);
        Properties overrides = new Properties();
        overrides.put("camel.component.kafka.brokers", kafka.bootstrapServers());
        overrides.put("camel.component.kafka.auto-offset-reset", "earliest");
        overrides.put("camel.component.kafka.poll-timeout-ms", "500");
        overrides.put("camel.component.iotmp.host", "127.0.0.1");
        overrides.put("camel.component.iotmp.port", String.valueOf(PORT));
        overrides.put("camel.component.iotmp.device-credentials", "acme/*=s3cret");
        overrides.put("bridge.batch-size", "1000");
        // no batch is cut by time while the test runs: only the stop hands the samples on
        overrides.put("bridge.batch-timeout", String.valueOf(TimeUnit.HOURS.toMillis(1)));
        configuration.withUseOverridePropertiesWithPropertiesComponent(overrides);
    }

    @Override
    protected Class<?> getMainClass() {
        return KafkaBridgeApplication.class;
    }

    @Test
    void thePartialBatchIsInKafkaOnceTheBridgeHasStopped() throws Exception {
        AtomicInteger value = new AtomicInteger();
        IotmpDevice device = IotmpDevice.builder().host("127.0.0.1").port(PORT).credentials("acme", "thermo", "s3cret")
                .build();
        device.resource("temperature").output(() -> Map.of("celsius", value.incrementAndGet()));
        try (device) {
            device.start().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            await().atMost(WAIT).until(() -> device.stream("temperature"));
            while (value.get() < 10) {
                assertThat(device.stream("temperature")).isTrue();
            }
            // the server reads a connection in order and adds samples to the batch as it reads them: once a later
            // bucket write is answered, all ten are in the open batch
            device.writeBucket("climate", Map.of("celsius", 1), true).toCompletableFuture()
                    .get(WAIT.toSeconds(), TimeUnit.SECONDS);
            context.stop();
        }
        List<String> records = records();
        assertThat(records).hasSize(10);
        for (int i = 0; i < 10; i++) {
            assertThat(records.get(i)).contains("\"celsius\":" + (i + 1) + "}");
        }
    }

    /** The samples topic as it is now, from its beginning to its end. */
    private List<String> records() {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            TopicPartition samples = new TopicPartition("iotmp.samples", 0);
            consumer.assign(List.of(samples));
            consumer.seekToBeginning(List.of(samples));
            long end = consumer.endOffsets(List.of(samples)).get(samples);
            await().atMost(WAIT).pollInSameThread().pollDelay(Duration.ZERO).until(() -> {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
                return consumer.position(samples) >= end;
            });
        }
        return values;
    }
}
