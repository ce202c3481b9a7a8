package io.cameliotmp.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import io.cameliotmp.protocol.session.Answers;
import org.infinispan.manager.EmbeddedCacheManager;
import org.infinispan.remoting.transport.Address;
import org.infinispan.util.function.SerializableFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a member sends a publication to the other members: on the {@link CallChannel}, one message to each, whose
 * answer the receiving member sends once its topic consumers are done with it ({@link RelayedPublications}), holding
 * none of Infinispan's threads meanwhile. Before, a publication was a task of Infinispan's executor whose return was
 * the acknowledgement. A member of an earlier version reads the publication as a forwarded call and fails on it:
 * to such a member publications go as tasks, as before, during a rolling upgrade.
 */
final class PublicationTransport {

    private static final Logger LOG = LoggerFactory.getLogger(PublicationTransport.class);

    private final InfinispanCluster cluster;
    /**
     * Members that read a publication on the call channel as a call and failed: of an earlier version. Pruned to the
     * view whenever a publication goes out, so it holds at most the members of the view.
     */
    private final Set<UUID> earlierVersions = ConcurrentHashMap.newKeySet();

    PublicationTransport(InfinispanCluster cluster) {
        this.cluster = cluster;
    }

    /**
     * Sends to every other member of the view; completes once each answered (its consumers are done), failed, or did
     * not answer within Infinispan's {@code distributedSyncTimeout}, the time a task had before. {@code onRefused}
     * runs for each member whose answer says it had no room for the publication, {@code onFailed} for each member
     * the publication did not reach (it failed, timed out, or the member left meanwhile).
     */
    CompletableFuture<Void> send(ClusterRelay.Published published, Runnable onRefused, Runnable onFailed) {
        EmbeddedCacheManager manager = cluster.manager();
        CallChannel channel = cluster.callChannel();
        if (manager == null || channel == null || manager.getMembers() == null) {
            return CompletableFuture.completedFuture(null);
        }
        Address self = manager.getAddress();
        List<Address> targets = new ArrayList<>(manager.getMembers());
        targets.remove(self);
        if (!earlierVersions.isEmpty()) {
            earlierVersions.retainAll(targets.stream().map(Address::getNodeUUID).toList());
        }
        byte[] bytes;
        try {
            bytes = PublicationWire.toBytes(published);
        } catch (RuntimeException e) {
            // a route's payload PSON does not encode: Java-serialized in a task, as before
            LOG.debug("Publication on '{}' relayed as tasks: {}", ClusteredRetained.shown(published.topic()),
                    e.toString());
            bytes = null;
        }
        long timeoutMillis = manager.getCacheManagerConfiguration().transport().distributedSyncTimeout();
        List<CompletableFuture<Void>> answers = new ArrayList<>(targets.size());
        for (Address target : targets) {
            UUID member = target.getNodeUUID();
            CompletableFuture<Void> answered = bytes == null || earlierVersions.contains(member)
                    ? asTask(manager, target, published)
                    : onChannel(channel, manager, target, bytes, timeoutMillis, published, onRefused);
            answers.add(answered.exceptionally(failure -> {
                onFailed.run();
                LOG.debug("Relay of a publication to cluster member {} failed", target, failure);
                return null;
            }));
        }
        return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new));
    }

    private CompletableFuture<Void> onChannel(CallChannel channel, EmbeddedCacheManager manager, Address target,
                                              byte[] bytes, long timeoutMillis, ClusterRelay.Published published,
                                              Runnable onRefused) {
        UUID member = target.getNodeUUID();
        return channel.call(member, bytes, timeoutMillis).handle((answer, failure) -> {
            if (failure == null) {
                if (PublicationWire.answer(answer) == PublicationWire.Answer.REFUSED) {
                    onRefused.run();
                }
                return CompletableFuture.<Void>completedFuture(null);
            }
            if (Answers.unwrap(failure) instanceof ClassCastException && cluster.manager() != null) {
                LOG.debug("Cluster member {} reads no publications on the call channel: relaying to it as tasks",
                        target);
                earlierVersions.add(member);
                return asTask(manager, target, published);
            }
            return CompletableFuture.<Void>failedFuture(failure);
        }).thenCompose(done -> done);
    }

    /** As a task of Infinispan's executor, for a member of an earlier version. */
    private static CompletableFuture<Void> asTask(EmbeddedCacheManager manager, Address target,
                                                  ClusterRelay.Published published) {
        try {
            return manager.executor().filterTargets(List.of(target))
                    .submitConsumer((SerializableFunction<EmbeddedCacheManager, Boolean>) published,
                            (address, delivered, failure) -> {
                                if (failure != null) {
                                    LOG.debug("Relay to cluster member {} failed", address, failure);
                                }
                            });
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
