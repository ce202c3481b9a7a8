package io.cameliotmp.server;

import java.net.SocketAddress;
import java.time.Instant;

import io.cameliotmp.protocol.Generation;

/**
 * What the server knows about one accepted connection of a device. Immutable: a reconnect produces a new registration
 * with a new session number, so a stale registration can never address the new connection by accident.
 *
 * @param sessionNumber     increases with every accepted connection of this server
 * @param keepAliveSeconds  the keep-alive interval agreed in the CONNECT ({@code ka}, or the server default)
 */
public record DeviceRegistration(DeviceId deviceId, long sessionNumber, SocketAddress remoteAddress,
                                 Instant connectedAt, Generation generation, int keepAliveSeconds) {

    public String user() {
        return deviceId.user();
    }

    public String device() {
        return deviceId.device();
    }
}
