package io.cameliotmp.server;

import java.util.List;

/**
 * The cluster a server is a member of: a {@link DeviceDirectory} shared by all members and a {@link CallForwarder}
 * that reaches the others. {@link IotmpServer#send} looks a device up locally first, then in the directory, and
 * forwards. {@link #SINGLE_NODE}, the default, is one server alone: its directory never knows a device that is not
 * connected here, so nothing is forwarded and nothing changes for servers that do not cluster.
 *
 * <p>An implementation serves one server: {@link IotmpServer#start} calls {@link #join} and {@link IotmpServer#stop}
 * calls {@link #leave}. Directory and forwarder are used only between the two.
 */
public interface ServerCluster {

    /** One server alone: today's behaviour, and the default. */
    ServerCluster SINGLE_NODE = new SingleNodeCluster();

    /** Joins the cluster; the member from now on serves forwarded calls with {@code local}. */
    void join(LocalDevices local);

    /** Leaves the cluster; calls forwarded to other members and not answered yet fail. */
    void leave();

    /** This member's name in the cluster, unique among the members. */
    String memberName();

    DeviceDirectory directory();

    /** The names of the members in the current view, this one included; empty while this member is not joined. */
    default List<String> members() {
        return List.of(memberName());
    }

    CallForwarder forwarder();

    /**
     * Whether this is more than one server alone. The operations that list devices ask the directory only then, so
     * a single server keeps answering from its own registry.
     */
    default boolean clustered() {
        return true;
    }

    /**
     * A property store shared by every member, so a device reads its properties wherever it connects; null (the
     * default) keeps them in the server's own store. A store set on the server's configuration wins over this one.
     * Used only while the server is a member.
     *
     * @param quotas the server's quotas, which the store applies per device as the in-memory store does
     */
    default PropertyStore propertyStore(ServerQuotas quotas) {
        return null;
    }

    /**
     * Sync locks shared by every member, so a lock taken through one member blocks it on every other; null (the
     * default) keeps them in the server's own {@link SyncLocks}. Used only while the server is a member.
     *
     * @param quotas the server's quotas; {@code maxLocksPerUser} counts the slots a user's devices hold cluster-wide
     */
    default SyncLockService syncLocks(ServerQuotas quotas) {
        return null;
    }

    /** How this member tells the others of property updates and topic publications; {@link ClusterBus#NONE} alone. */
    /**
     * Publications other members relayed to this one that its topic consumers have not finished, on a thread or
     * waiting for one: what the other members' devices make this member hold. None on one server alone.
     */
    default int relayedPublicationsWaiting() {
        return 0;
    }

    /** The bytes of the publications {@link #relayedPublicationsWaiting()} counts. */
    default long relayedPublicationBytesWaiting() {
        return 0;
    }

    /**
     * Joins of this member whose record of the retained messages written meanwhile outgrew its bounds, so that the
     * member read the cluster's retained messages again at the end of the join. None on one server alone.
     */
    default long retainedHandoverOverflows() {
        return 0;
    }

    default ClusterBus bus() {
        return ClusterBus.NONE;
    }
}
