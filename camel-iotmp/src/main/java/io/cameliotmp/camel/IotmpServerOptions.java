package io.cameliotmp.camel;

import java.time.Duration;

import io.cameliotmp.server.BackpressurePolicy;
import io.cameliotmp.server.DeviceAuthenticator;
import io.cameliotmp.server.DeviceChannelInitializer;
import io.cameliotmp.server.IotmpServerConfig;
import io.cameliotmp.server.LegacyListeners;
import io.cameliotmp.server.PropertyStore;
import io.cameliotmp.server.ServerCluster;
import io.cameliotmp.server.ServerMetrics;
import io.cameliotmp.server.StaticAuthenticator;
import io.cameliotmp.server.Transport;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriParams;
import org.apache.camel.support.jsse.SSLContextParameters;

/**
 * The server-wide options of the iotmp component: bind address, threads, transport, TLS, legacy ports,
 * authentication, property store and cluster, with the limits and quotas of {@link IotmpServerLimitOptions}. They
 * describe the embedded server an endpoint uses; endpoints that name the same host and port share one server and
 * must agree on all of them. The options of one endpoint's calls are in {@link IotmpConfiguration}, which extends
 * this class (as camel-netty's endpoint configuration extends its server bootstrap configuration), so the URI and
 * component option names stay flat.
 */
@UriParams
public class IotmpServerOptions extends IotmpServerLimitOptions {

    @UriParam(label = "common", defaultValue = IotmpServerConfig.DEFAULT_HOST,
              description = "Address the embedded IOTMP server binds to.")
    private String host = IotmpServerConfig.DEFAULT_HOST;

    @UriParam(label = "common", defaultValue = "" + IotmpServerConfig.DEFAULT_PORT,
              description = "TCP port of the embedded IOTMP server (Thinger's plain IOTMP port is 25204).")
    private int port = IotmpServerConfig.DEFAULT_PORT;

    @UriParam(label = "advanced",
              description = "Netty I/O threads of the server; 0 uses Netty's default (twice the number of cores).")
    private int ioThreads;

    @UriParam(label = "advanced", defaultValue = "" + IotmpServerConfig.DEFAULT_WORKER_THREADS,
              description = "Threads that run device sessions, authentication and routes, so that a slow route "
                            + "never blocks network I/O; each device stays on one thread, so its messages keep "
                            + "their order. 0 runs everything on the I/O threads (fastest for non-blocking routes).")
    private int workerThreads = IotmpServerConfig.DEFAULT_WORKER_THREADS;

    @UriParam(label = "advanced", defaultValue = "" + IotmpServerConfig.DEFAULT_CONNECT_TIMEOUT_MILLIS,
              javaType = "java.time.Duration",
              description = "How long a new connection may take to send its CONNECT before it is closed.")
    private long connectTimeout = IotmpServerConfig.DEFAULT_CONNECT_TIMEOUT_MILLIS;

    @UriParam(label = "advanced", defaultValue = "" + IotmpServerConfig.DEFAULT_KEEP_ALIVE_SECONDS,
              description = "Keep-alive interval in seconds (1 to 1800, the range a device may announce) "
                            + "assumed for devices that do not announce one; a device silent for 1.15 times its "
                            + "interval is disconnected.")
    private int keepAlive = IotmpServerConfig.DEFAULT_KEEP_ALIVE_SECONDS;

    @UriParam(label = "advanced", defaultValue = "" + IotmpServerConfig.DEFAULT_MAX_FRAME_SIZE,
              description = "Largest frame body accepted from a device, in bytes; a larger size header closes the "
                            + "connection before anything is allocated.")
    private int maxFrameSize = IotmpServerConfig.DEFAULT_MAX_FRAME_SIZE;

    @UriParam(label = "advanced", defaultValue = "" + IotmpServerConfig.DEFAULT_MAX_PSON_DEPTH,
              description = "Deepest nesting of PSON values accepted.")
    private int maxPsonDepth = IotmpServerConfig.DEFAULT_MAX_PSON_DEPTH;

    @UriParam(label = "advanced", defaultValue = "" + IotmpServerConfig.DEFAULT_MAX_PENDING_REQUESTS,
              description = "Most unanswered requests plus open streams per device.")
    private int maxPendingRequests = IotmpServerConfig.DEFAULT_MAX_PENDING_REQUESTS;

    @UriParam(label = "advanced", defaultValue = "" + IotmpServerConfig.DEFAULT_MAX_IN_FLIGHT,
              description = "Most stream samples and device calls per device being processed by routes at once; "
                            + "beyond it the backpressure policy applies.")
    private int maxInFlight = IotmpServerConfig.DEFAULT_MAX_IN_FLIGHT;

    @UriParam(label = "advanced", defaultValue = IotmpServerConfig.DEFAULT_BACKPRESSURE_POLICY_NAME,
              description = "At maxInFlight: PAUSE stops reading the device until routes catch up (nothing lost); "
                            + "DROP_SAMPLES drops and counts stream samples instead.")
    private BackpressurePolicy backpressurePolicy
            = BackpressurePolicy.valueOf(IotmpServerConfig.DEFAULT_BACKPRESSURE_POLICY_NAME);

    @UriParam(label = "advanced", defaultValue = "" + IotmpServerConfig.DEFAULT_NATIVE_TRANSPORT,
              description = "Use the native epoll transport when available.")
    private boolean nativeTransport = IotmpServerConfig.DEFAULT_NATIVE_TRANSPORT;

    @UriParam(label = "common", defaultValue = IotmpServerConfig.DEFAULT_TRANSPORT_NAME, enums = "TCP,WEBSOCKET",
              description = "How devices reach the server: TCP (IOTMP directly on the stream) or WEBSOCKET (IOTMP "
                            + "bytes in text or binary WebSocket frames on webSocketPath, subprotocol iotmp). "
                            + "Either runs over TLS when sslContextParameters is set.")
    private Transport transport = Transport.valueOf(IotmpServerConfig.DEFAULT_TRANSPORT_NAME);

    @UriParam(label = "advanced", defaultValue = IotmpServerConfig.DEFAULT_WEB_SOCKET_PATH,
              description = "HTTP path of the WebSocket transport.")
    private String webSocketPath = IotmpServerConfig.DEFAULT_WEB_SOCKET_PATH;

    @UriParam(label = "advanced", defaultValue = "" + IotmpServerConfig.DEFAULT_LEGACY_ENABLED,
              description = "Also accept devices of the legacy Thinger protocol (the thinger.io Arduino library up "
                            + "to 2.40, the old Linux client): listen on legacyPort and, with sslContextParameters, "
                            + "on legacyTlsPort, and tell the two protocols apart by the first byte on every port. "
                            + "Such devices are reported with generation LEGACY.")
    private boolean legacyEnabled = IotmpServerConfig.DEFAULT_LEGACY_ENABLED;

    @UriParam(label = "advanced", defaultValue = "" + IotmpServerConfig.DEFAULT_LEGACY_PORT,
              description = "Plain TCP port of legacy devices when legacyEnabled (their firmware has 25200 compiled "
                            + "in); 0 picks a free port, -1 opens none.")
    private int legacyPort = IotmpServerConfig.DEFAULT_LEGACY_PORT;

    @UriParam(label = "advanced", defaultValue = "" + IotmpServerConfig.DEFAULT_LEGACY_TLS_PORT,
              description = "TLS port of legacy devices when legacyEnabled, opened only when sslContextParameters "
                            + "is set (their firmware has 25202 compiled in); 0 picks a free port, -1 opens none.")
    private int legacyTlsPort = IotmpServerConfig.DEFAULT_LEGACY_TLS_PORT;

    @UriParam(label = "security",
              description = "TLS configuration of the server (Thinger's TLS port is 25206). Without it the server "
                            + "speaks plain TCP or WebSocket.")
    private SSLContextParameters sslContextParameters;

    @UriParam(label = "security", defaultValue = "NONE", enums = "NONE,OPTIONAL,REQUIRE",
              description = "Whether TLS devices must present a client certificate trusted by "
                            + "sslContextParameters: NONE, OPTIONAL or REQUIRE.")
    private ClientAuth clientAuth = ClientAuth.NONE;

    @UriParam(label = "security", defaultValue = "" + IotmpServerConfig.DEFAULT_TLS_HANDSHAKE_TIMEOUT_MILLIS,
              javaType = "java.time.Duration",
              description = "How long a TLS handshake may take before the connection is closed.")
    private long tlsHandshakeTimeout = IotmpServerConfig.DEFAULT_TLS_HANDSHAKE_TIMEOUT_MILLIS;

    @UriParam(label = "security",
              description = "Decides which devices may connect. Takes precedence over deviceCredentials and "
                            + "authenticationUri.")
    private DeviceAuthenticator authenticator;

    @UriParam(label = "security", secret = true,
              description = "Devices allowed to connect, as user/device=credential entries separated by commas; "
                            + "an entry whose device is an asterisk accepts any device of that user with that "
                            + "credential.")
    private String deviceCredentials;

    @UriParam(label = "security",
              description = "A Camel endpoint (such as direct:auth) that authenticates devices: it receives the "
                            + "credential as body and CamelIotmpUser, CamelIotmpDevice, CamelIotmpRemoteAddress and "
                            + "CamelIotmpGeneration headers, and answers true or false (or an AuthDecision).")
    private String authenticationUri;

    @UriParam(label = "advanced",
              description = "Where the built-in property services keep device properties, e.g. a "
                            + "JdbcPropertyStore so they survive restarts. Default: in memory.")
    private PropertyStore propertyStore;

    @UriParam(label = "advanced,cluster",
              description = "The cluster this server is a member of: an io.cameliotmp.server.ServerCluster bean, "
                            + "such as camel-iotmp-cluster's InfinispanCluster. Any member then reaches the devices "
                            + "connected to every member. Default: this server alone.")
    private ServerCluster serverCluster;

    @UriParam(label = "advanced", defaultValue = "" + IotmpServerConfig.DEFAULT_DRAIN_DEVICES_PER_SECOND,
              description = "When the server is drained for a rolling upgrade (the JMX operation drain, or "
                            + "IotmpServer.drain()), the devices it sends DISCONNECT a second at most, so that they "
                            + "reconnect to the other cluster members without a storm.")
    private int drainDevicesPerSecond = IotmpServerConfig.DEFAULT_DRAIN_DEVICES_PER_SECOND;

    @UriParam(label = "advanced",
              description = "Builds the Netty pipeline of each device connection around the server's own handlers. "
                            + "Default: the server's handlers only.")
    private DeviceChannelInitializer channelInitializer;

    @UriParam(label = "security,advanced", defaultValue = "" + IotmpServerConfig.DEFAULT_PROXY_PROTOCOL,
              description = "The server is behind a TCP load balancer (such as HAProxy with send-proxy-v2) that "
                            + "passes each device's address: every connection must then start with a PROXY protocol "
                            + "v1 or v2 header, and its source address is the device's for the per-address limits, "
                            + "registrations and logs; a connection without a valid header is closed. The ports must "
                            + "then be reachable only by the balancer: whoever reaches them directly names their own "
                            + "address.")
    private boolean proxyProtocol = IotmpServerConfig.DEFAULT_PROXY_PROTOCOL;

    @UriParam(label = "security,advanced",
              description = "With transport=WEBSOCKET: the origins (scheme://host:port, comma-separated; * for any) "
                            + "of other sites' web pages that may open a device connection. Browsers send their "
                            + "page's origin with every WebSocket upgrade; an upgrade whose origin is neither the "
                            + "server's own (by its Host header) nor listed is refused with 403 before a CONNECT can "
                            + "be sent, so that a page opened behind a fleet's network cannot guess credentials from "
                            + "that network's address and have it blocked. Clients without an origin are not "
                            + "affected. Empty (the default): no other site.")
    private String webSocketAllowedOrigins = IotmpServerConfig.DEFAULT_WEB_SOCKET_ALLOWED_ORIGINS;

    /**
     * The server these options describe; equal options yield equal server configurations, so endpoints that differ
     * only in their own call options share a server.
     *
     * @param requestTimeout the timeout of what the server asks of devices without an endpoint's call behind it (the
     *                       streams device consumers open, forwarded calls that name none): the component's
     *                       requestTimeout, the same for every endpoint of the component whatever their own
     */
    IotmpServerConfig toServerConfig(CamelContext context, SslContext sslContext, ServerMetrics.Factory metrics,
                                     Duration requestTimeout) {
        return IotmpServerConfig.builder()
                .requestTimeout(requestTimeout)
                .host(host)
                .port(port)
                .ioThreads(ioThreads)
                .workerThreads(workerThreads)
                .connectTimeout(Duration.ofMillis(connectTimeout))
                .defaultKeepAlive(Duration.ofSeconds(keepAlive))
                .maxFrameSize(maxFrameSize)
                .maxPsonDepth(maxPsonDepth)
                .maxPendingRequests(maxPendingRequests)
                .maxInFlight(maxInFlight)
                .backpressurePolicy(backpressurePolicy)
                .nativeTransport(nativeTransport)
                .transport(transport)
                .webSocketPath(webSocketPath)
                .legacy(new LegacyListeners(legacyEnabled, legacyPort, legacyTlsPort))
                .sslContext(sslContext)
                .tlsHandshakeTimeout(Duration.ofMillis(tlsHandshakeTimeout))
                .authenticator(resolveAuthenticator(context))
                .propertyStore(propertyStore)
                .cluster(serverCluster != null ? serverCluster : ServerCluster.SINGLE_NODE)
                .drainDevicesPerSecond(drainDevicesPerSecond)
                .proxyProtocol(proxyProtocol)
                .webSocketAllowedOrigins(IotmpServerConfig.parseOrigins(webSocketAllowedOrigins))
                .channelInitializer(channelInitializer != null ? channelInitializer : DeviceChannelInitializer.DEFAULT)
                .metrics(metrics)
                .limits(toLimits())
                .quotas(toQuotas())
                .build();
    }

    private DeviceAuthenticator resolveAuthenticator(CamelContext context) {
        if (authenticator != null) {
            return authenticator;
        }
        if (deviceCredentials != null && !deviceCredentials.isBlank()) {
            try {
                return StaticAuthenticator.parse(deviceCredentials);
            } catch (IllegalArgumentException e) {
                // the option's name, which the parser does not know: Camel Main and Spring Boot users set it by name
                throw new IllegalArgumentException("iotmp option deviceCredentials: " + e.getMessage(), e);
            }
        }
        if (authenticationUri != null && !authenticationUri.isBlank()) {
            return new RouteAuthenticator(context, authenticationUri);
        }
        return null;
    }

    public String getHost() {
        return host;
    }

    public void setHost(String host) {
        this.host = host;
    }

    public int getPort() {
        return port;
    }

    public void setPort(int port) {
        this.port = port;
    }

    public int getIoThreads() {
        return ioThreads;
    }

    public void setIoThreads(int ioThreads) {
        this.ioThreads = ioThreads;
    }

    public int getWorkerThreads() {
        return workerThreads;
    }

    public void setWorkerThreads(int workerThreads) {
        this.workerThreads = workerThreads;
    }

    public long getConnectTimeout() {
        return connectTimeout;
    }

    public void setConnectTimeout(long connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    public int getKeepAlive() {
        return keepAlive;
    }

    public void setKeepAlive(int keepAlive) {
        this.keepAlive = keepAlive;
    }

    public int getMaxFrameSize() {
        return maxFrameSize;
    }

    public void setMaxFrameSize(int maxFrameSize) {
        this.maxFrameSize = maxFrameSize;
    }

    public int getMaxPsonDepth() {
        return maxPsonDepth;
    }

    public void setMaxPsonDepth(int maxPsonDepth) {
        this.maxPsonDepth = maxPsonDepth;
    }

    public int getMaxPendingRequests() {
        return maxPendingRequests;
    }

    public void setMaxPendingRequests(int maxPendingRequests) {
        this.maxPendingRequests = maxPendingRequests;
    }

    public int getMaxInFlight() {
        return maxInFlight;
    }

    public void setMaxInFlight(int maxInFlight) {
        this.maxInFlight = maxInFlight;
    }

    public BackpressurePolicy getBackpressurePolicy() {
        return backpressurePolicy;
    }

    public void setBackpressurePolicy(BackpressurePolicy backpressurePolicy) {
        this.backpressurePolicy = backpressurePolicy;
    }

    public boolean isNativeTransport() {
        return nativeTransport;
    }

    public void setNativeTransport(boolean nativeTransport) {
        this.nativeTransport = nativeTransport;
    }

    public Transport getTransport() {
        return transport;
    }

    public void setTransport(Transport transport) {
        this.transport = transport;
    }

    public String getWebSocketPath() {
        return webSocketPath;
    }

    public void setWebSocketPath(String webSocketPath) {
        this.webSocketPath = webSocketPath;
    }

    public boolean isProxyProtocol() {
        return proxyProtocol;
    }

    public void setProxyProtocol(boolean proxyProtocol) {
        this.proxyProtocol = proxyProtocol;
    }

    public String getWebSocketAllowedOrigins() {
        return webSocketAllowedOrigins;
    }

    public void setWebSocketAllowedOrigins(String webSocketAllowedOrigins) {
        this.webSocketAllowedOrigins = webSocketAllowedOrigins;
    }

    public boolean isLegacyEnabled() {
        return legacyEnabled;
    }

    public void setLegacyEnabled(boolean legacyEnabled) {
        this.legacyEnabled = legacyEnabled;
    }

    public int getLegacyPort() {
        return legacyPort;
    }

    public void setLegacyPort(int legacyPort) {
        this.legacyPort = legacyPort;
    }

    public int getLegacyTlsPort() {
        return legacyTlsPort;
    }

    public void setLegacyTlsPort(int legacyTlsPort) {
        this.legacyTlsPort = legacyTlsPort;
    }

    public SSLContextParameters getSslContextParameters() {
        return sslContextParameters;
    }

    public void setSslContextParameters(SSLContextParameters sslContextParameters) {
        this.sslContextParameters = sslContextParameters;
    }

    public ClientAuth getClientAuth() {
        return clientAuth;
    }

    public void setClientAuth(ClientAuth clientAuth) {
        this.clientAuth = clientAuth;
    }

    public long getTlsHandshakeTimeout() {
        return tlsHandshakeTimeout;
    }

    public void setTlsHandshakeTimeout(long tlsHandshakeTimeout) {
        this.tlsHandshakeTimeout = tlsHandshakeTimeout;
    }

    public DeviceAuthenticator getAuthenticator() {
        return authenticator;
    }

    public void setAuthenticator(DeviceAuthenticator authenticator) {
        this.authenticator = authenticator;
    }

    public String getDeviceCredentials() {
        return deviceCredentials;
    }

    public void setDeviceCredentials(String deviceCredentials) {
        this.deviceCredentials = deviceCredentials;
    }

    public String getAuthenticationUri() {
        return authenticationUri;
    }

    public void setAuthenticationUri(String authenticationUri) {
        this.authenticationUri = authenticationUri;
    }

    public PropertyStore getPropertyStore() {
        return propertyStore;
    }

    public void setPropertyStore(PropertyStore propertyStore) {
        this.propertyStore = propertyStore;
    }

    public ServerCluster getServerCluster() {
        return serverCluster;
    }

    public void setServerCluster(ServerCluster serverCluster) {
        this.serverCluster = serverCluster;
    }

    public int getDrainDevicesPerSecond() {
        return drainDevicesPerSecond;
    }

    public void setDrainDevicesPerSecond(int drainDevicesPerSecond) {
        this.drainDevicesPerSecond = drainDevicesPerSecond;
    }

    public DeviceChannelInitializer getChannelInitializer() {
        return channelInitializer;
    }

    public void setChannelInitializer(DeviceChannelInitializer channelInitializer) {
        this.channelInitializer = channelInitializer;
    }}
