package io.cameliotmp.cluster;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.server.ClusterBus;
import io.cameliotmp.server.DeviceId;
import io.cameliotmp.server.TopicMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.cluster.ClusterNodes.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A member is in the others' view as soon as its channel is connected, and they relay their publications to it from
 * then on; it takes its caches (and their state transfer) only after. Its call channel now connects with its
 * channel: before, the fork of the call channel did not exist until the caches were taken, a publication relayed
 * meanwhile was dropped on arrival without an answer, and the publisher held it in its bound on relays for
 * Infinispan's {@code distributedSyncTimeout} (4 minutes), as if the joining member were slow.
 */
class JoiningMemberPublicationsTest {

    private final BareMembers members = BareMembers.create();
    private final InfinispanCluster a = members.a();
    private final InfinispanCluster b = members.b();
    private final CountDownLatch inView = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void leave() {
        release.countDown();
        b.leave();
        a.leave();
    }

    @Test
    void aPublicationRelayedToAMemberStillTakingItsCachesIsAnswered() throws Exception {
        Received onB = new Received();
        a.bus().bind(new Received());
        b.bus().bind(onB);
        a.join(new NoLocalDevices());
        b.whileJoining(() -> {
            inView.countDown();
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        CompletableFuture<Void> joined = CompletableFuture.runAsync(() -> b.join(new NoLocalDevices()));
        assertThat(inView.await(60, TimeUnit.SECONDS)).isTrue();
        eventually().until(() -> a.members().size() == 2);

        a.bus().published(new TopicMessage("alice", "status", "while-joining", null), false);

        // B serves it while it still takes its caches: delivered there, and A holds it no more
        eventually().until(() -> onB.published.contains("while-joining") && a.relay().inFlight() == 0);
        release.countDown();
        joined.get(60, TimeUnit.SECONDS);
        assertThat(a.droppedRelays()).isZero();
    }

    /** A server's deliveries of relayed publications. */
    private static final class Received implements ClusterBus.Receiver {
        final List<Object> published = new CopyOnWriteArrayList<>();

        @Override
        public void propertyUpdated(DeviceId device, String property, Object value) {
        }

        @Override
        public void published(TopicMessage message, boolean retain) {
            published.add(message.payload());
        }

        @Override
        public void raised(String user, String event, Object payload) {
        }

        @Override
        public void retained(TopicMessage message) {
        }
    }
}
