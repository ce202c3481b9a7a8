package io.cameliotmp.cluster;

import java.io.Serial;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

import io.cameliotmp.server.ClusterBus;
import io.cameliotmp.server.DeviceId;
import io.cameliotmp.server.DirectoryEntry;
import io.cameliotmp.server.TopicMessage;
import org.infinispan.manager.EmbeddedCacheManager;
import org.infinispan.remoting.transport.Address;
import org.infinispan.util.function.SerializableFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ClusterBus} of an {@link InfinispanCluster}: property updates, topic publications and server events
 * made on this member are broadcast to every other member of the view with Infinispan's {@code ClusterExecutor}, and
 * those of the others handed to this member's server. At most {@link #MAX_IN_FLIGHT} broadcasts wait for the others
 * at once: beyond that a relay is dropped (and counted) rather than queued, so a slow member cannot make this one
 * hold an unbounded backlog; what is relayed is bounded in size already by the frame limit of the device that sent
 * it or by the route.
 */
final class ClusterRelay implements ClusterBus {

    /** Broadcasts not yet answered by every other member. */
    static final int MAX_IN_FLIGHT = 10_000;

    private static final Logger LOG = LoggerFactory.getLogger(ClusterRelay.class);

    private final InfinispanCluster cluster;
    private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
    private final AtomicLong dropped = new AtomicLong();
    private volatile Receiver receiver;

    ClusterRelay(InfinispanCluster cluster) {
        this.cluster = cluster;
    }

    @Override
    public void bind(Receiver bound) {
        this.receiver = bound;
    }

    @Override
    public void propertyUpdated(DeviceId device, String property, Object value) {
        broadcast(new PropertyUpdated(device.user(), device.device(), property, value));
    }

    @Override
    public void published(TopicMessage message, boolean retain) {
        HolderRecord publisher = message.publisher() == null ? null
                : HolderRecord.of(new DirectoryEntry(cluster.memberName(), message.publisher()), cluster.node());
        broadcast(new Published(message.user(), message.topic(), message.payload(), publisher, retain));
    }

    @Override
    public void raised(String user, String event, Object payload) {
        broadcast(new Raised(user, event, payload));
    }

    /** Relays dropped because {@link #MAX_IN_FLIGHT} were waiting already. */
    long dropped() {
        return dropped.get();
    }

    private void broadcast(SerializableFunction<EmbeddedCacheManager, Boolean> task) {
        EmbeddedCacheManager manager = cluster.manager();
        if (manager == null || manager.getMembers() == null || manager.getMembers().size() < 2) {
            return;
        }
        if (!inFlight.tryAcquire()) {
            if (dropped.getAndIncrement() % 1_000 == 0) {
                LOG.warn("IOTMP cluster member {}: {} relays wait for the other members; dropped {} so far",
                        cluster.memberName(), MAX_IN_FLIGHT, dropped.get());
            }
            return;
        }
        Address self = manager.getAddress();
        try {
            manager.executor().filterTargets(address -> !address.equals(self))
                    .submitConsumer(task, (address, delivered, failure) -> {
                        if (failure != null) {
                            LOG.debug("Relay to cluster member {} failed", address, failure);
                        }
                    })
                    .whenComplete((done, failure) -> inFlight.release());
        } catch (RuntimeException e) {
            inFlight.release();
            LOG.debug("Could not relay to the other cluster members", e);
        }
    }

    /** Runs on a member that received a relay: hands it to that member's server. */
    private static boolean deliver(EmbeddedCacheManager manager, java.util.function.Consumer<Receiver> delivery) {
        InfinispanCluster member = InfinispanCluster.of(manager);
        Receiver target = member == null ? null : member.relay().receiver;
        if (target == null) {
            return false;
        }
        delivery.accept(target);
        return true;
    }

    record PropertyUpdated(String user, String device, String property, Object value)
            implements SerializableFunction<EmbeddedCacheManager, Boolean> {
        @Serial
        private static final long serialVersionUID = 1L;

        @Override
        public Boolean apply(EmbeddedCacheManager manager) {
            return deliver(manager, r -> r.propertyUpdated(new DeviceId(user, device), property, value));
        }
    }

    record Published(String user, String topic, Object payload, HolderRecord publisher, boolean retain)
            implements SerializableFunction<EmbeddedCacheManager, Boolean> {
        @Serial
        private static final long serialVersionUID = 1L;

        @Override
        public Boolean apply(EmbeddedCacheManager manager) {
            return deliver(manager, r -> r.published(new TopicMessage(user, topic, payload,
                    publisher == null ? null : publisher.registration()), retain));
        }
    }

    record Raised(String user, String event, Object payload)
            implements SerializableFunction<EmbeddedCacheManager, Boolean> {
        @Serial
        private static final long serialVersionUID = 1L;

        @Override
        public Boolean apply(EmbeddedCacheManager manager) {
            return deliver(manager, r -> r.raised(user, event, payload));
        }
    }
}
