package io.cameliotmp.server;

import java.net.SocketAddress;

import io.cameliotmp.protocol.Generation;

/**
 * The credentials a device presented in its CONNECT.
 *
 * @param parameters the CONNECT's PARAMETERS as sent (null for gen-2 devices, 1 for gen-1, a map for clients that
 *                   send {@code ka}/{@code pv}/{@code at}), for authenticators that want {@code ct} or {@code fw}
 */
public record AuthRequest(String user, String device, String credential, SocketAddress remoteAddress,
                          Generation generation, Object parameters) {

    public DeviceId deviceId() {
        return new DeviceId(user, device);
    }

    @Override
    public String toString() {
        // never log the credential
        return "AuthRequest[" + RefusalLog.shown(user) + '/' + RefusalLog.shown(device) + " from " + remoteAddress
               + ']';
    }
}
