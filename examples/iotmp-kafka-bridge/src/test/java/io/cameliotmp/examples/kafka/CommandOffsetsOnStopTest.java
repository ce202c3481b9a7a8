package io.cameliotmp.examples.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.test.FreePorts;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.camel.test.junit5.CamelContextConfiguration;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A stop of the bridge commits exactly the commands it has run: after the restart none is skipped and none runs again.
 * With Kafka's auto-commit the offsets committed were those of the last auto-commit, seconds old: a route stopped
 * right after a poll's five commands had run (a rolling restart, say) committed none of them, and the next start ran
 * all five on the devices a second time.
 */
class CommandOffsetsOnStopTest extends CamelMainTestSupport {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int COMMANDS = 5;

    private static EmbeddedKafka kafka;

    private final List<IotmpDevice> devices = new ArrayList<>();

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
        overrides.put("camel.component.iotmp.port", String.valueOf(FreePorts.next()));
        overrides.put("camel.component.iotmp.device-credentials", "acme/*=s3cret");
        // the held command must not time out while the test stops the route around it
        overrides.put("camel.component.iotmp.request-timeout", String.valueOf(WAIT.toMillis()));
        configuration.withUseOverridePropertiesWithPropertiesComponent(overrides);
    }

    @Override
    protected Class<?> getMainClass() {
        return KafkaBridgeApplication.class;
    }

    @AfterEach
    void closeDevices() {
        devices.forEach(IotmpDevice::close);
    }

    @Test
    void aStopCommitsExactlyTheCommandsRunSoNoneRunsTwice() throws Exception {
        // the route stands still while the commands are written, so that its next poll fetches all of them at once
        context.getRouteController().stopRoute("commands");

        String name = "valve-" + UUID.randomUUID();
        CountDownLatch firstArrived = new CountDownLatch(1);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        List<Integer> received = new CopyOnWriteArrayList<>();
        IotmpDevice device = IotmpDevice.builder().host("127.0.0.1").port(iotmpPort())
                .credentials("acme", name, "s3cret").build();
        device.resource("valve").inputOutput(in -> {
            received.add(((Number) ((Map<?, ?>) in).get("n")).intValue());
            if (received.size() == 1) {
                firstArrived.countDown();
                try {
                    releaseFirst.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return Map.of("ok", true);
        });
        devices.add(device);
        device.start().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);

        for (int n = 1; n <= COMMANDS; n++) {
            send("cmd-" + n, "{\"user\":\"acme\",\"device\":\"" + name + "\",\"resource\":\"valve\",\"input\":{\"n\":"
                             + n + "}}");
        }
        context.getRouteController().startRoute("commands");
        assertThat(firstArrived.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the first command reached the device")
                .isTrue();

        // stop while the first command is with the device; the rest of its poll is fetched but not run
        CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> {
            try {
                context.getRouteController().stopRoute("commands");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        // a stopping route first suspends its consumer (Kafka's fetching pauses), then waits for the command in flight
        await().atMost(WAIT).until(() -> {
            ServiceSupport consumer = (ServiceSupport) context.getRoute("commands").getConsumer();
            return consumer.isSuspendingOrSuspended() || consumer.isStoppingOrStopped();
        });
        releaseFirst.countDown();
        stopped.get(WAIT.toSeconds(), TimeUnit.SECONDS);

        // exactly the commands run are committed: the next start neither skips nor repeats one
        List<Integer> runBeforeStop = List.copyOf(received);
        assertThat(runBeforeStop).as("commands run before the stop").startsWith(1);
        assertThat(committedOffset()).as("offset committed for the command topic").isEqualTo(runBeforeStop.size());

        context.getRouteController().startRoute("commands");
        await().atMost(WAIT).untilAsserted(() -> assertThat(received).containsExactly(1, 2, 3, 4, 5));
    }

    private int iotmpPort() {
        return Integer.parseInt(context.resolvePropertyPlaceholders("{{camel.component.iotmp.port}}"));
    }

    private long committedOffset() throws Exception {
        String group = context.resolvePropertyPlaceholders("{{bridge.group-id}}");
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            OffsetAndMetadata committed = offsets.get(new TopicPartition("iotmp.commands", 0));
            return committed == null ? 0 : committed.offset();
        }
    }

    private static void send(String key, String value) throws Exception {
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
            producer.send(new ProducerRecord<>("iotmp.commands", key, value)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }
    }
}
