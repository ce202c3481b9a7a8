package io.cameliotmp.cluster;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.cameliotmp.server.ClusterBus;
import io.cameliotmp.server.PsonCost;
import io.cameliotmp.server.QuotaExceededException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receiving side of relayed publications: the member's own small group of threads
 * ({@link ClusterOptions.RelayedPublications}) that hands each publication another member relayed on the
 * {@link CallChannel} to this member's topic consumers, and answers the publishing member once they are done, so
 * that it counts the relay in its budget until then. No thread waits for the consumers but the group's own: before,
 * a publication was a task of Infinispan's executor whose return was the acknowledgement, and a consumer that
 * blocked held one of Infinispan's blocking threads per relayed publication, until the member's other cluster work
 * (server events, property updates) waited for the pool. The server's workers are no place either: a publication
 * would wait there behind relayed stream samples whose routes block.
 * <p>
 * Bounded: at most {@code threads} publications are with the consumers at once and {@code maxQueued} wait for a
 * thread, and all of them carry at most {@code maxQueuedBytes} (as the publisher counts them); one beyond is
 * refused at once, its answer says so, and the publishing member counts it among its refused relays
 * ({@link InfinispanCluster#relaysRefusedByMembers()}). Each publishing member bounds the bytes it has in flight, but
 * only its own: without this member's bound in bytes, the members together could make it hold {@code maxQueued}
 * full frames of publications waiting for slow consumers. Relayed publications are not ordered with each other,
 * as they were not as tasks: the group runs them as they arrive, on any of its threads.
 */
final class RelayedPublications {

    private static final Logger LOG = LoggerFactory.getLogger(RelayedPublications.class);
    /** How long a thread of the group stays without work before it ends. */
    private static final long IDLE_SECONDS = 60;

    private final InfinispanCluster cluster;
    private final AtomicInteger waiting = new AtomicInteger();
    /** The bytes ({@link PsonCost}) of the publications {@link #waiting} counts. */
    private final AtomicLong bytesWaiting = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    /** The group while the member is joined, null otherwise. */
    private volatile ThreadPoolExecutor threads;
    private volatile long maxQueuedBytes = ClusterOptions.RelayedPublications.DEFAULT_MAX_QUEUED_BYTES;
    /** False in tests only, for a member of an earlier version ({@link #readAsCalls}). */
    private volatile boolean onChannel = true;

    RelayedPublications(InfinispanCluster cluster) {
        this.cluster = cluster;
    }

    /** Makes the group as the options say; at each join. */
    void start(ClusterOptions.RelayedPublications options, String memberName) {
        AtomicInteger number = new AtomicInteger();
        ThreadPoolExecutor group = new ThreadPoolExecutor(options.threads(), options.threads(), IDLE_SECONDS,
                TimeUnit.SECONDS, new LinkedBlockingQueue<>(options.maxQueued()), runnable -> {
                    Thread thread = new Thread(runnable, "iotmp-cluster-" + memberName + "-publications-"
                                                         + number.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        group.allowCoreThreadTimeOut(true);
        maxQueuedBytes = options.maxQueuedBytes();
        threads = group;
    }

    /**
     * Takes no more publications; those queued still reach the consumers (they arrived), their answers go nowhere.
     * A consumer that blocks keeps its thread until it returns, as it kept Infinispan's before.
     */
    void stop() {
        ThreadPoolExecutor group = threads;
        threads = null;
        if (group != null) {
            group.shutdown();
        }
    }

    /** Whether bytes from the call channel are a relayed publication for this member to serve. */
    boolean serves(byte[] bytes) {
        return onChannel && PublicationWire.isPublication(bytes);
    }

    /**
     * A publication relayed on the call channel: queued for the group, answered once this member's topic consumers
     * are done with it. The answer says refused at once when the group's queue is full, and undelivered when the
     * group is gone or stops (this member leaves): not a bound reached, so neither the publisher nor this member
     * counts it among refused relays. Before, a leaving member's group refusing the task counted as a full queue:
     * a refusal of {@code maxQueuedRelayedPublications} in this server's quota refusals and log, and in the
     * publisher's {@code relaysRefusedByMembers()}.
     */
    CompletableFuture<byte[]> serve(byte[] bytes) {
        ClusterRelay.Published published = PublicationWire.fromBytes(bytes);
        ThreadPoolExecutor group = threads;
        CompletableFuture<byte[]> answer = new CompletableFuture<>();
        // counted and queued in one step (the queue's offer never blocks): once waiting() counts a publication, one
        // arriving later finds it queued, so which one the bound refuses follows the count
        // the publisher's measure, so that what one member may have in flight fits here
        long cost = PsonCost.of(published.user(), published.topic(), published.payload());
        String bound = "maxQueuedRelayedPublicationBytes";
        synchronized (this) {
            if (group != null && !group.isShutdown() && cost <= maxQueuedBytes - bytesWaiting.get()) {
                waiting.incrementAndGet();
                bytesWaiting.addAndGet(cost);
                try {
                    group.execute(() -> answer.complete(PublicationWire.answer(deliver(published, cost))));
                    return answer;
                } catch (RejectedExecutionException e) {
                    waiting.decrementAndGet();
                    bytesWaiting.addAndGet(-cost);
                    bound = "maxQueuedRelayedPublications";
                }
            }
        }
        if (group == null || group.isShutdown()) {
            LOG.debug("Relayed publication on '{}' not delivered: this cluster member is leaving",
                    ClusteredRetained.shown(published.topic()));
            return CompletableFuture.completedFuture(PublicationWire.answer(PublicationWire.Answer.UNDELIVERED));
        }
        refused(published, group, bound);
        return CompletableFuture.completedFuture(PublicationWire.answer(PublicationWire.Answer.REFUSED));
    }

    /**
     * Counts a refusal, and has the server count and log it among its quota refusals
     * ({@code iotmp.quota.refusals{quota=cluster-relays}}, a line within its rate limit), so that consumers that
     * keep the group busy show in the metrics and do not flood the log.
     */
    private void refused(ClusterRelay.Published published, ThreadPoolExecutor group, String bound) {
        refused.incrementAndGet();
        ClusterBus.Receiver receiver = cluster.relay().receiver();
        if (receiver == null) {
            LOG.debug("Relayed publication on '{}' refused", ClusteredRetained.shown(published.topic()));
            return;
        }
        receiver.refused(new QuotaExceededException(QuotaExceededException.Quota.CLUSTER_RELAYS,
                "a publication on '" + ClusteredRetained.shown(published.topic()) + "' relayed to cluster member "
                + cluster.memberName() + ": " + group.getQueue().size() + " (" + bytesWaiting.get()
                + " bytes) wait for its topic consumers already (" + bound + ")"));
    }

    private PublicationWire.Answer deliver(ClusterRelay.Published published, long cost) {
        try {
            return published.deliverTo(cluster) ? PublicationWire.Answer.DELIVERED
                    : PublicationWire.Answer.UNDELIVERED;
        } catch (RuntimeException e) {
            LOG.warn("A publication relayed on '{}' could not be delivered",
                    ClusteredRetained.shown(published.topic()), e);
            return PublicationWire.Answer.UNDELIVERED;
        } finally {
            bytesWaiting.addAndGet(-cost);
            waiting.decrementAndGet();
        }
    }

    /** For tests: reads relayed publications on the call channel as calls, as a member of an earlier version does. */
    void readAsCalls() {
        onChannel = false;
    }

    /** Relayed publications taken and not answered yet: with the topic consumers, or waiting for a thread. */
    int waiting() {
        return waiting.get();
    }

    /** The bytes ({@link PsonCost}) of the relayed publications {@link #waiting()} counts. */
    long bytesWaiting() {
        return bytesWaiting.get();
    }

    /** Relayed publications refused because as many, or as many bytes, as allowed waited already. */
    long refused() {
        return refused.get();
    }
}
