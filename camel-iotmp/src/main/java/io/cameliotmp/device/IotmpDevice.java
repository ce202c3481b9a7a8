package io.cameliotmp.device;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.IntSupplier;

import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpFrameCodec;
import io.cameliotmp.protocol.WebSocketFrameBytes;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.ssl.SslContext;
import io.cameliotmp.protocol.IotmpFrames;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.protocol.MessageType;
import io.cameliotmp.protocol.PsonFormat;
import io.cameliotmp.protocol.session.ServiceCode;
import io.cameliotmp.protocol.session.StreamIds;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An IOTMP device client: connects to an IOTMP server (Thinger.io or the camel-iotmp server), exposes resources the
 * server can run, describe and stream, and calls the server's services. It behaves like the reference clients
 * IOTMP-Linux and IOTMP-Embedded (see {@code docs/protocol.md}), in either protocol generation and either service layout.
 *
 * <pre>{@code
 * IotmpDevice device = IotmpDevice.builder()
 *         .host("127.0.0.1").port(25204)
 *         .credentials("user", "device", "secret")
 *         .build();
 * device.resource("temperature").output(() -> Map.of("celsius", 23.5));
 * device.resource("led").input(state -> led = state, () -> led);
 * device.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
 * device.writeBucket("temps", Map.of("celsius", 23.5), true);
 * device.close();
 * }</pre>
 *
 * <h2>Threading</h2> Every device lives on one Netty event loop, its own or one of a shared group. All protocol state
 * is confined to that loop; the public methods may be called from any thread and hop onto it. Resource handlers and
 * the callbacks given to the device run on the loop unless {@link Builder#handlerExecutor} moves them elsewhere, so by
 * default they must not block. Stages returned by the device complete on the loop: do not block in their dependents
 * either.
 *
 * <h2>Connection</h2> {@link #start()} connects and, unless reconnection is disabled, keeps reconnecting with
 * jittered exponential backoff whenever the connection is refused or lost. Each connection starts fresh: the server
 * re-issues its streams, the device re-opens its own {@link ServerStream}s (docs/protocol.md §5.3). {@link #close()} sends
 * DISCONNECT and releases everything.
 */
public final class IotmpDevice implements AutoCloseable {

    /** The plain TCP port of IOTMP servers (docs/protocol.md §1). */
    public static final int DEFAULT_PORT = 25204;

    private static final Logger LOG = LoggerFactory.getLogger(IotmpDevice.class);

    private static final long CLOSE_WAIT_SECONDS = 10;
    /** After DISCONNECT, a server that does not read may hold the write; the channel is closed anyway after this. */
    private static final long DISCONNECT_LINGER_MILLIS = 1000;

    // ---------------------------------------------------------------- configuration

    private final String host;
    private final int port;
    private final String user;
    private final String deviceId;
    private final String credential;
    private final Generation generation;
    private final ServiceLayout serviceLayout;
    private final long keepAliveMillis;
    private final long backoffInitialMillis;
    private final long backoffMaxMillis;
    private final long requestTimeoutMillis;
    private final int connectTimeoutMillis;
    private final SocketAddress localAddress;
    private final Executor handlerExecutor;
    private final Class<? extends Channel> channelType;
    private final int maxFrameSize;
    private final SslContext sslContext;
    private final String webSocketPath;
    private final boolean webSocketTextFrames;
    private final Random random;
    /** Stream ids drawn at random, as the reference libraries do, or from the configured generator. */
    private final StreamIds streamIds;
    /** The group this device created and must shut down, or null when it runs on a shared group. */
    private final EventLoopGroup ownGroup;
    private final EventLoop loop;

    private final ResourceRegistry resources = new ResourceRegistry();
    private final List<Runnable> connectedListeners = new CopyOnWriteArrayList<>();
    private final List<Runnable> disconnectedListeners = new CopyOnWriteArrayList<>();

    // ---------------------------------------------------------------- state, confined to the loop unless volatile

    /** The current connection attempt or connection; volatile because {@link #stream} reads it from any thread. */
    private volatile ClientConnection session;
    private final List<ServerStream> serverStreams = new ArrayList<>();
    /** Completes on the first CONNECT OK after {@link #start()}. */
    private CompletableFuture<Void> startFuture;
    /** Between {@link #start()} and {@link #close()}, or until the device gives up when reconnection is disabled. */
    private boolean running;
    private ScheduledFuture<?> reconnectTask;
    private int failedAttempts;

    private volatile boolean closed;
    private volatile boolean connected;
    private final Object connectionMonitor = new Object();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();

    private IotmpDevice(Builder builder) {
        this.host = builder.host;
        this.port = builder.port;
        this.user = builder.user;
        this.deviceId = builder.deviceId;
        this.credential = builder.credential;
        this.generation = builder.generation;
        // gen-1 devices are IOTMP-Linux before 2026, which only knows the LINUX layout
        this.serviceLayout = builder.generation == Generation.GEN1 ? ServiceLayout.LINUX : builder.serviceLayout;
        this.keepAliveMillis = builder.keepAlive.toMillis();
        this.backoffInitialMillis = builder.backoffInitial.toMillis();
        this.backoffMaxMillis = builder.backoffMax.toMillis();
        this.requestTimeoutMillis = builder.requestTimeout.toMillis();
        this.connectTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, builder.connectTimeout.toMillis());
        this.localAddress = builder.localAddress;
        this.handlerExecutor = builder.handlerExecutor;
        this.channelType = builder.channelType;
        this.maxFrameSize = builder.maxFrameSize;
        this.sslContext = builder.sslContext;
        this.webSocketPath = builder.webSocketPath;
        this.webSocketTextFrames = builder.webSocketTextFrames;
        this.random = builder.random != null ? builder.random : new Random();
        IntSupplier candidates = builder.idGenerator != null ? builder.idGenerator : () -> random.nextInt(0x10000);
        this.streamIds = StreamIds.random(candidates);
        if (builder.group != null) {
            this.ownGroup = null;
            this.loop = builder.group.next();
        } else {
            this.ownGroup = new NioEventLoopGroup(1, new DefaultThreadFactory("iotmp-device-" + deviceId, true));
            this.loop = ownGroup.next();
        }
    }

    /** A builder; {@link Builder#host} and {@link Builder#credentials} are required. */
    public static Builder builder() {
        return new Builder();
    }

    // ---------------------------------------------------------------- resources

    /**
     * Starts the registration of a resource at {@code path}: a literal path ({@code "led"}) or a pattern with
     * {@code :name} segments and a trailing {@code *name} ({@code "$fs/get/*path"}), whose captures the handler gets
     * as {@link ResourceRequest#pathParams()}.
     */
    public ResourceBuilder resource(String path) {
        return new ResourceBuilder(this, path);
    }

    /** Removes the resource registered at {@code path} (the registered form, not a concrete path). */
    public boolean removeResource(String path) {
        return resources.remove(path);
    }

    void register(DeviceResource resource) {
        resources.register(resource);
    }

    ResourceRegistry resources() {
        return resources;
    }

    // ---------------------------------------------------------------- lifecycle

    /**
     * Connects, and keeps the device connected until {@link #close()}. The stage completes on the first accepted
     * CONNECT. With reconnection enabled it only fails if the device is closed first; with reconnection disabled
     * ({@link Builder#reconnectBackoff} max {@link Duration#ZERO}) it fails on the first failure:
     * {@link IotmpConnectRefusedException} if the server refused, an I/O exception if it could not be reached,
     * {@link IotmpRequestTimeoutException} if it did not answer the CONNECT.
     * <p>
     * Calling it again while the device is running returns the same outcome; after a device with reconnection
     * disabled gave up, it starts a new attempt. After {@link #close()} it fails with {@link IllegalStateException}.
     */
    public CompletionStage<Void> start() {
        CompletableFuture<Void> result = new CompletableFuture<>();
        if (closed) {
            result.completeExceptionally(new IllegalStateException("device is closed"));
            return result;
        }
        onLoop(result, () -> {
            if (closed) {
                throw new IllegalStateException("device is closed");
            }
            if (!running) {
                running = true;
                startFuture = new CompletableFuture<>();
                connectNow();
            }
            propagate(startFuture, result);
        });
        return result;
    }

    /** Whether the device is connected and its CONNECT was accepted. */
    public boolean isConnected() {
        return connected;
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Waits until the device is connected.
     *
     * @return whether it is connected; false when the timeout elapsed or the waiting thread was interrupted
     */
    public boolean awaitConnected(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (connectionMonitor) {
            while (!connected) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return false;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(connectionMonitor, remaining);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return connected;
                }
            }
            return true;
        }
    }

    /** Runs {@code listener} after every accepted CONNECT (after the device re-opened its server streams). */
    public IotmpDevice onConnected(Runnable listener) {
        connectedListeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /** Runs {@code listener} whenever an accepted connection ends, whatever the reason. */
    public IotmpDevice onDisconnected(Runnable listener) {
        disconnectedListeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /**
     * Test hook: drops the connection abruptly (TCP reset, no DISCONNECT), as a crashing device or a lost network
     * would. The reconnection policy applies as for any lost connection.
     */
    public void dropConnection() {
        runOnLoop(() -> {
            ClientConnection current = session;
            if (current != null && current.channel != null) {
                try {
                    current.channel.config().setOption(ChannelOption.SO_LINGER, 0);
                } catch (RuntimeException e) {
                    LOG.debug("{}: could not set SO_LINGER for an abrupt close: {}", this, e.toString());
                }
                current.channel.close();
            }
        });
    }

    /**
     * Sends DISCONNECT ({@code 04 00}) if connected, closes the connection, stops reconnecting, fails whatever is
     * pending and releases the device's own event loop. Waits (up to 10 s) for all of it unless called on the
     * device's event loop. Idempotent.
     */
    @Override
    public void close() {
        CompletionStage<Void> done = closeAsync();
        if (loop.inEventLoop()) {
            return;
        }
        try {
            done.toCompletableFuture().get(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("{}: close did not finish cleanly: {}", this, e.toString());
        }
    }

    /** {@link #close()} without waiting; the stage completes once the connection and own event loop are released. */
    public CompletionStage<Void> closeAsync() {
        if (closing.compareAndSet(false, true)) {
            closed = true;
            try {
                runOnLoopOrThrow(this::shutdown);
            } catch (RejectedExecutionException e) {
                closeFuture.complete(null);
            }
        }
        return closeFuture.copy();
    }

    private void shutdown() {
        running = false;
        cancel(reconnectTask);
        reconnectTask = null;
        if (startFuture != null && !startFuture.isDone()) {
            startFuture.completeExceptionally(new IotmpDisconnectedException("device closed before it connected"));
        }
        for (ServerStream stream : serverStreams) {
            stream.closed = true;
            stream.firstOpen.completeExceptionally(new IotmpDisconnectedException("device closed"));
        }
        serverStreams.clear();
        ClientConnection current = session;
        if (current == null || current.channel == null) {
            releaseEventLoop();
            return;
        }
        Channel channel = current.channel;
        if (channel.isActive()) {
            channel.writeAndFlush(IotmpMessage.DISCONNECT).addListener(ChannelFutureListener.CLOSE);
            ScheduledFuture<?> forcedClose = loop.schedule(() -> {
                channel.close();
            }, DISCONNECT_LINGER_MILLIS, TimeUnit.MILLISECONDS);
            channel.closeFuture().addListener(closedChannel -> forcedClose.cancel(false));
        } else {
            channel.close();
        }
        channel.closeFuture().addListener(closedChannel -> releaseEventLoop());
    }

    private void releaseEventLoop() {
        if (ownGroup == null) {
            closeFuture.complete(null);
        } else {
            ownGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).addListener(terminated -> closeFuture.complete(null));
        }
    }

    // ---------------------------------------------------------------- connection handling (on the loop)

    private void connectNow() {
        reconnectTask = null;
        if (closed || !running || session != null) {
            return;
        }
        ClientConnection attempt = new ClientConnection(this, loop, streamIds);
        session = attempt;
        Bootstrap bootstrap = new Bootstrap()
                .group(loop)
                .channel(channelType)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        attempt.channel = channel;
                        if (sslContext != null) {
                            channel.pipeline().addLast("ssl", sslContext.newHandler(channel.alloc(), host, port));
                        }
                        if (webSocketPath != null) {
                            addWebSocket(channel);
                        }
                        channel.pipeline().addLast("iotmp-codec",
                                new IotmpFrameCodec(generation, false, maxFrameSize, PsonFormat.DEFAULT_MAX_DEPTH));
                        channel.pipeline().addLast("iotmp-device", attempt);
                    }
                });
        if (localAddress != null) {
            bootstrap.localAddress(localAddress);
        }
        LOG.debug("{}: connecting", this);
        ChannelFuture connecting = bootstrap.connect(InetSocketAddress.createUnresolved(host, port));
        attempt.channel = connecting.channel();
        connecting.addListener(result -> {
            if (!result.isSuccess()) {
                if (attempt.failure == null) {
                    attempt.failure = result.cause();
                }
                sessionEnded(attempt);
            }
        });
    }

    /**
     * IOTMP inside WebSocket frames, as IOTMP-Linux's {@code wss://host/iotmp}: the session sees the connection
     * become active only once the WebSocket handshake is done, so its CONNECT is the first IOTMP byte sent.
     */
    private void addWebSocket(Channel channel) {
        URI uri = URI.create((sslContext != null ? "wss://" : "ws://") + host + ":" + port + webSocketPath);
        channel.pipeline().addLast("http", new HttpClientCodec());
        channel.pipeline().addLast("http-aggregator", new HttpObjectAggregator(8192));
        channel.pipeline().addLast("websocket", new WebSocketClientProtocolHandler(
                WebSocketClientProtocolConfig.newBuilder()
                        .webSocketUri(uri)
                        .subprotocol("iotmp")
                        .maxFramePayloadLength(maxFrameSize + 16)
                        .handshakeTimeoutMillis(connectTimeoutMillis)
                        .build()));
        channel.pipeline().addLast("websocket-bytes", new WebSocketFrameBytes(webSocketTextFrames));
        channel.pipeline().addLast("websocket-ready", new ChannelInboundHandlerAdapter() {
            @Override
            public void channelActive(ChannelHandlerContext ctx) {
                // held back until the handshake completes
            }

            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
                if (event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                    ctx.pipeline().remove(this);
                    ctx.fireChannelActive();
                } else {
                    ctx.fireUserEventTriggered(event);
                }
            }
        });
    }

    /** Called by the session once the server accepted the CONNECT. */
    void sessionConnected(ClientConnection connectedSession) {
        failedAttempts = 0;
        setConnected(true);
        LOG.info("{}: connected", this);
        for (ServerStream stream : new ArrayList<>(serverStreams)) {
            connectedSession.openServerStream(stream);
        }
        if (startFuture != null) {
            startFuture.complete(null);
        }
        for (Runnable listener : connectedListeners) {
            runCallback(listener);
        }
    }

    /** Called once per session when its channel is gone or could not be connected; decides about reconnecting. */
    void sessionEnded(ClientConnection ended) {
        if (ended.ended) {
            return;
        }
        ended.ended = true;
        boolean wasConnected = ended.connected;
        Throwable cause = ended.failure;
        IotmpDisconnectedException lost = new IotmpDisconnectedException(
                closed ? "device closed" : wasConnected ? "connection lost" : "connection attempt failed", cause);
        ended.teardown(lost);
        if (session == ended) {
            session = null;
        }
        if (wasConnected) {
            setConnected(false);
            LOG.info("{}: disconnected{}", this, cause != null ? ": " + cause : "");
            for (Runnable listener : disconnectedListeners) {
                runCallback(listener);
            }
        } else if (!closed) {
            LOG.debug("{}: connection attempt failed: {}", this, cause != null ? cause.toString() : "closed");
        }
        if (closed || !running) {
            return;
        }
        if (backoffMaxMillis <= 0) {
            running = false;
            if (startFuture != null && !startFuture.isDone()) {
                startFuture.completeExceptionally(cause != null ? cause : lost);
            }
            return;
        }
        long delay = backoffDelayMillis(failedAttempts++);
        LOG.debug("{}: reconnecting in {} ms", this, delay);
        reconnectTask = loop.schedule(this::connectNow, delay, TimeUnit.MILLISECONDS);
    }

    /**
     * Exponential backoff with "equal jitter": the nominal delay {@code initial * 2^attempt}, capped at the maximum,
     * scaled by a random factor in [0.5, 1] so that many devices dropped together do not return together.
     */
    long backoffDelayMillis(int attempt) {
        double nominal = Math.min((double) backoffMaxMillis,
                Math.min(backoffInitialMillis, backoffMaxMillis) * Math.pow(2, Math.min(attempt, 40)));
        return Math.max(1, Math.round(nominal * (0.5 + 0.5 * random.nextDouble())));
    }

    private void setConnected(boolean value) {
        synchronized (connectionMonitor) {
            connected = value;
            connectionMonitor.notifyAll();
        }
    }

    // ---------------------------------------------------------------- handlers and callbacks

    /** Runs a resource handler where handlers run, and {@code then} with its outcome on the loop. */
    void invokeHandler(DeviceResource resource, ResourceRequest request, BiConsumer<Object, Throwable> then) {
        if (handlerExecutor == null) {
            Object result;
            try {
                result = resource.handler().handle(request);
            } catch (Exception | AssertionError e) {
                then.accept(null, e);
                return;
            }
            then.accept(result, null);
            return;
        }
        try {
            handlerExecutor.execute(() -> {
                Object result = null;
                Throwable error = null;
                try {
                    result = resource.handler().handle(request);
                } catch (Exception | AssertionError e) {
                    error = e;
                }
                Object finalResult = result;
                Throwable finalError = error;
                runOnLoop(() -> then.accept(finalResult, finalError));
            });
        } catch (RejectedExecutionException e) {
            then.accept(null, e);
        }
    }

    /** Runs an application callback where handlers run; failures are logged, never propagated into the protocol. */
    private void runCallback(Runnable callback) {
        Runnable guarded = () -> {
            try {
                callback.run();
            } catch (RuntimeException | AssertionError e) {
                LOG.warn("{}: callback failed", this, e);
            }
        };
        if (handlerExecutor == null) {
            guarded.run();
        } else {
            try {
                handlerExecutor.execute(guarded);
            } catch (RejectedExecutionException e) {
                LOG.warn("{}: handler executor rejected a callback", this);
            }
        }
    }

    // ---------------------------------------------------------------- streams opened by the server

    /**
     * Reports a change: sends the current value of a resource on the on-change (event-mode) streams the server opened
     * on it, as {@code thing.stream("res")} does in the references. Interval streams keep their own pace; use
     * {@link #stream(String, Object)} to push a value on every stream.
     * {@code path} is the concrete path of the stream or the registered path of the resource. The value is read by
     * calling the handler on the calling thread; the frames are sent from the event loop.
     *
     * @return whether any stream was open on the resource (nothing is sent otherwise)
     */
    public boolean stream(String path) {
        ClientConnection current = session;
        if (current == null || !current.connected) {
            return false;
        }
        // like IOTMP-Linux's stream(): only on-change (event-mode) streams take it; interval streams keep their pace
        List<ResourceStreams.DeviceStream> targets = current.resourceStreams.streamsFor(path).stream()
                .filter(target -> target.intervalMillis == 0).toList();
        for (ResourceStreams.DeviceStream target : targets) {
            ResourceRequest request = new ResourceRequest(this, target.path, target.pathParams, null,
                    target.parameters, target.resource.kind().takesInput(), target.id);
            Object value;
            try {
                value = target.resource.handler().handle(request);
            } catch (Exception e) {
                LOG.warn("{}: reading {} for stream {} failed: {}", this, target.path, target.id, e.toString());
                continue;
            }
            runOnLoop(() -> current.resourceStreams.sendOnStream(target, value));
        }
        return !targets.isEmpty();
    }

    /**
     * Sends {@code value} as it is on every stream the server opened on {@code path} (concrete or registered path),
     * e.g. output of a session resource such as {@code $terminal/:session}.
     *
     * @return whether any stream was open on the resource
     */
    public boolean stream(String path, Object value) {
        ClientConnection current = session;
        if (current == null || !current.connected) {
            return false;
        }
        List<ResourceStreams.DeviceStream> targets = current.resourceStreams.streamsFor(path);
        for (ResourceStreams.DeviceStream target : targets) {
            runOnLoop(() -> current.resourceStreams.sendOnStream(target, value));
        }
        return !targets.isEmpty();
    }

    // ---------------------------------------------------------------- server services (§8)

    /**
     * WRITE_BUCKET: stores {@code data} in a data bucket.
     *
     * @param  confirm whether to wait for the server's OK; without it the stage completes with {@code null} once sent
     * @return         the OK payload (usually {@code null}); fails with {@link IotmpErrorException} on ERROR
     */
    public CompletionStage<Object> writeBucket(String bucket, Object data, boolean confirm) {
        return serviceCall(ServiceCode.WRITE_BUCKET, Objects.requireNonNull(bucket, "bucket"), data, confirm);
    }

    /** CALL_ENDPOINT: calls a server endpoint with optional {@code data}; see {@link #writeBucket} for the stage. */
    public CompletionStage<Object> callEndpoint(String endpoint, Object data, boolean confirm) {
        return serviceCall(ServiceCode.CALL_ENDPOINT, Objects.requireNonNull(endpoint, "endpoint"), data, confirm);
    }

    /** READ_DEVICE_PROPERTY: the stage completes with the property value. */
    public CompletionStage<Object> readProperty(String property) {
        return serviceCall(ServiceCode.READ_DEVICE_PROPERTY, Objects.requireNonNull(property, "property"), null,
                true);
    }

    /** SET_DEVICE_PROPERTY: sets a device property; see {@link #writeBucket} for the stage. */
    public CompletionStage<Object> setProperty(String property, Object value, boolean confirm) {
        return serviceCall(ServiceCode.SET_DEVICE_PROPERTY, Objects.requireNonNull(property, "property"), value,
                confirm);
    }

    /**
     * CALL_DEVICE: runs {@code resource} of another device with {@code input}; the stage completes with its output.
     * Only IOTMP-Linux has this call, so it needs the {@link ServiceLayout#LINUX} layout.
     *
     * @throws UnsupportedOperationException in the {@link ServiceLayout#EMBEDDED} layout
     */
    public CompletionStage<Object> callDevice(String device, String resource, Object input, boolean confirm) {
        if (serviceLayout != ServiceLayout.LINUX) {
            throw new UnsupportedOperationException(
                    "CALL_DEVICE exists only in the LINUX service layout; IOTMP-Embedded devices have no such call");
        }
        List<Object> target = List.of(Objects.requireNonNull(device, "device"),
                Objects.requireNonNull(resource, "resource"));
        return serviceCall(ServiceCode.CALL_DEVICE, target, input, confirm);
    }

    /**
     * Runs a named resource of the server (device → server RUN with RESOURCE = {@code resource} and no service code,
     * docs/protocol.md §8.2): the stage completes with the OK payload.
     */
    public CompletionStage<Object> runServerResource(String resource, Object input) {
        return payloadOf(request(IotmpMessage.run(0, Objects.requireNonNull(resource, "resource"), null, input)));
    }

    private CompletionStage<Object> serviceCall(ServiceCode service, Object target, Object data, boolean confirm) {
        if (serviceLayout == ServiceLayout.EMBEDDED) {
            // code in PARAMETERS, target in RESOURCE, always with an id (the server answers even if nobody waits)
            IotmpMessage run = IotmpMessage.run(0, target, service.wireCode(), data);
            if (confirm) {
                return payloadOf(request(run));
            }
            CompletableFuture<Object> sent = new CompletableFuture<>();
            onLoop(sent, () -> {
                CompletableFuture<Void> written = new CompletableFuture<>();
                connectedSession().request(run, written).whenComplete((answer, error) -> {
                    if (answer != null && answer.type() == MessageType.ERROR) {
                        LOG.warn("{}: unconfirmed {} {} refused: {}", this, service, target, answer);
                    }
                });
                propagate(written, sent);
            });
            return sent;
        }
        // LINUX: code in RESOURCE, target in PARAMETERS, an id only when an answer is wanted
        IotmpMessage run = IotmpMessage.run(0, service.wireCode(), target, data);
        if (confirm) {
            return payloadOf(request(run));
        }
        return send(run).thenApply(written -> null);
    }

    private static CompletionStage<Object> payloadOf(CompletionStage<IotmpMessage> answer) {
        CompletableFuture<Object> payload = new CompletableFuture<>();
        answer.whenComplete((message, error) -> {
            if (error != null) {
                payload.completeExceptionally(error);
            } else if (message.type() == MessageType.ERROR) {
                payload.completeExceptionally(new IotmpErrorException(message.parameters(), message.payload()));
            } else {
                payload.complete(message.payload());
            }
        });
        return payload;
    }

    // ---------------------------------------------------------------- server event streams (§8.3)

    /**
     * Opens a stream on a server event: START_STREAM with RESOURCE 8 and {@code parameters} as PARAMETERS (kept in
     * the map's iteration order), e.g. {@code {"event":"device_property_update","filters":{"property":"p"}}}.
     * {@code onData} receives the payload of the server's OK, if any, and of every STREAM_DATA the server sends.
     * <p>
     * May be called before {@link #start()} or while disconnected: the stream opens with the next connection, and
     * again after every reconnect. The stage completes when the server first accepts the stream and fails with
     * {@link IotmpErrorException} if it refuses it then (the subscription is then dropped). A later refusal after a
     * reconnect is only logged, and retried on the next connection.
     */
    public CompletionStage<ServerStream> openServerStream(Map<String, Object> parameters, Consumer<Object> onData) {
        Objects.requireNonNull(parameters, "parameters");
        Objects.requireNonNull(onData, "onData");
        ServerStream stream = new ServerStream(this, Collections.unmodifiableMap(new LinkedHashMap<>(parameters)),
                onData);
        onLoop(stream.firstOpen, () -> {
            if (closed) {
                throw new IotmpDisconnectedException("device is closed");
            }
            serverStreams.add(stream);
            ClientConnection current = session;
            if (current != null && current.connected) {
                current.openServerStream(stream);
            }
        });
        return stream.firstOpen.copy();
    }

    void serverStreamOpened(ServerStream stream, Object okPayload) {
        stream.open = true;
        stream.firstOpen.complete(stream);
        if (okPayload != null) {
            deliverServerStreamData(stream, okPayload);
        }
        if (stream.closed) {
            // close() was called while the START_STREAM was on its way: stop it now that it exists
            CompletableFuture<Void> pendingClose = stream.pendingClose;
            stream.pendingClose = null;
            completeClose(stream.session.stopServerStream(stream), pendingClose);
        }
    }

    /** The START_STREAM of a server stream failed: refused or unanswered, or the connection was lost meanwhile. */
    void serverStreamFailed(ServerStream stream, Throwable error) {
        if (stream.pendingClose != null) {
            stream.pendingClose.complete(null);
            stream.pendingClose = null;
        }
        if (error instanceof IotmpDisconnectedException && !stream.closed) {
            return; // opened again with the next connection
        }
        if (!stream.firstOpen.isDone()) {
            serverStreams.remove(stream);
            stream.closed = true;
            stream.firstOpen.completeExceptionally(error);
        } else if (!stream.closed) {
            LOG.warn("{}: re-opening {} failed, retrying after the next reconnect: {}", this, stream, error.toString());
        }
    }

    void serverStreamStoppedByServer(ServerStream stream) {
        LOG.info("{}: server stopped {}", this, stream);
        stream.closed = true;
        serverStreams.remove(stream);
    }

    void deliverServerStreamData(ServerStream stream, Object payload) {
        runCallback(() -> stream.onData().accept(payload));
    }

    CompletionStage<Void> sendOnServerStream(ServerStream stream, Object payload) {
        CompletableFuture<Void> sent = new CompletableFuture<>();
        onLoop(sent, () -> {
            ClientConnection current = stream.session;
            if (!stream.open || current == null) {
                throw new IotmpDisconnectedException(stream + " is not open");
            }
            propagate(current.sendOnServerStream(stream, payload), sent);
        });
        return sent;
    }

    CompletionStage<Void> closeServerStream(ServerStream stream) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        onLoop(done, () -> {
            if (stream.closed) {
                done.complete(null);
                return;
            }
            stream.closed = true;
            serverStreams.remove(stream);
            ClientConnection current = stream.session;
            if (current == null) {
                // not open on any connection: nothing to tell the server
                stream.firstOpen.completeExceptionally(new CancellationException(stream + " closed before it opened"));
                done.complete(null);
            } else if (!stream.open) {
                stream.pendingClose = done; // STOP_STREAM follows the OK of the START_STREAM
            } else {
                completeClose(current.stopServerStream(stream), done);
            }
        });
        return done;
    }

    private static void completeClose(CompletableFuture<IotmpMessage> stopAnswer, CompletableFuture<Void> done) {
        stopAnswer.whenComplete((answer, error) -> {
            if (error instanceof IotmpDisconnectedException) {
                done.complete(null); // the connection is gone, and the stream with it
            } else if (error != null) {
                done.completeExceptionally(error);
            } else if (answer.type() == MessageType.ERROR) {
                done.completeExceptionally(new IotmpErrorException(answer.parameters(), answer.payload()));
            } else {
                done.complete(null);
            }
        });
    }

    // ---------------------------------------------------------------- raw access

    /**
     * Sends a message as it is (no id is added). The stage completes when it is written and fails with
     * {@link IotmpDisconnectedException} when the device is not connected.
     */
    public CompletionStage<Void> send(IotmpMessage message) {
        Objects.requireNonNull(message, "message");
        CompletableFuture<Void> sent = new CompletableFuture<>();
        onLoop(sent, () -> propagate(connectedSession().write(message), sent));
        return sent;
    }

    /** Sends raw bytes on the connection, e.g. a malformed frame for a conformance test of a server. */
    public CompletionStage<Void> sendRaw(byte[] bytes) {
        byte[] copy = bytes.clone();
        CompletableFuture<Void> sent = new CompletableFuture<>();
        onLoop(sent, () -> propagate(connectedSession().channel.writeAndFlush(Unpooled.wrappedBuffer(copy)), sent));
        return sent;
    }

    /**
     * Sends {@code message} with a random non-zero stream id that no open stream or pending request uses, and
     * completes with the server's answer, OK or ERROR alike. Fails with {@link IotmpRequestTimeoutException} when no
     * answer comes within the request timeout and with {@link IotmpDisconnectedException} when the connection is lost.
     */
    public CompletionStage<IotmpMessage> request(IotmpMessage message) {
        Objects.requireNonNull(message, "message");
        CompletableFuture<IotmpMessage> answer = new CompletableFuture<>();
        onLoop(answer, () -> propagate(connectedSession().request(message, null), answer));
        return answer;
    }

    private ClientConnection connectedSession() throws IotmpDisconnectedException {
        ClientConnection current = session;
        if (current == null || !current.connected) {
            throw new IotmpDisconnectedException(closed ? "device is closed" : "device is not connected");
        }
        return current;
    }

    // ---------------------------------------------------------------- loop plumbing

    @FunctionalInterface
    private interface LoopTask {
        void run() throws Exception;
    }

    /** Runs {@code task} on the loop; if it throws or the loop is gone, {@code result} fails instead. */
    private void onLoop(CompletableFuture<?> result, LoopTask task) {
        Runnable guarded = () -> {
            try {
                task.run();
            } catch (Exception e) {
                result.completeExceptionally(e);
            }
        };
        try {
            runOnLoopOrThrow(guarded);
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(new IotmpDisconnectedException("device is closed", e));
        }
    }

    void runOnLoop(Runnable task) {
        try {
            runOnLoopOrThrow(task);
        } catch (RejectedExecutionException e) {
            LOG.debug("{}: event loop gone, dropping a task", this);
        }
    }

    private void runOnLoopOrThrow(Runnable task) {
        if (loop.inEventLoop()) {
            task.run();
        } else {
            loop.execute(task);
        }
    }

    private static <T> void propagate(CompletableFuture<? extends T> source, CompletableFuture<T> target) {
        source.whenComplete((value, error) -> {
            if (error != null) {
                target.completeExceptionally(error);
            } else {
                target.complete(value);
            }
        });
    }

    private static void propagate(Future<Void> written, CompletableFuture<Void> target) {
        written.addListener(result -> {
            if (result.isSuccess()) {
                target.complete(null);
            } else {
                target.completeExceptionally(new IotmpDisconnectedException("write failed", result.cause()));
            }
        });
    }

    private static void cancel(ScheduledFuture<?> future) {
        if (future != null) {
            future.cancel(false);
        }
    }

    // ---------------------------------------------------------------- accessors

    /** The server host. */
    public String host() {
        return host;
    }

    /** The server port. */
    public int port() {
        return port;
    }

    /** The user of the CONNECT credentials. */
    public String user() {
        return user;
    }

    /** The device id of the CONNECT credentials. */
    public String deviceId() {
        return deviceId;
    }

    String credential() {
        return credential;
    }

    /** The protocol generation the device speaks. */
    public Generation generation() {
        return generation;
    }

    /** The layout in effect ({@link ServiceLayout#LINUX} for gen-1, whatever was configured). */
    public ServiceLayout serviceLayout() {
        return serviceLayout;
    }

    long keepAliveMillis() {
        return keepAliveMillis;
    }

    long requestTimeoutMillis() {
        return requestTimeoutMillis;
    }

    /** Whether the device created its event loop (and shuts it down on close) rather than using a shared group. */
    boolean ownsEventLoop() {
        return ownGroup != null;
    }

    /** The event loop this device runs on. */
    public EventLoop eventLoop() {
        return loop;
    }

    @Override
    public String toString() {
        return "IotmpDevice[" + user + "/" + deviceId + "@" + host + ":" + port + "]";
    }

    // ---------------------------------------------------------------- builder

    /** Configuration of an {@link IotmpDevice}. Not thread-safe; {@link #build()} may be called repeatedly. */
    public static final class Builder {

        private String host;
        private int port = DEFAULT_PORT;
        private String user;
        private String deviceId;
        private String credential;
        private Generation generation = Generation.GEN2;
        private ServiceLayout serviceLayout = ServiceLayout.EMBEDDED;
        private Duration keepAlive = Duration.ofSeconds(60);
        private Duration backoffInitial = Duration.ofMillis(500);
        private Duration backoffMax = Duration.ofSeconds(30);
        private Duration requestTimeout = Duration.ofSeconds(10);
        private Duration connectTimeout = Duration.ofSeconds(10);
        private EventLoopGroup group;
        private SocketAddress localAddress;
        private Executor handlerExecutor;
        private Class<? extends Channel> channelType = NioSocketChannel.class;
        private int maxFrameSize = IotmpFrames.DEFAULT_MAX_FRAME_SIZE;
        private SslContext sslContext;
        private String webSocketPath;
        private boolean webSocketTextFrames;
        private Random random;
        private IntSupplier idGenerator;

        private Builder() {
        }

        /** Server host name or address (required). */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** Server port; default {@value IotmpDevice#DEFAULT_PORT}. */
        public Builder port(int port) {
            if (port <= 0 || port > 0xFFFF) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            this.port = port;
            return this;
        }

        /** The CONNECT payload {@code [user, device, credential]} (required). */
        public Builder credentials(String user, String device, String credential) {
            this.user = Objects.requireNonNull(user, "user");
            this.deviceId = Objects.requireNonNull(device, "device");
            this.credential = Objects.requireNonNull(credential, "credential");
            return this;
        }

        /**
         * Protocol generation; default {@link Generation#GEN2}. {@link Generation#GEN1} speaks PSON v1 with the gen-1
         * layout (CONNECT PARAMETERS 1, STREAM_DATA PARAMETERS 1 input / 2 output, resource of START_STREAM and
         * DESCRIBE in field 3) and always uses the {@link ServiceLayout#LINUX} service layout.
         */
        public Builder generation(Generation generation) {
            this.generation = Objects.requireNonNull(generation, "generation");
            return this;
        }

        /** How server service calls are encoded; default {@link ServiceLayout#EMBEDDED}. Ignored for gen-1. */
        public Builder serviceLayout(ServiceLayout serviceLayout) {
            this.serviceLayout = Objects.requireNonNull(serviceLayout, "serviceLayout");
            return this;
        }

        /** Interval of KEEP_ALIVE messages, counted from the last one; default 60 s, {@link Duration#ZERO} = none. */
        public Builder keepAlive(Duration keepAlive) {
            this.keepAlive = requireNotNegative(keepAlive, "keepAlive");
            return this;
        }

        /**
         * Delay before reconnecting: {@code initial} doubled after every failed attempt up to {@code max}, each
         * delay scaled by a random factor in [0.5, 1]; default 500 ms to 30 s. A {@code max} of {@link Duration#ZERO}
         * disables reconnection.
         */
        public Builder reconnectBackoff(Duration initial, Duration max) {
            requireNotNegative(initial, "initial");
            requireNotNegative(max, "max");
            if (!max.isZero() && initial.isZero()) {
                throw new IllegalArgumentException("initial backoff must be positive when reconnecting is enabled");
            }
            this.backoffInitial = initial;
            this.backoffMax = max;
            return this;
        }

        /** Disables reconnection: same as {@code reconnectBackoff(ZERO, ZERO)}. */
        public Builder noReconnect() {
            return reconnectBackoff(Duration.ZERO, Duration.ZERO);
        }

        /** How long requests of the device (and the CONNECT) wait for OK or ERROR; default 10 s. */
        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = requirePositive(requestTimeout, "requestTimeout");
            return this;
        }

        /** TCP connect timeout; default 10 s. */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = requirePositive(connectTimeout, "connectTimeout");
            return this;
        }

        /**
         * Runs the device on one loop of a shared group (for many devices in one JVM). The group is not shut down by
         * {@link IotmpDevice#close()}. Pair it with a matching {@link #channelType}. By default each device owns a
         * one-thread NIO group.
         */
        public Builder eventLoopGroup(EventLoopGroup group) {
            this.group = Objects.requireNonNull(group, "group");
            return this;
        }

        /** The socket channel class, matching the event loop group; default {@link NioSocketChannel}. */
        public Builder channelType(Class<? extends Channel> channelType) {
            this.channelType = Objects.requireNonNull(channelType, "channelType");
            return this;
        }

        /** Local address to bind before connecting (load generators spread devices over 127.0.0.x). */
        public Builder localAddress(SocketAddress localAddress) {
            this.localAddress = Objects.requireNonNull(localAddress, "localAddress");
            return this;
        }

        /** Local IP address to bind, with an ephemeral port. */
        public Builder localAddress(String ip) {
            return localAddress(new InetSocketAddress(Objects.requireNonNull(ip, "ip"), 0));
        }

        /**
         * Runs resource handlers and callbacks on {@code executor} instead of the event loop, so they may block.
         * Answers then go out in the order handlers finish.
         */
        public Builder handlerExecutor(Executor executor) {
            this.handlerExecutor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /** Largest frame body accepted from the server; default 256 KiB. */
        /**
         * Connects over TLS (Thinger's TLS port is 25206) with this client context; build one with Netty's
         * {@code SslContextBuilder.forClient()}, adding a trust manager for a private server certificate.
         */
        public Builder tls(SslContext sslContext) {
            if (sslContext != null && !sslContext.isClient()) {
                throw new IllegalArgumentException("a client SslContext is needed");
            }
            this.sslContext = sslContext;
            return this;
        }

        /**
         * Carries IOTMP in WebSocket frames on this HTTP path (usually {@code /iotmp}), over TLS when {@link #tls} is
         * set too.
         *
         * @param textFrames send text frames as IOTMP-Linux does; binary frames otherwise
         */
        public Builder webSocket(String path, boolean textFrames) {
            if (path != null && !path.startsWith("/")) {
                throw new IllegalArgumentException("a WebSocket path starts with '/': " + path);
            }
            this.webSocketPath = path;
            this.webSocketTextFrames = textFrames;
            return this;
        }

        public Builder maxFrameSize(int maxFrameSize) {
            if (maxFrameSize <= 0) {
                throw new IllegalArgumentException("maxFrameSize must be positive");
            }
            this.maxFrameSize = maxFrameSize;
            return this;
        }

        /** Source of stream ids and backoff jitter; seed it for reproducible runs. */
        public Builder random(Random random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        /**
         * Test hook: candidate stream ids (CONNECT and requests), e.g. to reproduce byte vectors. Only the low 16
         * bits count; 0 and ids in use are skipped, so a generator may repeat itself.
         */
        public Builder idGenerator(IntSupplier idGenerator) {
            this.idGenerator = Objects.requireNonNull(idGenerator, "idGenerator");
            return this;
        }

        /**
         * Creates the device (and, without a shared group, its own event loop: close the device to release it).
         *
         * @throws IllegalStateException if host or credentials are missing
         */
        public IotmpDevice build() {
            if (host == null) {
                throw new IllegalStateException("host is required");
            }
            if (user == null) {
                throw new IllegalStateException("credentials are required");
            }
            return new IotmpDevice(this);
        }

        private static Duration requireNotNegative(Duration duration, String name) {
            Objects.requireNonNull(duration, name);
            if (duration.isNegative()) {
                throw new IllegalArgumentException(name + " must not be negative");
            }
            return duration;
        }

        private static Duration requirePositive(Duration duration, String name) {
            requireNotNegative(duration, name);
            if (duration.isZero()) {
                throw new IllegalArgumentException(name + " must be positive");
            }
            return duration;
        }
    }
}
