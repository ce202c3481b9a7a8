package io.cameliotmp.cluster;

import java.io.Serial;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import io.cameliotmp.server.ClusterBus;
import io.cameliotmp.server.DeviceId;
import io.cameliotmp.server.DirectoryEntry;
import io.cameliotmp.server.PsonCost;
import io.cameliotmp.server.QuotaExceededException;
import io.cameliotmp.server.TopicMessage;
import org.infinispan.manager.EmbeddedCacheManager;
import org.infinispan.remoting.transport.Address;
import org.infinispan.util.function.SerializableFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ClusterBus} of an {@link InfinispanCluster}: topic publications made on this member go to every other
 * member of the view on the {@link CallChannel} ({@link PublicationTransport}; each member answers once its topic
 * consumers are done, {@link RelayedPublications}), server events are broadcast with Infinispan's
 * {@code ClusterExecutor}, a property update goes to the member holding the device (if another one does), and what
 * the others send is handed to this member's server.
 * Relays are not ordered with each other: two publications made one after the other may arrive in either order.
 * A retained publication is relayed once the cluster's cache of retained messages holds it, and kept where it
 * arrives only while that member's copy of the cache still does ({@link ClusteredRetained}): the members keep the
 * cache's last message of a topic, whatever order the relays arrive in.
 * <p>
 * At most {@link RelayBounds#maxRelaysInFlight()} relays, carrying at most
 * {@link RelayBounds#maxRelayBytesInFlight()} bytes of values, wait for the other members at once: beyond that a
 * publication or event is refused with {@link QuotaExceededException}
 * ({@link QuotaExceededException.Quota#CLUSTER_RELAYS}) rather than queued, so a slow member cannot make this one hold
 * an unbounded backlog; the server counts the refusal and tells a route, and a device's publication stays delivered
 * on this member only. A property update beyond the
 * bound is only counted: the property itself is in the cluster's store already. One relay carries at most a frame
 * of the device that published it, but the count alone would let a device's large publications make this member
 * hold {@code maxRelaysInFlight} frames: hence the bytes' own bound. The relays of one device (its publications,
 * updates of its properties) take at most its share of both bounds ({@link RelayBounds#maxRelaysPerDevice()},
 * {@link RelayBounds#maxRelayBytesPerDevice()}), refused beyond it the same way, so that one device cannot leave
 * the other devices no room; and the relays of all the devices of one user take at most the user's share
 * ({@link RelayBounds#maxRelaysPerUser()}, {@link RelayBounds#maxRelayBytesPerUser()}), so that the many device
 * ids one user may connect cannot together leave the other users no room.
 */
final class ClusterRelay implements ClusterBus {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterRelay.class);

    private final InfinispanCluster cluster;
    private final RelayBudget inFlight = new RelayBudget();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong refusedByMembers = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final PublicationTransport publications;
    private volatile Receiver receiver;

    ClusterRelay(InfinispanCluster cluster) {
        this.cluster = cluster;
        this.publications = new PublicationTransport(cluster);
    }

    @Override
    public void bind(Receiver bound) {
        this.receiver = bound;
    }

    @Override
    public void propertyUpdated(DeviceId device, String property, Object value) {
        // only the member holding the device has a connection to tell
        HolderRecord holder = cluster.deviceDirectory().record(device).orElse(null);
        Address target = holder == null || holder.node().equals(cluster.node()) ? null : cluster.address(holder.node());
        if (target != null && send(device, address -> address.equals(target),
                new PropertyUpdated(device.user(), device.device(), property, value),
                PsonCost.of(property, value)) != null) {
            LOG.debug("Property update of {} not relayed: as many relays as allowed wait already", device);
        }
    }

    @Override
    public void published(TopicMessage message, boolean retain) {
        HolderRecord publisher = message.publisher() == null ? null
                : HolderRecord.of(new DirectoryEntry(cluster.memberName(), message.publisher()), cluster.node());
        DeviceId device = message.publisher() == null ? null : message.publisher().deviceId();
        long cost = PsonCost.of(message.user(), message.topic(), message.payload());
        UUID writer = cluster.node();
        if (!retain) {
            RelayBudget.Refusal refused = publish(device, new Published(message.user(), message.topic(),
                    message.payload(), publisher, false, writer, 0), cost);
            if (refused != null) {
                throw refusedRelay(refused, device, cost);
            }
            return;
        }
        // the relay goes out once the write of the cluster's cache is done, and names it: the other members keep the
        // message only while their copy of the cache holds that write (see ClusteredRetained)
        EmbeddedCacheManager manager = cluster.manager();
        boolean others = manager != null && manager.getMembers() != null && manager.getMembers().size() > 1;
        RelayBudget.Refusal refused = others ? inFlight.take(device, cost, cluster.options().relayBounds()) : null;
        if (refused != null) {
            dropped.incrementAndGet();
            if (message.payload() == null) {
                // a clear reaches the cache even when its relay was refused: an entry nobody clears stays there
                cluster.retainedMessages().retained(message, publisher);
            }
            throw refusedRelay(refused, device, cost);
        }
        cluster.retainedMessages().retained(message, publisher, !others ? null : write -> sendPublication(device,
                new Published(message.user(), message.topic(), message.payload(), publisher, true, writer, write),
                cost));
    }

    @Override
    public void raised(String user, String event, Object payload) {
        broadcast(null, new Raised(user, event, payload), PsonCost.of(user, event, payload));
    }

    /** Where this member's server takes what the others relay; null until it is bound. */
    Receiver receiver() {
        return receiver;
    }

    /** Relays refused because as many as allowed were waiting already. */
    long dropped() {
        return dropped.get();
    }

    /**
     * Relays of publications that a member they went to refused because as many as its
     * {@code maxQueuedRelayedPublications} waited for its topic consumers already (one per member that refused).
     */
    long refusedByMembers() {
        return refusedByMembers.get();
    }

    /**
     * Relays that failed to reach a member they went to (one per member): not delivered there though no bound
     * refused them, because the member left, did not answer in time, or the channel to it failed.
     */
    long failed() {
        return failed.get();
    }

    /** Relays waiting for the other members now. */
    int inFlight() {
        return inFlight.count();
    }

    /** Relays refused because their device had its share of the bounds already. */
    long refusedForDeviceShare() {
        return inFlight.deviceShareRefusals();
    }

    /** Relays refused because the devices of their user had the user's share of the bounds already. */
    long refusedForUserShare() {
        return inFlight.userShareRefusals();
    }

    /** Bytes of the values that the relays of the devices of this user waiting for the other members carry now. */
    long bytesInFlight(String user) {
        return inFlight.userBytes(user);
    }

    /** Bytes of the values that the relays of this device waiting for the other members carry now. */
    long bytesInFlight(DeviceId device) {
        return inFlight.bytes(device);
    }

    /** Bytes of the values that the relays waiting for the other members carry now. */
    long bytesInFlight() {
        return inFlight.bytes();
    }

    /** Sends to every other member; refuses, typed, when a bound is reached. */
    private void broadcast(DeviceId device, SerializableFunction<EmbeddedCacheManager, Boolean> task, long cost) {
        EmbeddedCacheManager manager = cluster.manager();
        Address self = manager == null ? null : manager.getAddress();
        RelayBudget.Refusal refused = send(device, address -> !address.equals(self), task, cost);
        if (refused != null) {
            throw refusedRelay(refused, device, cost);
        }
    }

    private QuotaExceededException refusedRelay(RelayBudget.Refusal refused, DeviceId device, long cost) {
        return new QuotaExceededException(QuotaExceededException.Quota.CLUSTER_RELAYS, "cluster member "
                + cluster.memberName() + refusal(refused, device, cost) + "; not relayed");
    }

    /** What a refusal's message says after the member's name. */
    private String refusal(RelayBudget.Refusal refused, DeviceId device, long cost) {
        RelayBounds bounds = cluster.options().relayBounds();
        return switch (refused) {
            case COUNT -> " has " + bounds.maxRelaysInFlight() + " relays waiting for the other members";
            case BYTES -> " would hold more than " + bounds.maxRelayBytesInFlight() + " bytes of relays to the"
                          + " other members with this one of " + cost + " bytes";
            case DEVICE_COUNT -> " has " + bounds.maxRelaysPerDevice() + " relays of device " + device
                                 + " waiting for the other members";
            case DEVICE_BYTES -> " would hold more than " + bounds.maxRelayBytesPerDevice() + " bytes of relays of"
                                 + " device " + device + " with this one of " + cost + " bytes";
            case USER_COUNT -> " has " + bounds.maxRelaysPerUser() + " relays of the devices of user "
                               + device.user() + " waiting for the other members";
            case USER_BYTES -> " would hold more than " + bounds.maxRelayBytesPerUser() + " bytes of relays of the"
                               + " devices of user " + device.user() + " with this one of " + cost + " bytes";
        } + " (" + refused.option() + ")";
    }

    /**
     * Null when the relay went out (or had nobody to go to), else the bound that refused it; {@code device} is the
     * device whose share the relay takes, null for a route's.
     */
    private RelayBudget.Refusal send(DeviceId device, java.util.function.Predicate<Address> targets,
                                     SerializableFunction<EmbeddedCacheManager, Boolean> task, long cost) {
        EmbeddedCacheManager manager = cluster.manager();
        if (manager == null || manager.getMembers() == null || manager.getMembers().size() < 2) {
            return null;
        }
        RelayBudget.Refusal refused = inFlight.take(device, cost, cluster.options().relayBounds());
        if (refused != null) {
            dropped.incrementAndGet();
            return refused;
        }
        submit(device, targets, task, cost);
        return null;
    }

    /**
     * Null when the publication went out to the other members (or had nobody to go to), else the bound that refused
     * it; {@code device} is the publishing device, whose share it takes, null for a route's.
     */
    private RelayBudget.Refusal publish(DeviceId device, Published published, long cost) {
        EmbeddedCacheManager manager = cluster.manager();
        if (manager == null || manager.getMembers() == null || manager.getMembers().size() < 2) {
            return null;
        }
        RelayBudget.Refusal refused = inFlight.take(device, cost, cluster.options().relayBounds());
        if (refused != null) {
            dropped.incrementAndGet();
            return refused;
        }
        sendPublication(device, published, cost);
        return null;
    }

    /**
     * Sends a publication whose room in the budget is taken ({@link PublicationTransport}); gives the room back once
     * every member answered that its consumers are done with it (or failed). A member with no room to queue it
     * answers so: counted as a refused relay.
     */
    private void sendPublication(DeviceId device, Published published, long cost) {
        try {
            publications.send(published, () -> {
                dropped.incrementAndGet();
                refusedByMembers.incrementAndGet();
            }, failed::incrementAndGet).whenComplete((done, failure) -> inFlight.release(device, cost));
        } catch (RuntimeException e) {
            inFlight.release(device, cost);
            failed.incrementAndGet();
            LOG.debug("Could not relay a publication to the other cluster members", e);
        }
    }

    /** Sends a relay whose room in the budget is taken; gives the room back once it is done (or failed). */
    private void submit(DeviceId device, java.util.function.Predicate<Address> targets,
                        SerializableFunction<EmbeddedCacheManager, Boolean> task, long cost) {
        EmbeddedCacheManager manager = cluster.manager();
        if (manager == null) {
            inFlight.release(device, cost);
            return;
        }
        try {
            manager.executor().filterTargets(targets)
                    .submitConsumer(task, (address, delivered, failure) -> {
                        if (failure != null) {
                            failed.incrementAndGet();
                            LOG.debug("Relay to cluster member {} failed", address, failure);
                        }
                    })
                    .whenComplete((done, failure) -> inFlight.release(device, cost));
        } catch (RuntimeException e) {
            inFlight.release(device, cost);
            failed.incrementAndGet();
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

    /**
     * A publication, relayed. A retained one names the write of the cluster's cache that holds it ({@code writer}'s
     * number {@code write}; 0 when it was not written), and is kept on the member it arrives at only while that
     * member's copy of the cache holds that write.
     */
    record Published(String user, String topic, Object payload, HolderRecord publisher, boolean retain, UUID writer,
                     long write) implements SerializableFunction<EmbeddedCacheManager, Boolean> {
        @Serial
        private static final long serialVersionUID = 1L;

        /**
         * Run here for a publisher of an earlier version, whose publications are tasks: holds a thread of
         * Infinispan's until this member's topic consumers are done with it, as before.
         */
        @Override
        public Boolean apply(EmbeddedCacheManager manager) {
            InfinispanCluster member = InfinispanCluster.of(manager);
            return member != null && deliverTo(member);
        }

        /** Hands it to the member's server, which tells its consumers; false when no server is bound there. */
        boolean deliverTo(InfinispanCluster member) {
            Receiver target = member.relay().receiver;
            if (target == null) {
                return false;
            }
            TopicMessage message = new TopicMessage(user, topic, payload,
                    publisher == null ? null : publisher.registration());
            if (retain) {
                member.retainedMessages().relayed(target, message, writer, write);
            } else {
                target.published(message, false);
            }
            return true;
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
