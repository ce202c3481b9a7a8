package io.cameliotmp.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.cameliotmp.server.CallForwarder;
import io.cameliotmp.server.ClusterBus;
import io.cameliotmp.server.DeviceDirectory;
import io.cameliotmp.server.DeviceId;
import io.cameliotmp.server.DirectoryEntry;
import io.cameliotmp.server.LocalDevices;
import io.cameliotmp.server.PropertyStore;
import io.cameliotmp.server.ServerCluster;
import io.cameliotmp.server.ServerQuotas;
import io.cameliotmp.server.SyncLockService;
import org.infinispan.Cache;
import org.infinispan.manager.DefaultCacheManager;
import org.infinispan.manager.EmbeddedCacheManager;
import org.infinispan.remoting.transport.Address;
import org.jgroups.JChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ServerCluster} on embedded Infinispan: the directory is a replicated cache (every member reads it
 * locally), forwarded calls run on the holder through a JGroups fork of the member's channel ({@link CallChannel}),
 * and a view change fails the calls forwarded to members that left and removes their devices from the directory.
 * Members find each other by static TCP discovery over JGroups ({@link ClusterOptions}). One instance serves one
 * server.
 */
public final class InfinispanCluster implements ServerCluster, DeviceDirectory {

    private static final Logger LOG = LoggerFactory.getLogger(InfinispanCluster.class);

    /**
     * The members of this JVM by node id, for the tasks other members send (several in tests); tasks get the cache
     * manager of the member they run on, which tells its node id.
     */
    private static final Map<UUID, InfinispanCluster> MEMBERS = new ConcurrentHashMap<>();

    private final ClusterOptions options;
    private final ClusterDirectory directory = new ClusterDirectory(this);
    private final ForwardedCalls calls = new ForwardedCalls(this);
    private volatile DefaultCacheManager manager;
    private volatile Cache<String, HolderRecord> devices;
    private volatile Cache<String, PropertySet> properties;
    private volatile Cache<String, Long> propertyUsers;
    private volatile Cache<String, UserLockSet> locks;
    private volatile Cache<String, ClusteredRetained.RetainedRecord> retained;
    private final ClusteredRetained retainedMessages = new ClusteredRetained(this);
    private volatile ClusteredSyncLocks syncLocks;
    private final ClusterRelay relay = new ClusterRelay(this);
    private final RelayedPublications relayedPublications = new RelayedPublications(this);
    private volatile LocalDevices local;
    private volatile UUID node;
    private volatile ExecutorService housekeeping;
    private volatile JGroupsStack stack;
    private volatile CallChannel callChannel;
    private final ViewUpkeep views = new ViewUpkeep(this);
    /** For tests: runs while this member leaves, once its forwarded calls failed and before its channel closes. */
    private volatile Runnable whileLeaving;
    /** For tests: runs while this member joins, in the others' view, before it takes its caches. */
    private volatile Runnable whileJoining;

    public InfinispanCluster(ClusterOptions options) {
        this.options = options;
    }

    /**
     * A member with the defaults but for these options, for bean definitions that can only pass plain values: Camel
     * Main's {@code camel.beans.cluster = #class:io.cameliotmp.cluster.InfinispanCluster#member('fleet', 'node-1',
     * '10.0.0.11', 7800, '10.0.0.11:7800,10.0.0.12:7800')}.
     *
     * @param memberName  this member's name; empty or null for {@code bindAddress:port}
     * @param bindAddress the address the member listens on for the other members
     * @param members     {@code host:port,host:port} of the members to contact first
     */
    public static InfinispanCluster member(String name, String memberName, String bindAddress, int port,
                                           String members) {
        return named(ClusterOptions.of(name, port, members).withBindAddress(bindAddress), memberName);
    }

    /**
     * A member that finds the others by DNS, with the defaults but for these options, for bean definitions that can
     * only pass plain values: Camel Main's {@code camel.beans.cluster = #class:io.cameliotmp.cluster.InfinispanCluster
     * #memberByDns('fleet', '', '{{env:POD_IP}}', 7800, 'fleet-members.iot.svc.cluster.local', 'A', '')}.
     *
     * @param memberName  this member's name; empty or null for {@code bindAddress:port}
     * @param bindAddress the address the member listens on for the other members
     * @param dnsQuery    the names that list the members, comma-separated (see {@link ClusterOptions.Dns})
     * @param recordType  {@code A}, {@code AAAA} or {@code SRV}; empty or null for {@code A}
     * @param resolver    {@code host:port} of the DNS server to ask; empty or null for the system's
     */
    public static InfinispanCluster memberByDns(String name, String memberName, String bindAddress, int port,
                                                String dnsQuery, String recordType, String resolver) {
        return named(ClusterOptions.of(name, port, null).withBindAddress(bindAddress)
                .withDns(new ClusterOptions.Dns(dnsQuery, recordType, resolver)), memberName);
    }

    private static InfinispanCluster named(ClusterOptions options, String memberName) {
        return new InfinispanCluster(memberName == null || memberName.isBlank() ? options
                : options.withMemberName(memberName));
    }

    static InfinispanCluster of(EmbeddedCacheManager manager) {
        Address address = manager.getAddress();
        return address == null ? null : MEMBERS.get(address.getNodeUUID());
    }

    public ClusterOptions options() {
        return options;
    }

    @Override
    public synchronized void join(LocalDevices localDevices) {
        if (manager != null) {
            throw new IllegalStateException("cluster member " + options.memberName() + " already serves a server");
        }
        // the call channel's fork connects with the member's channel, before the caches start (their state
        // transfer takes a while): the others send publications to this member as soon as it is in their view
        relayedPublications.start(options.relayedPublications(), options.memberName());
        stack = new JGroupsStack(options, main -> callChannel = new CallChannel(main, (bytes, origin) ->
                relayedPublications.serves(bytes) ? relayedPublications.serve(bytes) : calls.serve(bytes, origin)));
        local = localDevices;
        housekeeping = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "iotmp-cluster-" + options.memberName());
            thread.setDaemon(true);
            return thread;
        });
        DefaultCacheManager created = new DefaultCacheManager(ClusterCaches.global(options, stack), false);
        try {
            ClusterCaches.define(created);
            created.addListener(views.viewListener());
            // before the member can receive relays (MEMBERS): those of retained messages are kept after the cache's
            retainedMessages.beginHandover();
            created.start();
            stack.requireConnected();
            node = created.getAddress().getNodeUUID();
            MEMBERS.put(node, this);
            Runnable hook = whileJoining;
            if (hook != null) {
                hook.run();
            }
            devices = created.getCache(ClusterCaches.DIRECTORY_CACHE);
            devices.addListener(views.directoryTopology());
            devices.addListener(new DirectoryWrites(this));
            properties = created.getCache(ClusterCaches.PROPERTIES_CACHE);
            propertyUsers = created.getCache(ClusterCaches.PROPERTY_USERS_CACHE);
            locks = created.getCache(ClusterCaches.LOCKS_CACHE);
            retained = created.getCache(ClusterCaches.RETAINED_CACHE);
            // before the entries are copied (handTo): what is written meanwhile is kept after them
            retained.addListener(new RetainedWrites(retainedMessages));
            retained.addListener(views.retainedTopology());
            manager = created;
            calls.joined();
            retainedMessages.handTo(relay.receiver());
        } catch (Exception e) {
            // as after a leave: a failed join set last (taking the retained messages) must not read as joined
            giveBack(created);
            retainedMessages.handTo(null);
            throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
        }
        LOG.info("IOTMP cluster member {} joined cluster {} on {}:{} ({} members)", options.memberName(),
                options.name(), options.bindAddress(), options.port(), created.getMembers().size());
        if (options.exposedWithoutTls()) {
            // members trust each other with every device, property and lock: an open port is an open fleet
            LOG.warn("IOTMP cluster member {} listens on {}:{} without TLS: whoever reaches that port can join cluster"
                     + " {}, call its devices and read their properties. Set the cluster's TLS key and trust stores"
                     + " (camel.component.iotmp.cluster.tls-*) or keep the port on a private network",
                    options.memberName(), options.bindAddress(), options.port(), options.name());
        }
    }

    @Override
    public synchronized void leave() {
        DefaultCacheManager leaving = manager;
        if (leaving == null) {
            return;
        }
        directory.removeOwn();
        calls.leaving("this cluster member is leaving");
        Runnable hook = whileLeaving;
        if (hook != null) {
            hook.run();
        }
        giveBack(leaving);
        LOG.info("IOTMP cluster member {} left cluster {}", options.memberName(), options.name());
    }

    /**
     * Gives back what a join took, after a leave or a join that failed: the forwarded calls' channel, the caches (a
     * member with none reads as not joined), the cache manager, this member's entry and the housekeeping thread.
     */
    private void giveBack(DefaultCacheManager joined) {
        CallChannel closing = callChannel;
        callChannel = null;
        if (closing != null) {
            closing.close();
        }
        relayedPublications.stop();
        manager = null;
        devices = null;
        properties = null;
        propertyUsers = null;
        locks = null;
        retained = null;
        joined.stop();
        if (node != null) { // null when the join failed before the manager started
            MEMBERS.remove(node);
        }
        housekeeping.shutdownNow();
    }

    @Override
    public String memberName() {
        return options.memberName();
    }

    @Override
    public DeviceDirectory directory() {
        return directory;
    }

    /** The directory, with what the cluster's own parts need of it. */
    ClusterDirectory deviceDirectory() {
        return directory;
    }

    @Override
    public CallForwarder forwarder() {
        return calls;
    }

    /** The members in the current view, by name; empty when not joined. */
    @Override
    public List<String> members() {
        EmbeddedCacheManager current = manager;
        if (current == null) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        for (Address address : current.getMembers()) {
            names.add(address.toString());
        }
        return names;
    }

    /** Properties in a replicated cache of the cluster, within the server's per-device and per-user quotas. */
    @Override
    public PropertyStore propertyStore(ServerQuotas quotas) {
        return new ClusteredPropertyStore(this, quotas.maxPropertiesPerDevice(), quotas.maxPropertyBytesPerDevice(),
                quotas.maxPropertyBytesPerUser());
    }

    /** Sync locks in a replicated cache of the cluster; one instance, which hears of this member's disconnects. */
    @Override
    public synchronized SyncLockService syncLocks(ServerQuotas quotas) {
        if (syncLocks == null) {
            syncLocks = new ClusteredSyncLocks(this, quotas);
        }
        return syncLocks;
    }

    @Override
    public ClusterBus bus() {
        return relay;
    }

    // ---- directory

    @Override
    public DirectoryEntry claim(DirectoryEntry entry) {
        return directory.claim(entry);
    }

    @Override
    public void release(DirectoryEntry entry) {
        directory.release(entry);
    }

    @Override
    public Optional<DirectoryEntry> lookup(DeviceId device) {
        return directory.lookup(device);
    }

    @Override
    public List<DirectoryEntry> entries(String user) {
        return directory.entries(user);
    }

    /** For tests: what runs while this member leaves, once its forwarded calls failed and before it goes. */
    void whileLeaving(Runnable hook) {
        whileLeaving = hook;
    }

    /** For tests: what runs while this member joins, in the others' view, before it takes its caches. */
    void whileJoining(Runnable hook) {
        whileJoining = hook;
    }

    // ---- what the forwarding needs

    EmbeddedCacheManager manager() {
        return manager;
    }

    UUID node() {
        return node;
    }

    /** The channel forwarded calls travel on while this member is joined. */
    CallChannel callChannel() {
        return callChannel;
    }

    /** The JGroups channel of this member while it is joined. */
    JChannel channel() {
        JGroupsStack current = stack;
        return current == null ? null : current.created();
    }

    Cache<String, PropertySet> properties() {
        return properties;
    }

    /** The bytes of the properties of all the devices of each user, by user name. */
    Cache<String, Long> propertyUsers() {
        return propertyUsers;
    }

    Cache<String, UserLockSet> locks() {
        return locks;
    }

    Cache<String, ClusteredRetained.RetainedRecord> retainedCache() {
        return retained;
    }

    ClusteredRetained retainedMessages() {
        return retainedMessages;
    }

    /**
     * Relays to other members (topic publications, server events, property updates, retained messages kept for
     * members that join later) refused because {@link RelayBounds#maxRelaysInFlight()} were waiting already, or
     * because they would have carried more than {@link RelayBounds#maxRelayBytesInFlight()} bytes, or beyond the
     * share of the device they were of or of its user; and publications a member they went to refused
     * ({@link #relaysRefusedByMembers()}).
     */
    public long droppedRelays() {
        return relay.dropped() + retainedMessages.dropped();
    }

    /** The part of {@link #droppedRelays()} refused by their device's share (maxRelaysPerDevice, its bytes). */
    public long relaysRefusedForDeviceShare() {
        return relay.refusedForDeviceShare() + retainedMessages.refusedForDeviceShare();
    }

    /**
     * The part of {@link #droppedRelays()} refused by the share of the user of their device (maxRelaysPerUser, its
     * bytes), apart from {@link #relaysRefusedForDeviceShare()}.
     */
    public long relaysRefusedForUserShare() {
        return relay.refusedForUserShare() + retainedMessages.refusedForUserShare();
    }

    /** The part of {@link #droppedRelays()} that a member refused: its queue of relayed publications was full. */
    public long relaysRefusedByMembers() {
        return relay.refusedByMembers();
    }

    /**
     * Relays to other members that failed, as opposed to refused: topic publications, server events and property
     * updates that did not reach a member they went to (one per member), and samples and ends of streams opened on
     * devices here that did not reach the member that opened the stream (which stops the stream at the device),
     * because that member left, did not answer within Infinispan's {@code distributedSyncTimeout}, or the channel to
     * it failed. Not among {@link #droppedRelays()}: no bound refused them.
     */
    public long failedRelays() {
        return relay.failed() + calls.failedStreamRelays();
    }

    /** Publications relayed to this member that its topic consumers have not finished, on a thread or queued. */
    @Override
    public int relayedPublicationsWaiting() {
        return relayedPublications.waiting();
    }

    /**
     * The bytes of the publications {@link #relayedPublicationsWaiting()} counts, their values as PSON encodes them:
     * at most {@code maxQueuedRelayedPublicationBytes}.
     */
    @Override
    public long relayedPublicationBytesWaiting() {
        return relayedPublications.bytesWaiting();
    }

    /**
     * Joins whose record of the retained messages written while they took the cache's entries passed its bounds
     * (1,024 topics, 16 MiB), so that the member read the whole cache again at their end: a count that keeps growing
     * means devices that churn retained topics while members join.
     */
    @Override
    public long retainedHandoverOverflows() {
        return retainedMessages.handover().rereads();
    }

    /**
     * Publications relayed to this member that it refused: {@code maxQueuedRelayedPublications}, or
     * {@code maxQueuedRelayedPublicationBytes}, waited already.
     */
    public long relayedPublicationsRefused() {
        return relayedPublications.refused();
    }

    /**
     * Bytes of values (PSON-encoded) that this member's relays waiting for the other members carry now, at most
     * {@link RelayBounds#maxRelayBytesInFlight()}; retained messages written for later members count apart.
     */
    public long relayBytesInFlight() {
        return relay.bytesInFlight();
    }

    /**
     * Writes of retained messages into the cluster's cache for members that join later that failed (logged at most
     * once a minute).
     */
    public long failedRetainedWrites() {
        return retainedMessages.failedWrites();
    }

    /**
     * Streams opened on devices here by other members that ended because the member that opened them left (crashed,
     * stopped or cut off), since this member joined.
     */
    public long streamsEndedForMembersThatLeft() {
        return calls.servedStreamsOfMembersThatLeft();
    }

    ClusterRelay relay() {
        return relay;
    }

    LocalDevices local() {
        return local;
    }

    /** The directory's cache while this member is joined. */
    Cache<String, HolderRecord> directoryCache() {
        return devices;
    }

    /** The clustered sync locks, if the server asked for them. */
    ClusteredSyncLocks createdSyncLocks() {
        return syncLocks;
    }

    /** The member's own thread for upkeep that must not run on Infinispan's notifying threads. */
    ExecutorService housekeeping() {
        return housekeeping;
    }

    ForwardedCalls calls() {
        return calls;
    }

    RelayedPublications relayedPublications() {
        return relayedPublications;
    }

    /** The address of the member with that node id in the current view, or null once it left. */
    Address address(UUID member) {
        EmbeddedCacheManager current = manager;
        if (current == null) {
            return null;
        }
        for (Address address : current.getMembers()) {
            if (address.getNodeUUID().equals(member)) {
                return address;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return "InfinispanCluster[" + options.name() + ", member " + options.memberName() + "]";
    }
}
