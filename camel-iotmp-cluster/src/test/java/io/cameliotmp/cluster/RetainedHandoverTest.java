package io.cameliotmp.cluster;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.cameliotmp.server.TopicMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.cluster.ClusterNodes.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

/**
 * A member that joins keeps the newest retained message of a topic, not the cluster cache's older entry: a retained
 * publication relayed to it while it took the cache's entries (a relay can arrive before the publishing member's
 * cache write) was kept first, then overwritten by the older entry, which every later subscriber got.
 */
class RetainedHandoverTest {

    private final BareMembers members = BareMembers.create();
    private final InfinispanCluster a = members.a();
    private final InfinispanCluster b = members.b();

    @AfterEach
    void leave() {
        members.leave();
    }

    @Test
    void aPublicationRelayedWhileAMemberTakesTheRetainedMessagesIsKeptAfterThem() throws Exception {
        b.bus().bind(new KeptRetained());
        b.join(new NoLocalDevices());
        b.bus().published(new TopicMessage("alice", "t", "older", null), true);
        eventually().until(() -> b.retainedCache().containsKey(ClusteredRetained.key("alice", "t"))
                                 && b.retainedMessages().waiting() == 0);

        CountDownLatch handingOver = new CountDownLatch(1);
        KeptRetained here = new KeptRetained() {
            @Override
            public void retained(TopicMessage message) {
                if ("older".equals(message.payload())) {
                    handingOver.countDown();
                    // the newer publication reaches this member while it takes the cache's entries
                    eventually().until(() -> !delivered.isEmpty());
                }
                super.retained(message);
            }
        };
        a.bus().bind(here);
        CompletableFuture<Void> joined = CompletableFuture.runAsync(() -> a.join(new NoLocalDevices()));
        assertThat(handingOver.await(60, TimeUnit.SECONDS)).isTrue();
        eventually().until(() -> b.members().size() == 2);
        b.bus().published(new TopicMessage("alice", "t", "newer", null), true);
        joined.get(60, TimeUnit.SECONDS);

        assertThat(here.kept).containsEntry("t", "newer");
        assertThat(here.delivered).containsExactly("newer");
    }

    /**
     * The record of the writes applied during a hand-over held one per topic, clears included: a device publishing and
     * clearing retained messages on ever new topics grew it for as long as the hand-over lasted. Beyond its bound the
     * member reads the cache again at the end, and still keeps the newest of each topic and none of the cleared.
     */
    @Test
    void writesBeyondTheBoundOfAHandOverAreReadFromTheCacheAfterIt() throws Exception {
        int bound = 4;
        b.bus().bind(new KeptRetained());
        b.join(new NoLocalDevices());
        b.bus().published(new TopicMessage("alice", "t", "older", null), true);
        b.bus().published(new TopicMessage("alice", "gone", "handed over, then cleared", null), true);
        eventually().until(() -> b.retainedCache().size() == 2 && b.retainedMessages().waiting() == 0);

        a.retainedMessages().handover().bound(bound, Long.MAX_VALUE);
        CountDownLatch handingOver = new CountDownLatch(1);
        CountDownLatch written = new CountDownLatch(1);
        AtomicInteger recorded = new AtomicInteger();
        KeptRetained here = new KeptRetained() {
            @Override
            public void retained(TopicMessage message) {
                if ("older".equals(message.payload())) {
                    handingOver.countDown();
                    // the other member writes while this one takes the cache's entries
                    try {
                        assertThat(written.await(60, TimeUnit.SECONDS)).isTrue();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                    recorded.set(a.retainedMessages().handover().recorded());
                }
                super.retained(message);
            }
        };
        a.bus().bind(here);
        CompletableFuture<Void> joined = CompletableFuture.runAsync(() -> a.join(new NoLocalDevices()));
        assertThat(handingOver.await(60, TimeUnit.SECONDS)).isTrue();
        int topics = 5 * bound;
        for (int i = 0; i < topics; i++) {
            b.bus().published(new TopicMessage("alice", "churn/" + i, "short-lived", null), true);
            b.bus().published(new TopicMessage("alice", "churn/" + i, null, null), true);
        }
        b.bus().published(new TopicMessage("alice", "t", "newer", null), true);
        b.bus().published(new TopicMessage("alice", "gone", null, null), true);
        b.bus().published(new TopicMessage("alice", "stays", "written during the hand-over", null), true);
        // the cache is replicated synchronously: once the writer is done, the joining member's copy has every write
        eventually().until(() -> b.retainedMessages().waiting() == 0 && b.retainedCache().size() == 2
                                 && a.retainedCache().size() == 2
                                 && "newer".equals(a.retainedCache().get(ClusteredRetained.key("alice", "t"))
                                         .payload()));
        written.countDown();
        joined.get(60, TimeUnit.SECONDS);

        assertThat(recorded.get()).as("writes recorded during the hand-over").isLessThanOrEqualTo(bound);
        assertThat(a.retainedMessages().handover().rereads()).isEqualTo(1);
        assertThat(a.retainedHandoverOverflows()).as("what iotmp.cluster.handover.overflows reads").isEqualTo(1);
        assertThat(here.kept).containsOnly(entry("t", "newer"), entry("stays", "written during the hand-over"));
    }

    @Test
    void aJoinThatFailedTakingTheRetainedMessagesCanBeMadeAgain() {
        b.bus().bind(new KeptRetained());
        b.join(new NoLocalDevices());
        b.bus().published(new TopicMessage("alice", "t", "kept", null), true);
        eventually().until(() -> b.retainedCache().containsKey(ClusteredRetained.key("alice", "t"))
                                 && b.retainedMessages().waiting() == 0);
        KeptRetained failingOnce = new KeptRetained() {
            private boolean failed;

            @Override
            public synchronized void retained(TopicMessage message) {
                if (!failed) {
                    failed = true;
                    throw new IllegalStateException("the server could not keep it");
                }
                super.retained(message);
            }
        };
        a.bus().bind(failingOnce);

        assertThatThrownBy(() -> a.join(new NoLocalDevices())).hasMessageContaining("could not keep it");
        assertThat(a.members()).as("not a member after the failed join").isEmpty();

        a.join(new NoLocalDevices());
        eventually().until(() -> a.members().size() == 2 && b.members().size() == 2);
        assertThat(failingOnce.kept).containsEntry("t", "kept");
    }
}
