package io.cameliotmp.device;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.Executor;
import java.util.function.IntSupplier;

import io.cameliotmp.protocol.FrameLimits;
import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpFrames;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;

/** Configuration of an {@link IotmpDevice}. Not thread-safe; {@link #build()} may be called repeatedly. */
public final class IotmpDeviceBuilder {

    /** Default of {@link #maxPendingWriteBytes}: the server's default for devices that stop reading. */
    public static final int DEFAULT_MAX_PENDING_WRITE_BYTES = 1024 * 1024;
    /**
     * Default of {@link #maxHandlersInFlight}: far more than a device has concurrent work of its own (a handful of
     * interval streams and a request or two), so a well-behaved server never meets it, while a flood holds at most
     * this many requests and their payloads.
     */
    public static final int DEFAULT_MAX_HANDLERS_IN_FLIGHT = 64;
    /**
     * Default of {@link #maxServerStreams}: a device has a handful of resources a console or rule streams at once;
     * 64 leaves room for many, while a server cannot open thousands of timers and handler runs.
     */
    public static final int DEFAULT_MAX_SERVER_STREAMS = 64;
    /** Default of {@link #minStreamInterval}: ten samples a second per stream, faster than any dashboard needs. */
    public static final Duration DEFAULT_MIN_STREAM_INTERVAL = Duration.ofMillis(100);

    private String host;
    private int port = IotmpDevice.DEFAULT_PORT;
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
    private boolean verifyHostname = true;
    private String webSocketPath;
    private boolean webSocketTextFrames;
    private Random random;
    private IntSupplier idGenerator;
    private int maxPendingWriteBytes = DEFAULT_MAX_PENDING_WRITE_BYTES;
    /** Null for the default, which depends on keepAlive and requestTimeout. */
    private Duration serverSilenceTimeout;
    private long maxDecodedFrameBytes = FrameLimits.DEFAULT_MAX_DECODED_FRAME_BYTES;
    private int maxHandlersInFlight = DEFAULT_MAX_HANDLERS_IN_FLIGHT;
    private int maxServerStreams = DEFAULT_MAX_SERVER_STREAMS;
    private Duration minStreamInterval = DEFAULT_MIN_STREAM_INTERVAL;
    private OtaTarget otaTarget;
    private OtaSettings otaSettings;

    IotmpDeviceBuilder() {
    }

    /** Server host name or address (required). */
    public IotmpDeviceBuilder host(String host) {
        this.host = Objects.requireNonNull(host, "host");
        return this;
    }

    /** Server port; default {@value IotmpDevice#DEFAULT_PORT}. */
    public IotmpDeviceBuilder port(int port) {
        if (port <= 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        this.port = port;
        return this;
    }

    /** The CONNECT payload {@code [user, device, credential]} (required). */
    public IotmpDeviceBuilder credentials(String user, String device, String credential) {
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
    public IotmpDeviceBuilder generation(Generation generation) {
        this.generation = Objects.requireNonNull(generation, "generation");
        return this;
    }

    /**
     * Plays a device of the legacy Thinger protocol (the {@code thinger.io} Arduino library up to 2.40, the old Linux
     * client) instead of IOTMP: the same resources, streams and service calls, in that library's frames, for a server
     * that accepts such devices (usually on port 25200; set {@link #port}). Locks, event subscriptions and server
     * resources do not exist there and fail. A property read's answer names no read, so reads go to the server one at
     * a time, in the order asked. Same as {@code generation(Generation.LEGACY)}.
     */
    public IotmpDeviceBuilder legacy() {
        return generation(Generation.LEGACY);
    }

    /** How server service calls are encoded; default {@link ServiceLayout#EMBEDDED}. Ignored for gen-1. */
    public IotmpDeviceBuilder serviceLayout(ServiceLayout serviceLayout) {
        this.serviceLayout = Objects.requireNonNull(serviceLayout, "serviceLayout");
        return this;
    }

    /** Interval of KEEP_ALIVE messages, counted from the last one; default 60 s, {@link Duration#ZERO} = none. */
    public IotmpDeviceBuilder keepAlive(Duration keepAlive) {
        this.keepAlive = requireNotNegative(keepAlive, "keepAlive");
        return this;
    }

    /**
     * Delay before reconnecting: {@code initial} doubled after every failed attempt up to {@code max}, each
     * delay scaled by a random factor in [0.5, 1]; default 500 ms to 30 s. A {@code max} of {@link Duration#ZERO}
     * disables reconnection.
     */
    public IotmpDeviceBuilder reconnectBackoff(Duration initial, Duration max) {
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
    public IotmpDeviceBuilder noReconnect() {
        return reconnectBackoff(Duration.ZERO, Duration.ZERO);
    }

    /**
     * How long requests of the device (and the CONNECT) wait for OK or ERROR; default 10 s. Also how long a frame the
     * server started may take to arrive completely: a frame that stalls halfway is an answer that never comes.
     */
    public IotmpDeviceBuilder requestTimeout(Duration requestTimeout) {
        this.requestTimeout = requirePositive(requestTimeout, "requestTimeout");
        return this;
    }

    /**
     * How long opening the TCP connection may take, and then each of the TLS handshake (with {@link #tls}) and the
     * WebSocket handshake (with {@link #webSocket}); default 10 s. A TLS handshake past it fails the attempt with an
     * {@code SslHandshakeTimeoutException}.
     */
    public IotmpDeviceBuilder connectTimeout(Duration connectTimeout) {
        this.connectTimeout = requirePositive(connectTimeout, "connectTimeout");
        return this;
    }

    /**
     * Runs the device on one loop of a shared group (for many devices in one JVM). The group is not shut down by
     * {@link IotmpDevice#close()}. Pair it with a matching {@link #channelType}. By default each device owns a
     * one-thread NIO group.
     */
    public IotmpDeviceBuilder eventLoopGroup(EventLoopGroup group) {
        this.group = Objects.requireNonNull(group, "group");
        return this;
    }

    /** The socket channel class, matching the event loop group; default {@link NioSocketChannel}. */
    public IotmpDeviceBuilder channelType(Class<? extends Channel> channelType) {
        this.channelType = Objects.requireNonNull(channelType, "channelType");
        return this;
    }

    /** Local address to bind before connecting (load generators spread devices over 127.0.0.x). */
    public IotmpDeviceBuilder localAddress(SocketAddress localAddress) {
        this.localAddress = Objects.requireNonNull(localAddress, "localAddress");
        return this;
    }

    /** Local IP address to bind, with an ephemeral port. */
    public IotmpDeviceBuilder localAddress(String ip) {
        return localAddress(new InetSocketAddress(Objects.requireNonNull(ip, "ip"), 0));
    }

    /**
     * Runs resource handlers and callbacks on {@code executor} instead of the event loop, so they may block.
     * Answers then go out in the order handlers finish.
     */
    public IotmpDeviceBuilder handlerExecutor(Executor executor) {
        this.handlerExecutor = Objects.requireNonNull(executor, "executor");
        return this;
    }

    /**
     * How many handler runs and callbacks may wait for or run on the {@link #handlerExecutor} at once; default
     * {@value #DEFAULT_MAX_HANDLERS_IN_FLIGHT}. When that many are in flight the device stops reading from the
     * server until half of them are done, so a server cannot queue unbounded work on the device (an executor with a
     * bounded queue should hold at least this many tasks, or the excess RUNs are answered with ERROR). Without a
     * handler executor handlers run on the event loop, one at a time, and this limit plays no part.
     */
    public IotmpDeviceBuilder maxHandlersInFlight(int maxHandlersInFlight) {
        if (maxHandlersInFlight <= 0) {
            throw new IllegalArgumentException("maxHandlersInFlight must be positive");
        }
        this.maxHandlersInFlight = maxHandlersInFlight;
        return this;
    }

    /**
     * How many streams the server may have open on the device's resources at once; default
     * {@value #DEFAULT_MAX_SERVER_STREAMS}. A START_STREAM beyond it is answered with ERROR 429 (counted in
     * {@link DeviceTransportStats#serverStreamsRefused()}); one that replaces an open stream is not refused.
     */
    public IotmpDeviceBuilder maxServerStreams(int maxServerStreams) {
        if (maxServerStreams <= 0) {
            throw new IllegalArgumentException("maxServerStreams must be positive");
        }
        this.maxServerStreams = maxServerStreams;
        return this;
    }

    /**
     * The shortest interval of an interval stream the server opens on a resource; default 100 ms. A server that asks
     * for less gets samples at this interval. On-change streams are not affected.
     */
    public IotmpDeviceBuilder minStreamInterval(Duration minStreamInterval) {
        this.minStreamInterval = requirePositive(minStreamInterval, "minStreamInterval");
        return this;
    }

    /**
     * Connects over TLS (Thinger's TLS port is 25206) with this client context; build one with Netty's
     * {@code SslContextBuilder.forClient()}, adding a trust manager for a private server certificate. The server's
     * certificate must also name the host connected to, unless {@link #verifyHostname(boolean)} says otherwise.
     */
    public IotmpDeviceBuilder tls(SslContext sslContext) {
        if (sslContext != null && !sslContext.isClient()) {
            throw new IllegalArgumentException("a client SslContext is needed");
        }
        this.sslContext = sslContext;
        return this;
    }

    /**
     * Whether the server's certificate must name the host the device connects to, as HTTPS clients check it; true by
     * default, whatever the {@link #tls} context says (Netty's client contexts check only the chain unless asked).
     * False only for a server reached by another name than its certificate's, on a network where nobody else can
     * answer for it: any certificate that the trust store trusts then passes, whoever it was issued to.
     */
    public IotmpDeviceBuilder verifyHostname(boolean verifyHostname) {
        this.verifyHostname = verifyHostname;
        return this;
    }

    /**
     * Carries IOTMP in WebSocket frames on this HTTP path (usually {@code /iotmp}), over TLS when {@link #tls} is
     * set too.
     *
     * @param textFrames send text frames as IOTMP-Linux does; binary frames otherwise
     */
    public IotmpDeviceBuilder webSocket(String path, boolean textFrames) {
        if (path != null && !path.startsWith("/")) {
            throw new IllegalArgumentException("a WebSocket path starts with '/': " + path);
        }
        this.webSocketPath = path;
        this.webSocketTextFrames = textFrames;
        return this;
    }

    /** Largest frame body accepted from the server; default 256 KiB. */
    public IotmpDeviceBuilder maxFrameSize(int maxFrameSize) {
        if (maxFrameSize <= 0) {
            throw new IllegalArgumentException("maxFrameSize must be positive");
        }
        this.maxFrameSize = maxFrameSize;
        return this;
    }

    /** Source of stream ids and backoff jitter; seed it for reproducible runs. */
    public IotmpDeviceBuilder random(Random random) {
        this.random = Objects.requireNonNull(random, "random");
        return this;
    }

    /**
     * Candidate stream ids (CONNECT and requests) for deterministic simulations, e.g. to reproduce byte vectors. Only
     * the low 16
     * bits count; 0 and ids in use are skipped, so a generator may repeat itself.
     */
    public IotmpDeviceBuilder idGenerator(IntSupplier idGenerator) {
        this.idGenerator = Objects.requireNonNull(idGenerator, "idGenerator");
        return this;
    }

    /**
     * Bytes the device queues for a server that does not read them (answers, stream data, its own requests) before
     * it closes the connection as a broken or hostile server's and reconnects through {@link #reconnectBackoff};
     * counted in {@link DeviceTransportStats#serverStoppedReadingCloses()}. Default 1 MiB, as the server allows a
     * device.
     */
    public IotmpDeviceBuilder maxPendingWriteBytes(int maxPendingWriteBytes) {
        if (maxPendingWriteBytes <= 0) {
            throw new IllegalArgumentException("maxPendingWriteBytes must be positive");
        }
        this.maxPendingWriteBytes = maxPendingWriteBytes;
        return this;
    }

    /**
     * How long the server may send nothing at all (no answer, no request, no echo of a KEEP_ALIVE) before the device
     * closes the connection as a dead or hung server's and reconnects through {@link #reconnectBackoff}; counted from
     * the last complete frame received, in {@link DeviceTransportStats#serverSilenceCloses()}. Without it a server
     * that stops answering while its TCP connection stays up (a hung process, a lost NAT mapping) keeps the device
     * "connected" forever. {@link Duration#ZERO} disables it.
     * <p>
     * Default: twice {@link #keepAlive} plus {@link #requestTimeout} (130 s with the defaults): a server answers
     * every KEEP_ALIVE, so a live one is heard at least once per interval; one echo may be lost or late and the
     * next one gets as long as any request to arrive. Zero (disabled) when keepAlive is zero, since then nothing
     * makes a quiet but live server speak.
     */
    public IotmpDeviceBuilder serverSilenceTimeout(Duration serverSilenceTimeout) {
        this.serverSilenceTimeout = requireNotNegative(serverSilenceTimeout, "serverSilenceTimeout");
        return this;
    }

    /**
     * Estimated heap the decoded values of one frame of the server may take. A frame within {@link #maxFrameSize} can
     * still expand a hundredfold when decoded (a list of many empty maps); one beyond this bound is dropped as
     * malformed, as the server drops such a frame of a device: its handler is not called, the connection stays, the
     * server gets no answer (the frame's stream id is not read) and its request times out. Counted in
     * {@link DeviceTransportStats#malformedFrames()}. Default {@value FrameLimits#DEFAULT_MAX_DECODED_FRAME_BYTES}
     * bytes (4 MiB), the server's default.
     */
    public IotmpDeviceBuilder maxDecodedFrameBytes(long maxDecodedFrameBytes) {
        if (maxDecodedFrameBytes <= 0) {
            throw new IllegalArgumentException("maxDecodedFrameBytes must be positive");
        }
        this.maxDecodedFrameBytes = maxDecodedFrameBytes;
        return this;
    }

    /**
     * Gives the device the {@code $ota} resources of over-the-air updates (docs/ota.md), with the default
     * {@link OtaSettings}: images the server sends go to {@code target}, and after {@code $ota/reboot} the device
     * reconnects reporting the version embedded in the new image.
     */
    public IotmpDeviceBuilder ota(OtaTarget target) {
        return ota(target, OtaSettings.defaults());
    }

    /** {@link #ota(OtaTarget)} with what the device advertises and how it behaves. */
    public IotmpDeviceBuilder ota(OtaTarget target, OtaSettings settings) {
        this.otaTarget = Objects.requireNonNull(target, "target");
        this.otaSettings = Objects.requireNonNull(settings, "settings");
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
        IotmpDevice device = new IotmpDevice(new DeviceClientConfig(host, port, user, deviceId, credential, generation,
                // gen-1 devices are IOTMP-Linux before 2026, which only knows the LINUX layout; the legacy adapter
                // reads that layout too
                generation != Generation.GEN2 ? ServiceLayout.LINUX : serviceLayout, keepAlive, backoffInitial,
                backoffMax, requestTimeout, connectTimeout, group, channelType, localAddress, handlerExecutor,
                maxFrameSize, sslContext != null && verifyHostname ? new HostnameVerifyingSslContext(sslContext)
                        : sslContext, webSocketPath, webSocketTextFrames, random != null ? random : new Random(),
                idGenerator, maxPendingWriteBytes, serverSilenceTimeout != null ? serverSilenceTimeout
                        : keepAlive.isZero() ? Duration.ZERO : keepAlive.multipliedBy(2).plus(requestTimeout),
                maxDecodedFrameBytes, maxHandlersInFlight, maxServerStreams, minStreamInterval));
        if (otaTarget != null) {
            DeviceOta.install(device, otaTarget, otaSettings);
        }
        return device;
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
