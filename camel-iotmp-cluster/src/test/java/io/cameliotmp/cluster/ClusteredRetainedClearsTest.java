package io.cameliotmp.cluster;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.server.IotmpServer;
import io.cameliotmp.server.QuotaExceededException;
import io.cameliotmp.server.TopicMessage;
import org.infinispan.Cache;
import org.infinispan.notifications.Listener;
import org.infinispan.notifications.cachelistener.annotation.CacheEntryCreated;
import org.infinispan.notifications.cachelistener.event.CacheEntryCreatedEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.cluster.ClusterNodes.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The cache of retained messages for later members stays within what the members keep: a clear is never lost to the
 * bound on waiting writes. A dropped clear left its entry in the cache for good, so a device publishing retained
 * messages on ever new topics and clearing each while writes waited grew the cache without bound.
 */
class ClusteredRetainedClearsTest {

    private final ClusterNodes nodes = new ClusterNodes();
    private final Blocker blocker = new Blocker();

    @AfterEach
    void close() {
        blocker.release.countDown();
        nodes.close();
    }

    @Test
    void aClearReplacesTheWriteWaitingForItsTopicAndAClearOfNothingIsDropped() throws Exception {
        InfinispanCluster a = twoMembersWithTwoWritesAtOnce();
        ClusteredRetained retained = a.retainedMessages();
        holdAWrite(retained);

        retained.retained(message("t1", "on"), null);
        // beyond the bound: dropped, as before
        retained.retained(message("t2", "on"), null);
        assertThat(retained.dropped()).isEqualTo(1);
        // replaces t1's write, in its room: t1 is never written
        retained.retained(message("t1", null), null);
        // clears nothing the cache holds: dropped, nothing is left behind
        retained.retained(message("t3", null), null);
        assertThat(retained.dropped()).isEqualTo(2);
        assertThat(retained.waiting()).isEqualTo(1);

        blocker.release.countDown();
        eventually().until(() -> retained.waiting() == 0 && a.relay().inFlight() == 0);
        Cache<String, ClusteredRetained.RetainedRecord> cache = a.retainedCache();
        eventually().until(() -> cache.containsKey(key("blocker")));
        assertThat(cache.keySet()).containsExactly(key("blocker"));
    }

    @Test
    void aClearOfAnEntryTheCacheHoldsIsWrittenBeyondTheBound() throws Exception {
        InfinispanCluster a = twoMembersWithTwoWritesAtOnce();
        ClusteredRetained retained = a.retainedMessages();
        Cache<String, ClusteredRetained.RetainedRecord> cache = a.retainedCache();
        retained.retained(message("kept", "on"), null);
        eventually().until(() -> cache.containsKey(key("kept")) && retained.waiting() == 0);
        holdAWrite(retained);
        retained.retained(message("other", "on"), null);

        // the bound is reached: the clear waits beyond it rather than leave its entry in the cache for good
        retained.retained(message("kept", null), null);
        assertThat(retained.dropped()).isZero();
        assertThat(retained.waiting()).isEqualTo(2);

        blocker.release.countDown();
        eventually().until(() -> retained.waiting() == 0 && !cache.containsKey(key("kept")));
        eventually().until(() -> cache.containsKey(key("other")) && cache.containsKey(key("blocker")));
        assertThat(cache.keySet()).containsExactlyInAnyOrder(key("other"), key("blocker"));
    }

    /** A clear whose relay to the other members is refused still clears the cache: nobody else would. */
    @Test
    void aClearWhoseRelayIsRefusedStillClearsTheCache() throws Exception {
        List<IotmpServer> members = nodes.customize(options -> options.withMaxRelaysInFlight(1)).start(2);
        InfinispanCluster a = ClusterNodes.cluster(members.get(0));
        Cache<String, ClusteredRetained.RetainedRecord> cache = a.retainedCache();
        members.get(0).topics().publish("alice", "kept", "on", true);
        eventually().until(() -> cache.containsKey(key("kept")) && a.relay().inFlight() == 0
                                 && a.retainedMessages().waiting() == 0);
        CountDownLatch held = new CountDownLatch(1);
        members.get(1).topics().subscribe("held", message -> {
            held.countDown();
            try {
                blocker.release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        members.get(0).topics().publish("alice", "held", "on", false);
        assertThat(held.await(30, TimeUnit.SECONDS)).isTrue();

        assertThatThrownBy(() -> members.get(0).topics().publish("alice", "kept", null, true))
                .isInstanceOfSatisfying(QuotaExceededException.class, e -> assertThat(e.quota())
                        .isEqualTo(QuotaExceededException.Quota.CLUSTER_RELAYS));

        eventually().until(() -> !cache.containsKey(key("kept")));
    }

    /** Two members; the first's writes to the cache may be two at once (waiting or under way). */
    private InfinispanCluster twoMembersWithTwoWritesAtOnce() {
        List<IotmpServer> members = nodes.customize(options -> options.withMaxRelaysInFlight(2)).start(2);
        ClusterNodes.cluster(members.get(1)).retainedCache().addListener(blocker);
        return ClusterNodes.cluster(members.get(0));
    }

    /** A write of topic {@code blocker} under way, held on the other member until the test releases it. */
    private void holdAWrite(ClusteredRetained retained) throws InterruptedException {
        retained.retained(message("blocker", "on"), null);
        assertThat(blocker.entered.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(retained.waiting()).isZero();
    }

    private static TopicMessage message(String topic, Object payload) {
        return new TopicMessage("alice", topic, payload, null);
    }

    private static String key(String topic) {
        return ClusteredRetained.key("alice", topic);
    }

    /** Holds the write of topic {@code blocker} on the member it is registered on, so the writer waits for it. */
    @Listener
    public static final class Blocker {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @CacheEntryCreated
        public void created(CacheEntryCreatedEvent<String, Object> event) throws InterruptedException {
            if (!event.isPre() && event.getKey().equals(key("blocker"))) {
                entered.countDown();
                release.await(60, TimeUnit.SECONDS);
            }
        }
    }
}
