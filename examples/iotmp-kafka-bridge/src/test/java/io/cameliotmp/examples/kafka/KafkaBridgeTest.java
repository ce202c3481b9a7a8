package io.cameliotmp.examples.kafka;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.device.IotmpErrorException;
import io.cameliotmp.test.FreePorts;
import org.apache.camel.test.junit5.CamelContextConfiguration;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The bridge as it runs (Camel Main, its routes and application.properties) against a real single-node KRaft Kafka
 * broker in this JVM and a device played by {@link IotmpDevice}.
 */
class KafkaBridgeTest extends CamelMainTestSupport {

    /** Upper bound of every wait: generous, so that a loaded machine does not reach it. */
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static EmbeddedKafka kafka;

    private final ObjectMapper json = new ObjectMapper();
    private final List<IotmpDevice> devices = new ArrayList<>();
    private final AtomicReference<Object> led = new AtomicReference<>(Map.of("on", false));
    private volatile double celsius = 21.5;

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

    /** Runs in the constructor, after {@link #startKafka}: the app's properties with the test's broker and port. */
    @Override
    public void configureContext(CamelContextConfiguration configuration) {
        super.configureContext(configuration);
        Properties overrides = new Properties();
        overrides.put("camel.component.kafka.brokers", kafka.bootstrapServers());
        // with "latest" a command sent before the bridge's group has joined would be skipped; the topics are new,
        // so "earliest" replays nothing stale
        overrides.put("camel.component.kafka.auto-offset-reset", "earliest");
        // a stopping consumer finishes its current poll first; a short one keeps each test's shutdown short
        overrides.put("camel.component.kafka.poll-timeout-ms", "500");
        overrides.put("camel.component.iotmp.host", "127.0.0.1");
        overrides.put("camel.component.iotmp.port", String.valueOf(FreePorts.next()));
        overrides.put("camel.component.iotmp.device-credentials", "acme/*=s3cret");
        override(overrides);
        configuration.withUseOverridePropertiesWithPropertiesComponent(overrides);
    }

    /** Properties a variant of this test sets on top of the above. */
    protected void override(Properties overrides) {
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
    void deviceSamplesBecomeRecordsKeyedByDevice() throws Exception {
        String device = "thermo-" + UUID.randomUUID();
        IotmpDevice thermo = connect(device);

        // the stream opens when the device connects and starts with the current value
        JsonNode first = awaitRecord("iotmp.samples", "acme/" + device, v -> true);
        assertThat(first.get("resource").asText()).isEqualTo("temperature");
        assertThat(first.get("value").get("celsius").asDouble()).isEqualTo(21.5);
        assertThat(first.get("timestamp").asLong()).isPositive();

        celsius = 30.25;
        assertThat(thermo.stream("temperature")).isTrue();
        JsonNode changed = awaitRecord("iotmp.samples", "acme/" + device,
                v -> v.get("value").get("celsius").asDouble() == 30.25);
        assertThat(changed.get("user").asText()).isEqualTo("acme");
        assertThat(changed.get("device").asText()).isEqualTo(device);
    }

    @Test
    void aBurstOfSamplesArrivesCompleteAndInOrder() throws Exception {
        String device = "burst-" + UUID.randomUUID();
        IotmpDevice burst = connect(device);
        awaitRecord("iotmp.samples", "acme/" + device, v -> true);
        int samples = 200;
        for (int i = 1; i <= samples; i++) {
            celsius = i;
            assertThat(burst.stream("temperature")).isTrue();
        }
        List<Double> values = new ArrayList<>();
        awaitRecord("iotmp.samples", "acme/" + device, v -> {
            values.add(v.get("value").get("celsius").asDouble());
            return v.get("value").get("celsius").asDouble() == samples;
        });
        // the first value (21.5) and then every one of the burst, each once, in the order the device sent them
        assertThat(values).hasSize(samples + 1);
        for (int i = 1; i <= samples; i++) {
            assertThat(values.get(i)).as("record %d", i).isEqualTo((double) i);
        }
    }

    @Test
    void bucketWritesAreConfirmedOnceInKafka() throws Exception {
        String device = "logger-" + UUID.randomUUID();
        IotmpDevice logger = connect(device);

        Object ok = logger.writeBucket("climate", Map.of("celsius", 22, "humidity", 40.5), true)
                .toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertThat(ok).isNull(); // a bare OK
        JsonNode record = awaitRecord("iotmp.buckets", "acme/" + device, v -> true);
        assertThat(record.get("bucket").asText()).isEqualTo("climate");
        assertThat(record.get("data")).isEqualTo(json.readTree("{\"celsius\":22,\"humidity\":40.5}"));
    }

    @Test
    void commandsRunResourcesAndGetReplies() throws Exception {
        String device = "actuator-" + UUID.randomUUID();
        connect(device);

        String input = "{\"id\":\"led-1\",\"user\":\"acme\",\"device\":\"" + device
                       + "\",\"resource\":\"led\",\"input\":{\"on\":true}}";
        send("cmd-led-" + device, input, "trace-id", "t-42");
        ConsumerRecord<String, String> ledRecord = awaitConsumerRecord("iotmp.replies", "cmd-led-" + device,
                v -> true);
        // a caller's own headers come back with the reply, like the key
        assertThat(ledRecord.headers().lastHeader("trace-id").value())
                .isEqualTo("t-42".getBytes(StandardCharsets.UTF_8));
        JsonNode ledReply = json.readTree(ledRecord.value());
        assertThat(ledReply.get("ok").asBoolean()).isTrue();
        assertThat(ledReply.get("id").asText()).isEqualTo("led-1");
        assertThat(ledReply.get("output").isNull()).isTrue(); // an input resource returns nothing
        assertThat(led.get()).isEqualTo(Map.of("on", true));

        send("cmd-echo-" + device, "{\"user\":\"acme\",\"device\":\"" + device
                                   + "\",\"resource\":\"echo\",\"input\":[1,\"two\"]}");
        JsonNode echoReply = awaitRecord("iotmp.replies", "cmd-echo-" + device, v -> true);
        assertThat(echoReply.get("ok").asBoolean()).isTrue();
        assertThat(echoReply.get("output")).isEqualTo(json.readTree("{\"echo\":[1,\"two\"]}"));
    }

    @Test
    void failedCommandsGetErrorReplies() throws Exception {
        String device = "flaky-" + UUID.randomUUID();
        connect(device);

        send("cmd-missing-" + device, "{\"id\":\"m\",\"user\":\"acme\",\"device\":\"" + device
                                      + "\",\"resource\":\"no-such-resource\"}");
        JsonNode missing = awaitRecord("iotmp.replies", "cmd-missing-" + device, v -> true);
        assertThat(missing.get("ok").asBoolean()).isFalse();
        assertThat(missing.get("id").asText()).isEqualTo("m");
        assertThat(missing.get("error").get("type").asText()).isEqualTo("deviceError");
        // devices answer an unknown resource with a bare ERROR
        assertThat(missing.get("error").has("status")).isFalse();

        send("cmd-jammed-" + device, "{\"user\":\"acme\",\"device\":\"" + device
                                     + "\",\"resource\":\"motor\",\"input\":{\"rpm\":900}}");
        JsonNode jammed = awaitRecord("iotmp.replies", "cmd-jammed-" + device, v -> true);
        assertThat(jammed.get("ok").asBoolean()).isFalse();
        assertThat(jammed.get("error").get("type").asText()).isEqualTo("deviceError");
        assertThat(jammed.get("error").get("status").asInt()).isEqualTo(503);
        assertThat(jammed.get("error").get("message").asText()).isEqualTo("motor jammed");

        send("cmd-offline-" + device, "{\"user\":\"acme\",\"device\":\"nobody-" + device
                                      + "\",\"resource\":\"led\",\"input\":{\"on\":true}}");
        JsonNode offline = awaitRecord("iotmp.replies", "cmd-offline-" + device, v -> true);
        assertThat(offline.get("ok").asBoolean()).isFalse();
        assertThat(offline.get("error").get("type").asText()).isEqualTo("notConnected");

        send("cmd-garbage-" + device, "{not json");
        JsonNode garbage = awaitRecord("iotmp.replies", "cmd-garbage-" + device, v -> true);
        assertThat(garbage.get("ok").asBoolean()).isFalse();
        assertThat(garbage.get("error").get("type").asText()).isEqualTo("invalidCommand");

        send("cmd-incomplete-" + device, "{\"user\":\"acme\",\"device\":\"" + device + "\"}");
        JsonNode incomplete = awaitRecord("iotmp.replies", "cmd-incomplete-" + device, v -> true);
        assertThat(incomplete.get("error").get("type").asText()).isEqualTo("invalidCommand");
        assertThat(incomplete.get("error").get("message").asText()).contains("resource");
    }

    @Test
    void aReplyTooLargeForKafkaIsReplacedByAnErrorReplyAndCommitted() throws Exception {
        String device = "chatty-" + UUID.randomUUID();
        connect(device);

        // 200,000 control characters: a device frame well within the server's bound, six times that as JSON
        // ("\u0001" each), beyond the 1 MB Kafka takes by default
        RecordMetadata sent = send("cmd-big-" + device, "{\"id\":\"big-1\",\"user\":\"acme\",\"device\":\""
                                                        + device + "\",\"resource\":\"big\"}");
        JsonNode reply = awaitRecord("iotmp.replies", "cmd-big-" + device, v -> true);

        assertThat(reply.get("ok").asBoolean()).isFalse();
        assertThat(reply.get("id").asText()).isEqualTo("big-1");
        assertThat(reply.get("device").asText()).isEqualTo(device);
        assertThat(reply.get("error").get("type").asText()).isEqualTo("replyTooLarge");
        assertThat(reply.get("error").get("message").asText()).contains("max.request.size");
        // committed like any answered command: a restart does not run it on the device again
        awaitCommitted(sent);
    }

    @Test
    void aRecordWithoutValueIsAnInvalidCommand() throws Exception {
        String key = "cmd-tombstone-" + UUID.randomUUID();
        send(key, null);
        JsonNode tombstone = awaitRecord("iotmp.replies", key, v -> true);
        assertThat(tombstone.get("ok").asBoolean()).isFalse();
        assertThat(tombstone.get("error").get("type").asText()).isEqualTo("invalidCommand");
    }

    @Test
    void aCommandForAnOverlongDeviceIdGetsABoundedErrorReply() throws Exception {
        String device = "target-" + UUID.randomUUID();
        // a device id of 600,000 characters: "not connected" repeated it, and the reply, with the id twice, was too
        // large for Kafka and never sent
        String overlong = "d".repeat(600_000);
        RecordMetadata sent = send("cmd-overlong-" + device, "{\"user\":\"acme\",\"device\":\"" + overlong
                                                             + "\",\"resource\":\"led\"}");
        JsonNode offline = awaitRecord("iotmp.replies", "cmd-overlong-" + device, v -> true);
        assertThat(offline.get("error").get("type").asText()).isEqualTo("notConnected");
        assertThat(offline.get("device").asText()).isEqualTo(overlong);
        assertThat(offline.get("error").get("message").asText())
                .hasSizeLessThanOrEqualTo(KafkaBridgeRoutes.MAX_ERROR_TEXT + 30).endsWith(" characters)");
        awaitCommitted(sent);
    }

    /**
     * A sample too large for Kafka is one record Kafka refuses, not Kafka failing: counted as such, it started an
     * outage (a warning) that the next sample ended (a line with the count), so a device streaming large samples
     * among small ones logged two lines per sample.
     */
    @Test
    void aSampleTooLargeForKafkaIsDroppedWithoutAnOutage() throws Exception {
        String device = "bulky-" + UUID.randomUUID();
        SampleSendFailures failures = context.getRegistry().lookupByNameAndType(KafkaBridgeRoutes.SAMPLE_SEND_FAILURES,
                SampleSendFailures.class);
        AtomicReference<Object> reading = new AtomicReference<>(Map.of("celsius", 0));
        IotmpDevice bulky = connect(device, reading);
        awaitRecord("iotmp.samples", "acme/" + device, v -> true);

        for (int i = 1; i <= 2; i++) {
            // 200,000 control characters: six times that as JSON, beyond the 1 MB Kafka takes by default
            reading.set("\u0001".repeat(200_000));
            assertThat(bulky.stream("temperature")).isTrue();
            reading.set(Map.of("celsius", i));
            assertThat(bulky.stream("temperature")).isTrue();
        }
        awaitRecord("iotmp.samples", "acme/" + device, v -> v.get("value").path("celsius").asInt() == 2);

        assertThat(failures.tooLarge()).isPositive();
        assertThat(failures.outages()).as("outages").isZero();
    }

    /**
     * A bucket write Kafka refuses for its size is answered with an ERROR, so the device keeps its data; Camel's
     * error handler logged each one at ERROR with a stack trace, a device retrying its write filling the log.
     */
    @Test
    void aBucketWriteTooLargeForKafkaIsRefusedWithoutAStackTraceEachTime() throws Exception {
        String device = "hoarder-" + UUID.randomUUID();
        IotmpDevice hoarder = connect(device);
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            for (int i = 0; i < 3; i++) {
                // six times as long as JSON: beyond the 1 MB Kafka takes by default
                CompletableFuture<Object> write = hoarder.writeBucket("climate", "\u0001".repeat(200_000), true)
                        .toCompletableFuture();
                assertThatThrownBy(() -> write.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(IotmpErrorException.class);
            }
        } finally {
            System.setErr(original);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertThat(log.lines().filter(line -> line.contains(" ERROR ") || line.startsWith("\tat ")))
                .as("errors and stack traces logged").isEmpty();
        assertThat(log.lines().filter(line -> line.contains(" WARN "))).as("warnings logged")
                .hasSizeLessThanOrEqualTo(1);
        assertThat(hoarder.isConnected()).isTrue();
    }

    private IotmpDevice connect(String name) throws Exception {
        return connect(name, null);
    }

    /** A device whose temperature is {@code reading}'s value, or {@link #celsius} without one. */
    private IotmpDevice connect(String name, AtomicReference<Object> reading) throws Exception {
        int port = Integer.parseInt(context.resolvePropertyPlaceholders("{{camel.component.iotmp.port}}"));
        IotmpDevice device = IotmpDevice.builder().host("127.0.0.1").port(port).credentials("acme", name, "s3cret")
                .build();
        device.resource("temperature").output(() -> reading != null ? reading.get() : Map.of("celsius", celsius));
        device.resource("led").input(led::set, led::get);
        device.resource("echo").inputOutput(in -> Map.of("echo", in));
        device.resource("big").output(() -> "\u0001".repeat(200_000));
        device.resource("motor").inputOutput(in -> {
            throw new IotmpErrorException(503, Map.of("error", "motor jammed"));
        });
        devices.add(device);
        device.start().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        return device;
    }

    private RecordMetadata send(String key, String value) throws Exception {
        return send(key, value, null, null);
    }

    private RecordMetadata send(String key, String value, String header, String headerValue) throws Exception {
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
            ProducerRecord<String, String> record = new ProducerRecord<>("iotmp.commands", key, value);
            if (header != null) {
                record.headers().add(header, headerValue.getBytes(StandardCharsets.UTF_8));
            }
            return producer.send(record).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    /** Waits until the bridge's group has committed the command {@code sent}. */
    private void awaitCommitted(RecordMetadata sent) throws Exception {
        TopicPartition partition = new TopicPartition(sent.topic(), sent.partition());
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers()))) {
            await().atMost(WAIT).until(() -> {
                OffsetAndMetadata committed = admin.listConsumerGroupOffsets(
                        context.resolvePropertyPlaceholders("{{bridge.group-id}}")).partitionsToOffsetAndMetadata()
                        .get(WAIT.toSeconds(), TimeUnit.SECONDS).get(partition);
                return committed != null && committed.offset() > sent.offset();
            });
        }
    }

    /**
     * Reads {@code topic} from its beginning until a record with {@code key} whose JSON value matches arrives, or
     * fails after {@link #WAIT}. The consumer is assigned, not subscribed, so no group join delays it.
     */
    private JsonNode awaitRecord(String topic, String key, Predicate<JsonNode> matches) throws Exception {
        return json.readTree(awaitConsumerRecord(topic, key, matches).value());
    }

    /** {@link #awaitRecord}, returning the whole record. */
    private ConsumerRecord<String, String> awaitConsumerRecord(String topic, String key, Predicate<JsonNode> matches)
            throws Exception {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<String> seen = new ArrayList<>();
        AtomicReference<ConsumerRecord<String, String>> found = new AtomicReference<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitions = List.of(new TopicPartition(topic, 0));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            // in this thread: a KafkaConsumer belongs to the thread that uses it
            await().atMost(WAIT).pollInSameThread().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
                    .until(() -> {
                        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                            if (key.equals(record.key())) {
                                seen.add(record.value());
                                if (matches.test(json.readTree(record.value()))) {
                                    found.set(record);
                                    return true;
                                }
                            }
                        }
                        return false;
                    });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("no matching record with key " + key + " on " + topic + " within " + WAIT
                                     + "; records with that key: " + seen, e);
        }
        return found.get();
    }
}
