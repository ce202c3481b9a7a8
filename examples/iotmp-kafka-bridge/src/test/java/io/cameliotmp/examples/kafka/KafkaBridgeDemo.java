package io.cameliotmp.examples.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.test.DemoFleet;
import org.apache.camel.main.Main;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bridge with everything it needs in one JVM, for trying it without installing Kafka: a KRaft broker
 * ({@link EmbeddedKafka}), the bridge itself (Camel Main with this example's routes and properties), the three demo
 * devices of the README ({@link DemoFleet}: {@code temperature} streams, {@code climate} bucket writes, a {@code led})
 * and a watcher that logs every record of the bridge's topics. At start it sends one command (switch device-1's led
 * on), so a reply shows up too. Run with {@code mvn -f examples/iotmp-kafka-bridge -Pdemo exec:java}.
 */
public final class KafkaBridgeDemo implements AutoCloseable {

    static final String IOTMP_PORT_PROPERTY = "camel.component.iotmp.port";
    private static final int DEFAULT_IOTMP_PORT = 25204;
    private static final Logger LOG = LoggerFactory.getLogger(KafkaBridgeDemo.class);

    private final EmbeddedKafka kafka;
    private final Main bridge;
    private final DemoFleet fleet;
    private final Thread watcher;
    private final List<ConsumerRecord<String, String>> seen = new CopyOnWriteArrayList<>();
    private volatile KafkaConsumer<String, String> consumer;

    private KafkaBridgeDemo(int iotmpPort) throws Exception {
        kafka = EmbeddedKafka.start(EmbeddedKafka.TOPICS);
        try {
            bridge = new Main(KafkaBridgeApplication.class);
            bridge.addOverrideProperty("camel.component.kafka.brokers", kafka.bootstrapServers());
            bridge.addOverrideProperty(IOTMP_PORT_PROPERTY, String.valueOf(iotmpPort));
            // the topics are new: replay the demo command even if it was written before the group joined
            bridge.addOverrideProperty("camel.component.kafka.auto-offset-reset", "earliest");
            bridge.start();
            fleet = DemoFleet.connectingTo("127.0.0.1", iotmpPort, 3).writingBucket("climate").start();
            watcher = new Thread(this::watch, "demo-watcher");
            watcher.setDaemon(true);
            watcher.start();
            sendCommand("demo-1", "{\"id\":\"demo-1\",\"user\":\"demo\",\"device\":\"device-1\","
                                  + "\"resource\":\"led\",\"input\":{\"on\":true}}");
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    /** Starts broker, bridge (its IOTMP server on {@code iotmpPort}), devices and watcher. */
    public static KafkaBridgeDemo start(int iotmpPort) throws Exception {
        return new KafkaBridgeDemo(iotmpPort);
    }

    public static void main(String[] args) throws Exception {
        CountDownLatch stopped = new CountDownLatch(1);
        int iotmpPort = iotmpPort();
        try (KafkaBridgeDemo demo = start(iotmpPort)) {
            Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown));
            LOG.info("Demo running: Kafka at {}, IOTMP on port {}, devices demo/device-1..3. Ctrl+C stops it.",
                    demo.bootstrapServers(), iotmpPort);
            stopped.await();
        }
    }

    /**
     * The demo's IOTMP port: the bridge's own property, {@code -Dcamel.component.iotmp.port}, as the README overrides
     * it for the bridge, else the bridge's default. The demo hands the port to the bridge as an override property,
     * which would otherwise win over the command line.
     */
    static int iotmpPort() {
        return Integer.getInteger(IOTMP_PORT_PROPERTY, DEFAULT_IOTMP_PORT);
    }

    String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** Every record the watcher has read so far, in order. */
    List<ConsumerRecord<String, String>> seen() {
        return List.copyOf(seen);
    }

    void sendCommand(String key, String json) throws Exception {
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
            producer.send(new ProducerRecord<>("iotmp.commands", key, json)).get(30, TimeUnit.SECONDS);
        }
    }

    private void watch() {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "demo-watcher",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        try (KafkaConsumer<String, String> records = new KafkaConsumer<>(config)) {
            consumer = records;
            records.subscribe(EmbeddedKafka.TOPICS);
            while (!Thread.currentThread().isInterrupted()) {
                for (ConsumerRecord<String, String> record : records.poll(Duration.ofSeconds(1))) {
                    seen.add(record);
                    LOG.info("{} {} {}", record.topic(), record.key(), record.value());
                }
            }
        } catch (WakeupException stopping) {
            // close() woke the consumer up: the demo ends
        }
    }

    @Override
    public void close() throws Exception {
        KafkaConsumer<String, String> records = consumer;
        if (records != null) {
            records.wakeup();
        }
        if (watcher != null) {
            watcher.join(TimeUnit.SECONDS.toMillis(30));
        }
        if (fleet != null) {
            fleet.close();
        }
        if (bridge != null) {
            bridge.stop();
        }
        kafka.close();
    }
}
