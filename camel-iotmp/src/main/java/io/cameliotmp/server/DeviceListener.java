package io.cameliotmp.server;

/** Lifecycle events of devices. Called on the device's session thread: do not block. */
public interface DeviceListener {

    default void onConnected(DeviceRegistration registration) {
    }

    default void onDisconnected(DeviceRegistration registration, String reason) {
    }

    default void onAuthenticationRefused(AuthRequest request, AuthDecision decision) {
    }
}
