package io.cameliotmp.micrometer;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.protocol.session.RequestKind;
import io.cameliotmp.server.IotmpServer;
import io.cameliotmp.server.QuotaExceededException;
import io.cameliotmp.server.Refusal;
import io.cameliotmp.server.ServerCluster;
import io.cameliotmp.server.ServerMetrics;
import io.cameliotmp.server.ServerMetrics.FirmwareOutcome;
import io.cameliotmp.server.ServerMetrics.RouteDelivery;
import io.cameliotmp.server.ServerTotals;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

/**
 * Publishes a server's metrics to Micrometer, tagged with the server's host and port:
 * <ul>
 * <li>{@code iotmp.devices.connected} (gauge) and {@code iotmp.connections} (counter, {@code event=connected|
 * disconnected|refused|rejected});</li>
 * <li>{@code iotmp.requests} (timer with a percentile histogram, {@code kind}, {@code outcome});</li>
 * <li>{@code iotmp.forwarded.calls} (timer with a percentile histogram, {@code outcome}): calls this member
 * forwarded to the cluster member holding the device, from forwarding to outcome;</li>
 * <li>{@code iotmp.samples} (counter, {@code state=received|dropped|stale}): {@code stale} are samples of legacy
 * devices on stream ids of an earlier connection, dropped;</li>
 * <li>{@code iotmp.deliveries.dropped} (counter, {@code kind=topic|event}): publications and events a topic or events
 * consumer dropped because its route had {@code maxDeliveriesInFlight} exchanges (or
 * {@code maxDeliveryBytesInFlight} bytes) unfinished;</li>
 * <li>{@code iotmp.deliveries.in.flight} (gauge, {@code kind=topic|event}): publications and events handed to those
 * consumers and not completed by their routes;</li>
 * <li>{@code iotmp.deliveries.in.flight.bytes} (gauge, {@code kind=topic|event}): their bytes (topic and PSON-encoded
 * payload of publications; events count none), each topic consumer's at most its
 * {@code maxDeliveryBytesInFlight};</li>
 * <li>{@code iotmp.reading.pauses} (counter): times a connection stopped reading its device at its in-flight bound
 * (backpressure);</li>
 * <li>{@code iotmp.pending.writes.exceeded} (counter): connections closed because more than
 * {@code maxPendingWriteBytes} were queued for a peer that does not read;</li>
 * <li>{@code iotmp.websocket.pings.unanswered} (counter): WebSocket pings not answered because the connection was not
 * writable (its peer does not read) or closing;</li>
 * <li>{@code iotmp.websocket.protocol.violations} (counter): WebSocket connections closed because their peer broke
 * the WebSocket protocol (unmasked, malformed or oversized frames, invalid close codes);</li>
 * <li>{@code iotmp.legacy.frames.ignored} (counter): frames legacy devices sent after their AUTH was answered that the
 * server ignored (flags devices never send, answers nobody waits for, unknown types);</li>
 * <li>{@code iotmp.bytes} (counter, {@code direction=in|out});</li>
 * <li>{@code iotmp.connections.unauthenticated} (gauge): connections whose device has not authenticated yet;</li>
 * <li>{@code iotmp.frames.partial.bytes} (gauge): bytes reserved by partially received frames, at most
 * {@code maxPartialFrameBytes};</li>
 * <li>{@code iotmp.frames.inflight.bytes} (gauge): estimated heap of decoded frames, samples and calls taken in and
 * not finished, at most about twice {@code maxDecodedFrameBytes} per connection;</li>
 * <li>{@code iotmp.auth.failures.tracked} (gauge): entries kept about failed authentications;</li>
 * <li>{@code iotmp.connection.rates.tracked} (gauge): addresses whose connection rate is kept, at most
 * {@code maxTrackedConnectionRates};</li>
 * <li>{@code iotmp.firmware.updates.running} (gauge): devices a firmware update of the server runs on;</li>
 * <li>{@code iotmp.firmware.updates} (counter, {@code outcome}, see {@link FirmwareOutcome#tag()}): firmware updates
 * of the server that ended, by outcome;</li>
 * <li>{@code iotmp.cluster.publications.waiting} and {@code iotmp.cluster.publications.waiting.bytes} (gauges, only
 * on a cluster member): publications other members relayed to this one that its topic consumers have not finished,
 * and their bytes, at most {@code maxQueuedRelayedPublications} and {@code maxQueuedRelayedPublicationBytes};</li>
 * <li>{@code iotmp.cluster.handover.overflows} (counter, only on a cluster member): joins of the member whose record
 * of the retained messages written meanwhile passed its bounds, so that it read the cluster's retained messages
 * again;</li>
 * <li>{@code iotmp.refusals} (counter, {@code reason}, see {@link Refusal#tag()}): connections and CONNECTs refused by
 * a hardening limit;</li>
 * <li>{@code iotmp.quota.refusals} (counter, {@code quota}, see {@link QuotaExceededException.Quota#tag()}):
 * requests refused by a per-device or per-user quota.</li>
 * </ul>
 */
public final class MicrometerServerMetrics implements ServerMetrics {

    private final MeterRegistry registry;
    private final Tags tags;
    /** The meters to remove on {@link #close}; guarded by itself, as is {@link #closed}. */
    private final List<Meter> meters = new ArrayList<>();
    /**
     * Set by {@link #close}: a timer first used after it (a request of the stopped server completing late, on a
     * thread of its cluster or of a caller) is not registered, as it would stay in the registry for good.
     */
    private boolean closed;
    private final Counter connected;
    private final Counter disconnected;
    private final Counter refused;
    private final Counter rejected;
    private final Counter samplesDropped;
    private final Counter staleSamplesDropped;
    private final Counter staleStreamsStopped;
    private final Map<RouteDelivery, Counter> deliveriesDropped = new EnumMap<>(RouteDelivery.class);
    private final Counter readingPauses;
    private final Counter pendingWritesExceeded;
    private final Counter webSocketPingsUnanswered;
    private final Counter webSocketProtocolViolations;
    private final Counter legacyFramesIgnored;
    private final Counter bytesIn;
    private final Counter bytesOut;
    private static final String CONNECTIONS = "Connection events by kind: devices that connected or disconnected, "
                                              + "CONNECTs refused by authentication, and connections rejected on "
                                              + "arrival by a connection limit, the connection rate or a blocked "
                                              + "address";
    private static final String SAMPLES = "Stream samples by state: received, dropped by backpressure, or "
                                          + "stale (legacy samples on a stream of an earlier connection, dropped)";
    private static final Outcome[] OUTCOMES = Outcome.values();
    /** One timer per request kind and outcome, registered on first use. */
    private final Timer[] requestTimers = new Timer[RequestKind.values().length * OUTCOMES.length];
    /** One timer per outcome of forwarded calls, registered on first use. */
    private final Timer[] forwardedTimers = new Timer[OUTCOMES.length];
    private final Map<Refusal, Counter> refusals = new EnumMap<>(Refusal.class);
    private final Map<FirmwareOutcome, Counter> firmwareUpdates = new EnumMap<>(FirmwareOutcome.class);
    private final Map<QuotaExceededException.Quota, Counter> quotaRefusals
            = new EnumMap<>(QuotaExceededException.Quota.class);

    public MicrometerServerMetrics(MeterRegistry registry, IotmpServer server) {
        this.registry = registry;
        // the port bound: two servers configured with port 0 each get their own meters
        this.tags = Tags.of("host", server.config().host(), "port", String.valueOf(server.port()));
        try {
            meters.add(Gauge.builder("iotmp.devices.connected", server, s -> s.registry().size()).tags(tags)
                    .description("Devices connected now").register(registry));
            // a meter name has one description in every registry (Prometheus' HELP line): it describes all its tags
            connected = counter("iotmp.connections", "event", "connected", CONNECTIONS);
            disconnected = counter("iotmp.connections", "event", "disconnected", CONNECTIONS);
            refused = counter("iotmp.connections", "event", "refused", CONNECTIONS);
            rejected = counter("iotmp.connections", "event", "rejected", CONNECTIONS);
            // read from the connections' own counts rather than counted here, which would cost every sample a shared
            // write (see ServerTotals#samplesReceived)
            meters.add(FunctionCounter.builder("iotmp.samples", server.totals(), ServerTotals::samplesReceived)
                    .tags(tags).tag("state", "received").description(SAMPLES).register(registry));
            samplesDropped = counter("iotmp.samples", "state", "dropped", SAMPLES);
            staleSamplesDropped = counter("iotmp.samples", "state", "stale", SAMPLES);
            staleStreamsStopped = counter(Counter.builder("iotmp.legacy.stale.streams.stopped"), "Resources of legacy "
                    + "devices asked to stop streaming: they went on streaming on ids of an earlier connection");
            for (RouteDelivery kind : RouteDelivery.values()) {
                deliveriesDropped.put(kind, counter("iotmp.deliveries.dropped", "kind", kind.tag(), "Publications and "
                        + "events a topic or events consumer dropped: its route had maxDeliveriesInFlight (or "
                        + "maxDeliveryBytesInFlight) unfinished"));
                meters.add(Gauge.builder("iotmp.deliveries.in.flight", server.totals(),
                        totals -> totals.deliveriesInFlight(kind))
                        .tags(tags).tag("kind", kind.tag()).description("Publications and events handed to topic and "
                                + "events consumers and not completed by their routes").register(registry));
                meters.add(Gauge.builder("iotmp.deliveries.in.flight.bytes", server.totals(),
                        totals -> totals.deliveryBytesInFlight(kind))
                        .tags(tags).tag("kind", kind.tag()).description("Bytes of the publications (topic and "
                                + "PSON-encoded payload) handed to topic consumers and not completed by their routes")
                        .baseUnit("bytes").register(registry));
            }
            readingPauses = counter(Counter.builder("iotmp.reading.pauses"), "Times a connection stopped reading its "
                    + "device because its work in flight reached maxInFlight or maxDecodedFrameBytes");
            pendingWritesExceeded = counter(Counter.builder("iotmp.pending.writes.exceeded"), "Connections closed "
                    + "because more than maxPendingWriteBytes were queued for a peer that does not read");
            webSocketPingsUnanswered = counter(Counter.builder("iotmp.websocket.pings.unanswered"), "WebSocket pings "
                    + "not answered because the connection was not writable (its peer does not read) or closing");
            webSocketProtocolViolations = counter(Counter.builder("iotmp.websocket.protocol.violations"), "WebSocket "
                    + "connections closed because their peer broke the WebSocket protocol (unmasked, malformed or "
                    + "oversized frames, invalid close codes)");
            legacyFramesIgnored = counter(Counter.builder("iotmp.legacy.frames.ignored"), "Frames legacy devices "
                    + "sent after their AUTH was answered that the server ignored: flags devices never send, answers "
                    + "nobody waits for, unknown types");
            // the unit, as the gauges of bytes have it: a registry shows it, and one of another unit converts
            bytesIn = counter(Counter.builder("iotmp.bytes").tag("direction", "in").baseUnit("bytes"),
                    "Bytes received on the wire");
            bytesOut = counter(Counter.builder("iotmp.bytes").tag("direction", "out").baseUnit("bytes"),
                    "Bytes sent on the wire");
            meters.add(Gauge.builder("iotmp.connections.unauthenticated", server,
                    IotmpServer::unauthenticatedConnections).tags(tags)
                    .description("Connections whose device has not authenticated yet").register(registry));
            meters.add(Gauge.builder("iotmp.frames.partial.bytes", server, IotmpServer::partialFrameBytes).tags(tags)
                    .baseUnit("bytes").description("Bytes reserved by partially received frames of all connections")
                    .register(registry));
            meters.add(Gauge.builder("iotmp.frames.inflight.bytes", server, IotmpServer::inFlightBytes).tags(tags)
                    .baseUnit("bytes").description("Estimated heap of decoded frames, samples and calls that "
                            + "connections have taken in and not finished").register(registry));
            meters.add(Gauge.builder("iotmp.auth.failures.tracked", server, IotmpServer::trackedAuthFailures).tags(tags)
                    .description("Entries kept about failed authentications").register(registry));
            meters.add(Gauge.builder("iotmp.connection.rates.tracked", server, IotmpServer::trackedConnectionRates)
                    .tags(tags).description("Addresses whose connection rate is kept").register(registry));
            meters.add(Gauge.builder("iotmp.legacy.devices.tracked", server, IotmpServer::legacyDevicesTracked)
                    .tags(tags).description("Legacy devices whose stream ids are kept across their connections")
                    .register(registry));
            meters.add(Gauge.builder("iotmp.firmware.updates.running", server, s -> s.firmwareUpdates().running())
                    .tags(tags).description("Devices a firmware update of the server runs on, one update each")
                    .register(registry));
            ServerCluster cluster = server.config().cluster();
            if (cluster.clustered()) {
                meters.add(Gauge.builder("iotmp.cluster.publications.waiting", cluster,
                        ServerCluster::relayedPublicationsWaiting).tags(tags).description("Publications other "
                                + "cluster members relayed to this one that its topic consumers have not finished")
                        .register(registry));
                meters.add(Gauge.builder("iotmp.cluster.publications.waiting.bytes", cluster,
                        ServerCluster::relayedPublicationBytesWaiting).tags(tags).baseUnit("bytes")
                        .description("Bytes of the publications other cluster members relayed to this one that its "
                                + "topic consumers have not finished").register(registry));
                meters.add(FunctionCounter.builder("iotmp.cluster.handover.overflows", cluster,
                        ServerCluster::retainedHandoverOverflows).tags(tags).description("Joins of this cluster "
                                + "member that recorded more retained messages written meanwhile than their bound and "
                                + "read the cluster's retained messages again").register(registry));
            }
            for (FirmwareOutcome outcome : FirmwareOutcome.values()) {
                firmwareUpdates.put(outcome, counter("iotmp.firmware.updates", "outcome", outcome.tag(),
                        "Firmware updates of the server that ended, by outcome (refused ones included)"));
            }
            for (Refusal reason : Refusal.values()) {
                refusals.put(reason, counter("iotmp.refusals", "reason", reason.tag(),
                        "Connections and CONNECTs refused by a limit against hostile peers"));
            }
            for (QuotaExceededException.Quota quota : QuotaExceededException.Quota.values()) {
                quotaRefusals.put(quota, counter("iotmp.quota.refusals", "quota", quota.tag(),
                        "Requests refused by a per-device or per-user quota, or relays by the cluster member's bound"));
            }
        } catch (RuntimeException | Error e) {
            // a registry that refuses a meter half-way (one it has under other tags, say): the server does not
            // start, and nothing of it stays registered
            close();
            throw e;
        }
    }

    /** A factory for {@code IotmpServerConfig.Builder#metrics}. */
    public static ServerMetrics.Factory factory(MeterRegistry registry) {
        return server -> new MicrometerServerMetrics(registry, server);
    }

    private Counter counter(String name, String key, String value, String description) {
        return counter(Counter.builder(name).tag(key, value), description);
    }

    private Counter counter(Counter.Builder builder, String description) {
        Counter counter = builder.tags(tags).description(description).register(registry);
        meters.add(counter);
        return counter;
    }

    @Override
    public void deviceConnected() {
        connected.increment();
    }

    @Override
    public void deviceDisconnected() {
        disconnected.increment();
    }

    @Override
    public void authenticationRefused() {
        refused.increment();
    }

    @Override
    public void connectionRejected() {
        rejected.increment();
    }

    @Override
    public void refused(Refusal reason) {
        refusals.get(reason).increment();
    }

    @Override
    public void firmwareUpdateEnded(FirmwareOutcome outcome) {
        firmwareUpdates.get(outcome).increment();
    }

    @Override
    public void quotaExceeded(QuotaExceededException.Quota quota) {
        quotaRefusals.get(quota).increment();
    }

    @Override
    public void requestCompleted(RequestKind kind, long nanos, Outcome outcome) {
        int index = kind.ordinal() * OUTCOMES.length + outcome.ordinal();
        Timer timer = requestTimers[index];
        if (timer == null) {
            timer = registerLate(Timer.builder("iotmp.requests").tags(tags).tag("kind", kind.name())
                    .tag("outcome", outcomeTag(outcome)).description("Server to device requests")
                    .publishPercentileHistogram());
            if (timer == null) {
                return;
            }
            requestTimers[index] = timer;
        }
        timer.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void forwardedCallCompleted(long nanos, Outcome outcome) {
        Timer timer = forwardedTimers[outcome.ordinal()];
        if (timer == null) {
            timer = registerLate(Timer.builder("iotmp.forwarded.calls").tags(tags)
                    .tag("outcome", outcomeTag(outcome))
                    .description("Calls forwarded to the cluster member holding the device, seen by the caller")
                    .publishPercentileHistogram());
            if (timer == null) {
                return;
            }
            forwardedTimers[outcome.ordinal()] = timer;
        }
        timer.record(nanos, TimeUnit.NANOSECONDS);
    }

    /**
     * The tag value the guide names ({@code ok}, {@code disconnected}, ...): in the root locale, since under a Turkish
     * default locale {@code toLowerCase()} gave {@code disconnected} a dotless i, which no query matches.
     */
    private static String outcomeTag(Outcome outcome) {
        return outcome.name().toLowerCase(Locale.ROOT);
    }

    /**
     * Registers a timer on its first use, unless these metrics are closed (null then). Registering twice in a race
     * is harmless: the registry hands back the meter it already has.
     */
    private Timer registerLate(Timer.Builder timer) {
        synchronized (meters) {
            if (closed) {
                return null;
            }
            Timer registered = timer.register(registry);
            if (!meters.contains(registered)) {
                meters.add(registered);
            }
            return registered;
        }
    }

    @Override
    public void sampleDropped() {
        samplesDropped.increment();
    }

    @Override
    public void deliveryDropped(RouteDelivery kind) {
        deliveriesDropped.get(kind).increment();
    }

    @Override
    public void staleSampleDropped() {
        staleSamplesDropped.increment();
    }

    @Override
    public void staleStreamsStopped(int resources) {
        staleStreamsStopped.increment(resources);
    }

    @Override
    public void readingPaused() {
        readingPauses.increment();
    }

    @Override
    public void pendingWritesExceeded() {
        pendingWritesExceeded.increment();
    }

    @Override
    public void webSocketPingUnanswered() {
        webSocketPingsUnanswered.increment();
    }

    @Override
    public void webSocketProtocolViolation() {
        webSocketProtocolViolations.increment();
    }

    @Override
    public void legacyFrameIgnored() {
        legacyFramesIgnored.increment();
    }

    @Override
    public void bytesReceived(long bytes) {
        bytesIn.increment(bytes);
    }

    @Override
    public void bytesSent(long bytes) {
        bytesOut.increment(bytes);
    }

    @Override
    public void close() {
        synchronized (meters) {
            closed = true;
            meters.forEach(registry::remove);
            meters.clear();
        }
    }
}
