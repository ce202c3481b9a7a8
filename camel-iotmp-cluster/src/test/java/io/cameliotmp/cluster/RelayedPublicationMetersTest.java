package io.cameliotmp.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.micrometer.MicrometerServerMetrics;
import io.cameliotmp.server.IotmpServer;
import io.cameliotmp.server.TopicMessage;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.cluster.ClusterNodes.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What other members' devices make a member hold, the publications they relay to its slow topic consumers, is in its
 * meters: an operator sees the queue fill toward {@code maxQueuedRelayedPublications} and its bytes, not only the
 * refusals once it is full.
 */
class RelayedPublicationMetersTest {

    private final Map<IotmpServer, SimpleMeterRegistry> registries = new ConcurrentHashMap<>();
    private final ClusterNodes nodes = new ClusterNodes().metrics(server -> new MicrometerServerMetrics(
            registries.computeIfAbsent(server, s -> new SimpleMeterRegistry()), server));
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void close() {
        release.countDown();
        nodes.close();
    }

    @Test
    void theReceivingMemberShowsThePublicationsWaitingForItsConsumersAndTheirBytes() throws Exception {
        byte[] payload = new byte[1000];
        List<IotmpServer> members = nodes.customize(options -> options.withRelayedPublicationThreads(1)).start(2);
        IotmpServer publisher = members.get(0);
        IotmpServer receiver = members.get(1);
        CountDownLatch reached = new CountDownLatch(1);
        receiver.topics().subscribe("readings", message -> {
            reached.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        publisher.topics().publish("alice", "readings", payload, false);
        assertThat(reached.await(60, TimeUnit.SECONDS)).isTrue();
        publisher.topics().publish("alice", "readings", payload, false);
        publisher.topics().publish("alice", "readings", payload, false);

        eventually().until(() -> waiting(receiver) == 3);
        assertThat(waitingBytes(receiver)).isBetween(3.0 * payload.length, 3.0 * payload.length + 1024);
        assertThat(registries.get(receiver).get("iotmp.cluster.publications.waiting.bytes").gauge().getId()
                .getBaseUnit()).isEqualTo("bytes");
        // the publishing member holds none of them: its gauges say so
        assertThat(waiting(publisher)).isZero();

        release.countDown();
        eventually().until(() -> waiting(receiver) == 0 && waitingBytes(receiver) == 0);
    }

    /** The operations guide has a row for each meter only a cluster member registers as it starts. */
    @Test
    void theGuideHasARowForEachOfTheMembersOwnMeters() throws Exception {
        IotmpServer member = nodes.start(1).get(0);
        String guide = Files.readString(Path.of("../docs/operations.md"));
        assertThat(registries.get(member).getMeters()).extracting(m -> m.getId().getName())
                .filteredOn(name -> name.startsWith("iotmp.cluster."))
                .hasSize(3)
                .allSatisfy(name -> assertThat(guide).contains("| `" + name + "` |"));
    }

    /**
     * A join whose record of the retained messages written meanwhile outgrew its bounds reads the cluster's retained
     * messages again: the member's meter counts it, so that an operator sees devices churning retained topics while
     * members join, not only a log line.
     */
    @Test
    void aHandOverThatOutgrewItsBoundsIsCounted() {
        IotmpServer member = nodes.start(1).get(0);
        InfinispanCluster cluster = (InfinispanCluster) member.config().cluster();
        FunctionCounter overflows = registries.get(member).get("iotmp.cluster.handover.overflows").functionCounter();
        assertThat(overflows.count()).isZero();

        RetainedHandover own = cluster.retainedMessages().handover();
        own.bound(1, Long.MAX_VALUE);
        own.begin();
        own.arrive("alice/a", new TopicMessage("alice", "a", "1", null));
        own.arrive("alice/b", new TopicMessage("alice", "b", "2", null));
        own.end(new KeptRetained(), null, List.of(), "test");

        assertThat(overflows.count()).isEqualTo(1);
        assertThat(cluster.retainedHandoverOverflows()).isEqualTo(1);
    }

    private double waiting(IotmpServer member) {
        return gauge(member, "iotmp.cluster.publications.waiting").value();
    }

    private double waitingBytes(IotmpServer member) {
        return gauge(member, "iotmp.cluster.publications.waiting.bytes").value();
    }

    private Gauge gauge(IotmpServer member, String name) {
        return registries.get(member).get(name).gauge();
    }
}
