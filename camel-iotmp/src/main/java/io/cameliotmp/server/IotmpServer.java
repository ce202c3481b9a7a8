package io.cameliotmp.server;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.util.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An embedded IOTMP server: one listening socket, the sessions of the devices connected to it, and one API to call
 * them ({@link #send}). Devices' own calls are dispatched to the handlers registered here. No Camel dependency: the
 * Camel component is a thin layer over this class, and it can be embedded on its own.
 */
public final class IotmpServer {

    private static final Logger LOG = LoggerFactory.getLogger(IotmpServer.class);

    private final IotmpServerConfig config;
    private final DeviceRegistry registry = new DeviceRegistry();
    private final BuiltinServices builtins;
    private final EventStreams events;
    private final StreamSubscriptions subscriptions = new StreamSubscriptions(registry);
    private final CallHandlers calls;
    private final Topics topics;
    private final Properties properties;
    private final ClusterMembership membership;
    private final DeviceCalls deviceCalls;
    /** Package-private for the tests that build a device pipeline without starting the server. */
    final ServerNetwork network;
    private final ConnectionGuard guard;
    // hardening: admission before login, CONNECT checks and rate-limited refusal lines (see those classes)
    private final ConnectionAdmission admission;
    private final ConnectValidation connectValidation;
    private final RefusalLog refusalLog = new RefusalLog();
    private final LegacyStreamIds legacyStreamIds;
    private final ServerSessionContext sessionContext;
    private volatile ServerMetrics metrics = ServerMetrics.NONE;
    private final ServerTotals totals = new ServerTotals();
    private TrafficMeter trafficMeter;
    private volatile ServerDrain drain;
    private final FirmwareUpdateClaims firmwareUpdates = new FirmwareUpdateClaims();
    /** The port of the IOTMP listener: the configured one until a start has bound it (see {@link #port()}). */
    private volatile int port;

    public IotmpServer(IotmpServerConfig config) {
        this(config, new LegacyStreamIds(config.limits().maxLegacyDevicesTracked()));
    }

    /**
     * A server whose legacy devices' ids go on where they were on an earlier server ({@link IotmpServerManager}
     * passes on the memory of the server it ran on the same address).
     */
    IotmpServer(IotmpServerConfig config, LegacyStreamIds legacyStreamIds) {
        this.config = config;
        this.port = config.port();
        this.network = new ServerNetwork(config);
        this.guard = new ConnectionGuard(config, System::nanoTime, this::metrics);
        this.legacyStreamIds = legacyStreamIds;
        this.admission = new ConnectionAdmission(config, guard, this::metrics);
        this.connectValidation = new ConnectValidation(config, guard, this::metrics);
        this.events = new EventStreams(config.quotas(), this::quotaExceeded);
        this.builtins = new BuiltinServices(this);
        this.calls = new CallHandlers(builtins);
        this.properties = new Properties(builtins);
        this.topics = new Topics(events);
        this.membership = new ClusterMembership(config.cluster(), registry, config.requestTimeout(),
                this::metrics, network::nextStreamThread);
        this.deviceCalls = new DeviceCalls(registry, membership);
        this.sessionContext = new ServerSessionContext(config, this::metrics, network::timer, guard,
                connectValidation, refusalLog, registry, membership, subscriptions, calls, events, builtins,
                totals.receivedSamples());
        builtins.addPropertyListener((device, property, value) -> registry.session(device)
                .ifPresent(session -> session.onPropertyUpdated(property, value)));
        ClusterBus bus = config.cluster().bus();
        builtins.addPropertyListener(bus::propertyUpdated);
        events.relayTo(bus);
        bus.bind(new RelayedEvents(registry, events, refusal -> quotaExceeded(refusal, "other cluster members")));
    }

    public IotmpServerConfig config() {
        return config;
    }

    /** The topics and events of devices, for the tests of this package. */
    EventStreams events() {
        return events;
    }

    public DeviceRegistry registry() {
        return registry;
    }

    /**
     * Binds the listener; returns once it accepts connections. A start that fails (port taken, cluster not joined,
     * metrics that cannot be created) releases everything it made before it throws: threads, timer, listeners,
     * cluster membership and meters.
     */
    public synchronized void start() {
        if (network.isBound()) {
            return;
        }
        boolean joined = false;
        try {
            network.createThreads();
            joinCluster();
            joined = true;
            // bound before the metrics are made, so that they are named after the port actually bound (port 0),
            // but accepting nothing until they exist: every connection is counted
            network.bind(this::initDeviceChannel);
            port = network.localAddress().getPort();
            metrics = totals.counting(config.metrics().create(this));
            trafficMeter = new TrafficMeter(metrics);
            network.startAccepting();
        } catch (RuntimeException | Error e) {
            abandonStart(joined, e);
            throw e;
        }
    }

    /**
     * A member joins before it listens: a device that connects is claimed in the cluster's directory, and a claim
     * made before the join would never reach the other members.
     */
    private void joinCluster() {
        try {
            membership.join();
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot join the cluster " + config.cluster(), e);
        }
    }

    /**
     * Releases what a failed start made, each part on its own: a release that fails must not keep the next ones from
     * releasing theirs (its failure goes with the start's).
     */
    private void abandonStart(boolean joined, Throwable failure) {
        if (joined) {
            releaseStep(failure, membership::leave);
        }
        releaseStep(failure, network::release);
        releaseStep(failure, this::closeMetrics);
    }

    private static void releaseStep(Throwable failure, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    /**
     * Unregisters the metrics of this start or run. Also when a start fails (port taken, cluster not joined): left
     * registered, the meters of a server that never ran would stay for good, and a later start on the address, whose
     * meters have the same name and tags, would be handed them back, its gauges reading the failed server.
     */
    private void closeMetrics() {
        ServerMetrics closing = metrics;
        metrics = ServerMetrics.NONE;
        closing.close();
    }

    /**
     * Builds the pipeline of one device connection. Package-private, and typed {@link Channel} rather than
     * {@code SocketChannel}, only so that tests can put the real pipeline on an {@code EmbeddedChannel} (see
     * {@code EmbeddedDevicePipeline} in the test sources, used by the connection state machine fuzz test); the
     * channel group, and with it the connection limits, exist only once the server is started.
     */
    void initDeviceChannel(Channel ch) {
        initDeviceChannel(ch, ListenerKind.IOTMP);
    }

    private void initDeviceChannel(Channel ch, ListenerKind listener) {
        if (drain != null) {
            // accepted just before the listener closed for a drain: the device is to connect elsewhere
            metrics.connectionRejected();
            ch.close();
            return;
        }
        ChannelGroup channels = network.channels();
        ConnectionAdmission.Ticket ticket = null;
        if (channels != null) {
            ConnectionAdmission.Admission admitted = admission.admit(ch, channels.size());
            Refusal refusal = admitted.refusal();
            if (refusal != null) {
                ConnectionAdmission.reportRefused(ch, refusal, null, metrics);
                ch.close();
                return;
            }
            channels.add(ch);
            ticket = admitted.ticket();
        }
        if (config.proxyProtocol()) {
            // before anything of the user's: the header is the first thing on the wire, in clear before any TLS
            ProxyProtocolHandler.addFirst(ch, admission, ticket, this::metrics);
        }
        config.channelInitializer().initChannel(ch, new DevicePipeline(ch, config, trafficMeter, admission,
                legacyStreamIds, sessionContext, network.nextWorker(), listener, ticket));
    }

    /**
     * Stops accepting, tells every connected device DISCONNECT, fails every pending request and releases all threads.
     */
    public synchronized void stop() {
        if (!network.isBound()) {
            return;
        }
        network.unbind();
        if (drain != null) {
            drain.cancel();
            drain = null;
        }
        // devices first get their DISCONNECT; connections that never authenticated are simply closed afterwards
        List<CompletableFuture<Void>> closing = new java.util.ArrayList<>();
        for (DeviceConnection session : registry.sessions()) {
            closing.add(session.close("server stopping").toCompletableFuture());
        }
        try {
            CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)).get(3, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.debug("Not every device connection closed within 3 s: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // the connections are gone: an update waiting for its device to come back would wait out its reboot timeout
        firmwareUpdates.closedToDevices();
        network.closeChannels();
        // after the devices: their directory entries are released while the member can still write them
        try {
            membership.leave();
        } catch (RuntimeException e) {
            // the threads and meters are released all the same: a server that stopped holds nothing
            LOG.warn("Leaving the cluster failed as the server on {}:{} stops: {}", config.host(), port,
                    e.toString());
        }
        network.shutdownThreads();
        closeMetrics();
        LOG.info("IOTMP server on {}:{} stopped", config.host(), port);
    }

    /**
     * Drains this server for a rolling upgrade: closes its listeners, so new connections go to other members, and
     * sends DISCONNECT to its devices, at most {@code devicesPerSecond} a second, so they reconnect elsewhere without
     * a storm. The server stays a cluster member (it forwards calls) until {@link #stop}. The future completes once
     * no device is connected here; calling it again returns the drain under way.
     */
    public synchronized CompletableFuture<Void> drain(int devicesPerSecond) {
        if (!network.isBound()) {
            throw new IllegalStateException("server is not started");
        }
        if (drain == null) {
            drain = new ServerDrain(registry, devicesPerSecond);
            network.closeListeners();
            drain.start(network.acceptLoop());
            // a device rebooted by an update comes back on another member: its update waits here for nothing
            firmwareUpdates.closedToDevices();
        }
        return drain.drained();
    }

    /** {@link #drain(int)} at the configured {@code drainDevicesPerSecond}. */
    public CompletableFuture<Void> drain() {
        return drain(config.drainDevicesPerSecond());
    }

    /** Whether {@link #drain} was called: the server no longer accepts devices, and moves its own off. */
    public boolean isDraining() {
        return drain != null;
    }

    /**
     * Whether the server accepts devices. Like the addresses below, it never waits for a start or stop under way
     * (seconds, with devices to close): health checks, the dev console and JMX read it while a server stops.
     */
    public boolean isRunning() {
        return network.isListening();
    }

    /**
     * The port of the IOTMP listener: the one bound at the last start (with port 0, the one the system chose), the
     * configured one before the first start. It stays after a stop, so that what was named after it (metric tags,
     * the JMX name) can still be found; two servers configured with port 0 differ by it.
     */
    public int port() {
        return port;
    }

    /** The bound address; with port 0 this tells the port actually used. */
    public InetSocketAddress localAddress() {
        return network.localAddress();
    }

    /** The address of the plain listener of legacy devices, or null when there is none. */
    public InetSocketAddress legacyAddress() {
        return network.legacyAddress();
    }

    /** The address of the TLS listener of legacy devices, or null when there is none. */
    public InetSocketAddress legacyTlsAddress() {
        return network.legacyTlsAddress();
    }

    // ---- server → device

    /**
     * Sends a request to a connected device: to its connection here, or, in a cluster, forwarded to the member that
     * holds it. Fails with {@link DeviceNotConnectedException} if it is not connected anywhere,
     * {@link DeviceErrorException} on ERROR, {@link DeviceRequestTimeoutException} after {@code timeout} (null = the
     * configured default) and {@link DeviceDisconnectedException} if the connection (or the member holding it) ends
     * first.
     */
    public CompletableFuture<DeviceReply> send(DeviceId device, DeviceRequest request, Duration timeout) {
        return deviceCalls.send(device, request, timeout);
    }

    /**
     * Like {@link #send(DeviceId, DeviceRequest, Duration)}, completing {@code reply}, which it returns. A caller
     * that has put its continuation on {@code reply} before calling this never finds the reply complete already:
     * the thread that completes it runs the continuation. Attaching it after {@code send} returns races with a
     * quick answer, a branch so rare that the JIT leaves it out and, when it is first taken, throws away the
     * compiled code of the caller's whole path, in the middle of a busy server's traffic.
     */
    public CompletableFuture<DeviceReply> send(DeviceId device, DeviceRequest request, Duration timeout,
                                               CompletableFuture<DeviceReply> reply) {
        return deviceCalls.send(device, request, timeout, reply);
    }

    /**
     * Like {@link #send(DeviceId, DeviceRequest, Duration, CompletableFuture)}, but only to the device's connection of
     * that session number, here or on its cluster holder: stream ids start again on each connection, so the data or
     * stop of a stream must never reach a newer connection's stream of the same id. Fails with
     * {@link DeviceNotConnectedException} when the device is connected under another session number.
     */
    public CompletableFuture<DeviceReply> send(DeviceId device, long sessionNumber, DeviceRequest request,
                                               Duration timeout, CompletableFuture<DeviceReply> reply) {
        return deviceCalls.send(device, sessionNumber, request, timeout, reply);
    }

    /** Like {@link #send(DeviceId, DeviceRequest, Duration)}, but only to that very connection. */
    public CompletableFuture<DeviceReply> send(DeviceRegistration registration, DeviceRequest request,
                                               Duration timeout) {
        return deviceCalls.send(registration, request, timeout);
    }

    /**
     * The devices connected to this server or, in a cluster, to any member (of one user, or all for null), sorted by
     * id, each with the member that holds it.
     */
    public List<DirectoryEntry> devices(String user) {
        return membership.devices(user);
    }

    /** Where the device is connected: here or, in a cluster, on another member. */
    public Optional<DirectoryEntry> locate(DeviceId device) {
        DeviceRegistration local = registry.registration(device).orElse(null);
        if (local != null) {
            return Optional.of(new DirectoryEntry(config.cluster().memberName(), local));
        }
        return config.cluster().directory().lookup(device);
    }

    /**
     * Downloads a file from a device running IOTMP-Linux's file-system extension ({@code $fs/info},
     * {@code $fs/download}), acknowledging each chunk so the device keeps sending. Fails if the device stops the
     * stream early or sends nothing for {@code idleTimeout}.
     *
     * @param chunkSize the chunk size to ask for; 0 for the device default (64 KiB)
     */
    public CompletableFuture<byte[]> download(DeviceId device, String path, int chunkSize, Duration idleTimeout) {
        return download(device, path, chunkSize, IotmpServerConfig.DEFAULT_MAX_DOWNLOAD_SIZE, idleTimeout);
    }

    /**
     * {@link #download(DeviceId, String, int, Duration)} of a file of at most {@code maxSize} bytes: the whole file
     * is held until the download completes, and its size is the device's word, so a larger one fails at once with
     * a {@link QuotaExceededException} ({@code DOWNLOAD_SIZE}), before anything of it is held.
     */
    public CompletableFuture<byte[]> download(DeviceId device, String path, int chunkSize, long maxSize,
                                              Duration idleTimeout) {
        IotmpServerConfig.requirePositive(maxSize, "maxSize");
        return FileDownload.start(this, device, path, chunkSize > 0 ? chunkSize : FileDownload.DEFAULT_CHUNK_SIZE,
                maxSize, idleTimeout != null ? idleTimeout : config.requestTimeout());
    }

    /** The server's standing subscriptions to device resources. */
    public StreamSubscriptions subscriptions() {
        return subscriptions;
    }

    /** Who answers the devices' calls: named server resources and service handlers. */
    public CallHandlers calls() {
        return calls;
    }

    /** Topics and named server events. */
    public Topics topics() {
        return topics;
    }

    /** Device properties and their listeners. */
    public Properties properties() {
        return properties;
    }

    /** What this server counted since it was created (connections, refusals, samples, bytes). */
    public ServerTotals totals() {
        return totals;
    }

    /** The metrics of this server while it runs; {@link ServerMetrics#NONE} otherwise. */
    public ServerMetrics metrics() {
        return metrics;
    }

    ConnectValidation connectValidation() {
        return connectValidation;
    }

    /**
     * Logs a WARN line that a device's answer caused (a stream it refused, say) within the rate limit the server's
     * refusal lines share, shortened and without control characters: a device that reconnects as fast as it can must
     * not write a line per connection.
     */
    public void logPeerCaused(Logger log, String message, Object detail) {
        refusalLog.peerCaused(log, message, detail);
    }

    RefusalLog refusalLog() {
        return refusalLog;
    }

    /** Counts and logs (rate-limited) a request a quota refused. */
    void quotaExceeded(QuotaExceededException e, Object who) {
        metrics.quotaExceeded(e.quota());
        refusalLog.quota(LOG, who, e.getMessage());
    }

    /** Connections accepted whose device has not authenticated (yet); not counted in {@link #registry()}. */
    public int unauthenticatedConnections() {
        return admission.unauthenticated();
    }

    /** Bytes reserved now by partially received frames of all connections, at most {@code maxPartialFrameBytes}. */
    public long partialFrameBytes() {
        return admission.partialFrames().reserved();
    }

    /**
     * The estimated heap of what all connections hold in flight: frames decoded and not yet handled, and samples and
     * calls handed to handlers that have not completed. Each connection pauses its reading at
     * {@code maxDecodedFrameBytes} of it, so one connection holds at most about twice that.
     */
    public long inFlightBytes() {
        return sessionContext.flowBounds().serverBytes().total();
    }

    /** The connections {@link #inFlightBytes()} sums over: open ones, and closed ones that still hold something. */
    int connectionsCountedInFlight() {
        return sessionContext.flowBounds().serverBytes().connections();
    }

    /** Legacy devices whose stream ids are kept across their connections. */
    public int legacyDevicesTracked() {
        return legacyStreamIds.size();
    }

    /** The devices a firmware update of this server runs on now, one update per device. */
    public FirmwareUpdateClaims firmwareUpdates() {
        return firmwareUpdates;
    }

    /** Entries kept about failed authentications (per address, and per device and address). */
    public int trackedAuthFailures() {
        return guard.trackedEntries();
    }

    /** Addresses whose connection rate is kept, at most {@code maxTrackedConnectionRates}. */
    public int trackedConnectionRates() {
        return guard.trackedConnectionRates();
    }

    Timer timer() {
        return network.timer();
    }

    @Override
    public String toString() {
        return "IotmpServer[" + config.host() + ":" + port + "]";
    }
}
