package io.cameliotmp.cluster;

import java.io.Serial;
import java.io.Serializable;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

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
 * <p>
 * The cache also decides which retained message each member keeps, so that they all keep the same one: every
 * member keeps each write of the cache as it applies it ({@link RetainedWrites}), and the cache applies the writes of
 * one topic in the same order on every member. The relay of a retained publication goes out once its write is
 * done and names it; a member keeps the relayed message with its delivery only while its copy of the cache holds
 * that very write ({@link #relayed}). Before, each member kept whatever relay came last: two members publishing on
 * one topic at once could each end up keeping the other's message, for good.
 */
final class ClusteredRetained {

    /** At most one WARN line a minute for failed writes. */
    static final long FAILURE_LINE_INTERVAL_NANOS = java.util.concurrent.TimeUnit.MINUTES.toNanos(1);

    private static final Logger LOG = LoggerFactory.getLogger(ClusteredRetained.class);

    private final InfinispanCluster cluster;
    /** Writes not started yet, the newest per key, oldest first. Guarded by this. */
    private final Map<String, RetainedWrite> waiting = new LinkedHashMap<>();
    /** A write is under way; the one that completes it starts the next. Guarded by this. */
    private boolean writing;
    /** The write under way, if any. Guarded by this. */
    private RetainedWrite current;
    /**
     * Writes chained and not done yet: bounded by {@link RelayBounds#maxRelaysInFlight()} and
     * {@link RelayBounds#maxRelayBytesInFlight()}, and a device's and its user's by their shares, as relays are.
     */
    private final RelayBudget pending = new RelayBudget();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong failedWrites = new AtomicLong();
    /** Writes not made because the cache held a newer connection's message of their device. */
    private final AtomicLong superseded = new AtomicLong();
    /** When the last failure line was written (0: never), and the failures since. Guarded by itself. */
    private final long[] failureLine = new long[2];
    /** The writes applied while this member takes the cluster's retained messages; its lock keeps them in order. */
    private final RetainedHandover handover = new RetainedHandover();
    /** Numbers this member's writes, so a relay can name the write it follows. */
    private final AtomicLong writeNumbers = new AtomicLong();

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
        retained(message, publisher, null);
    }

    /**
     * Like {@link #retained(TopicMessage, HolderRecord)}, then tells {@code written} (if not null) the number of the
     * write once it is done, or 0 when it was not (dropped, replaced by a newer write while it waited, or failed).
     */
    void retained(TopicMessage message, HolderRecord publisher, LongConsumer written) {
        Cache<String, RetainedRecord> cache = cluster.retainedCache();
        if (cache == null) {
            tell(written, 0);
            return;
        }
        long cost = PsonCost.of(message.user(), message.topic(), message.payload());
        DeviceId device = publisher == null ? null : publisher.deviceId();
        String key = key(message.user(), message.topic());
        long number = writeNumbers.incrementAndGet();
        RetainedRecord record = message.payload() == null ? null
                : new RetainedRecord(message.user(), message.topic(), message.payload(), publisher, cluster.node(),
                        number);
        RetainedWrite replaced;
        boolean start;
        boolean refused;
        synchronized (this) {
            replaced = waiting.remove(key);
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
                start = false;
                refused = true;
            } else {
                refused = false;
                waiting.put(key, new RetainedWrite(key, message.topic(), record, publisher, cost, budgeted, number,
                        written));
                start = !writing;
                writing = true;
            }
        }
        // outside the lock: each tells its relay, which goes out now
        tell(replaced == null ? null : replaced.written, 0);
        if (refused) {
            tell(written, 0);
        }
        if (start) {
            writeWaiting();
        }
    }

    private static void tell(LongConsumer written, long number) {
        if (written == null) {
            return;
        }
        try {
            written.accept(number);
        } catch (RuntimeException e) {
            LOG.debug("Could not relay a retained publication after its write", e);
        }
    }

    /** Writes what waits, one write at a time, until nothing does; runs on the thread that completed the last. */
    private void writeWaiting() {
        while (true) {
            RetainedWrite next;
            synchronized (this) {
                Iterator<RetainedWrite> first = waiting.values().iterator();
                if (!first.hasNext()) {
                    writing = false;
                    return;
                }
                next = first.next();
                first.remove();
                current = next;
            }
            Cache<String, RetainedRecord> cache = cluster.retainedCache();
            if (supersededFor(cache, next)) {
                superseded(next, cache);
                continue;
            }
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

    /**
     * Whether the cache holds a message of the write's device from a newer connection than the write's: the device
     * moved to another member and published there while this write waited here. Read from this member's copy, which
     * a write done on another member has reached already (the cache is replicated synchronously); only writes made at
     * the very same time can still cross. A device's own order is the one order there is between its publications.
     */
    private static boolean supersededFor(Cache<String, RetainedRecord> cache, RetainedWrite write) {
        if (cache == null || write.publisher == null) {
            return false;
        }
        RetainedRecord held;
        try {
            held = cache.get(write.key());
        } catch (RuntimeException e) {
            return false; // the write itself fails and is counted
        }
        HolderRecord holder = held == null ? null : held.publisher();
        return holder != null && holder.deviceId().equals(write.publisher.deviceId())
               && holder.newerThan(write.publisher);
    }

    /**
     * A write not made, the cache holding its device's newer message: its relay delivers it without keeping it, and
     * this member keeps the cache's message again, in case its server kept the older one after the cache's write of
     * the newer reached it (unless a newer write of this member waits for the topic, as for a write applied).
     */
    private void superseded(RetainedWrite write, Cache<String, RetainedRecord> cache) {
        superseded.incrementAndGet();
        synchronized (this) {
            write.release(pending);
            current = null;
        }
        try {
            applied(write.key(), cache.get(write.key()), true);
        } catch (RuntimeException e) {
            LOG.debug("Could not keep the cluster's retained message of '{}' again", shown(write.topic()), e);
        }
        LOG.debug("Retained message of '{}' not written: its device published a newer one through another member",
                shown(write.topic()));
        tell(write.written, 0);
    }

    private void written(RetainedWrite write, Throwable failure) {
        synchronized (this) {
            write.release(pending);
            current = null;
        }
        if (failure != null) {
            failed(write.topic(), failure);
        }
        tell(write.written, failure == null ? write.number : 0);
    }

    /**
     * Whether a write of this key waits here: newer than the one of this member just applied, as they are made one
     * after the other, and applied in its turn.
     */
    private synchronized boolean writeWaits(String key) {
        return waiting.containsKey(key);
    }

    /** Writes waiting now, clears beyond the bounds included. */
    synchronized int waiting() {
        return waiting.size();
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

    /** Writes not made because the cache held a newer connection's message of their device. */
    long superseded() {
        return superseded.get();
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
     * Opens the hand-over of the cluster's retained messages, before this member can receive relays or writes: from
     * now until {@link #handTo} ends, a write of the cache applied here is kept only after the cache's entries, and a
     * relayed retained publication is only delivered (the cache, copied or written, holds it or a newer one). A
     * joining member that kept what arrived first and then the older entry of its copy of the cache kept the older
     * one, and handed it to every later subscriber, until the topic's next publication.
     */
    void beginHandover() {
        handover.begin();
    }

    /** The hand-over of the cluster's retained messages to this member while it joins. */
    RetainedHandover handover() {
        return handover;
    }

    /**
     * A write of the cache, applied on this member: its message (a clear for a null record) is kept here, after the
     * cache's entries while this member takes them. A write of this member's own is not, when a newer publication of
     * this member on the topic waits to be written: its server keeps that one already, and its write comes.
     */
    void applied(String key, RetainedRecord record, boolean madeHere) {
        if (madeHere && writeWaits(key)) {
            return;
        }
        TopicMessage message = record != null ? record.toMessage() : cleared(key);
        if (message == null) {
            return;
        }
        synchronized (handover) {
            if (handover.open()) {
                handover.arrive(key, message);
                return;
            }
            keep(message);
        }
    }

    /**
     * A retained publication (or clear) another member relayed once its write was done ({@code write} its number, 0
     * if it was not written): delivered, and kept with its delivery only while this member's copy of the cache holds
     * that write; the cache's write, applied here before or after, keeps it otherwise. After keeping it, the cache is
     * read once more, under the lock its writes are kept under: a newer write applied meanwhile is kept again.
     */
    void relayed(ClusterBus.Receiver receiver, TopicMessage message, UUID writer, long write) {
        String key = key(message.user(), message.topic());
        boolean keep;
        synchronized (handover) {
            keep = !handover.open() && holds(key, message, writer, write);
        }
        receiver.published(message, keep);
        if (!keep) {
            return;
        }
        synchronized (handover) {
            if (!holds(key, message, writer, write)) {
                Cache<String, RetainedRecord> cache = cluster.retainedCache();
                RetainedRecord now = cache == null ? null : cache.get(key);
                TopicMessage current = now != null ? now.toMessage() : cleared(key);
                if (current != null) {
                    keep(current);
                }
            }
        }
    }

    /** Whether this member's copy of the cache holds the write of that message (no entry, for a clear). */
    private boolean holds(String key, TopicMessage message, UUID writer, long write) {
        Cache<String, RetainedRecord> cache = cluster.retainedCache();
        if (cache == null || write == 0 || writer == null) {
            return false;
        }
        RetainedRecord record = cache.get(key);
        if (message.payload() == null) {
            return record == null;
        }
        return record != null && writer.equals(record.writer()) && record.write() == write;
    }

    /** Keeps the message with this member's server, if it is bound. */
    private void keep(TopicMessage message) {
        ClusterBus.Receiver receiver = cluster.relay().receiver();
        if (receiver == null) {
            return;
        }
        try {
            receiver.retained(message);
        } catch (RuntimeException e) {
            LOG.debug("Could not keep the retained message of '{}'", shown(message.topic()), e);
        }
    }

    /** The clear of the topic a key names. */
    static TopicMessage cleared(String key) {
        int split = key.indexOf('\u0000');
        if (split < 1) {
            return null;
        }
        String user = key.charAt(0) == '=' ? key.substring(1, split) : null;
        return new TopicMessage(user, key.substring(split + 1), null, null);
    }

    /**
     * Hands every retained message of the cluster to this member's server, which keeps them without delivering
     * them (nobody here subscribed before now), then the cache's writes applied meanwhile, which are newer; called
     * once this member joined, after the state transfer. Ends the hand-over {@link #beginHandover} opened; a null
     * receiver (a join that failed) only ends it.
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
            // under its lock: a write applied now waits, then is kept after these, as the newest
            handover.end(receiver, cache, records, cluster.memberName());
        }
        if (!records.isEmpty()) {
            LOG.info("IOTMP cluster member {} took {} retained messages from the cluster", cluster.memberName(),
                    records.size());
        }
    }

    /**
     * After a split heals: keeps what the merged cache holds for each topic. The merge chose one side's message for a
     * topic both sides wrote, and took a topic only one side wrote to the other, without telling the caches'
     * listeners ({@link RetainedWrites}); so each member kept what its own side had, two messages for one topic
     * across the cluster for good. Each key is read and kept under the lock its writes are kept under, so a write
     * applied meanwhile is kept after it, as the newer; a topic with a write of this member's own waiting is left
     * to that write, as when it is applied. A message this member keeps that the merged cache does not hold (its
     * write refused or failed) stays: nothing here lists the server's retained messages.
     */
    void takeMerged() {
        Cache<String, RetainedRecord> cache = cluster.retainedCache();
        if (cache == null) {
            return;
        }
        int kept = 0;
        for (String key : List.copyOf(cache.keySet())) {
            if (writeWaits(key)) {
                continue;
            }
            synchronized (handover) {
                RetainedRecord record = cache.get(key);
                if (record != null) {
                    keep(record.toMessage());
                    kept++;
                }
            }
        }
        LOG.info("IOTMP cluster member {} keeps the cluster's {} retained messages after a merge",
                cluster.memberName(), kept);
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

    /**
     * A retained message as the replicated cache stores it, and which write put it there: the writing member's node id
     * and its number of the write.
     */
    record RetainedRecord(String user, String topic, Object payload, HolderRecord publisher, UUID writer,
                          long write) implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;

        TopicMessage toMessage() {
            return new TopicMessage(user, topic, payload, publisher == null ? null : publisher.registration());
        }
    }
}
