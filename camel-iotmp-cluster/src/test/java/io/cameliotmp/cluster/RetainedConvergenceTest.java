package io.cameliotmp.cluster;

import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.server.TopicMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.cluster.ClusterNodes.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two members publishing a retained message on one topic at once end up keeping the same one: the one the cluster's
 * cache holds last. Before, each member kept whichever relay reached it last, so when the relay of A's older message
 * reached B after B's own newer publication, A kept B's message and B kept A's, for good. The relay is held on B
 * here until B's publication is written and relayed to A.
 */
class RetainedConvergenceTest {

    private static final String KEY = ClusteredRetained.key("alice", "t");

    private final BareMembers members = BareMembers.create();
    private final InfinispanCluster a = members.a();
    private final InfinispanCluster b = members.b();
    private final KeptRetained onA = new KeptRetained();
    private final Held onB = new Held();

    @BeforeEach
    void join() {
        a.bus().bind(onA);
        b.bus().bind(onB);
        members.join(new NoLocalDevices(), new NoLocalDevices());
    }

    @AfterEach
    void leave() {
        onB.release.countDown();
        members.leave();
    }

    @Test
    void anOlderRetainedMessageRelayedLateDoesNotReplaceTheNewerOne() throws Exception {
        racedBy("from A");
    }

    @Test
    void anOlderClearRelayedLateDoesNotRemoveTheNewerMessage() throws Exception {
        onA.retained(message("before"));
        a.bus().published(message("before"), true);
        eventually().until(() -> "before".equals(onB.kept.get("t")) && a.relay().inFlight() == 0);
        racedBy(null);
    }

    /** A publishes {@code first} on the topic, B publishes its own message while A's relay is held on B. */
    private void racedBy(Object first) throws Exception {
        onB.holding = first == null ? KeptRetained.CLEAR : first;
        // a server keeps its own publication before it relays it
        onA.retained(message(first));
        a.bus().published(message(first), true);
        assertThat(onB.held.await(60, TimeUnit.SECONDS)).isTrue();
        eventually().until(() -> a.retainedMessages().waiting() == 0
                                 && Objects.equals(payload(b), first) && Objects.equals(payload(a), first));

        onB.retained(message("from B"));
        b.bus().published(message("from B"), true);
        eventually().until(() -> "from B".equals(onA.kept.get("t")) && "from B".equals(payload(a))
                                 && b.relay().inFlight() == 0);

        onB.release.countDown();
        // A's relay is done once B's member has handled it all
        eventually().until(() -> a.relay().inFlight() == 0);

        assertThat(onA.kept).containsEntry("t", "from B");
        assertThat(onB.kept).containsEntry("t", "from B");
        assertThat(onB.delivered).as("A's message was delivered on B all the same").contains(onB.holding);
    }

    private static Object payload(InfinispanCluster member) {
        ClusteredRetained.RetainedRecord record = member.retainedCache().get(KEY);
        return record == null ? null : record.payload();
    }

    private static TopicMessage message(Object payload) {
        return new TopicMessage("alice", "t", payload, null);
    }


    /** Holds the relayed publication of {@link #holding} until the test releases it. */
    private static final class Held extends KeptRetained {
        final CountDownLatch held = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        volatile Object holding;

        @Override
        public void published(TopicMessage message, boolean retain) {
            Object payload = message.payload() == null ? CLEAR : message.payload();
            if (Objects.equals(payload, holding)) {
                held.countDown();
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            super.published(message, retain);
        }
    }
}
