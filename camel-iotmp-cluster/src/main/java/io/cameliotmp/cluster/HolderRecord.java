package io.cameliotmp.cluster;

import java.io.Serial;
import java.io.Serializable;
import java.net.SocketAddress;
import java.time.Instant;

import io.cameliotmp.protocol.Generation;
import io.cameliotmp.server.DeviceId;
import io.cameliotmp.server.DeviceRegistration;
import io.cameliotmp.server.DirectoryEntry;

/**
 * A directory entry as the replicated cache stores it: the holder by name and by node id (the id finds its address in
 * the current view), and the holder's registration of the connection.
 */
record HolderRecord(String member, long nodeMostBits, long nodeLeastBits, String user, String device,
                    long sessionNumber, SocketAddress remoteAddress, long connectedAtSeconds, int connectedAtNanos,
                    String generation, int keepAliveSeconds) implements Serializable {

    @Serial
    private static final long serialVersionUID = 1L;

    static HolderRecord of(DirectoryEntry entry, java.util.UUID node) {
        DeviceRegistration r = entry.registration();
        return new HolderRecord(entry.member(), node.getMostSignificantBits(), node.getLeastSignificantBits(),
                r.user(), r.device(), r.sessionNumber(), r.remoteAddress(), r.connectedAt().getEpochSecond(),
                r.connectedAt().getNano(), r.generation().name(), r.keepAliveSeconds());
    }

    java.util.UUID node() {
        return new java.util.UUID(nodeMostBits, nodeLeastBits);
    }

    DeviceId deviceId() {
        return new DeviceId(user, device);
    }

    Instant connectedAt() {
        return Instant.ofEpochSecond(connectedAtSeconds, connectedAtNanos);
    }

    DeviceRegistration registration() {
        return new DeviceRegistration(deviceId(), sessionNumber, remoteAddress, connectedAt(),
                Generation.valueOf(generation), keepAliveSeconds);
    }

    DirectoryEntry entry() {
        return new DirectoryEntry(member, registration());
    }

    /**
     * The newer of two connections of one device. Of one member: the greater session number (its sessions are
     * numbered in the order they connected, which clock steps cannot reorder); of two members: the later connection
     * time, then the greater node id.
     */
    boolean newerThan(HolderRecord other) {
        if (node().equals(other.node())) {
            return sessionNumber > other.sessionNumber;
        }
        int byTime = connectedAt().compareTo(other.connectedAt());
        return byTime != 0 ? byTime > 0 : node().compareTo(other.node()) > 0;
    }

    static String key(DeviceId device) {
        return device.toString();
    }
}
