package io.cameliotmp.camel;

import java.util.LinkedHashMap;
import java.util.Map;

import io.cameliotmp.server.AuthDecision;
import io.cameliotmp.server.AuthRequest;
import io.cameliotmp.server.DeviceListener;
import io.cameliotmp.server.DeviceRegistration;
import io.cameliotmp.server.IotmpServer;
import io.cameliotmp.server.ServerMetrics.RouteDelivery;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * Device lifecycle events: one exchange per connect, disconnect and refused authentication. The body is a map
 * {@code {event, user, device, remoteAddress, …}}, the same data is in headers. At most
 * {@code maxDeliveriesInFlight} exchanges are unfinished in the route; further events are dropped and counted: peers
 * cause them (a flood of refused CONNECTs, say), and a device's connection does not wait for routes. An event's size is
 * bounded by the names and reasons in it, so only their number is.
 */
public class IotmpEventsConsumer extends IotmpServerConsumer implements DeviceListener {

    public static final String CONNECTED = "connected";
    public static final String DISCONNECTED = "disconnected";
    public static final String AUTHENTICATION_REFUSED = "authenticationRefused";


    private final DeliveriesInFlight deliveries;

    public IotmpEventsConsumer(IotmpEndpoint endpoint, Processor processor, int maxDeliveriesInFlight) {
        super(endpoint, processor);
        this.deliveries = new DeliveriesInFlight(maxDeliveriesInFlight, Long.MAX_VALUE, RouteDelivery.EVENT,
                "a device event for " + endpoint.getEndpointBaseUri());
    }

    /** Events handed to the route and not completed by it now. */
    int deliveriesInFlight() {
        return deliveries.held();
    }

    @Override
    protected AutoCloseable attach(IotmpServer server) {
        server.registry().addListener(this);
        return () -> server.registry().removeListener(this);
    }

    @Override
    public void onConnected(DeviceRegistration registration) {
        deliver(deliveries, 0, message -> {
            Map<String, Object> body = event(CONNECTED, registration.user(), registration.device(),
                    String.valueOf(registration.remoteAddress()));
            body.put("generation", registration.generation().name());
            body.put("keepAlive", registration.keepAliveSeconds());
            fill(message, body, registration, null);
        }, "Error processing device event " + CONNECTED);
    }

    @Override
    public void onDisconnected(DeviceRegistration registration, String reason) {
        deliver(deliveries, 0, message -> {
            Map<String, Object> body = event(DISCONNECTED, registration.user(), registration.device(),
                    String.valueOf(registration.remoteAddress()));
            body.put("reason", reason);
            fill(message, body, registration, reason);
        }, "Error processing device event " + DISCONNECTED);
    }

    @Override
    public void onAuthenticationRefused(AuthRequest request, AuthDecision decision) {
        deliver(deliveries, 0, message -> {
            Map<String, Object> body = event(AUTHENTICATION_REFUSED, request.user(), request.device(),
                    String.valueOf(request.remoteAddress()));
            body.put("reason", decision.reason());
            message.setBody(body);
            message.setHeader(IotmpConstants.EVENT_TYPE, AUTHENTICATION_REFUSED);
            message.setHeader(IotmpConstants.USER, request.user());
            message.setHeader(IotmpConstants.DEVICE, request.device());
            message.setHeader(IotmpConstants.REMOTE_ADDRESS, String.valueOf(request.remoteAddress()));
            message.setHeader(IotmpConstants.REASON, decision.reason());
        }, "Error processing device event " + AUTHENTICATION_REFUSED);
    }

    private static Map<String, Object> event(String type, String user, String device, String remoteAddress) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("event", type);
        body.put("user", user);
        body.put("device", device);
        body.put("remoteAddress", remoteAddress);
        return body;
    }

    private static void fill(Message message, Map<String, Object> body, DeviceRegistration registration,
                             String reason) {
        message.setBody(body);
        message.setHeader(IotmpConstants.EVENT_TYPE, body.get("event"));
        PsonBodies.setDeviceHeaders(message, registration);
        if (reason != null) {
            message.setHeader(IotmpConstants.REASON, reason);
        }
    }
}
