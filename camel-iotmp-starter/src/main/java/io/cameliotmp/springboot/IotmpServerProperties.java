package io.cameliotmp.springboot;

import java.time.Duration;

import io.cameliotmp.server.BackpressurePolicy;
import io.cameliotmp.server.DeviceAuthenticator;
import io.cameliotmp.server.DeviceChannelInitializer;
import io.cameliotmp.server.PropertyStore;
import io.cameliotmp.server.ServerCluster;
import io.cameliotmp.server.Transport;
import io.netty.handler.ssl.ClientAuth;
import org.apache.camel.support.jsse.SSLContextParameters;

/**
 * The server-wide options of the iotmp component (bind address, threads, transport, TLS, legacy ports,
 * authentication, cluster) as Spring Boot properties, as {@code IotmpServerOptions} has them as Camel options; part of
 * {@link IotmpComponentConfiguration}, whose class comment says how the properties are laid out.
 */
public abstract class IotmpServerProperties extends IotmpServerLimitProperties {

    /**
     * Address the embedded IOTMP server binds to.
     */
    private String host = "0.0.0.0";
    /**
     * TCP port of the embedded IOTMP server (Thinger's plain IOTMP port is 25204).
     */
    private Integer port = 25204;
    /**
     * At maxInFlight: PAUSE stops reading the device until routes catch up (nothing lost); DROP_SAMPLES drops and
     * counts stream samples instead.
     */
    private BackpressurePolicy backpressurePolicy = BackpressurePolicy.PAUSE;
    /**
     * How long a new connection may take to send its CONNECT before it is closed. The option is a java.time.Duration
     * type, such as 30s, 5m or PT30S; a bare number is milliseconds.
     */
    private Duration connectTimeout = Duration.ofSeconds(10);
    /**
     * When the server is drained for a rolling upgrade (the JMX operation drain, or IotmpServer.drain()), the
     * devices it sends DISCONNECT a second at most, so that they reconnect to the other cluster members without a
     * storm.
     */
    private Integer drainDevicesPerSecond = 100;
    /**
     * Netty I/O threads of the server; 0 uses Netty's default (twice the number of cores).
     */
    private Integer ioThreads;
    /**
     * Keep-alive interval in seconds (1 to 1800, the range a device may announce) assumed for devices that do not
     * announce one; a device silent for 1.15 times its interval is disconnected.
     */
    private Integer keepAlive = 60;
    /**
     * Also accept devices of the legacy Thinger protocol (the thinger.io Arduino library up to 2.40, the old Linux
     * client): listen on legacyPort and, with sslContextParameters, on legacyTlsPort, and tell the two protocols apart
     * by the first byte on every port. Such devices are reported with generation LEGACY.
     */
    private Boolean legacyEnabled = false;
    /**
     * Plain TCP port of legacy devices when legacyEnabled (their firmware has 25200 compiled in); 0 picks a free port,
     * -1 opens none.
     */
    private Integer legacyPort = 25200;
    /**
     * TLS port of legacy devices when legacyEnabled, opened only when sslContextParameters is set (their firmware has
     * 25202 compiled in); 0 picks a free port, -1 opens none.
     */
    private Integer legacyTlsPort = 25202;
    /**
     * Largest frame body accepted from a device, in bytes; a larger size header closes the connection before anything
     * is allocated.
     */
    private Integer maxFrameSize = 262144;
    /**
     * Most stream samples and device calls per device being processed by routes at once; beyond it the backpressure
     * policy applies.
     */
    private Integer maxInFlight = 64;
    /**
     * Most unanswered requests plus open streams per device.
     */
    private Integer maxPendingRequests = 256;
    /**
     * Deepest nesting of PSON values accepted.
     */
    private Integer maxPsonDepth = 32;
    /**
     * Use the native epoll transport when available.
     */
    private Boolean nativeTransport = true;
    /**
     * The server is behind a TCP load balancer (such as HAProxy with send-proxy-v2) that passes each device's
     * address: every connection must then start with a PROXY protocol v1 or v2 header, and its source address is the
     * device's for the per-address limits, registrations and logs; a connection without a valid header is closed.
     * The ports must then be reachable only by the balancer: whoever reaches them directly names their own address.
     */
    private Boolean proxyProtocol = false;
    /**
     * With transport=WEBSOCKET: the origins (scheme://host:port, comma-separated; * for any) of other sites' web
     * pages that may open a device connection. Browsers send their page's origin with every WebSocket upgrade; an
     * upgrade whose origin is neither the server's own (by its Host header) nor listed is refused with 403 before a
     * CONNECT can be sent, so that a page opened behind a fleet's network cannot guess credentials from that
     * network's address and have it blocked. Clients without an origin are not affected. Empty (the default): no
     * other site.
     */
    private String webSocketAllowedOrigins;
    /**
     * Threads that run device sessions, authentication and routes, so that a slow route never blocks network I/O;
     * each device stays on one thread, so its messages keep their order. 0 runs everything on the I/O threads
     * (fastest for non-blocking routes).
     */
    private Integer workerThreads = 16;
    /**
     * A Camel endpoint (such as direct:auth) that authenticates devices: it receives the credential as body and
     * CamelIotmpUser, CamelIotmpDevice, CamelIotmpRemoteAddress and CamelIotmpGeneration headers, and answers true
     * or false (or an AuthDecision).
     */
    private String authenticationUri;
    /**
     * Decides which devices may connect. Takes precedence over deviceCredentials and authenticationUri. The option is
     * a io.cameliotmp.server.DeviceAuthenticator type.
     */
    private DeviceAuthenticator authenticator;
    /**
     * Devices allowed to connect, as user/device=credential entries separated by commas; an entry whose device is an
     * asterisk accepts any device of that user with that credential.
     */
    private String deviceCredentials;
    /**
     * How devices reach the server: TCP (IOTMP directly on the stream) or WEBSOCKET (IOTMP bytes in text or
     * binary WebSocket frames on webSocketPath, subprotocol iotmp). Either runs over TLS when sslContextParameters is
     * set.
     */
    private Transport transport = Transport.TCP;
    /**
     * Builds the Netty pipeline of each device connection around the server's own handlers. Default: the server's
     * handlers only. The option is a io.cameliotmp.server.DeviceChannelInitializer type.
     */
    private DeviceChannelInitializer channelInitializer;
    /**
     * Where the built-in property services keep device properties, e.g. a JdbcPropertyStore so they survive
     * restarts. Default: in memory. The option is a io.cameliotmp.server.PropertyStore type.
     */
    private PropertyStore propertyStore;
    /**
     * The cluster this server is a member of: an io.cameliotmp.server.ServerCluster bean, such as
     * camel-iotmp-cluster's InfinispanCluster. Any member then reaches the devices connected to every member.
     * Default: this server alone. The option is a io.cameliotmp.server.ServerCluster type.
     */
    private ServerCluster serverCluster;
    /**
     * HTTP path of the WebSocket transport.
     */
    private String webSocketPath = "/iotmp";
    /**
     * Whether TLS devices must present a client certificate trusted by sslContextParameters: NONE, OPTIONAL or
     * REQUIRE.
     */
    private ClientAuth clientAuth = ClientAuth.NONE;
    /**
     * TLS configuration of the server (Thinger's TLS port is 25206). Without it the server speaks plain TCP or
     * WebSocket. The option is a org.apache.camel.support.jsse.SSLContextParameters type.
     */
    private SSLContextParameters sslContextParameters;
    /**
     * How long a TLS handshake may take before the connection is closed. The option is a java.time.Duration type, such
     * as 30s, 5m or PT30S; a bare number is milliseconds.
     */
    private Duration tlsHandshakeTimeout = Duration.ofSeconds(10);

    public String getHost() {
        return host;
    }

    public void setHost(String host) {
        this.host = host;
    }

    public Integer getPort() {
        return port;
    }

    public void setPort(Integer port) {
        this.port = port;
    }

    public BackpressurePolicy getBackpressurePolicy() {
        return backpressurePolicy;
    }

    public void setBackpressurePolicy(BackpressurePolicy backpressurePolicy) {
        this.backpressurePolicy = backpressurePolicy;
    }

    public Duration getConnectTimeout() {
        return connectTimeout;
    }

    public void setConnectTimeout(Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    public Integer getDrainDevicesPerSecond() {
        return drainDevicesPerSecond;
    }

    public void setDrainDevicesPerSecond(Integer drainDevicesPerSecond) {
        this.drainDevicesPerSecond = drainDevicesPerSecond;
    }

    public Integer getIoThreads() {
        return ioThreads;
    }

    public void setIoThreads(Integer ioThreads) {
        this.ioThreads = ioThreads;
    }

    public Integer getKeepAlive() {
        return keepAlive;
    }

    public void setKeepAlive(Integer keepAlive) {
        this.keepAlive = keepAlive;
    }

    public Boolean getLegacyEnabled() {
        return legacyEnabled;
    }

    public void setLegacyEnabled(Boolean legacyEnabled) {
        this.legacyEnabled = legacyEnabled;
    }

    public Integer getLegacyPort() {
        return legacyPort;
    }

    public void setLegacyPort(Integer legacyPort) {
        this.legacyPort = legacyPort;
    }

    public Integer getLegacyTlsPort() {
        return legacyTlsPort;
    }

    public void setLegacyTlsPort(Integer legacyTlsPort) {
        this.legacyTlsPort = legacyTlsPort;
    }

    public Integer getMaxFrameSize() {
        return maxFrameSize;
    }

    public void setMaxFrameSize(Integer maxFrameSize) {
        this.maxFrameSize = maxFrameSize;
    }

    public Integer getMaxInFlight() {
        return maxInFlight;
    }

    public void setMaxInFlight(Integer maxInFlight) {
        this.maxInFlight = maxInFlight;
    }

    public Integer getMaxPendingRequests() {
        return maxPendingRequests;
    }

    public void setMaxPendingRequests(Integer maxPendingRequests) {
        this.maxPendingRequests = maxPendingRequests;
    }

    public Integer getMaxPsonDepth() {
        return maxPsonDepth;
    }

    public void setMaxPsonDepth(Integer maxPsonDepth) {
        this.maxPsonDepth = maxPsonDepth;
    }

    public Boolean getNativeTransport() {
        return nativeTransport;
    }

    public void setNativeTransport(Boolean nativeTransport) {
        this.nativeTransport = nativeTransport;
    }

    public Boolean getProxyProtocol() {
        return proxyProtocol;
    }

    public void setProxyProtocol(Boolean proxyProtocol) {
        this.proxyProtocol = proxyProtocol;
    }

    public String getWebSocketAllowedOrigins() {
        return webSocketAllowedOrigins;
    }

    public void setWebSocketAllowedOrigins(String webSocketAllowedOrigins) {
        this.webSocketAllowedOrigins = webSocketAllowedOrigins;
    }

    public Integer getWorkerThreads() {
        return workerThreads;
    }

    public void setWorkerThreads(Integer workerThreads) {
        this.workerThreads = workerThreads;
    }

    public String getAuthenticationUri() {
        return authenticationUri;
    }

    public void setAuthenticationUri(String authenticationUri) {
        this.authenticationUri = authenticationUri;
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

    public Transport getTransport() {
        return transport;
    }

    public void setTransport(Transport transport) {
        this.transport = transport;
    }

    public DeviceChannelInitializer getChannelInitializer() {
        return channelInitializer;
    }

    public void setChannelInitializer(DeviceChannelInitializer channelInitializer) {
        this.channelInitializer = channelInitializer;
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

    public String getWebSocketPath() {
        return webSocketPath;
    }

    public void setWebSocketPath(String webSocketPath) {
        this.webSocketPath = webSocketPath;
    }

    public ClientAuth getClientAuth() {
        return clientAuth;
    }

    public void setClientAuth(ClientAuth clientAuth) {
        this.clientAuth = clientAuth;
    }

    public SSLContextParameters getSslContextParameters() {
        return sslContextParameters;
    }

    public void setSslContextParameters(SSLContextParameters sslContextParameters) {
        this.sslContextParameters = sslContextParameters;
    }

    public Duration getTlsHandshakeTimeout() {
        return tlsHandshakeTimeout;
    }

    public void setTlsHandshakeTimeout(Duration tlsHandshakeTimeout) {
        this.tlsHandshakeTimeout = tlsHandshakeTimeout;
    }
}
