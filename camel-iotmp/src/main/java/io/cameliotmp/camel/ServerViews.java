package io.cameliotmp.camel;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;

import io.cameliotmp.server.ConnectionDetails;
import io.cameliotmp.server.DeviceConnection;
import io.cameliotmp.server.DeviceRegistration;
import io.cameliotmp.server.IotmpServer;
import io.cameliotmp.server.IotmpServerConfig;
import io.cameliotmp.server.ServerTotals;
import io.cameliotmp.server.SessionCounters;
import io.cameliotmp.server.StreamListener;
import io.cameliotmp.server.StreamSubscription;
import io.cameliotmp.server.Transport;
import org.apache.camel.CamelContext;
import org.apache.camel.Component;
import org.apache.camel.util.json.JsonArray;
import org.apache.camel.util.json.JsonObject;

/**
 * The embedded servers as JSON-friendly maps, one shape for the dev console, the JMX view and the {@code status}
 * operation: a server with its transport, limits and totals; a device with its registration, counters and streams.
 */
final class ServerViews {

    private ServerViews() {
    }

    /** The iotmp components of a context (usually one, named iotmp), by name. */
    static Map<String, IotmpComponent> components(CamelContext context) {
        Map<String, IotmpComponent> components = new TreeMap<>();
        for (String name : context.getComponentNames()) {
            Component component = context.hasComponent(name);
            if (component instanceof IotmpComponent iotmp) {
                components.put(name, iotmp);
            }
        }
        return components;
    }

    /** The protocol devices speak to a server: iotmp, iotmps (TLS), ws or wss. */
    static String protocol(IotmpServerConfig config) {
        boolean tls = config.sslContext() != null;
        return config.transport() == Transport.WEBSOCKET ? tls ? "wss" : "ws" : tls ? "iotmps" : "iotmp";
    }

    /** {@code host:port} of a server, with the port it bound (see {@link IotmpServer#port()}). */
    static String address(IotmpServer server) {
        return server.config().host() + ":" + server.port();
    }

    static JsonObject server(IotmpServer server) {
        IotmpServerConfig config = server.config();
        JsonObject json = new JsonObject();
        json.put("host", config.host());
        json.put("port", server.port());
        json.put("protocol", protocol(config));
        json.put("transport", config.transport().name());
        json.put("tls", config.sslContext() != null);
        if (config.transport() == Transport.WEBSOCKET) {
            json.put("webSocketPath", config.webSocketPath());
        }
        if (config.legacy().enabled() && server.isRunning()) {
            // the legacy listeners actually bound (none for a port of -1, no TLS one without TLS)
            JsonObject legacy = new JsonObject();
            // each read once: the server may stop between two reads, and its address is null then
            InetSocketAddress plain = server.legacyAddress();
            InetSocketAddress tls = server.legacyTlsAddress();
            if (plain != null) {
                legacy.put("port", plain.getPort());
            }
            if (tls != null) {
                legacy.put("tlsPort", tls.getPort());
            }
            json.put("legacy", legacy);
        }
        json.put("running", server.isRunning());
        json.put("connectedDevices", server.registry().size());
        json.put("firmwareUpdatesRunning", server.firmwareUpdates().running());
        json.put("limits", limits(config));
        json.put("totals", totals(server.totals()));
        return json;
    }

    static JsonObject limits(IotmpServerConfig config) {
        JsonObject json = new JsonObject();
        json.put("ioThreads", config.ioThreads());
        json.put("workerThreads", config.workerThreads());
        json.put("maxConnections", config.maxConnections());
        json.put("maxConnectionsPerSecond", config.maxConnectionsPerSecond());
        json.put("maxConnectionsPerSecondPerAddress", config.limits().maxConnectionsPerSecondPerAddress());
        json.put("maxAuthFailuresPerAddress", config.maxAuthFailuresPerAddress());
        json.put("maxAuthFailuresPerDevice", config.maxAuthFailuresPerDevice());
        json.put("authFailureBlockMillis", config.authFailureBlock().toMillis());
        json.put("maxFrameSize", config.maxFrameSize());
        json.put("maxPsonDepth", config.maxPsonDepth());
        json.put("maxPendingRequests", config.maxPendingRequests());
        json.put("maxInFlight", config.maxInFlight());
        json.put("maxPendingWriteBytes", config.limits().maxPendingWriteBytes());
        json.put("backpressurePolicy", config.backpressurePolicy().name());
        json.put("connectTimeoutMillis", config.connectTimeout().toMillis());
        json.put("keepAliveSeconds", config.defaultKeepAlive().toSeconds());
        json.put("requestTimeoutMillis", config.requestTimeout().toMillis());
        return json;
    }

    static JsonObject totals(ServerTotals totals) {
        JsonObject json = new JsonObject();
        json.put("connected", totals.connected());
        json.put("disconnected", totals.disconnected());
        json.put("refused", totals.refused());
        json.put("rejected", totals.rejected());
        json.put("requests", totals.requests());
        json.put("requestsFailed", totals.requestsFailed());
        json.put("requestsTimedOut", totals.requestsTimedOut());
        json.put("samplesReceived", totals.samplesReceived());
        json.put("samplesDropped", totals.samplesDropped());
        json.put("staleSamplesDropped", totals.staleSamplesDropped());
        json.put("staleStreamsStopped", totals.staleStreamsStopped());
        json.put("readingPauses", totals.readingPauses());
        json.put("pendingWritesExceeded", totals.pendingWritesExceeded());
        json.put("webSocketPingsUnanswered", totals.webSocketPingsUnanswered());
        json.put("webSocketProtocolViolations", totals.webSocketProtocolViolations());
        json.put("legacyFramesIgnored", totals.legacyFramesIgnored());
        json.put("deliveriesDropped", totals.deliveriesDropped());
        json.put("bytesIn", totals.bytesIn());
        json.put("bytesOut", totals.bytesOut());
        json.put("forwardedCalls", totals.forwardedCalls());
        json.put("forwardedCallsFailed", totals.forwardedCallsFailed());
        json.put("forwardedCallsTimedOut", totals.forwardedCallsTimedOut());
        json.put("firmwareUpdates", totals.firmwareUpdates());
        json.put("firmwareUpdatesFailed", totals.firmwareUpdatesFailed());
        json.put("firmwareUpdatesTimedOut", totals.firmwareUpdatesTimedOut());
        return json;
    }

    /** The counters of one connection, flat, as {@code status} adds them to its answer. */
    static void putCounters(Map<String, Object> json, SessionCounters counters) {
        json.put("inFlight", counters.inFlight());
        json.put("readingPaused", counters.readingPaused());
        json.put("framesIn", counters.framesIn());
        json.put("framesOut", counters.framesOut());
        json.put("samplesIn", counters.samplesIn());
        json.put("samplesDropped", counters.samplesDropped());
        json.put("staleSamplesDropped", counters.staleSamplesDropped());
        json.put("malformedFrames", counters.malformedFrames());
        json.put("legacyFramesIgnored", counters.legacyFramesIgnored());
        json.put("bytesIn", counters.bytesIn());
        json.put("bytesOut", counters.bytesOut());
    }

    /** A connected device: registration, counters, and when {@code details} are known its requests and streams. */
    static JsonObject device(DeviceRegistration registration, SessionCounters counters, ConnectionDetails details) {
        JsonObject json = new JsonObject();
        json.put("user", registration.user());
        json.put("device", registration.device());
        json.put("session", registration.sessionNumber());
        json.put("generation", registration.generation().name());
        json.put("remoteAddress", String.valueOf(registration.remoteAddress()));
        json.put("connectedAt", registration.connectedAt().toString());
        json.put("connectedMillis",
                Math.max(0, System.currentTimeMillis() - registration.connectedAt().toEpochMilli()));
        json.put("keepAliveSeconds", registration.keepAliveSeconds());
        SessionCounters current = details != null ? details.counters() : counters;
        if (current != null) {
            putCounters(json, current);
        }
        if (details != null) {
            json.put("pendingRequests", details.pendingRequests());
            json.put("deviceStreams", details.deviceStreams());
            JsonArray streams = new JsonArray();
            for (ConnectionDetails.Stream stream : details.streams()) {
                streams.add(stream(stream));
            }
            json.put("streams", streams);
        }
        return json;
    }

    static JsonObject stream(ConnectionDetails.Stream stream) {
        JsonObject json = new JsonObject();
        json.put("streamId", stream.streamId());
        json.put("resource", stream.resource());
        json.put("intervalMillis", stream.intervalMillis());
        json.put("confirmed", stream.confirmed());
        JsonArray consumers = new JsonArray();
        if (stream.subscriptions().isEmpty()) {
            consumers.add(openedBy(stream.listener()));
        } else {
            for (StreamSubscription subscription : stream.subscriptions()) {
                consumers.add(subscription(subscription));
            }
        }
        json.put("consumers", consumers);
        return json;
    }

    /** A standing subscription: which devices, which resource, how often, and the route consuming it. */
    static JsonObject subscription(StreamSubscription subscription) {
        JsonObject json = new JsonObject();
        json.put("devices", subscription.filter().toString());
        json.put("resource", subscription.resource());
        json.put("intervalMillis", subscription.intervalMillis());
        if (subscription.listener() instanceof IotmpDeviceStreamConsumer consumer) {
            json.put("routeId", consumer.getRouteId());
            json.put("uri", consumer.getEndpoint().getEndpointUri());
        } else {
            json.put("listener", subscription.listener().getClass().getName());
        }
        return json;
    }

    /** Who receives a stream that no subscription shares: a producer's startStream, its streamTo, or the server. */
    private static JsonObject openedBy(StreamListener listener) {
        JsonObject json = new JsonObject();
        if (listener instanceof OrderedStreamDelivery delivery) {
            json.put("streamTo", delivery.targetUri());
        } else if (listener.getClass().getName().startsWith(IotmpProducer.class.getName())) {
            json.put("openedBy", "startStream");
        } else {
            json.put("openedBy", listener.getClass().getName());
        }
        return json;
    }

    /**
     * A connected device as one connection shows it. A view reads everything of a device from here: looking its
     * counters up by device id instead would find a newer connection of the device once it reconnected, and show one
     * session's number with another's counters.
     *
     * @param connection   the device's connection when it was listed
     * @param registration that connection's registration
     */
    record ConnectedDevice(DeviceConnection connection, DeviceRegistration registration) {

        /** The counters of {@link #connection()}, whether it is still open or was replaced since. */
        SessionCounters counters() {
            return connection.counters();
        }
    }

    /** The order every view lists devices in: by user, then device. A device id is unique, so no two are equal. */
    static final Comparator<ConnectedDevice> BY_USER_AND_DEVICE = Comparator
            .comparing((ConnectedDevice d) -> d.registration().user()).thenComparing(d -> d.registration().device());

    /**
     * One page of the authenticated connections of a server sorted by user and device, of one user or all
     * ({@code null}): the {@code limit} after the first {@code offset} (both at least 0).
     */
    static List<ConnectedDevice> connectedDevices(IotmpServer server, String user, int offset, int limit) {
        if (limit <= 0) {
            return List.of();
        }
        Collection<DeviceConnection> sessions = server.registry().sessions();
        // each connection's registration read once, and no list of them all: the page keeps only what it may show
        Iterable<ConnectedDevice> matching = () -> sessions.stream()
                .map(connection -> new ConnectedDevice(connection, connection.registration()))
                .filter(d -> d.registration() != null && (user == null || user.equals(d.registration().user())))
                .iterator();
        return page(matching, BY_USER_AND_DEVICE, offset, limit);
    }

    /**
     * The items from {@code offset} on in {@code order}, at most {@code limit} of them (both at least 0), keeping only
     * the first {@code offset + limit} while reading: a console asking for a page of 100 of 19,000 devices compares
     * each device with the largest kept rather than sorting them all (O(n log k) instead of O(n log n)). The order
     * must tell every two items apart, as the page would otherwise depend on the order the items come in.
     */
    static <T> List<T> page(Iterable<T> items, Comparator<? super T> order, int offset, int limit) {
        if (limit <= 0) {
            return List.of();
        }
        int skipped = Math.max(0, offset);
        long kept = Math.min(Integer.MAX_VALUE - 8L, (long) skipped + limit);
        // the largest kept on top, to be dropped for a smaller one
        PriorityQueue<T> first = new PriorityQueue<>(order.reversed());
        for (T item : items) {
            if (first.size() < kept) {
                first.add(item);
            } else if (order.compare(item, first.peek()) < 0) {
                first.poll();
                first.add(item);
            }
        }
        // the page is the largest of those kept past the offset; the queue gives them largest first
        int shown = Math.max(0, first.size() - skipped);
        List<T> page = new ArrayList<>(shown);
        for (int i = 0; i < shown; i++) {
            page.add(first.poll());
        }
        Collections.reverse(page);
        return page;
    }

    static String duration(long millis) {
        return org.apache.camel.util.TimeUtils.printDuration(Duration.ofMillis(millis), true);
    }
}
