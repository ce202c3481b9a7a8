package io.cameliotmp.cluster;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.server.ClusterBus;
import io.cameliotmp.server.DeviceId;
import io.cameliotmp.server.IotmpServer;
import io.cameliotmp.server.QuotaExceededException;
import io.cameliotmp.server.TopicMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.cluster.ClusterNodes.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Publications relayed to a member wait there for its own group of threads ({@code relayedPublicationThreads}),
 * within a bound ({@code maxQueuedRelayedPublications}): one beyond it is refused, and the publishing member counts
 * the refusal with its refused relays. A member of an earlier version, which reads no publications on the call
 * channel, still gets them as tasks.
 */
class RelayedPublicationsTest {

    private final ClusterNodes nodes = new ClusterNodes();

    @AfterEach
    void close() {
        nodes.close();
    }

    @Test
    void aPublicationBeyondTheQueuedOnesIsRefusedByTheReceiverAndCountedByThePublisher() throws Exception {
        List<IotmpServer> members = nodes.customize(options -> options.withRelayedPublicationThreads(1)
                .withMaxQueuedRelayedPublications(2)).start(2);
        InfinispanCluster a = ClusterNodes.cluster(members.get(0));
        InfinispanCluster b = ClusterNodes.cluster(members.get(1));
        CountDownLatch reached = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        BlockingQueue<Object> onB = new LinkedBlockingQueue<>();
        members.get(1).topics().subscribe("slow", message -> {
            onB.add(message.payload());
            reached.countDown();
            await(release);
        });
        try {
            members.get(0).topics().publish("alice", "slow", "first", false);
            assertThat(reached.await(60, TimeUnit.SECONDS)).isTrue();
            members.get(0).topics().publish("alice", "slow", "second", false);
            members.get(0).topics().publish("alice", "slow", "third", false);
            // B's one thread holds the first; the second and third wait for it, as many as B queues
            eventually().until(() -> b.relayedPublicationsWaiting() == 3);

            members.get(0).topics().publish("alice", "slow", "fourth", false);

            // B answers at once that it has no room: A counts it with its refused relays and holds it no more
            eventually().until(() -> a.relaysRefusedByMembers() == 1);
            assertThat(a.droppedRelays()).isEqualTo(1);
            assertThat(b.relayedPublicationsRefused()).isEqualTo(1);
            // the receiving server counts it with its quota refusals (iotmp.quota.refusals{quota=cluster-relays})
            assertThat(members.get(1).totals().quotaRefusals()).isEqualTo(1);
            assertThat(a.relay().inFlight()).isEqualTo(3);
            assertThat(b.relayedPublicationsWaiting()).isEqualTo(3);
        } finally {
            release.countDown();
        }
        eventually().until(() -> a.relay().inFlight() == 0 && b.relayedPublicationsWaiting() == 0);
        assertThat(onB).containsExactlyInAnyOrder("first", "second", "third");
        onB.clear();
        // there is room again
        members.get(0).topics().publish("alice", "slow", "fifth", false);
        assertThat(onB.poll(60, TimeUnit.SECONDS)).isEqualTo("fifth");
        assertThat(a.relaysRefusedByMembers()).isEqualTo(1);
    }

    /**
     * Few but large publications: far below {@code maxQueuedRelayedPublications}, the bytes they carry reach
     * {@code maxQueuedRelayedPublicationBytes}, and the next one is refused as one beyond the count is. Before, the
     * receiving member bounded them by count only: the members relaying to it could make it hold 10,000 full frames
     * waiting for a slow consumer, each publishing member within its own bounds.
     */
    @Test
    void aLargePublicationBeyondTheQueuedBytesIsRefusedByTheReceiver() throws Exception {
        byte[] large = new byte[4096];
        List<IotmpServer> members = nodes.customize(options -> options.withRelayedPublicationThreads(1)
                .withMaxQueuedRelayedPublicationBytes(2 * large.length + 1024)).start(2);
        InfinispanCluster a = ClusterNodes.cluster(members.get(0));
        InfinispanCluster b = ClusterNodes.cluster(members.get(1));
        CountDownLatch reached = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        BlockingQueue<Object> onB = new LinkedBlockingQueue<>();
        members.get(1).topics().subscribe("large", message -> {
            onB.add(((byte[]) message.payload()).length);
            reached.countDown();
            await(release);
        });
        try {
            members.get(0).topics().publish("alice", "large", large, false);
            assertThat(reached.await(60, TimeUnit.SECONDS)).isTrue();
            members.get(0).topics().publish("alice", "large", large, false);
            eventually().until(() -> b.relayedPublicationsWaiting() == 2);
            assertThat(b.relayedPublicationBytesWaiting()).isBetween(2L * large.length, 2L * large.length + 1024);

            members.get(0).topics().publish("alice", "large", large, false);

            eventually().until(() -> a.relaysRefusedByMembers() == 1);
            assertThat(b.relayedPublicationsRefused()).isEqualTo(1);
            assertThat(members.get(1).totals().quotaRefusals()).isEqualTo(1);
            assertThat(b.relayedPublicationsWaiting()).isEqualTo(2);
        } finally {
            release.countDown();
        }
        eventually().until(() -> a.relay().inFlight() == 0 && b.relayedPublicationsWaiting() == 0);
        assertThat(b.relayedPublicationBytesWaiting()).isZero();
        assertThat(onB).containsExactly(large.length, large.length);
        // the bytes are given back: there is room again
        onB.clear();
        members.get(0).topics().publish("alice", "large", large, false);
        assertThat(onB.poll(60, TimeUnit.SECONDS)).isEqualTo(large.length);
        assertThat(a.relaysRefusedByMembers()).isEqualTo(1);
    }

    @Test
    void aMemberOfAnEarlierVersionGetsThePublicationsAsTasksAcknowledgedOnceItsConsumersAreDone() throws Exception {
        List<IotmpServer> members = nodes.start(2);
        InfinispanCluster a = ClusterNodes.cluster(members.get(0));
        InfinispanCluster b = ClusterNodes.cluster(members.get(1));
        // it reads a publication on the call channel as a forwarded call, and fails on it
        b.relayedPublications().readAsCalls();
        CountDownLatch reached = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        BlockingQueue<String> threads = new LinkedBlockingQueue<>();
        BlockingQueue<Object> onB = new LinkedBlockingQueue<>();
        members.get(1).topics().subscribe("status", message -> {
            threads.add(Thread.currentThread().getName());
            onB.add(message.payload() == null ? "cleared" : message.payload());
            reached.countDown();
            await(release);
        });
        try {
            members.get(0).topics().publish("alice", "status", "on", false);
            assertThat(reached.await(60, TimeUnit.SECONDS)).isTrue();
            // a task, as an earlier version runs it: acknowledged only once the consumer is done
            assertThat(a.relay().inFlight()).isEqualTo(1);
        } finally {
            release.countDown();
        }
        eventually().until(() -> a.relay().inFlight() == 0);
        assertThat(onB.poll(60, TimeUnit.SECONDS)).isEqualTo("on");

        // retained publications too: kept on B, so a device connecting there gets it
        members.get(0).topics().publish("alice", "status", Map.of("mode", "eco"), true);
        assertThat(onB.poll(60, TimeUnit.SECONDS)).isEqualTo(Map.of("mode", "eco"));
        IotmpDevice late = nodes.device(members.get(1), "late");
        BlockingQueue<Object> status = new LinkedBlockingQueue<>();
        late.openServerStream(Map.of("event", "device_topic_publish", "scope", "subscribe", "topic", "status"),
                status::add).toCompletableFuture().get(60, TimeUnit.SECONDS);
        assertThat(status.poll(60, TimeUnit.SECONDS)).isEqualTo(Map.of("mode", "eco"));

        assertThat(threads).noneMatch(name -> name.contains("-publications-"));
        assertThat(b.relayedPublicationsWaiting()).isZero();
        assertThat(a.droppedRelays()).isZero();
    }

    /**
     * A publication that fails to reach a member, as opposed to one a member refused, counts in the publisher's
     * {@code failedRelays()}; it was only logged at DEBUG before. Here the publisher's own call channel is closed.
     */
    @Test
    void aPublicationThatFailsToReachAMemberIsCountedAsAFailedRelay() throws Exception {
        List<IotmpServer> members = nodes.start(2);
        InfinispanCluster a = ClusterNodes.cluster(members.get(0));

        a.callChannel().close();
        members.get(0).topics().publish("alice", "status", "on", false);

        eventually().until(() -> a.failedRelays() == 1 && a.relay().inFlight() == 0);
        assertThat(a.droppedRelays()).isZero();
        assertThat(a.relaysRefusedByMembers()).isZero();
    }

    /** A payload PSON cannot encode (a route may publish any object) still reaches the others, as a task. */
    @Test
    void aPayloadPsonCannotEncodeIsRelayedAsATask() throws Exception {
        List<IotmpServer> members = nodes.start(2);
        BlockingQueue<Object> onB = new LinkedBlockingQueue<>();
        members.get(1).topics().subscribe("ids", message -> onB.add(message.payload()));
        UUID id = UUID.randomUUID();

        members.get(0).topics().publish("alice", "ids", id, false);

        assertThat(onB.poll(60, TimeUnit.SECONDS)).isEqualTo(id);
        eventually().until(() -> ClusterNodes.cluster(members.get(0)).relay().inFlight() == 0);
    }

    /**
     * A member that leaves stops its group: a publication that reaches it then is answered undelivered, not refused.
     * Before, the group refusing the task read as a full queue: a refusal of {@code maxQueuedRelayedPublications} in
     * the leaving server's quota refusals and log, and in the publisher's {@code relaysRefusedByMembers()}.
     */
    @Test
    void aPublicationReachingAMemberWhoseGroupStoppedIsUndeliveredNotRefused() throws Exception {
        InfinispanCluster leaving = new InfinispanCluster(ClusterOptions.of("leaving", ClusterNodes.clusterPort(),
                null));
        List<QuotaExceededException> refusals = new CopyOnWriteArrayList<>();
        leaving.bus().bind(new ClusterBus.Receiver() {
            @Override
            public void propertyUpdated(DeviceId device, String property, Object value) {
            }

            @Override
            public void published(TopicMessage message, boolean retain) {
            }

            @Override
            public void raised(String user, String event, Object payload) {
            }

            @Override
            public void retained(TopicMessage message) {
            }

            @Override
            public void refused(QuotaExceededException refusal) {
                refusals.add(refusal);
            }
        });
        RelayedPublications group = leaving.relayedPublications();
        group.start(leaving.options().relayedPublications(), "leaving");
        group.stop();

        byte[] answer = group.serve(PublicationWire.toBytes(new ClusterRelay.Published("alice", "status", "on", null,
                false, null, 0))).get(60, TimeUnit.SECONDS);

        assertThat(PublicationWire.answer(answer)).isEqualTo(PublicationWire.Answer.UNDELIVERED);
        assertThat(group.refused()).isZero();
        assertThat(refusals).isEmpty();
        assertThat(group.waiting()).isZero();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
