package io.cameliotmp.server;

import java.net.SocketAddress;
import java.util.function.Supplier;

/**
 * Checks of a CONNECT that come before any lookup: identifiers no longer than configured, so nothing of attacker
 * size is stored, logged or handed to an authenticator, and a keep-alive in range. A CONNECT refused here counts as a
 * failed authentication of its device and address, like a wrong credential.
 */
final class ConnectValidation {

    private final ConnectionGuard guard;
    private final Supplier<ServerMetrics> metrics;
    private final int maxIdentifierLength;
    private final int maxCredentialLength;

    ConnectValidation(IotmpServerConfig config, ConnectionGuard guard, Supplier<ServerMetrics> metrics) {
        this.guard = guard;
        this.metrics = metrics;
        this.maxIdentifierLength = config.limits().maxIdentifierLength();
        this.maxCredentialLength = config.limits().maxCredentialLength();
    }

    /** Why the identifiers are refused (the failure then counted), or null when they are acceptable. */
    String check(SocketAddress remote, String user, String device, String credential) {
        String problem = null;
        if (user.length() > maxIdentifierLength) {
            problem = "user name of " + user.length() + " characters, more than " + maxIdentifierLength;
        } else if (device.length() > maxIdentifierLength) {
            problem = "device id of " + device.length() + " characters, more than " + maxIdentifierLength;
        } else if (credential.length() > maxCredentialLength) {
            problem = "credential of " + credential.length() + " characters, more than " + maxCredentialLength;
        }
        if (problem != null) {
            guard.authenticationFailed(remote, user, device);
            metrics.get().refused(Refusal.IDENTIFIER_TOO_LONG);
        }
        return problem;
    }

    /** A CONNECT is refused for its keep-alive: counted as a failed authentication. */
    void badKeepAlive(SocketAddress remote, String user, String device) {
        guard.authenticationFailed(remote, user, device);
        metrics.get().refused(Refusal.BAD_KEEP_ALIVE);
    }
}
