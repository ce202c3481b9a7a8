package io.cameliotmp.server;

import java.net.SocketAddress;
import java.time.Instant;
import java.util.Objects;

/**
 * Who holds a device in a cluster: the member it is connected to and that member's registration of it. The
 * {@linkplain DeviceDirectory directory} keeps one entry per device; a reconnect to any member replaces it.
 *
 * @param member       the name of the cluster member the device is connected to
 * @param registration that member's registration of the connection (its session number counts on that member)
 */
public record DirectoryEntry(String member, DeviceRegistration registration) {

    public DirectoryEntry {
        Objects.requireNonNull(member, "member");
        Objects.requireNonNull(registration, "registration");
    }

    public DeviceId deviceId() {
        return registration.deviceId();
    }

    public long sessionNumber() {
        return registration.sessionNumber();
    }

    public Instant connectedAt() {
        return registration.connectedAt();
    }

    public SocketAddress remoteAddress() {
        return registration.remoteAddress();
    }
}
