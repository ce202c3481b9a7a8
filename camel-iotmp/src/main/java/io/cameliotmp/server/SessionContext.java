package io.cameliotmp.server;

import java.time.Instant;
import java.util.Map;

import io.cameliotmp.protocol.session.Scheduler;

/**
 * What a {@link DeviceConnection} needs of the server it belongs to, and nothing more: its configuration and
 * metrics, admission control, the registry of connected devices, the handlers of device calls and the event
 * streams. {@link IotmpServer} implements it; tests can implement it alone.
 */
interface SessionContext {

    IotmpServerConfig config();

    ServerMetrics metrics();

    /** Request timeouts; the task runs on whatever thread the timer has, and hops onto the session itself. */
    Scheduler timer();

    ConnectionGuard guard();

    /** Bounds on the CONNECT's identifiers, checked before anything about them is stored or logged. */
    ConnectValidation connectValidation();

    /** Refusals and closes, logged within a rate limit and with identifiers shortened. */
    RefusalLog refusalLog();

    long nextSessionNumber();

    /**
     * The time a connection of {@code device} authenticated now counts as having been made: now, or in a cluster just
     * after the connection the directory names, if this member's clock reads earlier than that one's time.
     */
    default Instant connectionTime(DeviceId device) {
        return Instant.now();
    }

    /** The device is authenticated: make it callable (replacing an older connection of the same device). */
    void register(DeviceConnection connection);

    /** The device has its OK: tell listeners and open the streams that subscriptions want. */
    void announce(DeviceConnection connection);

    /** An authenticated connection ended. */
    void deactivated(DeviceConnection connection, String reason);

    void authenticationRefused(AuthRequest request, AuthDecision decision);

    /** The route or built-in service that handles a device's call, or null. */
    DeviceCallHandler callHandler(DeviceCall call);

    /** What a device's DESCRIBE of the server returns. */
    Map<String, Object> describeServerResources();

    EventStreams events();

    PropertyStore propertyStore();

    /**
     * The bounds of every connection's flow control, with the server's total where each counts the estimated heap of
     * its frames and deliveries in flight.
     */
    FlowBounds flowBounds();
}
