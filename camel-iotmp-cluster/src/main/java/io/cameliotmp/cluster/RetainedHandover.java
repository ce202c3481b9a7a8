package io.cameliotmp.cluster;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import io.cameliotmp.cluster.ClusteredRetained.RetainedRecord;
import io.cameliotmp.server.ClusterBus;
import io.cameliotmp.server.PsonCost;
import io.cameliotmp.server.TopicMessage;
import org.infinispan.Cache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writes of the retained cache applied on a joining member while it takes the cluster's retained messages
 * ({@link ClusteredRetained#beginHandover}), kept after the cache's entries so that an older entry never replaces a
 * newer message. {@link ClusteredRetained} keeps its messages under the lock on this object; its methods take it too.
 * <p>
 * The record is bounded: it holds one write per topic, clears included, so a device publishing and clearing retained
 * messages on ever new topics grew it for as long as the hand-over lasted. Beyond its bounds it is dropped, and the
 * hand-over reads the cache again at its end instead ({@link #end}): the cache holds every write applied by then, so
 * that costs one more pass over its entries, never a newer message.
 */
final class RetainedHandover {

    /** At most this many topics written during a hand-over are recorded. */
    static final int MAX_ARRIVED = 1024;
    /** At most this many bytes (as PSON) of messages written during a hand-over are recorded, replaced ones too. */
    static final long MAX_ARRIVED_BYTES = 16L * 1024 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(RetainedHandover.class);

    /** The newest write per key; null outside a hand-over, empty once it outgrew its bounds. */
    private Map<String, TopicMessage> arrived;
    private long arrivedBytes;
    private boolean overflowed;
    private int maxArrived = MAX_ARRIVED;
    private long maxArrivedBytes = MAX_ARRIVED_BYTES;
    private final AtomicLong rereads = new AtomicLong();

    synchronized void begin() {
        arrived = new LinkedHashMap<>();
        arrivedBytes = 0;
        overflowed = false;
    }

    /** Whether a hand-over is under way. */
    synchronized boolean open() {
        return arrived != null;
    }

    /** Records a write applied during the hand-over, within the bounds; beyond them, only that they were passed. */
    synchronized void arrive(String key, TopicMessage message) {
        if (overflowed) {
            return;
        }
        arrivedBytes += PsonCost.of(message.user(), message.topic(), message.payload());
        if (arrivedBytes > maxArrivedBytes || arrived.size() >= maxArrived && !arrived.containsKey(key)) {
            overflowed = true;
            arrived = Map.of();
            LOG.debug("More retained messages written than recorded while joining: the cache is read again after");
            return;
        }
        arrived.put(key, message);
    }

    /**
     * Ends the hand-over: keeps the writes it recorded, in their order, or, if it outgrew its bounds, clears the
     * topics {@code handed} over that the cache holds no more and keeps every entry the cache holds now. A write
     * applied meanwhile waits for this lock, then is kept after these, as the newest. A topic both written and
     * cleared during the hand-over and not handed over is left alone then: its message never reached the server by
     * the cache. A null receiver (a join that failed) only ends it.
     */
    synchronized void end(ClusterBus.Receiver receiver, Cache<String, RetainedRecord> cache,
                          List<RetainedRecord> handed, String memberName) {
        Map<String, TopicMessage> recorded = arrived;
        boolean reread = overflowed;
        arrived = null;
        arrivedBytes = 0;
        overflowed = false;
        if (receiver == null) {
            return;
        }
        if (!reread) {
            if (recorded != null) {
                recorded.values().forEach(receiver::retained);
            }
            return;
        }
        rereads.incrementAndGet();
        if (cache == null) {
            return;
        }
        for (RetainedRecord record : handed) {
            String key = ClusteredRetained.key(record.user(), record.topic());
            if (!cache.containsKey(key)) {
                receiver.retained(ClusteredRetained.cleared(key));
            }
        }
        int kept = 0;
        for (RetainedRecord record : cache.values()) {
            receiver.retained(record.toMessage());
            kept++;
        }
        LOG.info("IOTMP cluster member {}: more retained messages were written while it joined than it records;"
                 + " it read the cluster's {} again", memberName, kept);
    }

    /** Bounds the writes a hand-over records (tests make them small). */
    synchronized void bound(int entries, long bytes) {
        maxArrived = entries;
        maxArrivedBytes = bytes;
    }

    /** Writes recorded by the hand-over under way, 0 outside one. */
    synchronized int recorded() {
        return arrived == null ? 0 : arrived.size();
    }

    /** Hand-overs that outgrew their bounds and read the cache again at their end. */
    long rereads() {
        return rereads.get();
    }
}
