package io.cameliotmp.cluster;

import java.io.Serial;
import java.io.Serializable;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import io.cameliotmp.server.ClusterBus;
import io.cameliotmp.server.DeviceId;
import io.cameliotmp.server.TopicMessage;
import org.infinispan.Cache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retained topic messages in a replicated cache, for members that join later: Infinispan's state transfer hands a
 * joining member the cache's entries before it serves, and the member keeps them as its server's retained messages.
 * Members in the view get a retained message by its relay as before; the cache is what outlives the members that
 * were in the view when it was published.
 * <p>
 * The member that publishes writes the entry (or removes it, for a clear), and only a message its own server kept
 * within its quotas, so what the cache holds per user stays within the retained-message quotas of the members. Its
 * writes are chained one after the other, so a clear never overtakes the message it clears.
 */
final class ClusteredRetained {

    /** At most one WARN line a minute for failed writes. */
    static final long FAILURE_LINE_INTERVAL_NANOS = java.util.concurrent.TimeUnit.MINUTES.toNanos(1);

    private static final Logger LOG = LoggerFactory.getLogger(ClusteredRetained.class);

    private final InfinispanCluster cluster;
    /** Completes when this member's writes so far are done. Guarded by this. */
    private CompletableFuture<?> tail = CompletableFuture.completedFuture(null);
    /**
     * Writes chained and not done yet: bounded by {@link ClusterOptions#maxRelaysInFlight()} and
     * {@link ClusterOptions#maxRelayBytesInFlight()}, and a device's by its share, as relays are.
     */
    private final RelayBudget pending = new RelayBudget();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong failedWrites = new AtomicLong();
    /** When the last failure line was written (0: never), and the failures since. Guarded by itself. */
    private final long[] failureLine = new long[2];

    ClusteredRetained(InfinispanCluster cluster) {
        this.cluster = cluster;
    }

    /** A message this member published and retained (or, with a null payload, cleared). */
    synchronized void retained(TopicMessage message, HolderRecord publisher) {
        Cache<String, RetainedRecord> cache = cluster.retainedCache();
        if (cache == null) {
            return;
        }
        long cost = RelayBudget.cost(message.user(), message.topic(), message.payload());
        DeviceId device = publisher == null ? null : publisher.deviceId();
        if (pending.take(device, cost, cluster.options()) != null) {
            dropped.incrementAndGet();
            LOG.debug("Retained message of '{}' not kept for later members: as many writes as allowed wait already",
                    message.topic());
            return;
        }
        String key = key(message.user(), message.topic());
        RetainedRecord record = message.payload() == null ? null
                : new RetainedRecord(message.user(), message.topic(), message.payload(), publisher);
        tail = tail.handle((done, failure) -> null)
                .thenCompose(previous -> record == null ? cache.removeAsync(key) : cache.putAsync(key, record))
                .whenComplete((done, failure) -> {
                    pending.release(device, cost);
                    if (failure != null) {
                        failed(message.topic(), failure);
                    }
                });
    }

    /**
     * A write failed (the cache times out on a slow member, say): counted, and logged at most once a
     * {@link #FAILURE_LINE_INTERVAL_NANOS minute}. A line per failure let a device publishing retained messages
     * write one WARN line each while the cache failed, with its topic in it.
     */
    private void failed(String topic, Throwable failure) {
        failedWrites.incrementAndGet();
        long suppressed;
        synchronized (failureLine) {
            long now = System.nanoTime();
            if (failureLine[0] != 0 && now - failureLine[0] < FAILURE_LINE_INTERVAL_NANOS) {
                failureLine[1]++;
                LOG.debug("Could not keep the retained message of '{}' for later members", shown(topic), failure);
                return;
            }
            failureLine[0] = now;
            suppressed = failureLine[1];
            failureLine[1] = 0;
        }
        LOG.warn("IOTMP cluster member {}: could not keep the retained message of '{}' for later members: {}{}",
                cluster.memberName(), shown(topic), shown(failure.toString()),
                suppressed == 0 ? "" : " (" + suppressed + " more failed since the last such line)");
    }

    /** Writes of retained messages for later members that failed. */
    long failedWrites() {
        return failedWrites.get();
    }

    /** A topic or an error as logged: on one line and at most 128 characters, the rest counted. */
    static String shown(String text) {
        String cut = text.length() <= 128 ? text : text.substring(0, 128) + "...(" + text.length() + " characters)";
        return cut.replaceAll("\\p{Cntrl}", "?");
    }

    /**
     * Hands every retained message of the cluster to this member's server, which keeps them without delivering
     * them (nobody here subscribed before now); called once this member joined, after the state transfer.
     */
    void handTo(ClusterBus.Receiver receiver) {
        Cache<String, RetainedRecord> cache = cluster.retainedCache();
        if (cache == null || receiver == null) {
            return;
        }
        List<RetainedRecord> records = List.copyOf(cache.values());
        for (RetainedRecord record : records) {
            receiver.retained(record.toMessage());
        }
        if (!records.isEmpty()) {
            LOG.info("IOTMP cluster member {} took {} retained messages from the cluster", cluster.memberName(),
                    records.size());
        }
    }

    /** Writes refused because their device had its share of the bounds already. */
    long refusedForDeviceShare() {
        return pending.deviceShareRefusals();
    }

    /** Retained messages not written for later members because as many writes as allowed were waiting. */
    long dropped() {
        return dropped.get();
    }

    /** Route publications for every user have no user: they get a key of their own. */
    static String key(String user, String topic) {
        return (user == null ? "*" : "=" + user) + '\u0000' + topic;
    }

    /** A retained message as the replicated cache stores it. */
    record RetainedRecord(String user, String topic, Object payload, HolderRecord publisher) implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;

        TopicMessage toMessage() {
            return new TopicMessage(user, topic, payload, publisher == null ? null : publisher.registration());
        }
    }
}
