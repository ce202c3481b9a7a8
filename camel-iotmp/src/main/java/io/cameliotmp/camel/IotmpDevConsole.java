package io.cameliotmp.camel;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.cameliotmp.protocol.PsonValues;
import io.cameliotmp.server.ConnectionDetails;
import io.cameliotmp.server.IotmpServer;
import io.cameliotmp.server.StreamSubscription;
import org.apache.camel.spi.annotations.DevConsole;
import org.apache.camel.support.console.AbstractDevConsole;
import org.apache.camel.util.json.JsonArray;
import org.apache.camel.util.json.JsonObject;

/**
 * The {@code iotmp} dev console: every embedded server with its transport, limits and totals (refused, rejected,
 * dropped, bytes), its standing stream subscriptions, and its connected devices per user with their counters,
 * pending requests and open streams. Shown by Camel's developer console (camel-console), Camel JBang's
 * {@code camel get}/{@code camel cmd} and the management endpoints that list dev consoles.
 * <p>
 * Options: {@code user} shows the devices of one user only; {@code limit} caps the devices shown per server (default
 * 100, also for a value that is not a number; the counts always cover all of them); {@code offset} skips that many
 * devices of the sorted list first (default 0), so that a server with more devices than a page can be read page by
 * page.
 */
@DevConsole(name = "iotmp", displayName = "IOTMP", description = "IOTMP servers and their connected devices")
public class IotmpDevConsole extends AbstractDevConsole {

    /** Show the devices of this user only. */
    public static final String USER = "user";
    /** Show at most this many devices per server. */
    public static final String LIMIT = "limit";
    /** Skip this many devices of a server's sorted list before those shown. */
    public static final String OFFSET = "offset";

    static final int DEFAULT_LIMIT = 100;
    /** How long to wait for busy connections to describe their streams before showing them without. */
    private static final long INSPECT_TIMEOUT_MILLIS = 5000;

    public IotmpDevConsole() {
        super("camel", "iotmp", "IOTMP", "IOTMP servers and their connected devices");
    }

    @Override
    protected Map<String, Object> doCallJson(Map<String, Object> options) {
        String user = option(options, USER);
        int limit = number(options, LIMIT, DEFAULT_LIMIT);
        int offset = number(options, OFFSET, 0);
        JsonObject root = new JsonObject();
        JsonArray servers = new JsonArray();
        for (Map.Entry<String, IotmpComponent> component : ServerViews.components(getCamelContext()).entrySet()) {
            for (IotmpServer server : component.getValue().servers().running()) {
                JsonObject json = ServerViews.server(server);
                json.put("component", component.getKey());
                JsonArray subscriptions = new JsonArray();
                for (StreamSubscription subscription : server.subscriptions().all()) {
                    subscriptions.add(ServerViews.subscription(subscription));
                }
                json.put("subscriptions", subscriptions);
                List<ServerViews.ConnectedDevice> page = ServerViews.connectedDevices(server, user, offset, limit);
                json.put("devicesShown", page.size());
                json.put("devicesOffset", offset);
                Map<String, JsonArray> byUser = new LinkedHashMap<>();
                for (JsonObject device : devices(page)) {
                    byUser.computeIfAbsent((String) device.get("user"), u -> new JsonArray()).add(device);
                }
                JsonArray users = new JsonArray();
                byUser.forEach((name, devices) -> {
                    JsonObject u = new JsonObject();
                    u.put("user", name);
                    u.put("devices", devices);
                    users.add(u);
                });
                json.put("users", users);
                servers.add(json);
            }
        }
        root.put("servers", servers);
        return root;
    }

    @Override
    protected String doCallText(Map<String, Object> options) {
        StringBuilder sb = new StringBuilder();
        Map<String, Object> json = doCallJson(options);
        for (Object s : (List<?>) json.get("servers")) {
            JsonObject server = (JsonObject) s;
            JsonObject limits = (JsonObject) server.get("limits");
            JsonObject totals = (JsonObject) server.get("totals");
            sb.append(String.format("IOTMP server %s:%s (%s%s)%n", server.get("host"), server.get("port"),
                    server.get("protocol"), Boolean.TRUE.equals(server.get("running")) ? "" : ", not listening"));
            sb.append(String.format("    Limits: maxConnections=%s maxConnectionsPerSecond=%s maxInFlight=%s"
                                    + " (%s) maxPendingRequests=%s maxFrameSize=%s workerThreads=%s%n",
                    limits.get("maxConnections"), limits.get("maxConnectionsPerSecond"), limits.get("maxInFlight"),
                    limits.get("backpressurePolicy"), limits.get("maxPendingRequests"), limits.get("maxFrameSize"),
                    limits.get("workerThreads")));
            Object offset = server.get("devicesOffset");
            sb.append(String.format("    Devices: %s connected (%s shown%s), %s accepted, %s disconnected,"
                                    + " %s refused, %s rejected%n",
                    server.get("connectedDevices"), server.get("devicesShown"),
                    offset instanceof Number n && n.intValue() > 0 ? " after the first " + n : "",
                    totals.get("connected"),
                    totals.get("disconnected"), totals.get("refused"), totals.get("rejected")));
            sb.append(String.format("    Traffic: %s samples received, %s dropped, reading paused %s times, %s requests"
                                    + " (%s failed, %s timed out), %s bytes in, %s bytes out%n",
                    totals.get("samplesReceived"), totals.get("samplesDropped"), totals.get("readingPauses"),
                    totals.get("requests"), totals.get("requestsFailed"), totals.get("requestsTimedOut"),
                    totals.get("bytesIn"), totals.get("bytesOut")));
            sb.append(String.format("    Peers not reading: %s closed over maxPendingWriteBytes, %s WebSocket pings"
                                    + " unanswered%n",
                    totals.get("pendingWritesExceeded"), totals.get("webSocketPingsUnanswered")));
            sb.append(String.format("    Protocol: %s WebSocket protocol violations, %s legacy frames ignored%n",
                    totals.get("webSocketProtocolViolations"), totals.get("legacyFramesIgnored")));
            sb.append(String.format("    Forwarded: %s calls to other cluster members (%s failed, %s timed out)%n",
                    totals.get("forwardedCalls"), totals.get("forwardedCallsFailed"),
                    totals.get("forwardedCallsTimedOut")));
            sb.append(String.format("    Firmware: %s updates ended (%s failed, %s timed out), %s running%n",
                    totals.get("firmwareUpdates"), totals.get("firmwareUpdatesFailed"),
                    totals.get("firmwareUpdatesTimedOut"), server.get("firmwareUpdatesRunning")));
            for (Object o : (List<?>) server.get("subscriptions")) {
                JsonObject sub = (JsonObject) o;
                sb.append(String.format("    Subscription: %s/%s %s%s%n", shown(sub.get("devices")),
                        shown(sub.get("resource")), interval(sub.get("intervalMillis")),
                        sub.get("routeId") != null ? " -> route " + shown(sub.get("routeId")) : ""));
            }
            for (Object u : (List<?>) server.get("users")) {
                JsonObject user = (JsonObject) u;
                sb.append(String.format("    User %s%n", shown(user.get("user"))));
                for (Object d : (List<?>) user.get("devices")) {
                    appendDevice(sb, (JsonObject) d);
                }
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private static void appendDevice(StringBuilder sb, JsonObject device) {
        sb.append(String.format("        %s (session %s, %s) from %s, connected %s ago, keep-alive %s s%n",
                shown(device.get("device")), device.get("session"), device.get("generation"),
                shown(device.get("remoteAddress")),
                ServerViews.duration(((Number) device.get("connectedMillis")).longValue()),
                device.get("keepAliveSeconds")));
        sb.append(String.format("            in flight %s%s, pending requests %s, frames %s in / %s out, samples %s"
                                + " in / %s dropped, bytes %s in / %s out, malformed frames %s%n",
                device.get("inFlight"), Boolean.TRUE.equals(device.get("readingPaused")) ? " (reading paused)" : "",
                device.getOrDefault("pendingRequests", "?"), device.get("framesIn"), device.get("framesOut"),
                device.get("samplesIn"), device.get("samplesDropped"), device.get("bytesIn"), device.get("bytesOut"),
                device.get("malformedFrames")));
        Object streams = device.get("streams");
        if (streams == null) {
            sb.append("            streams: not available (the connection did not answer in time)\n");
            return;
        }
        for (Object s : (List<?>) streams) {
            JsonObject stream = (JsonObject) s;
            List<String> consumers = new ArrayList<>();
            for (Object c : (List<?>) stream.get("consumers")) {
                JsonObject consumer = (JsonObject) c;
                consumers.add(consumer.get("routeId") != null ? "route " + shown(consumer.get("routeId"))
                        : consumer.get("streamTo") != null ? "streamTo " + shown(consumer.get("streamTo"))
                        : shown(consumer.getOrDefault("openedBy", consumer.get("listener"))));
            }
            sb.append(String.format("            stream %s on %s %s%s -> %s%n", stream.get("streamId"),
                    shown(stream.get("resource")), interval(stream.get("intervalMillis")),
                    Boolean.TRUE.equals(stream.get("confirmed")) ? "" : " (not confirmed yet)",
                    String.join(", ", consumers)));
        }
    }

    /** The shown devices of a server with their details, asked of all connections at once. */
    private static List<JsonObject> devices(List<ServerViews.ConnectedDevice> shown) {
        List<CompletableFuture<ConnectionDetails>> inspections = new ArrayList<>();
        for (ServerViews.ConnectedDevice device : shown) {
            inspections.add(device.connection().inspect());
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(INSPECT_TIMEOUT_MILLIS);
        List<JsonObject> devices = new ArrayList<>();
        for (int i = 0; i < shown.size(); i++) {
            ServerViews.ConnectedDevice device = shown.get(i);
            devices.add(ServerViews.device(device.registration(), device.counters(),
                    await(inspections.get(i), deadline)));
        }
        return devices;
    }

    private static ConnectionDetails await(CompletableFuture<ConnectionDetails> inspection, long deadline) {
        if (inspection == null) {
            return null;
        }
        try {
            return inspection.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException | TimeoutException e) {
            return null;
        }
    }

    /**
     * A name for the text output: devices choose their ids, and the console is read in terminals (Camel JBang) and
     * log-like views, so control characters and Unicode's bidirectional controls are escaped as in the log, or a
     * device id with a right-to-left override or a line break would make the lines around it read otherwise. The
     * JSON output keeps names exact; JSON escapes control characters itself.
     */
    private static String shown(Object name) {
        return PsonValues.text(String.valueOf(name));
    }

    private static String interval(Object millis) {
        long value = millis instanceof Number n ? n.longValue() : 0;
        return value == 0 ? "on change" : "every " + value + " ms";
    }

    private static String option(Map<String, Object> options, String name) {
        Object value = options.get(name);
        return value == null || value.toString().isBlank() ? null : value.toString();
    }

    /**
     * The {@code limit} or {@code offset} option, at least 0; the default when it is not a number. It comes as typed
     * into a URL's query or a command line, and a typo must not turn the whole console into an error.
     */
    private static int number(Map<String, Object> options, String name, int defaultValue) {
        String value = option(options, name);
        if (value == null) {
            return defaultValue;
        }
        try {
            return (int) Math.max(0, Math.min(Integer.MAX_VALUE, Long.parseLong(value.trim())));
        } catch (NumberFormatException e) {
            return defaultValue;
        }
    }
}
