package io.cameliotmp.cluster;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import io.cameliotmp.protocol.session.Answers;
import org.infinispan.manager.EmbeddedCacheManager;
import org.infinispan.remoting.transport.Address;
import org.infinispan.util.function.SerializableFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the holder sends the samples and the end of one stream back to the member that opened it: on the
 * {@link CallChannel}, whose answer that member sends once its listener is done with the sample, holding no thread
 * meanwhile. Before, a relay was a task of Infinispan's executor whose return was the acknowledgement, so the
 * calling member held a thread of Infinispan's blocking pool for as long as its route took. A member of an earlier
 * version reads the relay as a forwarded call and fails on it: to such a member this stream's relays go as tasks,
 * as before, during a rolling upgrade.
 */
class RelayTransport {

    private static final Logger LOG = LoggerFactory.getLogger(RelayTransport.class);

    private final InfinispanCluster cluster;
    private final UUID origin;
    /** The origin read a relay on the call channel as a call, and failed: it is of an earlier version. */
    private volatile boolean asTasks;

    RelayTransport(InfinispanCluster cluster, UUID origin) {
        this.cluster = cluster;
        this.origin = origin;
    }

    /**
     * Completes with whether the origin still wants the stream once its listener is done with the relay (or has
     * waited {@link ForwardedCalls#RELAY_HANDLING_WAIT_SECONDS} for it); fails when the relay could not be sent,
     * the origin left, or it did not answer within Infinispan's {@code distributedSyncTimeout}, the time a task
     * had before.
     */
    CompletableFuture<Boolean> send(ClusterTasks.Relay relay) {
        EmbeddedCacheManager manager = cluster.manager();
        CallChannel channel = cluster.callChannel();
        if (manager == null || channel == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("this cluster member is leaving"));
        }
        if (asTasks) {
            return asTask(manager, relay);
        }
        byte[] bytes;
        try {
            bytes = relay.toBytes();
        } catch (RuntimeException e) {
            LOG.warn("A sample of a stream opened by cluster member {} could not be encoded", origin, e);
            return CompletableFuture.failedFuture(e);
        }
        long timeoutMillis = manager.getCacheManagerConfiguration().transport().distributedSyncTimeout();
        return channel.call(origin, bytes, timeoutMillis).handle((answer, failure) -> {
            if (failure == null) {
                return CompletableFuture.completedFuture(ClusterTasks.Relay.wanted(answer));
            }
            EmbeddedCacheManager now = cluster.manager();
            if (Answers.unwrap(failure) instanceof ClassCastException && now != null) {
                LOG.debug("Cluster member {} reads no relays on the call channel: relaying to it as tasks", origin);
                asTasks = true;
                return asTask(now, relay);
            }
            return CompletableFuture.<Boolean>failedFuture(failure);
        }).thenCompose(wanted -> wanted);
    }

    /** As a task of Infinispan's executor, for a member of an earlier version. */
    private CompletableFuture<Boolean> asTask(EmbeddedCacheManager manager, ClusterTasks.Relay relay) {
        Address target = cluster.address(origin);
        if (target == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("cluster member " + origin + " left"));
        }
        CompletableFuture<Boolean> wanted = new CompletableFuture<>();
        manager.executor().filterTargets(List.of(target))
                .submitConsumer((SerializableFunction<EmbeddedCacheManager, Boolean>) relay,
                        (address, taken, failure) -> {
                            if (failure != null) {
                                wanted.completeExceptionally(failure);
                            } else {
                                wanted.complete(Boolean.TRUE.equals(taken));
                            }
                        })
                .whenComplete((ignored, failure) -> {
                    if (failure != null) {
                        wanted.completeExceptionally(failure);
                    } else {
                        wanted.complete(false);
                    }
                });
        return wanted;
    }
}
