package io.cameliotmp.cluster;

import java.io.Serial;
import java.io.Serializable;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import io.cameliotmp.server.ClusterBus;
import io.cameliotmp.server.DeviceId;
import io.cameliotmp.server.PsonCost;
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
 * writes run one after the other, so a clear never overtakes the message it clears.
 */
final class ClusteredRetained {

    /** At most one WARN line a minute for failed writes. */
    static final long FAILURE_LINE_INTERVAL_NANOS = java.util.concurrent.TimeUnit.MINUTES.toNanos(1);

    private static final Logger LOG = LoggerFactory.getLogger(ClusteredRetained.class);

    private final InfinispanCluster cluster;
    /** Writes not started yet, the newest per key, oldest first. Guarded by this. */
    private final Map<String, Write> waiting = new LinkedHashMap<>();
    /** A write is under way; the one that completes it starts the next. Guarded by this. */
    private boolean writing;
    /** The write under way, if any. Guarded by this. */
    private Write current;
    /**
     * Writes chained and not done yet: bounded by {@link RelayBounds#maxRelaysInFlight()} and
     * {@link RelayBounds#maxRelayBytesInFlight()}, and a device's and its user's by their shares, as relays are.
     */
    private final RelayBudget pending = new RelayBudget();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong failedWrites = new AtomicLong();
    /** When the last failure line was written (0: never), and the failures since. Guarded by itself. */
    private final long[] failureLine = new long[2];
    private final Object handover = new Object();
    /**
     * Retained publications relayed while the member takes the cluster's retained messages, the newest per key; null
     * outside that hand-over. Guarded by {@link #handover}.
     */
    private Map<String, TopicMessage> arrivedDuringHandover;

    ClusteredRetained(InfinispanCluster cluster) {
        this.cluster = cluster;
    }

    /**
     * A message this member published and retained (or, with a null payload, cleared): written to the cache after
     * the writes waiting already, replacing one still waiting for the same topic (only the newest is written).
     * <p>
     * A write beyond the bounds is dropped, but never the clear of an entry the cache holds: a dropped clear left
     * its entry in the cache for good, and a device publishing retained messages on ever new topics and clearing each
     * (which its own member's quotas allow) while writes waited grew the cache without bound. Such a clear waits
     * beyond the bounds instead; there is at most one per entry of the cache, which the bounded writes filled.
     */
    void retained(TopicMessage message, HolderRecord publisher) {
        Cache<String, RetainedRecord> cache = cluster.retainedCache();
        if (cache == null) {
            return;
        }
        long cost = PsonCost.of(message.user(), message.topic(), message.payload());
        DeviceId device = publisher == null ? null : publisher.deviceId();
        String key = key(message.user(), message.topic());
        RetainedRecord record = message.payload() == null ? null
                : new RetainedRecord(message.user(), message.topic(), message.payload(), publisher);
        synchronized (this) {
            Write replaced = waiting.remove(key);
            if (replaced != null) {
                // the newer write takes the older one's room: a clear replacing a message never needs room of its own
                replaced.release(pending);
            }
            boolean budgeted = pending.take(device, cost, cluster.options().relayBounds()) == null;
            // a clear of nothing the cache holds or is about to hold can go: no entry is left behind
            if (!budgeted && (record != null
                              || !cache.containsKey(key) && (current == null || !current.key().equals(key)))) {
                dropped.incrementAndGet();
                LOG.debug("Retained message of '{}' not kept for later members: as many writes as allowed wait"
                          + " already", shown(message.topic()));
                return;
            }
            waiting.put(key, new Write(key, message.topic(), record, device, cost, budgeted));
            if (writing) {
                return;
            }
            writing = true;
        }
        writeWaiting();
    }

    /** Writes what waits, one write at a time, until nothing does; runs on the thread that completed the last. */
    private void writeWaiting() {
        while (true) {
            Write next;
            synchronized (this) {
                Iterator<Write> first = waiting.values().iterator();
                if (!first.hasNext()) {
                    writing = false;
                    return;
                }
                next = first.next();
                first.remove();
                current = next;
            }
            Cache<String, RetainedRecord> cache = cluster.retainedCache();
            CompletableFuture<?> write;
            try {
                write = cache == null ? CompletableFuture.completedFuture(null)
                        : next.record() == null ? cache.removeAsync(next.key()) : cache.putAsync(next.key(),
                        next.record());
            } catch (RuntimeException e) {
                write = CompletableFuture.failedFuture(e);
            }
            if (!write.isDone()) {
                write.whenComplete((done, failure) -> {
                    written(next, failure);
                    writeWaiting();
                });
                return;
            }
            // done already (a stopped cache fails at once): on in this loop rather than one call deeper per write
            written(next, write.handle((done, failure) -> failure).join());
        }
    }

    private void written(Write write, Throwable failure) {
        synchronized (this) {
            write.release(pending);
            current = null;
        }
        if (failure != null) {
            failed(write.topic(), failure);
        }
    }

    /** Writes waiting now, clears beyond the bounds included. */
    synchronized int waiting() {
        return waiting.size();
    }

    /**
     * A write waiting: a record, or a clear ({@code record} null). Its room in the budget, if it took any
     * ({@code budgeted}), is given back once it is written or replaced.
     */
    private static final class Write {
        private final String key;
        private final String topic;
        private final RetainedRecord record;
        private final DeviceId device;
        private final long cost;
        private boolean budgeted;

        Write(String key, String topic, RetainedRecord record, DeviceId device, long cost, boolean budgeted) {
            this.key = key;
            this.topic = topic;
            this.record = record;
            this.device = device;
            this.cost = cost;
            this.budgeted = budgeted;
        }

        String key() {
            return key;
        }

        String topic() {
            return topic;
        }

        RetainedRecord record() {
            return record;
        }

        /** Gives its room back, once. */
        void release(RelayBudget budget) {
            if (budgeted) {
                budgeted = false;
                budget.release(device, cost);
            }
        }
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
     * Opens the hand-over of the cluster's retained messages, before this member can receive relays: from now until
     * {@link #handTo} ends, a retained publication relayed here is delivered but kept only after the cache's entries.
     * A relay can arrive before the cache's write of the same message (the publishing member makes both at once), so
     * a joining member that kept the relayed message first and then the older entry of its copy of the cache kept the
     * older one, and handed it to every later subscriber, until the topic's next publication.
     */
    void beginHandover() {
        synchronized (handover) {
            arrivedDuringHandover = new LinkedHashMap<>();
        }
    }

    /**
     * A retained publication (or clear) another member relayed: true when it arrived during the hand-over, which
     * keeps it once the cache's entries are kept, so it is to be delivered without being kept now.
     */
    boolean keptAfterHandover(TopicMessage message) {
        synchronized (handover) {
            if (arrivedDuringHandover == null) {
                return false;
            }
            arrivedDuringHandover.put(key(message.user(), message.topic()), message);
            return true;
        }
    }

    /**
     * Hands every retained message of the cluster to this member's server, which keeps them without delivering
     * them (nobody here subscribed before now), then those relayed meanwhile, which are newer; called once this
     * member joined, after the state transfer. Ends the hand-over {@link #beginHandover} opened; a null receiver
     * (a join that failed) only ends it.
     */
    void handTo(ClusterBus.Receiver receiver) {
        Cache<String, RetainedRecord> cache = cluster.retainedCache();
        List<RetainedRecord> records = List.of();
        try {
            if (cache != null && receiver != null) {
                records = List.copyOf(cache.values());
                for (RetainedRecord record : records) {
                    receiver.retained(record.toMessage());
                }
            }
        } finally {
            synchronized (handover) {
                Map<String, TopicMessage> arrived = arrivedDuringHandover;
                arrivedDuringHandover = null;
                if (receiver != null && arrived != null) {
                    // under the lock: a relay arriving now waits, then is kept after these, as the newest
                    arrived.values().forEach(receiver::retained);
                }
            }
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

    /** Writes refused because the devices of their user had the user's share of the bounds already. */
    long refusedForUserShare() {
        return pending.userShareRefusals();
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
