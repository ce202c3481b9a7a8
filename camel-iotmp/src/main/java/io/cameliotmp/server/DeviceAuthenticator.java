package io.cameliotmp.server;

import java.util.concurrent.CompletionStage;

/**
 * Decides whether a device may connect. Called once per CONNECT, off the I/O thread when the server has worker
 * threads; it may complete later (a database or a Camel route), the device waits and nothing else is read meanwhile.
 * A stage that fails or throws refuses the device.
 */
@FunctionalInterface
public interface DeviceAuthenticator {

    CompletionStage<AuthDecision> authenticate(AuthRequest request);
}
