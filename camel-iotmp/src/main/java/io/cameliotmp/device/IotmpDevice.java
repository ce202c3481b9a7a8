package io.cameliotmp.device;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.IntSupplier;

import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.protocol.session.ServiceCode;
import io.cameliotmp.protocol.session.StreamIds;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An IOTMP device client: connects to an IOTMP server (Thinger.io or the camel-iotmp server), exposes resources the
 * server can run, describe and stream, and calls the server's services. It behaves like the reference clients
 * IOTMP-Linux and IOTMP-Embedded (see {@code docs/protocol.md}), in either protocol generation and
 * either service layout.
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
 * the callbacks given to the device run on the loop unless {@link IotmpDeviceBuilder#handlerExecutor} moves them
 * elsewhere, so by
 * default they must not block. Stages returned by the device complete on the loop: do not block in their dependents
 * either.
 *
 * <h2>Connection</h2> {@link #start()} connects and, unless reconnection is disabled, keeps reconnecting with
 * jittered exponential backoff whenever the connection is refused or lost. Each connection starts fresh: the server
 * re-issues its streams, the device re-opens its own {@link ServerStream}s (docs/protocol.md §5.3).
 * {@link #close()} sends DISCONNECT and releases everything.
 */
public final class IotmpDevice implements AutoCloseable {

    /** The plain TCP port of IOTMP servers (docs/protocol.md §1). */
    public static final int DEFAULT_PORT = 25204;

    private static final Logger LOG = LoggerFactory.getLogger(IotmpDevice.class);

    private final DeviceClientConfig config;
    private final DeviceLoop loop;
    private final ServerServices services;
    private final ServerStreams serverStreams;
    private final DeviceFaults faults;
    private final HandlerRunner handlers;
    private final DeviceLifecycle lifecycle;
    private final DeviceTransportStats transportStats;
    private final ResourceRegistry resources = new ResourceRegistry();

    IotmpDevice(DeviceClientConfig config) {
        this.config = config;
        EventLoopGroup ownGroup = DeviceLoop.ownGroup(config);
        EventLoop eventLoop = (ownGroup != null ? ownGroup : config.group()).next();
        this.loop = new DeviceLoop(eventLoop);
        IntSupplier candidates = config.idGenerator() != null
                ? config.idGenerator() : () -> config.random().nextInt(0x10000);
        this.services = new ServerServices(this, loop);
        this.serverStreams = new ServerStreams(this, loop);
        this.faults = new DeviceFaults(this, loop);
        this.handlers = new HandlerRunner(this, loop, config.handlerExecutor(), config.maxHandlersInFlight());
        this.transportStats = new DeviceTransportStats(handlers::inFlight);
        this.lifecycle = new DeviceLifecycle(this, config, ownGroup, loop, new Connector(config, eventLoop, resources),
                StreamIds.random(candidates), serverStreams, handlers);
    }

    /** A builder; {@link IotmpDeviceBuilder#host} and {@link IotmpDeviceBuilder#credentials} are required. */
    public static IotmpDeviceBuilder builder() {
        return new IotmpDeviceBuilder();
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

    /**
     * Removes the resource registered at {@code path} (the registered form, not a concrete path), and ends the streams
     * the server opened on it with STOP_STREAM: they would otherwise keep calling a handler that is gone.
     */
    public boolean removeResource(String path) {
        DeviceResource removed = resources.remove(path);
        if (removed == null) {
            return false;
        }
        // on the loop, after any START_STREAM that found the resource before it went
        loop.run(() -> {
            ClientConnection current = lifecycle.currentSession();
            if (current != null && current.connected) {
                current.resourceStreams.endStreamsOf(removed);
            }
        });
        return true;
    }

    /** Whether a registered resource serves {@code path} (a concrete path, or the registered form). */
    public boolean hasResource(String path) {
        return resources.find(path) != null;
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
     * ({@link IotmpDeviceBuilder#reconnectBackoff} max {@link Duration#ZERO}) it fails on the first failure:
     * {@link IotmpConnectRefusedException} if the server refused, an I/O exception if it could not be reached,
     * {@link IotmpRequestTimeoutException} if it did not answer the CONNECT.
     * <p>
     * Calling it again while the device is running returns the same outcome; after a device with reconnection
     * disabled gave up, it starts a new attempt. After {@link #close()} it fails with {@link IllegalStateException}.
     */
    public CompletionStage<Void> start() {
        return lifecycle.start();
    }

    /** Whether the device is connected and its CONNECT was accepted. */
    public boolean isConnected() {
        return lifecycle.isConnected();
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return lifecycle.isClosed();
    }

    /**
     * Waits until the device is connected.
     *
     * @return whether it is connected; false when the timeout elapsed or the waiting thread was interrupted
     */
    public boolean awaitConnected(Duration timeout) {
        return lifecycle.awaitConnected(timeout);
    }

    /** Runs {@code listener} after every accepted CONNECT (after the device re-opened its server streams). */
    public IotmpDevice onConnected(Runnable listener) {
        lifecycle.onConnected(listener);
        return this;
    }

    /** Runs {@code listener} whenever an accepted connection ends, whatever the reason. */
    public IotmpDevice onDisconnected(Runnable listener) {
        lifecycle.onDisconnected(listener);
        return this;
    }

    /**
     * Runs {@code listener} whenever the server refuses the CONNECT (wrong credential, blocked device): the device
     * keeps retrying with its backoff, and this is how an application hears about it.
     */
    public IotmpDevice onRefused(Consumer<IotmpConnectRefusedException> listener) {
        lifecycle.onRefused(listener);
        return this;
    }

    /**
     * Runs {@code listener} whenever a connection attempt fails for another reason than a refusal: the server cannot
     * be reached, the TLS or WebSocket handshake fails (an untrusted certificate, say), or the CONNECT goes
     * unanswered. The device keeps retrying with its backoff; the listener receives the cause.
     */
    public IotmpDevice onConnectFailed(Consumer<Throwable> listener) {
        lifecycle.onConnectFailed(listener);
        return this;
    }

    /** The server's last refusal of this device's CONNECT, or null when the last attempt was accepted. */
    public IotmpConnectRefusedException lastRefusal() {
        return lifecycle.lastRefusal();
    }

    /** Fault injection for tests and simulations: abrupt connection drops, raw bytes. Not needed by applications. */
    public DeviceFaults faults() {
        return faults;
    }

    /** What the device's transport bounds did: connections closed for a hostile or broken server, dropped frames. */
    public DeviceTransportStats transportStats() {
        return transportStats;
    }

    /**
     * Sends DISCONNECT ({@code 04 00}) if connected, closes the connection, stops reconnecting, fails whatever is
     * pending and releases the device's own event loop. Waits (up to 10 s) for all of it unless called on the
     * device's event loop. Idempotent.
     */
    @Override
    public void close() {
        lifecycle.close();
    }

    /** {@link #close()} without waiting; the stage completes once the connection and own event loop are released. */
    public CompletionStage<Void> closeAsync() {
        return lifecycle.closeAsync();
    }

    /** For parts of the device that hold files or streams beyond one request (OTA images). */
    void onClosed(Runnable action) {
        lifecycle.onClosed(action);
    }

    // ---------------------------------------------------------------- connection handling (on the loop)

    /** Called by the session once the server accepted the CONNECT. */
    void sessionConnected(ClientConnection connectedSession) {
        lifecycle.sessionConnected(connectedSession);
    }

    /** Called once per session when its channel is gone or could not be connected; decides about reconnecting. */
    void sessionEnded(ClientConnection ended) {
        lifecycle.sessionEnded(ended);
    }

    /** The current connection or attempt, or null. */
    ClientConnection currentSession() {
        return lifecycle.currentSession();
    }

    ClientConnection connectedSession() throws IotmpDisconnectedException {
        return lifecycle.connectedSession();
    }

    /** The delay before reconnect attempt {@code attempt} (0 = the first after a loss); see {@link Connector}. */
    long backoffDelayMillis(int attempt) {
        return lifecycle.backoffDelayMillis(attempt);
    }

    // ---------------------------------------------------------------- handlers and callbacks

    /** Runs a resource handler where handlers run, and {@code then} with its outcome on the loop. */
    void invokeHandler(DeviceResource resource, ResourceRequest request, BiConsumer<Object, Throwable> then) {
        handlers.invokeHandler(resource, request, then);
    }

    /** Runs an application callback where handlers run; failures are logged, never propagated into the protocol. */
    void runCallback(Runnable callback) {
        handlers.runCallback(callback);
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
        return sendOnStreams(path, true, true, null);
    }

    /**
     * Reports a change with its value: sends {@code value} on the on-change (event-mode) streams the server opened on
     * {@code path} (concrete or registered path), like {@link #stream(String)} but without calling the handler, for
     * an application that already holds the new value. Interval streams keep their own pace.
     *
     * @return whether any on-change stream was open on the resource (nothing is sent otherwise)
     */
    public boolean streamChanged(String path, Object value) {
        return sendOnStreams(path, true, false, value);
    }

    /**
     * Sends {@code value} as it is on every stream the server opened on {@code path} (concrete or registered path),
     * e.g. output of a session resource such as {@code $terminal/:session}.
     *
     * @return whether any stream was open on the resource
     */
    public boolean stream(String path, Object value) {
        return sendOnStreams(path, false, false, value);
    }

    /**
     * See {@link ResourceStreams#sendOnStreams}; nothing is open while the device is not connected. A path no resource
     * serves never has a stream: counted (looked up only when nothing was sent, so streaming costs no more).
     */
    private boolean sendOnStreams(String path, boolean onChangeOnly, boolean readResource, Object value) {
        ClientConnection current = lifecycle.currentSession();
        boolean sent = current != null && current.connected
                       && current.resourceStreams.sendOnStreams(path, onChangeOnly, readResource, value);
        if (!sent && (path == null || !hasResource(path))) {
            transportStats.undeclaredResourceStream();
        }
        return sent;
    }

    // ---------------------------------------------------------------- server services (§8)

    /**
     * WRITE_BUCKET: stores {@code data} in a data bucket.
     *
     * @param  confirm whether to wait for the server's OK; without it the stage completes with {@code null} once sent
     * @return         the OK payload (usually {@code null}); fails with {@link IotmpErrorException} on ERROR
     */
    public CompletionStage<Object> writeBucket(String bucket, Object data, boolean confirm) {
        return services.call(ServiceCode.WRITE_BUCKET, Objects.requireNonNull(bucket, "bucket"), data, confirm);
    }

    /** CALL_ENDPOINT: calls a server endpoint with optional {@code data}; see {@link #writeBucket} for the stage. */
    public CompletionStage<Object> callEndpoint(String endpoint, Object data, boolean confirm) {
        return services.call(ServiceCode.CALL_ENDPOINT, Objects.requireNonNull(endpoint, "endpoint"), data, confirm);
    }

    /** READ_DEVICE_PROPERTY: the stage completes with the property value. */
    public CompletionStage<Object> readProperty(String property) {
        return services.call(ServiceCode.READ_DEVICE_PROPERTY, Objects.requireNonNull(property, "property"), null,
                true);
    }

    /** SET_DEVICE_PROPERTY: sets a device property; see {@link #writeBucket} for the stage. */
    public CompletionStage<Object> setProperty(String property, Object value, boolean confirm) {
        return services.call(ServiceCode.SET_DEVICE_PROPERTY, Objects.requireNonNull(property, "property"), value,
                confirm);
    }

    /**
     * CALL_DEVICE: runs {@code resource} of another device with {@code input}; the stage completes with its output.
     * Only IOTMP-Linux has this call, so it needs the {@link ServiceLayout#LINUX} layout.
     *
     * @throws UnsupportedOperationException in the {@link ServiceLayout#EMBEDDED} layout
     */
    public CompletionStage<Object> callDevice(String device, String resource, Object input, boolean confirm) {
        return services.callDevice(device, resource, input, confirm);
    }

    /**
     * LOCK_SYNC: takes a slot of the named sync (docs/protocol.md §8.1); always waits for the answer.
     *
     * @param  options {@code {"lock"?: token, "slots"?: n, "timeout"?: seconds}}, or {@code null}
     * @return         the OK payload, {@code {"lock": token}} from camel-iotmp; fails with {@link IotmpErrorException}
     *                 when the server refuses (409 from camel-iotmp when every slot is taken)
     */
    public CompletionStage<Object> lock(String sync, Map<String, Object> options) {
        return services.call(ServiceCode.LOCK_SYNC, Objects.requireNonNull(sync, "sync"), options, true);
    }

    /** UNLOCK_SYNC: frees the slot held with {@code token}; see {@link #writeBucket} for the stage. */
    public CompletionStage<Object> unlock(String sync, String token, boolean confirm) {
        return services.call(ServiceCode.UNLOCK_SYNC, Objects.requireNonNull(sync, "sync"),
                Map.of("lock", Objects.requireNonNull(token, "token")), confirm);
    }

    /**
     * Runs a named resource of the server (device → server RUN with RESOURCE = {@code resource} and no service code,
     * docs/protocol.md §8.2): the stage completes with the OK payload.
     */
    public CompletionStage<Object> runServerResource(String resource, Object input) {
        return services.runServerResource(Objects.requireNonNull(resource, "resource"), input);
    }

    /**
     * Opens a stream on a server event: START_STREAM with RESOURCE 8 and {@code parameters} as PARAMETERS (kept in
     * the map's iteration order), e.g. {@code {"event":"device_property_update","filters":{"property":"p"}}}; build
     * them with {@link io.cameliotmp.protocol.session.EventSubscription#toParameters()}.
     * {@code onData} receives the payload of the server's OK, if any, and of every STREAM_DATA the server sends.
     * <p>
     * May be called before {@link #start()} or while disconnected: the stream opens with the next connection, and
     * again after every reconnect. The stage completes when the server first accepts the stream and fails with
     * {@link IotmpErrorException} if it refuses it then (the subscription is then dropped). A later refusal after a
     * reconnect is only logged, and retried on the next connection.
     */
    public CompletionStage<ServerStream> openServerStream(Map<String, Object> parameters, Consumer<Object> onData) {
        return openServerStream(parameters, onData, true);
    }

    /**
     * {@link #openServerStream(Map, Consumer)}; without {@code waitForConnection} the stage fails at once with
     * {@link IotmpDisconnectedException} when the device is not connected, or when the connection ends before the
     * server accepted the stream, rather than waiting for the next connection (e.g. for a message to publish).
     */
    public CompletionStage<ServerStream> openServerStream(Map<String, Object> parameters, Consumer<Object> onData,
                                                          boolean waitForConnection) {
        Objects.requireNonNull(parameters, "parameters");
        Objects.requireNonNull(onData, "onData");
        return serverStreams.open(parameters, onData, waitForConnection);
    }

    ServerStreams serverStreams() {
        return serverStreams;
    }

    // ---------------------------------------------------------------- raw access

    /**
     * Sends a message as it is (no id is added). The stage completes when it is written and fails with
     * {@link IotmpDisconnectedException} when the device is not connected, with {@link IotmpRequestTimeoutException}
     * when it is not written within the request timeout (the server stopped reading).
     */
    public CompletionStage<Void> send(IotmpMessage message) {
        return services.send(Objects.requireNonNull(message, "message"));
    }

    /**
     * Sends {@code message} with a random non-zero stream id that no open stream or pending request uses, and
     * completes with the server's answer, OK or ERROR alike. Fails with {@link IotmpRequestTimeoutException} when no
     * answer comes within the request timeout and with {@link IotmpDisconnectedException} when the connection is lost.
     */
    public CompletionStage<IotmpMessage> request(IotmpMessage message) {
        return services.request(Objects.requireNonNull(message, "message"));
    }

    // ---------------------------------------------------------------- accessors

    /** The configuration the device was built with. */
    public DeviceClientConfig config() {
        return config;
    }

    /** The server host. */
    public String host() {
        return config.host();
    }

    /** The server port. */
    public int port() {
        return config.port();
    }

    /** The user of the CONNECT credentials. */
    public String user() {
        return config.user();
    }

    /** The device id of the CONNECT credentials. */
    public String deviceId() {
        return config.device();
    }

    String credential() {
        return config.credential();
    }

    /** The protocol generation the device speaks. */
    public Generation generation() {
        return config.generation();
    }

    /** The layout in effect ({@link ServiceLayout#LINUX} for gen-1, whatever was configured). */
    public ServiceLayout serviceLayout() {
        return config.serviceLayout();
    }

    long keepAliveMillis() {
        return config.keepAlive().toMillis();
    }

    long requestTimeoutMillis() {
        return config.requestTimeout().toMillis();
    }

    /** Whether the device created its event loop (and shuts it down on close) rather than using a shared group. */
    boolean ownsEventLoop() {
        return lifecycle.ownsEventLoop();
    }

    /** The event loop this device runs on. */
    public EventLoop eventLoop() {
        return loop.eventLoop();
    }

    @Override
    public String toString() {
        return "IotmpDevice[" + config.user() + "/" + config.device() + "@" + config.host() + ":" + config.port()
               + "]";
    }
}
