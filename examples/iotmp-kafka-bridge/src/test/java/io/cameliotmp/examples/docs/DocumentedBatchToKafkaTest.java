package io.cameliotmp.examples.docs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import io.cameliotmp.camel.IotmpComponent;
import io.cameliotmp.camel.IotmpSample;
import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.examples.kafka.EmbeddedKafka;
import io.cameliotmp.test.FreePorts;
import org.apache.camel.CamelContext;
import org.apache.camel.Message;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.support.DefaultMessage;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.apache.camel.util.json.JsonObject;
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
 * The component adoc's Kafka route of "Batched delivery" as it is written there, against a real Kafka broker: every
 * sample becomes a record keyed by its device, and a device whose resource has no value (a sample without a payload)
 * costs no other device its records. The route as first documented put the payload in a {@code Map.of}, which
 * refuses a null: the whole batch failed, every other device's samples in it lost.
 * <p>
 * Not in the bridge's package: Camel Main scans that for route builders, and would take this test's for the bridge's.
 */
class DocumentedBatchToKafkaTest extends CamelTestSupport {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String ADOC = "../../camel-iotmp/src/main/docs/iotmp-component.adoc";

    private static EmbeddedKafka kafka;

    private final int port = FreePorts.next();

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = EmbeddedKafka.start(List.of("temperature"));
    }

    @AfterAll
    static void stopKafka() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext context = super.createCamelContext();
        IotmpComponent iotmp = context.getComponent("iotmp", IotmpComponent.class);
        iotmp.getConfiguration().setHost("127.0.0.1");
        iotmp.getConfiguration().setPort(port);
        iotmp.getConfiguration().setDeviceCredentials("demo/*=pw");
        context.getComponent("kafka", KafkaComponent.class).getConfiguration().setBrokers(kafka.bootstrapServers());
        return context;
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            @SuppressWarnings("unchecked")
            public void configure() {
                // the adoc's route, word for word (theRouteIsTheAdocs checks its lines)
                from("iotmp:device:demo/*/temperature?batchSize=1000&batchTimeout=200")
                    .process(e -> {
                        List<IotmpSample> batch = e.getMessage().getBody(List.class);
                        List<Message> records = new ArrayList<>(batch.size());
                        for (IotmpSample s : batch) {
                            Message record = new DefaultMessage(e);
                            record.setHeader(KafkaConstants.KEY, s.user() + "/" + s.device());
                            JsonObject value = new JsonObject(); // unlike Map.of, it takes a null payload
                            value.put("device", s.device());
                            value.put("at", s.timestamp());
                            value.put("value", s.payload());
                            record.setBody(value.toJson());
                            records.add(record);
                        }
                        e.getMessage().setBody(records);
                    })
                    .to("kafka:temperature");
            }
        };
    }

    @Test
    void aSampleWithoutAPayloadCostsNoOtherDeviceItsRecords() throws Exception {
        int samples = 50;
        AtomicInteger celsius = new AtomicInteger();
        IotmpDevice good = device("good");
        good.resource("temperature").output(() -> Map.of("celsius", celsius.incrementAndGet()));
        IotmpDevice empty = device("empty");
        empty.resource("temperature").output(() -> null);
        try (good; empty) {
            good.start().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            empty.start().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            await().atMost(WAIT).until(() -> good.stream("temperature") && empty.stream("temperature"));
            while (celsius.get() < samples) {
                assertThat(good.stream("temperature")).isTrue();
                assertThat(empty.stream("temperature")).isTrue();
            }
            Set<String> keys = ConcurrentHashMap.newKeySet();
            List<String> fromGood = new ArrayList<>();
            consume(record -> {
                keys.add(record.key());
                if (record.key().equals("demo/good")) {
                    fromGood.add(record.value());
                }
                return fromGood.size() == samples && keys.contains("demo/empty");
            });
            for (int i = 0; i < samples; i++) {
                assertThat(fromGood.get(i)).contains("\"value\":{\"celsius\":" + (i + 1) + "}");
            }
        }
    }

    @Test
    void theRouteIsTheAdocs() throws Exception {
        String adoc = Files.readString(Path.of(ADOC));
        assertThat(adoc).contains("from(\"iotmp:device:demo/*/temperature?batchSize=1000&batchTimeout=200\")")
                .contains("JsonObject value = new JsonObject();").contains("value.put(\"value\", s.payload());")
                .contains("record.setBody(value.toJson());").contains(".to(\"kafka:temperature\");");
    }

    private IotmpDevice device(String name) {
        return IotmpDevice.builder().host("127.0.0.1").port(port).credentials("demo", name, "pw").build();
    }

    /** Reads the topic from its beginning, in this thread, until {@code done} says so or {@link #WAIT} is up. */
    private void consume(Predicate<ConsumerRecord<String, String>> done) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitions = List.of(new TopicPartition("temperature", 0));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            await().atMost(WAIT).pollInSameThread().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
                    .until(() -> {
                        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                            if (done.test(record)) {
                                return true;
                            }
                        }
                        return false;
                    });
        }
    }
}
