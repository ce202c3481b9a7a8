package io.cameliotmp.examples.kafka;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import kafka.testkit.KafkaClusterTestKit;
import kafka.testkit.TestKitNodes;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real single-node KRaft Kafka (combined broker and controller) in this JVM, on ephemeral ports with its log
 * directories in a temporary directory that {@link #close()} deletes: Kafka's own test kit, for the tests and the
 * demo (and the documentation's routes, in their own package).
 */
public final class EmbeddedKafka implements AutoCloseable {

    /** The bridge's topics, as its {@code application.properties} names them. */
    public static final List<String> TOPICS =
            List.of("iotmp.samples", "iotmp.buckets", "iotmp.commands", "iotmp.replies");

    private final KafkaClusterTestKit kafka;

    private EmbeddedKafka(KafkaClusterTestKit kafka) {
        this.kafka = kafka;
    }

    /** Starts the broker and creates {@code topics} with one partition each. */
    public static EmbeddedKafka start(List<String> topics) throws Exception {
        KafkaClusterTestKit kafka = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1)
                // the kit defaults to the newest metadata version still in development; run what a release runs
                .setBootstrapMetadataVersion(MetadataVersion.latestProduction()).build())
                // one broker: the group coordinator's offsets topic cannot have the default 3 replicas
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("offsets.topic.num.partitions", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .build();
        try {
            kafka.format();
            kafka.startup();
            kafka.waitForReadyBrokers();
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
                admin.createTopics(topics.stream().map(t -> new NewTopic(t, 1, (short) 1)).toList()).all()
                        .get(30, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            kafka.close();
            throw e;
        }
        return new EmbeddedKafka(kafka);
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    @Override
    public void close() throws Exception {
        kafka.close();
    }
}
