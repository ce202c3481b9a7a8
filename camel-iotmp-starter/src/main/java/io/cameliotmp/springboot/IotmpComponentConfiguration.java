package io.cameliotmp.springboot;

import io.cameliotmp.camel.IotmpConfiguration;
import io.cameliotmp.camel.IotmpOperation;
import io.cameliotmp.server.BackpressurePolicy;
import io.cameliotmp.server.DeviceAuthenticator;
import io.cameliotmp.server.DeviceChannelInitializer;
import io.cameliotmp.server.PropertyStore;
import io.cameliotmp.server.ServerCluster;
import io.cameliotmp.server.Transport;
import io.netty.handler.ssl.ClientAuth;
import org.apache.camel.spring.boot.ComponentConfigurationPropertiesCommon;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Calls IOTMP devices and receives what they send, through the component's embedded IOTMP server.
 * <p>
 * One property per option of the iotmp component, with the component's names, defaults and descriptions, laid out
 * the way camel-spring-boot's generator lays out a component starter: primitive options become their wrapper types
 * so that an unset option stays null, and duration options whose Java type is {@code long} stay {@code Long}
 * milliseconds. {@code IotmpStarterMetadataTest} checks this class against the component's {@code iotmp.json}.
 */
@ConfigurationProperties(prefix = "camel.component.iotmp")
public class IotmpComponentConfiguration extends ComponentConfigurationPropertiesCommon {

    /**
     * Whether to enable auto configuration of the iotmp component. This is enabled by default.
     */
    // Never read: the inherited isEnabled/setEnabled do the binding. The field exists, as in Camel's generated
    // starters, so that the configuration processor puts this description in the metadata.
    @SuppressWarnings("unused")
    private Boolean enabled;
    /**
     * Default options of the embedded servers and endpoints; endpoint URIs override them. The option is a
     * io.cameliotmp.camel.IotmpConfiguration type.
     */
    private IotmpConfiguration configuration;
    /**
     * Address the embedded IOTMP server binds to.
     */
    private String host = "0.0.0.0";
    /**
     * TCP port of the embedded IOTMP server (Thinger's plain IOTMP port is 25204).
     */
    private Integer port = 25204;
    /**
     * How long a call to a device may wait for its answer. The option is a long type.
     */
    private Long requestTimeout = 10000L;
    /**
     * Allows for bridging the consumer to the Camel routing Error Handler, which mean any exceptions (if possible)
     * occurred while the Camel consumer is trying to pickup incoming messages, or the likes, will now be processed as
     * a message and handled by the routing Error Handler. Important: This is only possible if the 3rd party component
     * allows Camel to be alerted if an exception was thrown. Some components handle this internally only, and
     * therefore bridgeErrorHandler is not possible. In other situations we may improve the Camel component to hook
     * into the 3rd party component and make this possible for future releases. By default the consumer will use the
     * org.apache.camel.spi.ExceptionHandler to deal with exceptions, that will be logged at WARN or ERROR level and
     * ignored.
     */
    private Boolean bridgeErrorHandler = false;
    /**
     * Device stream consumers: deliver samples in batches of at most this many, as a list of IotmpSample records
     * (each with its user, device, resource, stream id, timestamp and payload), in the order they arrived; a batch is
     * acknowledged as a whole, so backpressure holds. 0 delivers one exchange per sample.
     */
    private Integer batchSize = 0;
    /**
     * With batchSize: the longest a sample waits for its batch to fill before the batch is delivered as it is. The
     * option is a long type.
     */
    private Long batchTimeout = 1000L;
    /**
     * Stream sampling interval; 0 streams on change (event mode). Device consumers sharing a resource share one
     * device stream and each receives samples at its own interval. The option is a long type.
     */
    private Long interval = 0L;
    /**
     * Whether the producer should be started lazy (on the first message). By starting lazy you can use this to allow
     * CamelContext and routes to startup in situations where a producer may otherwise fail during starting and cause
     * the route to fail being started. By deferring this startup to be lazy then the startup failure can be handled
     * during routing messages via Camel's routing error handlers. Beware that when the first message is processed
     * then creating and starting the producer may take a little time and prolong the total processing time of the
     * processing.
     */
    private Boolean lazyStartProducer = false;
    /**
     * What the producer does with the device resource.
     */
    private IotmpOperation operation = IotmpOperation.run;
    /**
     * Whether autowiring is enabled. This is used for automatic autowiring options (the option must be marked as
     * autowired) by looking up in the registry to find if there is a single instance of matching type, which then
     * gets configured on the component. This can be used for automatic configuring JDBC data sources, JMS connection
     * factories, AWS Clients, etc.
     */
    private Boolean autowiredEnabled = true;
    /**
     * At maxInFlight: PAUSE stops reading the device until routes catch up (nothing lost); DROP_SAMPLES drops and
     * counts stream samples instead.
     */
    private BackpressurePolicy backpressurePolicy = BackpressurePolicy.PAUSE;
    /**
     * How long a new connection may take to send its CONNECT before it is closed. The option is a long type.
     */
    private Long connectTimeout = 10000L;
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
     * Keep-alive interval in seconds assumed for devices that do not announce one; a device silent for 1.15 times its
     * interval is disconnected.
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
     * Threads that run device sessions, authentication and routes, so that a slow route never blocks network I/O;
     * each device stays on one thread, so its messages keep their order. 0 runs everything on the I/O threads
     * (fastest for non-blocking routes).
     */
    private Integer workerThreads = 16;
    /**
     * A Camel endpoint (such as direct:auth) that authenticates devices: it receives the credential as body and
     * CamelIotmpUser, CamelIotmpDevice and CamelIotmpRemoteAddress headers, and answers true or false (or an
     * AuthDecision).
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
     * topic producer: keep the message as the topic's retained message, delivered to devices that subscribe later.
     */
    private Boolean retained = false;
    /**
     * Builds the Netty pipeline of each device connection around the server's own handlers, e.g. to put an
     * HAProxyMessageDecoder first behind a proxy that speaks the PROXY protocol. Default: the server's handlers only.
     * The option is a io.cameliotmp.server.DeviceChannelInitializer type.
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
     * How long a TLS handshake may take before the connection is closed. The option is a long type.
     */
    private Long tlsHandshakeTimeout = 10000L;
    /**
     * Use the global SSL context parameters of the Camel context when an endpoint sets no sslContextParameters.
     */
    private Boolean useGlobalSslContextParameters = false;

    /**
     * startStream: a Camel endpoint (such as direct:terminal) that receives the device's data on the new stream,
     * one exchange per STREAM_DATA, and a last exchange with the CamelIotmpStreamEnded header when the stream ends.
     * Without it the samples go to the on-change device consumers of the resource. Suits byte sessions ($terminal,
     * $cmd, $proxy).
     */
    private String streamTo;
    /**
     * download: the chunk size asked of the device, in bytes.
     */
    private Integer chunkSize = 65536;
    /**
     * firmwareUpdate: how long to wait for the device to reconnect after its reboot, before its version is checked; 0
     * does not wait (the report then says STAGED). The option is a long type.
     */
    private Long firmwareRebootTimeout = 300000L;
    /**
     * firmwareUpdate: a Camel endpoint (such as seda:ota-progress) that receives the progress of each update: one
     * exchange per step and per whole percent sent, with the CamelIotmpFirmwareStep, CamelIotmpFirmwareSentBytes and
     * CamelIotmpFirmwareTotalBytes headers.
     */
    private String firmwareProgressTo;

    /**
     * Open device connections at most; beyond it new connections are closed at once.
     */
    private Integer maxConnections = 20000;
    /**
     * New connections accepted per second (with one second of burst), so a storm of reconnecting devices cannot
     * starve the server; 0 for no limit.
     */
    private Integer maxConnectionsPerSecond = 10000;
    /**
     * Distinct devices (user and device id) that fail to authenticate from one remote address (an IPv6 address by its
     * /64 prefix) within a minute before that address is refused for authFailureBlock; a device retrying the same wrong
     * credential counts once. 0 for no limit.
     */
    private Integer maxAuthFailuresPerAddress = 20;
    /**
     * Failed authentications per minute of one device id from one remote address before that device is refused from
     * that address for authFailureBlock, doubled at every further block (up to 64 times); the same device from another
     * address is not affected. 0 for no limit.
     */
    private Integer maxAuthFailuresPerDevice = 10;
    /**
     * How long a remote address, or a device at its first block, is refused after too many failed authentications. The
     * option is a long type.
     */
    private Long authFailureBlock = 60000L;
    /**
     * How long a started frame may take to arrive completely, checked by a timer; a sender that stalls or drips bytes
     * to look alive is disconnected after it. The option is a long type.
     */
    private Long frameReadTimeout = 30000L;
    /**
     * Bytes queued for a device that does not read before it is disconnected.
     */
    private Long maxPendingWriteBytes = 1048576L;
    /**
     * Largest frame body accepted before the device is authenticated, in bytes (a CONNECT is three short strings); a
     * larger size header closes the connection.
     */
    private Integer maxFrameSizeBeforeLogin = 4096;
    /**
     * Longest user name and device id accepted in a CONNECT, in characters; a longer one is refused before it is stored
     * or logged, and counts as a failed authentication.
     */
    private Integer maxIdentifierLength = 128;
    /**
     * Longest credential accepted in a CONNECT, in characters; a longer one is refused and counts as a failed
     * authentication.
     */
    private Integer maxCredentialLength = 1024;
    /**
     * Bytes of partially received frames the server holds for all its connections together; a connection whose started
     * frame does not fit is closed.
     */
    private Long maxPartialFrameBytes = 67108864L;
    /**
     * Connections from one remote address (an IPv6 address by its /64 prefix) whose device has not authenticated yet;
     * beyond it new connections from that address are closed at once. 0 for no limit.
     */
    private Integer maxUnauthenticatedPerAddress = 128;
    /**
     * Entries kept about failed authentications in each of two tables of fixed-size entries (per address, and per
     * device and address); when one is full an entry that blocks nothing is forgotten first, else the least recently
     * used.
     */
    private Integer maxTrackedAuthFailures = 65536;
    /**
     * Largest frame the server sends a device, in bytes: devices drop the connection on a larger one (IOTMP-Embedded
     * accepts 32 KiB by default, ESP-IDF builds 4 KiB, IOTMP-Linux 256 KiB). A call whose frame would be larger fails
     * with FrameTooLargeForDeviceException and the device stays connected.
     */
    private Integer maxOutboundFrameSize = 32768;
    /**
     * Heap the decoded values of one frame may take, in bytes, as the decoder estimates it (a few dozen bytes per map,
     * list, entry and number, strings and byte arrays by their length); a frame beyond it is malformed: closed before
     * authentication, dropped after.
     */
    private Long maxDecodedFrameBytes = 4194304L;
    /**
     * Properties one device may keep in the in-memory property store; setting one more is refused with ERROR 429.
     */
    private Integer maxPropertiesPerDevice = 128;
    /**
     * Bytes of property names and PSON-encoded values one device may keep in the in-memory property store; a write
     * beyond it is refused with ERROR 413.
     */
    private Long maxPropertyBytesPerDevice = 65536L;
    /**
     * Sync lock slots the devices of one user may hold at once; one more is refused with ERROR 429.
     */
    private Integer maxLocksPerUser = 256;
    /**
     * Retained topic messages kept for one user (route publications without a user count as one more user); beyond it a
     * route's retained publication fails and a device's is delivered but not retained.
     */
    private Integer maxRetainedPerUser = 256;
    /**
     * Bytes of topic names and PSON-encoded payloads of one user's retained messages; beyond it, as beyond
     * maxRetainedPerUser.
     */
    private Long maxRetainedBytesPerUser = 1048576L;

    /**
     * Publish server metrics to Micrometer when it is on the classpath and the registry holds exactly one
     * MeterRegistry (as with camel-micrometer or Spring Boot actuator), and register the iotmp health check when the
     * context has health checks enabled.
     */
    private Boolean metricsEnabled = true;

    public IotmpConfiguration getConfiguration() {
        return configuration;
    }

    public void setConfiguration(IotmpConfiguration configuration) {
        this.configuration = configuration;
    }

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

    public Long getRequestTimeout() {
        return requestTimeout;
    }

    public void setRequestTimeout(Long requestTimeout) {
        this.requestTimeout = requestTimeout;
    }

    public Boolean getBridgeErrorHandler() {
        return bridgeErrorHandler;
    }

    public void setBridgeErrorHandler(Boolean bridgeErrorHandler) {
        this.bridgeErrorHandler = bridgeErrorHandler;
    }

    public Integer getBatchSize() {
        return batchSize;
    }

    public void setBatchSize(Integer batchSize) {
        this.batchSize = batchSize;
    }

    public Long getBatchTimeout() {
        return batchTimeout;
    }

    public void setBatchTimeout(Long batchTimeout) {
        this.batchTimeout = batchTimeout;
    }

    public Long getInterval() {
        return interval;
    }

    public void setInterval(Long interval) {
        this.interval = interval;
    }

    public Boolean getLazyStartProducer() {
        return lazyStartProducer;
    }

    public void setLazyStartProducer(Boolean lazyStartProducer) {
        this.lazyStartProducer = lazyStartProducer;
    }

    public IotmpOperation getOperation() {
        return operation;
    }

    public void setOperation(IotmpOperation operation) {
        this.operation = operation;
    }

    public Boolean getAutowiredEnabled() {
        return autowiredEnabled;
    }

    public void setAutowiredEnabled(Boolean autowiredEnabled) {
        this.autowiredEnabled = autowiredEnabled;
    }

    public BackpressurePolicy getBackpressurePolicy() {
        return backpressurePolicy;
    }

    public void setBackpressurePolicy(BackpressurePolicy backpressurePolicy) {
        this.backpressurePolicy = backpressurePolicy;
    }

    public Long getConnectTimeout() {
        return connectTimeout;
    }

    public void setConnectTimeout(Long connectTimeout) {
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

    public Boolean getRetained() {
        return retained;
    }

    public void setRetained(Boolean retained) {
        this.retained = retained;
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

    public Long getTlsHandshakeTimeout() {
        return tlsHandshakeTimeout;
    }

    public void setTlsHandshakeTimeout(Long tlsHandshakeTimeout) {
        this.tlsHandshakeTimeout = tlsHandshakeTimeout;
    }

    public Boolean getUseGlobalSslContextParameters() {
        return useGlobalSslContextParameters;
    }

    public void setUseGlobalSslContextParameters(Boolean useGlobalSslContextParameters) {
        this.useGlobalSslContextParameters = useGlobalSslContextParameters;
    }

    public String getStreamTo() {
        return streamTo;
    }

    public void setStreamTo(String streamTo) {
        this.streamTo = streamTo;
    }

    public Integer getChunkSize() {
        return chunkSize;
    }

    public void setChunkSize(Integer chunkSize) {
        this.chunkSize = chunkSize;
    }

    public Long getFirmwareRebootTimeout() {
        return firmwareRebootTimeout;
    }

    public void setFirmwareRebootTimeout(Long firmwareRebootTimeout) {
        this.firmwareRebootTimeout = firmwareRebootTimeout;
    }

    public String getFirmwareProgressTo() {
        return firmwareProgressTo;
    }

    public void setFirmwareProgressTo(String firmwareProgressTo) {
        this.firmwareProgressTo = firmwareProgressTo;
    }

    public Integer getMaxConnections() {
        return maxConnections;
    }

    public void setMaxConnections(Integer maxConnections) {
        this.maxConnections = maxConnections;
    }

    public Integer getMaxConnectionsPerSecond() {
        return maxConnectionsPerSecond;
    }

    public void setMaxConnectionsPerSecond(Integer maxConnectionsPerSecond) {
        this.maxConnectionsPerSecond = maxConnectionsPerSecond;
    }

    public Integer getMaxAuthFailuresPerAddress() {
        return maxAuthFailuresPerAddress;
    }

    public void setMaxAuthFailuresPerAddress(Integer maxAuthFailuresPerAddress) {
        this.maxAuthFailuresPerAddress = maxAuthFailuresPerAddress;
    }

    public Integer getMaxAuthFailuresPerDevice() {
        return maxAuthFailuresPerDevice;
    }

    public void setMaxAuthFailuresPerDevice(Integer maxAuthFailuresPerDevice) {
        this.maxAuthFailuresPerDevice = maxAuthFailuresPerDevice;
    }

    public Long getAuthFailureBlock() {
        return authFailureBlock;
    }

    public void setAuthFailureBlock(Long authFailureBlock) {
        this.authFailureBlock = authFailureBlock;
    }

    public Long getFrameReadTimeout() {
        return frameReadTimeout;
    }

    public void setFrameReadTimeout(Long frameReadTimeout) {
        this.frameReadTimeout = frameReadTimeout;
    }

    public Long getMaxPendingWriteBytes() {
        return maxPendingWriteBytes;
    }

    public void setMaxPendingWriteBytes(Long maxPendingWriteBytes) {
        this.maxPendingWriteBytes = maxPendingWriteBytes;
    }

    public Integer getMaxFrameSizeBeforeLogin() {
        return maxFrameSizeBeforeLogin;
    }

    public void setMaxFrameSizeBeforeLogin(Integer maxFrameSizeBeforeLogin) {
        this.maxFrameSizeBeforeLogin = maxFrameSizeBeforeLogin;
    }

    public Integer getMaxIdentifierLength() {
        return maxIdentifierLength;
    }

    public void setMaxIdentifierLength(Integer maxIdentifierLength) {
        this.maxIdentifierLength = maxIdentifierLength;
    }

    public Integer getMaxCredentialLength() {
        return maxCredentialLength;
    }

    public void setMaxCredentialLength(Integer maxCredentialLength) {
        this.maxCredentialLength = maxCredentialLength;
    }

    public Long getMaxPartialFrameBytes() {
        return maxPartialFrameBytes;
    }

    public void setMaxPartialFrameBytes(Long maxPartialFrameBytes) {
        this.maxPartialFrameBytes = maxPartialFrameBytes;
    }

    public Integer getMaxUnauthenticatedPerAddress() {
        return maxUnauthenticatedPerAddress;
    }

    public void setMaxUnauthenticatedPerAddress(Integer maxUnauthenticatedPerAddress) {
        this.maxUnauthenticatedPerAddress = maxUnauthenticatedPerAddress;
    }

    public Integer getMaxTrackedAuthFailures() {
        return maxTrackedAuthFailures;
    }

    public void setMaxTrackedAuthFailures(Integer maxTrackedAuthFailures) {
        this.maxTrackedAuthFailures = maxTrackedAuthFailures;
    }

    public Integer getMaxOutboundFrameSize() {
        return maxOutboundFrameSize;
    }

    public void setMaxOutboundFrameSize(Integer maxOutboundFrameSize) {
        this.maxOutboundFrameSize = maxOutboundFrameSize;
    }

    public Long getMaxDecodedFrameBytes() {
        return maxDecodedFrameBytes;
    }

    public void setMaxDecodedFrameBytes(Long maxDecodedFrameBytes) {
        this.maxDecodedFrameBytes = maxDecodedFrameBytes;
    }

    public Integer getMaxPropertiesPerDevice() {
        return maxPropertiesPerDevice;
    }

    public void setMaxPropertiesPerDevice(Integer maxPropertiesPerDevice) {
        this.maxPropertiesPerDevice = maxPropertiesPerDevice;
    }

    public Long getMaxPropertyBytesPerDevice() {
        return maxPropertyBytesPerDevice;
    }

    public void setMaxPropertyBytesPerDevice(Long maxPropertyBytesPerDevice) {
        this.maxPropertyBytesPerDevice = maxPropertyBytesPerDevice;
    }

    public Integer getMaxLocksPerUser() {
        return maxLocksPerUser;
    }

    public void setMaxLocksPerUser(Integer maxLocksPerUser) {
        this.maxLocksPerUser = maxLocksPerUser;
    }

    public Integer getMaxRetainedPerUser() {
        return maxRetainedPerUser;
    }

    public void setMaxRetainedPerUser(Integer maxRetainedPerUser) {
        this.maxRetainedPerUser = maxRetainedPerUser;
    }

    public Long getMaxRetainedBytesPerUser() {
        return maxRetainedBytesPerUser;
    }

    public void setMaxRetainedBytesPerUser(Long maxRetainedBytesPerUser) {
        this.maxRetainedBytesPerUser = maxRetainedBytesPerUser;
    }

    public Boolean getMetricsEnabled() {
        return metricsEnabled;
    }

    public void setMetricsEnabled(Boolean metricsEnabled) {
        this.metricsEnabled = metricsEnabled;
    }
}
