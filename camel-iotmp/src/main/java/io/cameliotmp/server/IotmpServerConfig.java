package io.cameliotmp.server;

import java.time.Duration;
import java.util.Objects;

import io.cameliotmp.protocol.IotmpFrames;
import io.cameliotmp.protocol.PsonFormat;
import io.netty.handler.ssl.SslContext;

/**
 * Everything an {@link IotmpServer} is started with. Immutable; two endpoints may share a server only if they
 * configure it equally.
 *
 * @param host                 address to bind, {@code 0.0.0.0} for all
 * @param port                 TCP port, 25204 by default (Thinger's plain IOTMP port); 0 picks a free one
 * @param ioThreads            Netty I/O threads, 0 for Netty's default (twice the cores)
 * @param workerThreads        threads that run session logic, authenticators and handlers, keeping slow routes off
 *                             the I/O threads while preserving per-device order; 0 runs everything on I/O threads
 * @param connectTimeout       how long a new connection may take to send its CONNECT
 * @param defaultKeepAlive     keep-alive interval assumed when the CONNECT does not say ({@code ka}); a connection
 *                             silent for 1.15 × this is closed
 * @param requestTimeout       default timeout of server→device requests
 * @param maxFrameSize         largest frame body accepted; a larger size header closes the connection at once
 * @param maxPsonDepth         deepest PSON nesting accepted
 * @param maxPendingRequests   most unanswered requests plus open streams per device
 * @param maxInFlight          most samples and calls per device handed to handlers and not yet finished
 * @param backpressurePolicy   what happens at {@code maxInFlight}
 * @param sslContext           server TLS context, or null for plain TCP
 * @param tlsHandshakeTimeout  how long a TLS handshake may take before the connection is closed
 * @param transport            raw TCP or WebSocket
 * @param webSocketPath        the HTTP path of the WebSocket endpoint
 * @param authenticator        decides who may connect; null refuses everybody
 * @param propertyStore        where device properties live; null keeps them in memory
 * @param limits               connection, authentication and slow-peer limits
 * @param metrics              creates the metrics each server reports to
 * @param nativeTransport      use epoll when available
 * @param channelInitializer   builds each connection's pipeline around the server's handlers
 */
public record IotmpServerConfig(String host, int port, int ioThreads, int workerThreads, Duration connectTimeout,
                                Duration defaultKeepAlive, Duration requestTimeout, int maxFrameSize,
                                int maxPsonDepth, int maxPendingRequests, int maxInFlight,
                                BackpressurePolicy backpressurePolicy, SslContext sslContext,
                                Duration tlsHandshakeTimeout, Transport transport, String webSocketPath,
                                DeviceAuthenticator authenticator, PropertyStore propertyStore,
                                boolean nativeTransport, Limits limits, ServerMetrics.Factory metrics,
                                DeviceChannelInitializer channelInitializer) {

    public static final int DEFAULT_PORT = 25204;

    /** The slack on the keep-alive interval before a silent device is considered gone (IOTMP: 15 %). */
    public static final double KEEP_ALIVE_TOLERANCE = 1.15;

    public IotmpServerConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(defaultKeepAlive, "defaultKeepAlive");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(backpressurePolicy, "backpressurePolicy");
        Objects.requireNonNull(tlsHandshakeTimeout, "tlsHandshakeTimeout");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(webSocketPath, "webSocketPath");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(channelInitializer, "channelInitializer");
        requirePositive(maxFrameSize, "maxFrameSize");
        requirePositive(maxPsonDepth, "maxPsonDepth");
        requirePositive(maxPendingRequests, "maxPendingRequests");
        requirePositive(maxInFlight, "maxInFlight");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    private static void requirePositive(int value, String name) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.host = host;
        b.port = port;
        b.ioThreads = ioThreads;
        b.workerThreads = workerThreads;
        b.connectTimeout = connectTimeout;
        b.defaultKeepAlive = defaultKeepAlive;
        b.requestTimeout = requestTimeout;
        b.maxFrameSize = maxFrameSize;
        b.maxPsonDepth = maxPsonDepth;
        b.maxPendingRequests = maxPendingRequests;
        b.maxInFlight = maxInFlight;
        b.backpressurePolicy = backpressurePolicy;
        b.sslContext = sslContext;
        b.tlsHandshakeTimeout = tlsHandshakeTimeout;
        b.transport = transport;
        b.webSocketPath = webSocketPath;
        b.authenticator = authenticator;
        b.propertyStore = propertyStore;
        b.nativeTransport = nativeTransport;
        b.limits = limits;
        b.metrics = metrics;
        b.channelInitializer = channelInitializer;
        return b;
    }

    public int maxConnections() {
        return limits.maxConnections();
    }

    public int maxConnectionsPerSecond() {
        return limits.maxConnectionsPerSecond();
    }

    public int maxAuthFailuresPerAddress() {
        return limits.maxAuthFailuresPerAddress();
    }

    public int maxAuthFailuresPerDevice() {
        return limits.maxAuthFailuresPerDevice();
    }

    public Duration authFailureBlock() {
        return limits.authFailureBlock();
    }

    /**
     * Limits for a server facing the internet.
     *
     * @param maxConnections            open connections at most; beyond, new ones are closed at once
     * @param maxConnectionsPerSecond   accepted connections per second (a token bucket with one second of burst);
     *                                  0 for no limit
     * @param maxAuthFailuresPerAddress failed authentications per minute from one address before it is blocked
     *                                  for {@code authFailureBlock}; 0 for no limit
     * @param maxAuthFailuresPerDevice  failed authentications per minute of one device id before it is blocked;
     *                                  0 for no limit
     * @param authFailureBlock          how long a blocked address or device is refused
     * @param frameReadTimeout          how long a started frame may take to arrive completely (slow senders that
     *                                  drip bytes never look idle)
     * @param maxPendingWriteBytes      bytes queued for a device that does not read before it is disconnected
     */
    public record Limits(int maxConnections, int maxConnectionsPerSecond, int maxAuthFailuresPerAddress,
                         int maxAuthFailuresPerDevice, Duration authFailureBlock, Duration frameReadTimeout,
                         long maxPendingWriteBytes) {

        public static final Limits DEFAULT = new Limits(20_000, 10_000, 20, 10, Duration.ofSeconds(60),
                Duration.ofSeconds(30), 1024 * 1024);

        public Limits {
            Objects.requireNonNull(authFailureBlock, "authFailureBlock");
            Objects.requireNonNull(frameReadTimeout, "frameReadTimeout");
            requirePositive(maxConnections, "maxConnections");
            if (maxPendingWriteBytes <= 0) {
                throw new IllegalArgumentException("maxPendingWriteBytes must be positive: " + maxPendingWriteBytes);
            }
        }
    }

    /** Idle time after which a device is considered gone: 1.15 × its keep-alive interval. */
    public static Duration idleTimeout(int keepAliveSeconds) {
        return Duration.ofMillis((long) (keepAliveSeconds * 1000L * KEEP_ALIVE_TOLERANCE));
    }

    public static final class Builder {
        private String host = "0.0.0.0";
        private int port = DEFAULT_PORT;
        private int ioThreads;
        private int workerThreads = 16;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration defaultKeepAlive = Duration.ofSeconds(60);
        private Duration requestTimeout = Duration.ofSeconds(10);
        private int maxFrameSize = IotmpFrames.DEFAULT_MAX_FRAME_SIZE;
        private DeviceChannelInitializer channelInitializer = DeviceChannelInitializer.DEFAULT;
        private int maxPsonDepth = PsonFormat.DEFAULT_MAX_DEPTH;
        private int maxPendingRequests = 256;
        private int maxInFlight = 64;
        private BackpressurePolicy backpressurePolicy = BackpressurePolicy.PAUSE;
        private SslContext sslContext;
        private Duration tlsHandshakeTimeout = Duration.ofSeconds(10);
        private Transport transport = Transport.TCP;
        private String webSocketPath = "/iotmp";
        private DeviceAuthenticator authenticator;
        private PropertyStore propertyStore;
        private boolean nativeTransport = true;
        private Limits limits = Limits.DEFAULT;
        private ServerMetrics.Factory metrics = ServerMetrics.Factory.NONE;

        private Builder() {
        }

        public Builder host(String host) {
            this.host = host;
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder ioThreads(int ioThreads) {
            this.ioThreads = ioThreads;
            return this;
        }

        public Builder workerThreads(int workerThreads) {
            this.workerThreads = workerThreads;
            return this;
        }

        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
            return this;
        }

        public Builder defaultKeepAlive(Duration defaultKeepAlive) {
            this.defaultKeepAlive = defaultKeepAlive;
            return this;
        }

        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = requestTimeout;
            return this;
        }

        public Builder maxFrameSize(int maxFrameSize) {
            this.maxFrameSize = maxFrameSize;
            return this;
        }

        public Builder maxPsonDepth(int maxPsonDepth) {
            this.maxPsonDepth = maxPsonDepth;
            return this;
        }

        public Builder maxPendingRequests(int maxPendingRequests) {
            this.maxPendingRequests = maxPendingRequests;
            return this;
        }

        public Builder maxInFlight(int maxInFlight) {
            this.maxInFlight = maxInFlight;
            return this;
        }

        public Builder backpressurePolicy(BackpressurePolicy backpressurePolicy) {
            this.backpressurePolicy = backpressurePolicy;
            return this;
        }

        public Builder sslContext(SslContext sslContext) {
            this.sslContext = sslContext;
            return this;
        }

        public Builder tlsHandshakeTimeout(Duration tlsHandshakeTimeout) {
            this.tlsHandshakeTimeout = tlsHandshakeTimeout;
            return this;
        }

        public Builder transport(Transport transport) {
            this.transport = transport;
            return this;
        }

        public Builder webSocketPath(String webSocketPath) {
            this.webSocketPath = webSocketPath;
            return this;
        }

        public Builder authenticator(DeviceAuthenticator authenticator) {
            this.authenticator = authenticator;
            return this;
        }

        public Builder propertyStore(PropertyStore propertyStore) {
            this.propertyStore = propertyStore;
            return this;
        }

        public Builder nativeTransport(boolean nativeTransport) {
            this.nativeTransport = nativeTransport;
            return this;
        }

        public Builder limits(Limits limits) {
            this.limits = limits;
            return this;
        }

        public Builder metrics(ServerMetrics.Factory metrics) {
            this.metrics = metrics;
            return this;
        }

        public Builder channelInitializer(DeviceChannelInitializer channelInitializer) {
            this.channelInitializer = channelInitializer;
            return this;
        }

        public IotmpServerConfig build() {
            return new IotmpServerConfig(host, port, ioThreads, workerThreads, connectTimeout, defaultKeepAlive,
                    requestTimeout, maxFrameSize, maxPsonDepth, maxPendingRequests, maxInFlight, backpressurePolicy,
                    sslContext, tlsHandshakeTimeout, transport, webSocketPath, authenticator, propertyStore,
                    nativeTransport, limits, metrics, channelInitializer);
        }
    }
}
