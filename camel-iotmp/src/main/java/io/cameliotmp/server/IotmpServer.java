package io.cameliotmp.server;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.cameliotmp.protocol.IotmpFrameCodec;
import io.cameliotmp.protocol.WebSocketFrameBytes;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.HashedWheelTimer;
import io.netty.util.Timer;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An embedded IOTMP server: one listening socket, the sessions of the devices connected to it, and one API to call
 * them ({@link #send}). Devices' own calls are dispatched to the handlers registered here. No Camel dependency: the
 * Camel component is a thin layer over this class, and it can be embedded on its own.
 */
public final class IotmpServer {

    private static final Logger LOG = LoggerFactory.getLogger(IotmpServer.class);
    private static final String WILDCARD = "*";

    private final IotmpServerConfig config;
    private final DeviceRegistry registry = new DeviceRegistry();
    private final List<StreamSubscription> subscriptions = new CopyOnWriteArrayList<>();
    private final ConcurrentMap<String, DeviceCallHandler> resources = new ConcurrentHashMap<>();
    private final ConcurrentMap<ServiceType, ConcurrentMap<String, DeviceCallHandler>> services
            = new ConcurrentHashMap<>();
    private final AtomicLong sessionNumbers = new AtomicLong();
    private final BuiltinServices builtins;
    private final EventStreams events;

    private EventLoopGroup bossGroup;
    private EventLoopGroup ioGroup;
    private EventExecutorGroup workerGroup;
    /**
     * Created by {@link #start}. Package-private only so that tests can lend a server that is never started a timer
     * for request timeouts when they build its device pipeline on an {@code EmbeddedChannel} (see
     * {@link #initDeviceChannel}).
     */
    HashedWheelTimer timer;
    private ChannelGroup channels;
    private Channel serverChannel;
    private final ConnectionGuard guard;
    // hardening: admission before login, CONNECT checks and rate-limited refusal lines (see those classes)
    private final ConnectionAdmission admission;
    private final ConnectValidation connectValidation;
    private final RefusalLog refusalLog = new RefusalLog();
    private volatile ServerMetrics metrics = ServerMetrics.NONE;
    private TrafficMeter trafficMeter;

    public IotmpServer(IotmpServerConfig config) {
        this.config = config;
        this.guard = new ConnectionGuard(config, System::nanoTime, this::metrics);
        this.admission = new ConnectionAdmission(config, guard, this::metrics);
        this.connectValidation = new ConnectValidation(this);
        this.events = new EventStreams(config.quotas(), this::quotaExceeded);
        this.builtins = new BuiltinServices(this, config.propertyStore() != null ? config.propertyStore()
                : new InMemoryPropertyStore(config.quotas().maxPropertiesPerDevice(),
                        config.quotas().maxPropertyBytesPerDevice()));
        builtins.addPropertyListener((device, property, value) -> registry.session(device)
                .ifPresent(session -> session.onPropertyUpdated(property, value)));
    }

    public IotmpServerConfig config() {
        return config;
    }

    public DeviceRegistry registry() {
        return registry;
    }

    /** Binds the listener; returns once it accepts connections. */
    public synchronized void start() {
        if (serverChannel != null) {
            return;
        }
        boolean epoll = EventLoops.useEpoll(config.nativeTransport());
        bossGroup = EventLoops.group(epoll, 1, threads("iotmp-accept"));
        ioGroup = EventLoops.group(epoll, config.ioThreads(), threads("iotmp-io"));
        workerGroup = config.workerThreads() > 0
                ? new DefaultEventExecutorGroup(config.workerThreads(), threads("iotmp-worker")) : null;
        timer = new HashedWheelTimer(threads("iotmp-timer"), 10, TimeUnit.MILLISECONDS);
        channels = new DefaultChannelGroup("iotmp-devices", GlobalEventExecutor.INSTANCE);
        metrics = config.metrics().create(this);
        trafficMeter = new TrafficMeter(metrics);
        Class<? extends ServerChannel> channelType = EventLoops.serverChannel(epoll);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(bossGroup, ioGroup)
                .channel(channelType)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 * 1024, 64 * 1024))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        initDeviceChannel(ch);
                    }
                });
        try {
            serverChannel = bootstrap.bind(config.host(), config.port()).syncUninterruptibly().channel();
        } catch (RuntimeException e) {
            shutdownGroups();
            throw new IllegalStateException("cannot listen on " + config.host() + ":" + config.port(), e);
        }
        LOG.info("IOTMP server listening on {} ({}{}{})", serverChannel.localAddress(), epoll ? "epoll" : "nio",
                config.sslContext() != null ? ", TLS" : "",
                config.transport() == Transport.WEBSOCKET ? ", WebSocket " + config.webSocketPath() : "");
    }

    /**
     * Builds the pipeline of one device connection. Package-private, and typed {@link Channel} rather than
     * {@code SocketChannel}, only so that tests can put the real pipeline on an {@code EmbeddedChannel} (see
     * {@code EmbeddedDevicePipeline} in the test sources, used by the connection state machine fuzz test); the
     * channel group, and with it the connection limits, exist only once the server is started.
     */
    void initDeviceChannel(Channel ch) {
        if (channels != null) {
            Refusal refusal = admission.admit(ch, channels.size());
            if (refusal != null) {
                LOG.debug("Refusing connection from {}: {}", ch.remoteAddress(), refusal.tag());
                metrics.connectionRejected();
                metrics.refused(refusal);
                ch.close();
                return;
            }
            channels.add(ch);
        }
        ChannelPipeline pipeline = ch.pipeline();
        if (trafficMeter != null) {
            pipeline.addLast("traffic", trafficMeter);
        }
        if (config.sslContext() != null) {
            SslHandler ssl = config.sslContext().newHandler(ch.alloc());
            ssl.setHandshakeTimeoutMillis(config.tlsHandshakeTimeout().toMillis());
            pipeline.addLast("ssl", ssl);
        }
        if (config.transport() == Transport.WEBSOCKET) {
            pipeline.addLast("http", new HttpServerCodec());
            pipeline.addLast("http-aggregator", new HttpObjectAggregator(8192));
            pipeline.addLast("websocket", new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                    .websocketPath(config.webSocketPath())
                    .subprotocols("iotmp")
                    .handshakeTimeoutMillis(config.connectTimeout().toMillis())
                    .decoderConfig(WebSocketDecoderConfig.newBuilder()
                            // IOTMP bytes arrive in text frames from the reference client: never UTF-8
                            .withUTF8Validator(false)
                            .maxFramePayloadLength(config.maxFrameSize() + 16)
                            .allowExtensions(false)
                            .build())
                    .build()));
            pipeline.addLast("websocket-bytes", new WebSocketFrameBytes(false));
        }
        IotmpFrameCodec codec = admission.codec(ch);
        pipeline.addLast("codec", codec);
        DeviceSession session = new DeviceSession(this, ch, codec, workerGroup != null ? workerGroup.next() : null);
        pipeline.addLast("session", session.handler());
    }

    /**
     * Stops accepting, tells every connected device DISCONNECT, fails every pending request and releases all threads.
     */
    public synchronized void stop() {
        if (serverChannel == null) {
            return;
        }
        serverChannel.close().syncUninterruptibly();
        serverChannel = null;
        // devices first get their DISCONNECT; connections that never authenticated are simply closed afterwards
        List<io.netty.channel.ChannelFuture> closing = new java.util.ArrayList<>();
        for (DeviceSession session : registry.sessions()) {
            closing.add(session.close("server stopping"));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        for (io.netty.channel.ChannelFuture future : closing) {
            future.awaitUninterruptibly(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
        channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        shutdownGroups();
        metrics.close();
        metrics = ServerMetrics.NONE;
        LOG.info("IOTMP server on {}:{} stopped", config.host(), config.port());
    }

    private void shutdownGroups() {
        bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        // I/O first: closed channels fire their inactive events there, which sessions hand to their workers, so the
        // workers must still take tasks until the I/O threads are done (pending calls are failed on that event)
        ioGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        if (workerGroup != null) {
            workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
        if (timer != null) {
            timer.stop();
        }
    }

    public synchronized boolean isRunning() {
        return serverChannel != null && serverChannel.isActive();
    }

    /** The bound address; with port 0 this tells the port actually used. */
    public synchronized InetSocketAddress localAddress() {
        if (serverChannel == null) {
            throw new IllegalStateException("server is not started");
        }
        return (InetSocketAddress) serverChannel.localAddress();
    }

    // ---- server → device

    /**
     * Sends a request to a connected device. Fails with {@link DeviceNotConnectedException} if it is not connected,
     * {@link DeviceErrorException} on ERROR, {@link DeviceRequestTimeoutException} after {@code timeout} (null = the
     * configured default) and {@link DeviceDisconnectedException} if the connection ends first.
     */
    public CompletableFuture<DeviceReply> send(DeviceId device, DeviceRequest request, Duration timeout) {
        DeviceSession session = registry.session(device).orElse(null);
        if (session == null) {
            return CompletableFuture.failedFuture(new DeviceNotConnectedException(device));
        }
        return session.send(request, timeout);
    }

    /** Like {@link #send(DeviceId, DeviceRequest, Duration)}, but only to that very connection. */
    public CompletableFuture<DeviceReply> send(DeviceRegistration registration, DeviceRequest request,
                                               Duration timeout) {
        DeviceSession session = registry.session(registration.deviceId()).orElse(null);
        if (session == null || session.registration() != registration) {
            return CompletableFuture.failedFuture(new DeviceNotConnectedException(registration.deviceId()));
        }
        return session.send(request, timeout);
    }

    /**
     * Downloads a file from a device running IOTMP-Linux's file-system extension ({@code $fs/info},
     * {@code $fs/download}), acknowledging each chunk so the device keeps sending. Fails if the device stops the
     * stream early or sends nothing for {@code idleTimeout}.
     *
     * @param chunkSize the chunk size to ask for; 0 for the device default (64 KiB)
     */
    public CompletableFuture<byte[]> download(DeviceId device, String path, int chunkSize, Duration idleTimeout) {
        return FileDownload.start(this, device, path, chunkSize > 0 ? chunkSize : FileDownload.DEFAULT_CHUNK_SIZE,
                idleTimeout != null ? idleTimeout : config.requestTimeout());
    }

    /**
     * Subscribes to a resource of every device the filter matches, now and whenever one connects. Subscriptions on
     * the same resource share device streams (see {@code SharedResourceStream}).
     */
    public StreamSubscription subscribe(DeviceFilter filter, String resource, long intervalMillis,
                                        StreamListener listener) {
        StreamSubscription subscription = new StreamSubscription(this, filter, resource, intervalMillis, listener);
        subscriptions.add(subscription);
        for (DeviceSession session : registry.sessions()) {
            if (filter.matches(session.registration().deviceId())) {
                session.attach(List.of(subscription));
            }
        }
        return subscription;
    }

    void unsubscribe(StreamSubscription subscription) {
        if (subscriptions.remove(subscription)) {
            for (DeviceSession session : registry.sessions()) {
                if (subscription.filter().matches(session.registration().deviceId())) {
                    session.detach(subscription);
                }
            }
        }
    }

    /** Delivers a sample of a stream opened through {@link #send} to the on-change subscribers of its resource. */
    public void publishToSubscribers(StreamSample sample) {
        registry.session(sample.registration().deviceId())
                .filter(s -> s.registration() == sample.registration())
                .ifPresent(s -> s.publishToSubscribers(sample));
    }

    // ---- device → server

    /** Serves device RUNs of a named server resource; returns a handle that removes it again. */
    public AutoCloseable registerResource(String name, DeviceCallHandler handler) {
        if (resources.putIfAbsent(name, handler) != null) {
            throw new IllegalStateException("server resource '" + name + "' is already registered");
        }
        return () -> resources.remove(name, handler);
    }

    /** Serves a Thinger service for one target name, or for all with {@code *}; returns a handle that removes it. */
    public AutoCloseable registerService(ServiceType service, String target, DeviceCallHandler handler) {
        ConcurrentMap<String, DeviceCallHandler> byTarget
                = services.computeIfAbsent(service, s -> new ConcurrentHashMap<>());
        if (byTarget.putIfAbsent(target, handler) != null) {
            throw new IllegalStateException(service.uriName() + " '" + target + "' is already handled");
        }
        return () -> byTarget.remove(target, handler);
    }

    /** The route registered for the call, else the built-in service, else null. */
    DeviceCallHandler callHandler(DeviceCall call) {
        if (call.service() == null) {
            return resources.get(call.target());
        }
        Map<String, DeviceCallHandler> byTarget = services.get(call.service());
        DeviceCallHandler handler = byTarget == null ? null : byTarget.get(call.target());
        if (handler == null && byTarget != null) {
            handler = byTarget.get(WILDCARD);
        }
        return handler != null ? handler : builtins.handler(call.service());
    }

    /**
     * Publishes on a topic: devices of {@code user} (all users when null) subscribed to a matching filter receive it,
     * and so do topic listeners.
     */
    public void publish(String user, String topic, Object payload, boolean retain) {
        events.publish(new TopicMessage(user, topic, payload, null), retain);
    }

    /** Listens to every message published on topics matching an MQTT filter, by devices or routes. */
    public AutoCloseable subscribeTopic(String filter, java.util.function.Consumer<TopicMessage> listener) {
        return events.subscribeRoute(filter, listener);
    }

    /** Raises a named server event toward the devices subscribed to it; returns how many streams it reached. */
    public int raiseEvent(String user, String event, Object payload) {
        return events.raise(user, event, payload);
    }

    EventStreams events() {
        return events;
    }

    /** The store behind the built-in property services. */
    public PropertyStore propertyStore() {
        return builtins.properties();
    }

    /** Sets a device property as a device would, notifying property listeners and subscribed devices. */
    public void setProperty(DeviceId device, String property, Object value) {
        builtins.setProperty(device, property, value);
    }

    public void addPropertyListener(PropertyListener listener) {
        builtins.addPropertyListener(listener);
    }

    public void removePropertyListener(PropertyListener listener) {
        builtins.removePropertyListener(listener);
    }

    /** What a device's DESCRIBE of the server returns: every server resource as input+output (fn 4). */
    Map<String, Object> describeServerResources() {
        Map<String, Object> api = new LinkedHashMap<>();
        resources.keySet().stream().sorted().forEach(name -> api.put(name, Map.of("fn", 4)));
        return api;
    }

    // ---- session lifecycle

    void register(DeviceSession session) {
        guard.authenticationSucceeded(session.remoteAddress(), session.registration().deviceId());
        DeviceSession replaced = registry.register(session);
        if (replaced != null) {
            replaced.close("replaced by a new connection of the same device");
        }
    }

    /** Tells listeners and opens the subscribed streams; called once the device has its OK. */
    void announce(DeviceSession session) {
        DeviceRegistration registration = session.registration();
        LOG.debug("Device {} connected from {}", registration.deviceId(), registration.remoteAddress());
        metrics.deviceConnected();
        registry.fireConnected(registration);
        List<StreamSubscription> matching = subscriptions.stream()
                .filter(s -> s.filter().matches(registration.deviceId())).toList();
        if (!matching.isEmpty()) {
            session.attach(matching);
        }
    }

    void deactivated(DeviceSession session, String reason) {
        registry.unregister(session);
        metrics.deviceDisconnected();
        LOG.debug("Device {} disconnected: {}", session.registration().deviceId(), reason);
        registry.fireDisconnected(session.registration(), reason);
    }

    void fireAuthenticationRefused(AuthRequest request, AuthDecision decision) {
        metrics.authenticationRefused();
        registry.fireAuthenticationRefused(request, decision);
    }

    /** The metrics of this server while it runs; {@link ServerMetrics#NONE} otherwise. */
    public ServerMetrics metrics() {
        return metrics;
    }

    ConnectionGuard guard() {
        return guard;
    }

    ConnectValidation connectValidation() {
        return connectValidation;
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

    /** Entries kept about failed authentications (per address, and per device and address). */
    public int trackedAuthFailures() {
        return guard.trackedEntries();
    }

    long nextSessionNumber() {
        return sessionNumbers.incrementAndGet();
    }

    Timer timer() {
        return timer;
    }

    private static DefaultThreadFactory threads(String name) {
        return new DefaultThreadFactory(name, true);
    }

    @Override
    public String toString() {
        return "IotmpServer[" + config.host() + ":" + config.port() + "]";
    }
}
