package io.cameliotmp.server;

import java.time.Duration;
import java.util.List;
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
 * @param quotas               what one device or user may make the server keep (properties, locks, retained
 *                             messages)
 * @param metrics              creates the metrics each server reports to
 * @param nativeTransport      use epoll when available
 * @param channelInitializer   builds each connection's pipeline around the server's handlers
 * @param cluster              the cluster this server is a member of; {@link ServerCluster#SINGLE_NODE} alone
 * @param legacy               whether and where devices of the legacy Thinger protocol are accepted
 * @param drainDevicesPerSecond devices {@link IotmpServer#drain()} sends DISCONNECT a second at most
 * @param proxyProtocol        every connection starts with a PROXY protocol (v1 or v2) header from a load balancer,
 *                             whose source address is the device's: per-address limits, registrations and logs use
 *                             it. The port must then be reachable only by the balancer, since whoever reaches it
 *                             names their own address
 * @param webSocketAllowedOrigins the origins ({@code scheme://host[:port]}) of other sites' web pages that may open a
 *                             WebSocket device connection ({@code *} for any); an upgrade with any other
 *                             {@code Origin} header (browsers always send one) than these or the server's own is
 *                             refused (403) before a CONNECT can be sent. Empty: no other site
 */
public record IotmpServerConfig(String host, int port, int ioThreads, int workerThreads, Duration connectTimeout,
                                Duration defaultKeepAlive, Duration requestTimeout, int maxFrameSize,
                                int maxPsonDepth, int maxPendingRequests, int maxInFlight,
                                BackpressurePolicy backpressurePolicy, SslContext sslContext,
                                Duration tlsHandshakeTimeout, Transport transport, String webSocketPath,
                                DeviceAuthenticator authenticator, PropertyStore propertyStore,
                                boolean nativeTransport, ServerLimits limits, ServerQuotas quotas,
                                ServerMetrics.Factory metrics, DeviceChannelInitializer channelInitializer,
                                ServerCluster cluster, LegacyListeners legacy, int drainDevicesPerSecond,
                                boolean proxyProtocol, List<String> webSocketAllowedOrigins) {

    // The one place of each default: the builders below, the Camel options and the starter (checked by its
    // metadata test) use these.
    public static final String DEFAULT_HOST = "0.0.0.0";
    public static final int DEFAULT_PORT = 25204;
    public static final int DEFAULT_WORKER_THREADS = 16;
    public static final long DEFAULT_CONNECT_TIMEOUT_MILLIS = 10_000;
    public static final int DEFAULT_KEEP_ALIVE_SECONDS = 60;
    public static final long DEFAULT_REQUEST_TIMEOUT_MILLIS = 10_000;
    public static final int DEFAULT_MAX_FRAME_SIZE = IotmpFrames.DEFAULT_MAX_FRAME_SIZE;
    public static final int DEFAULT_MAX_PSON_DEPTH = PsonFormat.DEFAULT_MAX_DEPTH;
    public static final int DEFAULT_MAX_PENDING_REQUESTS = 256;
    public static final int DEFAULT_MAX_IN_FLIGHT = 64;
    public static final long DEFAULT_TLS_HANDSHAKE_TIMEOUT_MILLIS = 10_000;
    public static final String DEFAULT_WEB_SOCKET_PATH = "/iotmp";
    public static final boolean DEFAULT_LEGACY_ENABLED = false;
    public static final int DEFAULT_LEGACY_PORT = 25200;
    public static final int DEFAULT_LEGACY_TLS_PORT = 25202;
    public static final int DEFAULT_DRAIN_DEVICES_PER_SECOND = 100;
    public static final boolean DEFAULT_NATIVE_TRANSPORT = true;
    public static final boolean DEFAULT_PROXY_PROTOCOL = false;
    /** No other site's web page may open a WebSocket device connection. */
    public static final String DEFAULT_WEB_SOCKET_ALLOWED_ORIGINS = "";
    /** {@link Transport#TCP}, by name because annotations need a constant. */
    public static final String DEFAULT_TRANSPORT_NAME = "TCP";
    /** {@link BackpressurePolicy#PAUSE}, by name because annotations need a constant. */
    public static final String DEFAULT_BACKPRESSURE_POLICY_NAME = "PAUSE";
    /** Bytes asked of a device per chunk of a file download. */
    public static final int DEFAULT_DOWNLOAD_CHUNK_SIZE = 64 * 1024;
    /** Largest file a download accepts, in bytes: the server holds the whole file until the download completes. */
    public static final long DEFAULT_MAX_DOWNLOAD_SIZE = 16L * 1024 * 1024;

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
        Objects.requireNonNull(quotas, "quotas");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(channelInitializer, "channelInitializer");
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(legacy, "legacy");
        // checked and lower-cased as a list given to the builder would not be
        webSocketAllowedOrigins = checkedOrigins(
                Objects.requireNonNull(webSocketAllowedOrigins, "webSocketAllowedOrigins"));
        // named as the options that set them: a zero or negative value would otherwise start the server and then
        // close every device (no CONNECT within 0 ms), fail its first TLS connection, or mean something it does not
        requireNotNegative(ioThreads, "ioThreads");
        requireNotNegative(workerThreads, "workerThreads");
        requirePositive(connectTimeout, "connectTimeout");
        if (defaultKeepAlive.toSeconds() <= 0) {
            throw new IllegalArgumentException("keepAlive must be 1 second or more: " + defaultKeepAlive.toMillis()
                                               + " ms");
        }
        // the bound a device's own keep-alive has; beyond it the value is most likely milliseconds (as the device
        // component's keepAlive is), which would keep a silent device's connection for hours
        if (defaultKeepAlive.toSeconds() > ConnectHandshake.MAX_KEEP_ALIVE_SECONDS) {
            throw new IllegalArgumentException("keepAlive is in seconds and at most "
                                               + ConnectHandshake.MAX_KEEP_ALIVE_SECONDS + " (what a device may ask "
                                               + "for): " + defaultKeepAlive.toSeconds());
        }
        requirePositive(requestTimeout, "requestTimeout");
        requirePositive(tlsHandshakeTimeout, "tlsHandshakeTimeout");
        requirePositive(maxFrameSize, "maxFrameSize");
        requirePositive(maxPsonDepth, "maxPsonDepth");
        requirePositive(maxPendingRequests, "maxPendingRequests");
        requirePositive(maxInFlight, "maxInFlight");
        requirePositive(drainDevicesPerSecond, "drainDevicesPerSecond");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    static void requirePositive(long value, String name) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }

    static void requirePositive(Duration value, String name) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + value.toMillis() + " ms");
        }
    }

    static void requireNotNegative(long value, String name) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must not be negative: " + value);
        }
    }

    /**
     * The origins of a comma-separated list, blank entries dropped, each {@code *} or {@code scheme://host[:port]}
     * as a browser sends it, compared without regard to case.
     *
     * @throws IllegalArgumentException for an entry that is no origin (a path, no scheme): it would never match
     */
    public static List<String> parseOrigins(String commaSeparated) {
        return checkedOrigins(commaSeparated == null ? List.of() : List.of(commaSeparated.split(",")));
    }

    private static List<String> checkedOrigins(List<String> entries) {
        List<String> origins = new java.util.ArrayList<>();
        for (String entry : entries) {
            String origin = entry.strip().toLowerCase(java.util.Locale.ROOT);
            if (origin.isEmpty()) {
                continue;
            }
            if (!origin.equals("*") && !origin.matches("[a-z][a-z0-9+.-]*://[^/?#\\s]+")) {
                throw new IllegalArgumentException("webSocketAllowedOrigins: '" + entry.strip() + "' is no origin:"
                                                   + " scheme://host[:port], such as https://console.example.com, or *");
            }
            origins.add(origin);
        }
        return List.copyOf(origins);
    }

    /**
     * Whether a WebSocket upgrade may go ahead: one without an {@code Origin} (not a browser's), one whose origin is
     * the server's own as the request's {@code Host} names it (what a non-browser client such as Netty's sends by
     * default, and a page the server itself served), or a listed one.
     *
     * @param origin the upgrade's {@code Origin} header, null when it has none
     * @param host   its {@code Host} header, null when it has none
     * @param tls    whether the connection is TLS: the port a {@code Host} without one means
     */
    public boolean allowsWebSocketOrigin(String origin, String host, boolean tls) {
        if (origin == null || webSocketAllowedOrigins.contains("*")) {
            return true;
        }
        String normalized = origin.strip().toLowerCase(java.util.Locale.ROOT);
        return webSocketAllowedOrigins.contains(normalized) || host != null && sameHostAndPort(normalized,
                host.strip().toLowerCase(java.util.Locale.ROOT), tls);
    }

    private static boolean sameHostAndPort(String origin, String host, boolean tls) {
        try {
            java.net.URI page = new java.net.URI(origin);
            java.net.URI server = new java.net.URI((tls ? "https" : "http") + "://" + host);
            if (page.getHost() == null || server.getHost() == null || page.getRawPath() != null
                                                                     && !page.getRawPath().isEmpty()) {
                return false;
            }
            return page.getHost().equals(server.getHost()) && portOf(page) == portOf(server);
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    private static int portOf(java.net.URI uri) {
        if (uri.getPort() >= 0) {
            return uri.getPort();
        }
        return "https".equals(uri.getScheme()) || "wss".equals(uri.getScheme()) ? 443 : 80;
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
        b.quotas = quotas;
        b.metrics = metrics;
        b.channelInitializer = channelInitializer;
        b.cluster = cluster;
        b.legacy = legacy;
        b.drainDevicesPerSecond = drainDevicesPerSecond;
        b.proxyProtocol = proxyProtocol;
        b.webSocketAllowedOrigins = webSocketAllowedOrigins;
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


    /** Idle time after which a device is considered gone: 1.15 × its keep-alive interval. */
    public static Duration idleTimeout(int keepAliveSeconds) {
        return Duration.ofMillis((long) (keepAliveSeconds * 1000L * KEEP_ALIVE_TOLERANCE));
    }

    public static final class Builder {
        private String host = DEFAULT_HOST;
        private int port = DEFAULT_PORT;
        private int ioThreads;
        private int workerThreads = DEFAULT_WORKER_THREADS;
        private Duration connectTimeout = Duration.ofMillis(DEFAULT_CONNECT_TIMEOUT_MILLIS);
        private Duration defaultKeepAlive = Duration.ofSeconds(DEFAULT_KEEP_ALIVE_SECONDS);
        private Duration requestTimeout = Duration.ofMillis(DEFAULT_REQUEST_TIMEOUT_MILLIS);
        private int maxFrameSize = DEFAULT_MAX_FRAME_SIZE;
        private DeviceChannelInitializer channelInitializer = DeviceChannelInitializer.DEFAULT;
        private ServerCluster cluster = ServerCluster.SINGLE_NODE;
        private int maxPsonDepth = DEFAULT_MAX_PSON_DEPTH;
        private int maxPendingRequests = DEFAULT_MAX_PENDING_REQUESTS;
        private int maxInFlight = DEFAULT_MAX_IN_FLIGHT;
        private BackpressurePolicy backpressurePolicy = BackpressurePolicy.valueOf(DEFAULT_BACKPRESSURE_POLICY_NAME);
        private SslContext sslContext;
        private Duration tlsHandshakeTimeout = Duration.ofMillis(DEFAULT_TLS_HANDSHAKE_TIMEOUT_MILLIS);
        private Transport transport = Transport.valueOf(DEFAULT_TRANSPORT_NAME);
        private String webSocketPath = DEFAULT_WEB_SOCKET_PATH;
        private DeviceAuthenticator authenticator;
        private PropertyStore propertyStore;
        private boolean nativeTransport = DEFAULT_NATIVE_TRANSPORT;
        private ServerLimits limits = ServerLimits.DEFAULT;
        private ServerQuotas quotas = ServerQuotas.DEFAULT;
        private ServerMetrics.Factory metrics = ServerMetrics.Factory.NONE;
        private LegacyListeners legacy = LegacyListeners.DISABLED;
        private int drainDevicesPerSecond = DEFAULT_DRAIN_DEVICES_PER_SECOND;
        private boolean proxyProtocol = DEFAULT_PROXY_PROTOCOL;
        private List<String> webSocketAllowedOrigins = parseOrigins(DEFAULT_WEB_SOCKET_ALLOWED_ORIGINS);

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

        public Builder limits(ServerLimits limits) {
            this.limits = limits;
            return this;
        }

        public Builder quotas(ServerQuotas quotas) {
            this.quotas = quotas;
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

        /** The cluster this server joins when it starts; {@link ServerCluster#SINGLE_NODE} (the default) alone. */
        public Builder cluster(ServerCluster cluster) {
            this.cluster = cluster;
            return this;
        }

        /** Whether and where devices of the legacy Thinger protocol are accepted; off by default. */
        public Builder legacy(LegacyListeners legacy) {
            this.legacy = legacy;
            return this;
        }

        /** Devices {@link IotmpServer#drain()} sends DISCONNECT a second at most. */
        public Builder drainDevicesPerSecond(int drainDevicesPerSecond) {
            this.drainDevicesPerSecond = drainDevicesPerSecond;
            return this;
        }

        /**
         * Every connection starts with a PROXY protocol header (v1 or v2) whose source address is the device's; off by
         * default. Only for a port that nothing but the load balancer can reach.
         */
        public Builder proxyProtocol(boolean proxyProtocol) {
            this.proxyProtocol = proxyProtocol;
            return this;
        }

        /** The origins of web pages that may open a WebSocket device connection; none by default. */
        public Builder webSocketAllowedOrigins(List<String> webSocketAllowedOrigins) {
            this.webSocketAllowedOrigins = Objects.requireNonNull(webSocketAllowedOrigins, "webSocketAllowedOrigins");
            return this;
        }

        public IotmpServerConfig build() {
            return new IotmpServerConfig(host, port, ioThreads, workerThreads, connectTimeout, defaultKeepAlive,
                    requestTimeout, maxFrameSize, maxPsonDepth, maxPendingRequests, maxInFlight, backpressurePolicy,
                    sslContext, tlsHandshakeTimeout, transport, webSocketPath, authenticator, propertyStore,
                    nativeTransport, limits, quotas, metrics, channelInitializer, cluster,
                    legacy, drainDevicesPerSecond, proxyProtocol, webSocketAllowedOrigins);
        }
    }
}
