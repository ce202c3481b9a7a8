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
 * @param quotas               what one device or user may make the server keep (properties, locks, retained
 *                             messages)
 * @param metrics              creates the metrics each server reports to
 * @param nativeTransport      use epoll when available
 * @param channelInitializer   builds each connection's pipeline around the server's handlers
 * @param cluster              the cluster this server is a member of; {@link ServerCluster#SINGLE_NODE} alone
 * @param legacy               whether and where devices of the legacy Thinger protocol are accepted
 * @param drainDevicesPerSecond devices {@link IotmpServer#drain()} sends DISCONNECT a second at most
 */
public record IotmpServerConfig(String host, int port, int ioThreads, int workerThreads, Duration connectTimeout,
                                Duration defaultKeepAlive, Duration requestTimeout, int maxFrameSize,
                                int maxPsonDepth, int maxPendingRequests, int maxInFlight,
                                BackpressurePolicy backpressurePolicy, SslContext sslContext,
                                Duration tlsHandshakeTimeout, Transport transport, String webSocketPath,
                                DeviceAuthenticator authenticator, PropertyStore propertyStore,
                                boolean nativeTransport, Limits limits, Quotas quotas,
                                ServerMetrics.Factory metrics, DeviceChannelInitializer channelInitializer,
                                ServerCluster cluster, LegacyListeners legacy, int drainDevicesPerSecond) {

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
    /** {@link Transport#TCP}, by name because annotations need a constant. */
    public static final String DEFAULT_TRANSPORT_NAME = "TCP";
    /** {@link BackpressurePolicy#PAUSE}, by name because annotations need a constant. */
    public static final String DEFAULT_BACKPRESSURE_POLICY_NAME = "PAUSE";
    /** Bytes asked of a device per chunk of a file download. */
    public static final int DEFAULT_DOWNLOAD_CHUNK_SIZE = 64 * 1024;

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
        requirePositive(maxFrameSize, "maxFrameSize");
        requirePositive(maxPsonDepth, "maxPsonDepth");
        requirePositive(maxPendingRequests, "maxPendingRequests");
        requirePositive(maxInFlight, "maxInFlight");
        requirePositive(drainDevicesPerSecond, "drainDevicesPerSecond");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    private static void requirePositive(long value, String name) {
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
        b.quotas = quotas;
        b.metrics = metrics;
        b.channelInitializer = channelInitializer;
        b.cluster = cluster;
        b.legacy = legacy;
        b.drainDevicesPerSecond = drainDevicesPerSecond;
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
     * @param maxConnections               open connections at most; beyond, new ones are closed at once
     * @param maxConnectionsPerSecond      accepted connections per second (a token bucket with one second of burst);
     *                                     0 for no limit
     * @param maxAuthFailuresPerAddress    distinct devices that failed to authenticate from one address (an IPv6
     *                                     address counts by its /64 prefix) within a minute before the address is
     *                                     blocked for {@code authFailureBlock}: a scanner trying many device ids or
     *                                     users; one device retrying the same wrong credential counts once. 0 for no
     *                                     limit
     * @param maxAuthFailuresPerDevice     failed authentications per minute of one device id from one address before
     *                                     that device is refused from that address, for {@code authFailureBlock}
     *                                     doubled on every further block (up to 64 times); the same device from
     *                                     another address is not affected. 0 for no limit
     * @param authFailureBlock             how long a blocked address, or a device at its first block, is refused
     * @param frameReadTimeout             how long a started frame may take to arrive completely (slow senders that
     *                                     drip bytes never look idle); checked by a timer
     * @param maxPendingWriteBytes         bytes queued for a device that does not read before it is disconnected
     * @param maxFrameSizeBeforeLogin      largest frame body accepted before the device is authenticated (a CONNECT
     *                                     is three strings); a larger size header closes the connection
     * @param maxIdentifierLength          longest user name and device id (in characters) accepted in a CONNECT;
     *                                     longer ones are refused before anything is stored or logged, and count as
     *                                     a failed authentication
     * @param maxCredentialLength          longest credential (in characters) accepted in a CONNECT, likewise
     * @param maxPartialFrameBytes         bytes of partially received frames the server holds for all connections
     *                                     together; a connection whose started frame does not fit is closed
     * @param maxUnauthenticatedPerAddress connections from one address that have not authenticated yet; beyond, new
     *                                     ones from that address are closed at once. 0 for no limit
     * @param maxTrackedAuthFailures       entries kept about failed authentications (per address and per device and
     *                                     address, each of fixed size); the least recently used are forgotten first
     * @param maxDecodedFrameBytes         estimated heap the decoded values of one frame may take; a frame beyond is
     *                                     malformed
     * @param maxOutboundFrameSize         largest frame the server sends a device; a request whose frame would be
     *                                     larger fails with {@link FrameTooLargeForDeviceException} and the device
     *                                     stays connected
     */
    public record Limits(int maxConnections, int maxConnectionsPerSecond, int maxAuthFailuresPerAddress,
                         int maxAuthFailuresPerDevice, Duration authFailureBlock, Duration frameReadTimeout,
                         long maxPendingWriteBytes, int maxFrameSizeBeforeLogin, int maxIdentifierLength,
                         int maxCredentialLength, long maxPartialFrameBytes, int maxUnauthenticatedPerAddress,
                         int maxTrackedAuthFailures, long maxDecodedFrameBytes, int maxOutboundFrameSize) {

        public static final int DEFAULT_MAX_FRAME_SIZE_BEFORE_LOGIN = 4096;
        public static final int DEFAULT_MAX_IDENTIFIER_LENGTH = 128;
        public static final int DEFAULT_MAX_CREDENTIAL_LENGTH = 1024;
        public static final long DEFAULT_MAX_PARTIAL_FRAME_BYTES = 64L * 1024 * 1024;
        public static final int DEFAULT_MAX_UNAUTHENTICATED_PER_ADDRESS = 128;
        public static final int DEFAULT_MAX_TRACKED_AUTH_FAILURES = 65_536;
        public static final long DEFAULT_MAX_DECODED_FRAME_BYTES = 4L * 1024 * 1024;
        /** What IOTMP-Embedded accepts by default; smaller boards (ESP-IDF at 4 KiB) need a smaller value. */
        public static final int DEFAULT_MAX_OUTBOUND_FRAME_SIZE = 32 * 1024;

        public static final int DEFAULT_MAX_CONNECTIONS = 20_000;
        public static final int DEFAULT_MAX_CONNECTIONS_PER_SECOND = 10_000;
        public static final int DEFAULT_MAX_AUTH_FAILURES_PER_ADDRESS = 20;
        public static final int DEFAULT_MAX_AUTH_FAILURES_PER_DEVICE = 10;
        public static final long DEFAULT_AUTH_FAILURE_BLOCK_MILLIS = 60_000;
        public static final long DEFAULT_FRAME_READ_TIMEOUT_MILLIS = 30_000;
        public static final long DEFAULT_MAX_PENDING_WRITE_BYTES = 1024 * 1024;

        public static final Limits DEFAULT = new Limits(DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_CONNECTIONS_PER_SECOND,
                DEFAULT_MAX_AUTH_FAILURES_PER_ADDRESS, DEFAULT_MAX_AUTH_FAILURES_PER_DEVICE,
                Duration.ofMillis(DEFAULT_AUTH_FAILURE_BLOCK_MILLIS),
                Duration.ofMillis(DEFAULT_FRAME_READ_TIMEOUT_MILLIS), DEFAULT_MAX_PENDING_WRITE_BYTES);

        public Limits {
            Objects.requireNonNull(authFailureBlock, "authFailureBlock");
            Objects.requireNonNull(frameReadTimeout, "frameReadTimeout");
            requirePositive(maxConnections, "maxConnections");
            requirePositive(maxPendingWriteBytes, "maxPendingWriteBytes");
            requirePositive(maxFrameSizeBeforeLogin, "maxFrameSizeBeforeLogin");
            requirePositive(maxIdentifierLength, "maxIdentifierLength");
            requirePositive(maxCredentialLength, "maxCredentialLength");
            requirePositive(maxPartialFrameBytes, "maxPartialFrameBytes");
            requirePositive(maxTrackedAuthFailures, "maxTrackedAuthFailures");
            requirePositive(maxDecodedFrameBytes, "maxDecodedFrameBytes");
            requirePositive(maxOutboundFrameSize, "maxOutboundFrameSize");
            if (maxUnauthenticatedPerAddress < 0) {
                throw new IllegalArgumentException("maxUnauthenticatedPerAddress must not be negative: "
                                                   + maxUnauthenticatedPerAddress);
            }
        }

        /** The limits of earlier versions; the others take their defaults. */
        public Limits(int maxConnections, int maxConnectionsPerSecond, int maxAuthFailuresPerAddress,
                      int maxAuthFailuresPerDevice, Duration authFailureBlock, Duration frameReadTimeout,
                      long maxPendingWriteBytes) {
            this(maxConnections, maxConnectionsPerSecond, maxAuthFailuresPerAddress, maxAuthFailuresPerDevice,
                    authFailureBlock, frameReadTimeout, maxPendingWriteBytes, DEFAULT_MAX_FRAME_SIZE_BEFORE_LOGIN,
                    DEFAULT_MAX_IDENTIFIER_LENGTH, DEFAULT_MAX_CREDENTIAL_LENGTH, DEFAULT_MAX_PARTIAL_FRAME_BYTES,
                    DEFAULT_MAX_UNAUTHENTICATED_PER_ADDRESS, DEFAULT_MAX_TRACKED_AUTH_FAILURES,
                    DEFAULT_MAX_DECODED_FRAME_BYTES, DEFAULT_MAX_OUTBOUND_FRAME_SIZE);
        }

        public static Builder builder() {
            return DEFAULT.toBuilder();
        }

        public Builder toBuilder() {
            Builder b = new Builder();
            b.maxConnections = maxConnections;
            b.maxConnectionsPerSecond = maxConnectionsPerSecond;
            b.maxAuthFailuresPerAddress = maxAuthFailuresPerAddress;
            b.maxAuthFailuresPerDevice = maxAuthFailuresPerDevice;
            b.authFailureBlock = authFailureBlock;
            b.frameReadTimeout = frameReadTimeout;
            b.maxPendingWriteBytes = maxPendingWriteBytes;
            b.maxFrameSizeBeforeLogin = maxFrameSizeBeforeLogin;
            b.maxIdentifierLength = maxIdentifierLength;
            b.maxCredentialLength = maxCredentialLength;
            b.maxPartialFrameBytes = maxPartialFrameBytes;
            b.maxUnauthenticatedPerAddress = maxUnauthenticatedPerAddress;
            b.maxTrackedAuthFailures = maxTrackedAuthFailures;
            b.maxDecodedFrameBytes = maxDecodedFrameBytes;
            b.maxOutboundFrameSize = maxOutboundFrameSize;
            return b;
        }

        /** Builds {@link Limits}; starts from the defaults. */
        public static final class Builder {
            private int maxConnections;
            private int maxConnectionsPerSecond;
            private int maxAuthFailuresPerAddress;
            private int maxAuthFailuresPerDevice;
            private Duration authFailureBlock;
            private Duration frameReadTimeout;
            private long maxPendingWriteBytes;
            private int maxFrameSizeBeforeLogin;
            private int maxIdentifierLength;
            private int maxCredentialLength;
            private long maxPartialFrameBytes;
            private int maxUnauthenticatedPerAddress;
            private int maxTrackedAuthFailures;
            private long maxDecodedFrameBytes;
            private int maxOutboundFrameSize;

            private Builder() {
            }

            public Builder maxOutboundFrameSize(int maxOutboundFrameSize) {
                this.maxOutboundFrameSize = maxOutboundFrameSize;
                return this;
            }

            public Builder maxConnections(int maxConnections) {
                this.maxConnections = maxConnections;
                return this;
            }

            public Builder maxConnectionsPerSecond(int maxConnectionsPerSecond) {
                this.maxConnectionsPerSecond = maxConnectionsPerSecond;
                return this;
            }

            public Builder maxAuthFailuresPerAddress(int maxAuthFailuresPerAddress) {
                this.maxAuthFailuresPerAddress = maxAuthFailuresPerAddress;
                return this;
            }

            public Builder maxAuthFailuresPerDevice(int maxAuthFailuresPerDevice) {
                this.maxAuthFailuresPerDevice = maxAuthFailuresPerDevice;
                return this;
            }

            public Builder authFailureBlock(Duration authFailureBlock) {
                this.authFailureBlock = authFailureBlock;
                return this;
            }

            public Builder frameReadTimeout(Duration frameReadTimeout) {
                this.frameReadTimeout = frameReadTimeout;
                return this;
            }

            public Builder maxPendingWriteBytes(long maxPendingWriteBytes) {
                this.maxPendingWriteBytes = maxPendingWriteBytes;
                return this;
            }

            public Builder maxFrameSizeBeforeLogin(int maxFrameSizeBeforeLogin) {
                this.maxFrameSizeBeforeLogin = maxFrameSizeBeforeLogin;
                return this;
            }

            public Builder maxIdentifierLength(int maxIdentifierLength) {
                this.maxIdentifierLength = maxIdentifierLength;
                return this;
            }

            public Builder maxCredentialLength(int maxCredentialLength) {
                this.maxCredentialLength = maxCredentialLength;
                return this;
            }

            public Builder maxPartialFrameBytes(long maxPartialFrameBytes) {
                this.maxPartialFrameBytes = maxPartialFrameBytes;
                return this;
            }

            public Builder maxUnauthenticatedPerAddress(int maxUnauthenticatedPerAddress) {
                this.maxUnauthenticatedPerAddress = maxUnauthenticatedPerAddress;
                return this;
            }

            public Builder maxTrackedAuthFailures(int maxTrackedAuthFailures) {
                this.maxTrackedAuthFailures = maxTrackedAuthFailures;
                return this;
            }

            public Builder maxDecodedFrameBytes(long maxDecodedFrameBytes) {
                this.maxDecodedFrameBytes = maxDecodedFrameBytes;
                return this;
            }

            public Limits build() {
                return new Limits(maxConnections, maxConnectionsPerSecond, maxAuthFailuresPerAddress,
                        maxAuthFailuresPerDevice, authFailureBlock, frameReadTimeout, maxPendingWriteBytes,
                        maxFrameSizeBeforeLogin, maxIdentifierLength, maxCredentialLength, maxPartialFrameBytes,
                        maxUnauthenticatedPerAddress, maxTrackedAuthFailures, maxDecodedFrameBytes,
                        maxOutboundFrameSize);
            }
        }
    }

    /**
     * What one device or one user may make the server keep in memory through the built-in services. A request beyond
     * a quota is refused with ERROR: status 429 when a count is reached, 413 when bytes would exceed their quota.
     *
     * @param maxPropertiesPerDevice    properties one device may have in the in-memory property store
     * @param maxPropertyBytesPerDevice bytes of property names and PSON-encoded values one device may have in the
     *                                  in-memory property store
     * @param maxLocksPerUser           sync lock slots held at once by the devices of one user
     * @param maxRetainedPerUser        retained topic messages kept for one user (for route publications without a
     *                                  user: for all of them together)
     * @param maxRetainedBytesPerUser   bytes of topic names and PSON-encoded payloads of one user's retained messages
     */
    public record Quotas(int maxPropertiesPerDevice, long maxPropertyBytesPerDevice, int maxLocksPerUser,
                         int maxRetainedPerUser, long maxRetainedBytesPerUser) {

        public static final int DEFAULT_MAX_PROPERTIES_PER_DEVICE = 128;
        public static final long DEFAULT_MAX_PROPERTY_BYTES_PER_DEVICE = 64L * 1024;
        public static final int DEFAULT_MAX_LOCKS_PER_USER = 256;
        public static final int DEFAULT_MAX_RETAINED_PER_USER = 256;
        public static final long DEFAULT_MAX_RETAINED_BYTES_PER_USER = 1024L * 1024;

        public static final Quotas DEFAULT = new Quotas(DEFAULT_MAX_PROPERTIES_PER_DEVICE,
                DEFAULT_MAX_PROPERTY_BYTES_PER_DEVICE, DEFAULT_MAX_LOCKS_PER_USER, DEFAULT_MAX_RETAINED_PER_USER,
                DEFAULT_MAX_RETAINED_BYTES_PER_USER);

        public Quotas {
            requirePositive(maxPropertiesPerDevice, "maxPropertiesPerDevice");
            requirePositive(maxPropertyBytesPerDevice, "maxPropertyBytesPerDevice");
            requirePositive(maxLocksPerUser, "maxLocksPerUser");
            requirePositive(maxRetainedPerUser, "maxRetainedPerUser");
            requirePositive(maxRetainedBytesPerUser, "maxRetainedBytesPerUser");
        }

        public static Builder builder() {
            return DEFAULT.toBuilder();
        }

        public Builder toBuilder() {
            Builder b = new Builder();
            b.maxPropertiesPerDevice = maxPropertiesPerDevice;
            b.maxPropertyBytesPerDevice = maxPropertyBytesPerDevice;
            b.maxLocksPerUser = maxLocksPerUser;
            b.maxRetainedPerUser = maxRetainedPerUser;
            b.maxRetainedBytesPerUser = maxRetainedBytesPerUser;
            return b;
        }

        /** Builds {@link Quotas}; starts from the defaults. */
        public static final class Builder {
            private int maxPropertiesPerDevice;
            private long maxPropertyBytesPerDevice;
            private int maxLocksPerUser;
            private int maxRetainedPerUser;
            private long maxRetainedBytesPerUser;

            private Builder() {
            }

            public Builder maxPropertiesPerDevice(int maxPropertiesPerDevice) {
                this.maxPropertiesPerDevice = maxPropertiesPerDevice;
                return this;
            }

            public Builder maxPropertyBytesPerDevice(long maxPropertyBytesPerDevice) {
                this.maxPropertyBytesPerDevice = maxPropertyBytesPerDevice;
                return this;
            }

            public Builder maxLocksPerUser(int maxLocksPerUser) {
                this.maxLocksPerUser = maxLocksPerUser;
                return this;
            }

            public Builder maxRetainedPerUser(int maxRetainedPerUser) {
                this.maxRetainedPerUser = maxRetainedPerUser;
                return this;
            }

            public Builder maxRetainedBytesPerUser(long maxRetainedBytesPerUser) {
                this.maxRetainedBytesPerUser = maxRetainedBytesPerUser;
                return this;
            }

            public Quotas build() {
                return new Quotas(maxPropertiesPerDevice, maxPropertyBytesPerDevice, maxLocksPerUser,
                        maxRetainedPerUser, maxRetainedBytesPerUser);
            }
        }
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
        private Limits limits = Limits.DEFAULT;
        private Quotas quotas = Quotas.DEFAULT;
        private ServerMetrics.Factory metrics = ServerMetrics.Factory.NONE;
        private LegacyListeners legacy = LegacyListeners.DISABLED;
        private int drainDevicesPerSecond = DEFAULT_DRAIN_DEVICES_PER_SECOND;

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

        public Builder quotas(Quotas quotas) {
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

        public IotmpServerConfig build() {
            return new IotmpServerConfig(host, port, ioThreads, workerThreads, connectTimeout, defaultKeepAlive,
                    requestTimeout, maxFrameSize, maxPsonDepth, maxPendingRequests, maxInFlight, backpressurePolicy,
                    sslContext, tlsHandshakeTimeout, transport, webSocketPath, authenticator, propertyStore,
                    nativeTransport, limits, quotas, metrics, channelInitializer, cluster,
                    legacy, drainDevicesPerSecond);
        }
    }
}
