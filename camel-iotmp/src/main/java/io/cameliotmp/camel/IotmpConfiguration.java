package io.cameliotmp.camel;

import java.time.Duration;

import io.cameliotmp.server.BackpressurePolicy;
import io.cameliotmp.server.DeviceAuthenticator;
import io.cameliotmp.server.DeviceChannelInitializer;
import io.cameliotmp.server.IotmpServerConfig;
import io.cameliotmp.server.IotmpServerConfig.Limits;
import io.cameliotmp.server.IotmpServerConfig.Quotas;
import io.cameliotmp.server.LegacyListeners;
import io.cameliotmp.server.PropertyStore;
import io.cameliotmp.server.ServerCluster;
import io.cameliotmp.server.ServerMetrics;
import io.cameliotmp.server.StaticAuthenticator;
import io.cameliotmp.server.Transport;
import io.cameliotmp.server.ota.FirmwareUpdateOptions;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import org.apache.camel.CamelContext;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriParams;
import org.apache.camel.support.jsse.SSLContextParameters;

/**
 * Options of the iotmp component and its endpoints. The server options describe the embedded server an endpoint
 * uses; endpoints that name the same host and port share one server and must agree on them.
 */
@UriParams
public class IotmpConfiguration implements Cloneable {

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
              description = "Keep-alive interval in seconds assumed for devices that do not announce one; a "
                            + "device silent for 1.15 times its interval is disconnected.")
    private int keepAlive = IotmpServerConfig.DEFAULT_KEEP_ALIVE_SECONDS;

    @UriParam(label = "common", defaultValue = "" + IotmpServerConfig.DEFAULT_REQUEST_TIMEOUT_MILLIS,
              javaType = "java.time.Duration",
              description = "How long a call to a device may wait for its answer.")
    private long requestTimeout = IotmpServerConfig.DEFAULT_REQUEST_TIMEOUT_MILLIS;

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

    @UriParam(label = "advanced", defaultValue = "PAUSE",
              description = "At maxInFlight: PAUSE stops reading the device until routes catch up (nothing lost); "
                            + "DROP_SAMPLES drops and counts stream samples instead.")
    private BackpressurePolicy backpressurePolicy = BackpressurePolicy.PAUSE;

    @UriParam(label = "advanced", defaultValue = "true",
              description = "Use the native epoll transport when available.")
    private boolean nativeTransport = true;

    @UriParam(label = "common", defaultValue = "TCP", enums = "TCP,WEBSOCKET",
              description = "How devices reach the server: TCP (IOTMP directly on the stream) or WEBSOCKET (IOTMP "
                            + "bytes in text or binary WebSocket frames on webSocketPath, subprotocol iotmp). "
                            + "Either runs over TLS when sslContextParameters is set.")
    private Transport transport = Transport.TCP;

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

    @UriParam(label = "security", defaultValue = "" + Limits.DEFAULT_MAX_CONNECTIONS,
              description = "Open device connections at most; beyond it new connections are closed at once.")
    private int maxConnections = Limits.DEFAULT_MAX_CONNECTIONS;

    @UriParam(label = "security", defaultValue = "" + Limits.DEFAULT_MAX_CONNECTIONS_PER_SECOND,
              description = "New connections accepted per second (with one second of burst), so a storm of "
                            + "reconnecting devices cannot starve the server; 0 for no limit.")
    private int maxConnectionsPerSecond = Limits.DEFAULT_MAX_CONNECTIONS_PER_SECOND;

    @UriParam(label = "security", defaultValue = "" + Limits.DEFAULT_MAX_AUTH_FAILURES_PER_ADDRESS,
              description = "Distinct devices (user and device id) that fail to authenticate from one remote "
                            + "address (an IPv6 address by its /64 prefix) within a minute before that address is "
                            + "refused for authFailureBlock; a device retrying the same wrong credential counts "
                            + "once. 0 for no limit.")
    private int maxAuthFailuresPerAddress = Limits.DEFAULT_MAX_AUTH_FAILURES_PER_ADDRESS;

    @UriParam(label = "security", defaultValue = "" + Limits.DEFAULT_MAX_AUTH_FAILURES_PER_DEVICE,
              description = "Failed authentications per minute of one device id from one remote address before "
                            + "that device is refused from that address for authFailureBlock, doubled at every "
                            + "further block (up to 64 times); the same device from another address is not "
                            + "affected. 0 for no limit.")
    private int maxAuthFailuresPerDevice = Limits.DEFAULT_MAX_AUTH_FAILURES_PER_DEVICE;

    @UriParam(label = "security", defaultValue = "" + Limits.DEFAULT_AUTH_FAILURE_BLOCK_MILLIS,
              javaType = "java.time.Duration",
              description = "How long a remote address, or a device at its first block, is refused after too "
                            + "many failed authentications.")
    private long authFailureBlock = Limits.DEFAULT_AUTH_FAILURE_BLOCK_MILLIS;

    @UriParam(label = "security", defaultValue = "" + Limits.DEFAULT_FRAME_READ_TIMEOUT_MILLIS,
              javaType = "java.time.Duration",
              description = "How long a started frame may take to arrive completely, checked by a timer; a sender "
                            + "that stalls or drips bytes to look alive is disconnected after it.")
    private long frameReadTimeout = Limits.DEFAULT_FRAME_READ_TIMEOUT_MILLIS;

    @UriParam(label = "security", defaultValue = "" + Limits.DEFAULT_MAX_PENDING_WRITE_BYTES,
              description = "Bytes queued for a device that does not read before it is disconnected.")
    private long maxPendingWriteBytes = Limits.DEFAULT_MAX_PENDING_WRITE_BYTES;

    @UriParam(label = "security", defaultValue = "" + Limits.DEFAULT_MAX_OUTBOUND_FRAME_SIZE,
              description = "Largest frame the server sends a device, in bytes: devices drop the connection on a "
                            + "larger one (IOTMP-Embedded accepts 32 KiB by default, ESP-IDF builds 4 KiB, "
                            + "IOTMP-Linux 256 KiB). A call whose frame would be larger fails with "
                            + "FrameTooLargeForDeviceException and the device stays connected.")
    private int maxOutboundFrameSize = Limits.DEFAULT_MAX_OUTBOUND_FRAME_SIZE;

    @UriParam(label = "security", defaultValue = "" + Limits.DEFAULT_MAX_FRAME_SIZE_BEFORE_LOGIN,
              description = "Largest frame body accepted before the device is authenticated, in bytes (a CONNECT "
                            + "is three short strings); a larger size header closes the connection.")
    private int maxFrameSizeBeforeLogin = Limits.DEFAULT_MAX_FRAME_SIZE_BEFORE_LOGIN;

    @UriParam(label = "security", defaultValue = "" + Limits.DEFAULT_MAX_IDENTIFIER_LENGTH,
              description = "Longest user name and device id accepted in a CONNECT, in characters; a longer one "
                            + "is refused before it is stored or logged, and counts as a failed authentication.")
    private int maxIdentifierLength = Limits.DEFAULT_MAX_IDENTIFIER_LENGTH;

    @UriParam(label = "security", defaultValue = "" + Limits.DEFAULT_MAX_CREDENTIAL_LENGTH,
              description = "Longest credential accepted in a CONNECT, in characters; a longer one is refused and "
                            + "counts as a failed authentication.")
    private int maxCredentialLength = Limits.DEFAULT_MAX_CREDENTIAL_LENGTH;

    @UriParam(label = "security", defaultValue = "" + Limits.DEFAULT_MAX_PARTIAL_FRAME_BYTES,
              description = "Bytes of partially received frames the server holds for all its connections "
                            + "together; a connection whose started frame does not fit is closed.")
    private long maxPartialFrameBytes = Limits.DEFAULT_MAX_PARTIAL_FRAME_BYTES;

    @UriParam(label = "security", defaultValue = "" + Limits.DEFAULT_MAX_UNAUTHENTICATED_PER_ADDRESS,
              description = "Connections from one remote address (an IPv6 address by its /64 prefix) whose device "
                            + "has not authenticated yet; beyond it new connections from that address are closed "
                            + "at once. 0 for no limit.")
    private int maxUnauthenticatedPerAddress = Limits.DEFAULT_MAX_UNAUTHENTICATED_PER_ADDRESS;

    @UriParam(label = "security", defaultValue = "" + Limits.DEFAULT_MAX_TRACKED_AUTH_FAILURES,
              description = "Entries kept about failed authentications in each of two tables of fixed-size "
                            + "entries (per address, and per device and address); when one is full an entry that "
                            + "blocks nothing is forgotten first, else the least recently used.")
    private int maxTrackedAuthFailures = Limits.DEFAULT_MAX_TRACKED_AUTH_FAILURES;

    @UriParam(label = "security", defaultValue = "" + Limits.DEFAULT_MAX_DECODED_FRAME_BYTES,
              description = "Heap the decoded values of one frame may take, in bytes, as the decoder estimates it "
                            + "(a few dozen bytes per map, list, entry and number, strings and byte arrays by their "
                            + "length); a frame beyond it is malformed: closed before authentication, dropped "
                            + "after.")
    private long maxDecodedFrameBytes = Limits.DEFAULT_MAX_DECODED_FRAME_BYTES;

    @UriParam(label = "security", defaultValue = "" + Quotas.DEFAULT_MAX_PROPERTIES_PER_DEVICE,
              description = "Properties one device may keep in the in-memory property store; setting one more is "
                            + "refused with ERROR 429.")
    private int maxPropertiesPerDevice = Quotas.DEFAULT_MAX_PROPERTIES_PER_DEVICE;

    @UriParam(label = "security", defaultValue = "" + Quotas.DEFAULT_MAX_PROPERTY_BYTES_PER_DEVICE,
              description = "Bytes of property names and PSON-encoded values one device may keep in the in-memory "
                            + "property store; a write beyond it is refused with ERROR 413.")
    private long maxPropertyBytesPerDevice = Quotas.DEFAULT_MAX_PROPERTY_BYTES_PER_DEVICE;

    @UriParam(label = "security", defaultValue = "" + Quotas.DEFAULT_MAX_LOCKS_PER_USER,
              description = "Sync lock slots the devices of one user may hold at once; one more is refused with "
                            + "ERROR 429.")
    private int maxLocksPerUser = Quotas.DEFAULT_MAX_LOCKS_PER_USER;

    @UriParam(label = "security", defaultValue = "" + Quotas.DEFAULT_MAX_RETAINED_PER_USER,
              description = "Retained topic messages kept for one user (route publications without a user count "
                            + "as one more user); beyond it a route's retained publication fails and a device's is "
                            + "delivered but not retained.")
    private int maxRetainedPerUser = Quotas.DEFAULT_MAX_RETAINED_PER_USER;

    @UriParam(label = "security", defaultValue = "" + Quotas.DEFAULT_MAX_RETAINED_BYTES_PER_USER,
              description = "Bytes of topic names and PSON-encoded payloads of one user's retained messages; "
                            + "beyond it, as beyond maxRetainedPerUser.")
    private long maxRetainedBytesPerUser = Quotas.DEFAULT_MAX_RETAINED_BYTES_PER_USER;

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
                            + "credential as body and CamelIotmpUser, CamelIotmpDevice and CamelIotmpRemoteAddress "
                            + "headers, and answers true or false (or an AuthDecision).")
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
              description = "Builds the Netty pipeline of each device connection around the server's own handlers, "
                            + "e.g. to put an HAProxyMessageDecoder first behind a proxy that speaks the PROXY "
                            + "protocol. Default: the server's handlers only.")
    private DeviceChannelInitializer channelInitializer;

    @UriParam(label = "producer", defaultValue = "run",
              enums = "run,describe,startStream,stopStream,sendStreamData,devices,status,download,getProperty,"
                      + "setProperty,firmwareUpdate",
              description = "What the producer does with the device resource.")
    private IotmpOperation operation = IotmpOperation.run;

    @UriParam(label = "producer",
              description = "startStream: a Camel endpoint (such as direct:terminal) that receives the device's "
                            + "data on the new stream, one exchange per STREAM_DATA, and a last exchange with the "
                            + "CamelIotmpStreamEnded header when the stream ends. Without it the samples go to the "
                            + "on-change device consumers of the resource. Suits byte sessions ($terminal, $cmd, "
                            + "$proxy).")
    private String streamTo;

    @UriParam(label = "producer", defaultValue = "65536",
              description = "download: the chunk size asked of the device, in bytes.")
    private int chunkSize = 65536;

    @UriParam(label = "producer", defaultValue = "" + FirmwareUpdateOptions.DEFAULT_REBOOT_TIMEOUT_MILLIS,
              javaType = "java.time.Duration",
              description = "firmwareUpdate: how long to wait for the device to reconnect after its reboot, before "
                            + "its version is checked; 0 does not wait (the report then says STAGED).")
    private long firmwareRebootTimeout = FirmwareUpdateOptions.DEFAULT_REBOOT_TIMEOUT_MILLIS;

    @UriParam(label = "producer",
              description = "firmwareUpdate: a Camel endpoint (such as seda:ota-progress) that receives the "
                            + "progress of each update: one exchange per step and per whole percent sent, with the "
                            + "CamelIotmpFirmwareStep, CamelIotmpFirmwareSentBytes and CamelIotmpFirmwareTotalBytes "
                            + "headers.")
    private String firmwareProgressTo;

    @UriParam(label = "producer", defaultValue = "false",
              description = "topic producer: keep the message as the topic's retained message, delivered to "
                            + "devices that subscribe later.")
    private boolean retained;

    @UriParam(label = "consumer", defaultValue = "0",
              description = "Device stream consumers: deliver samples in batches of at most this many, as a "
                            + "list of IotmpSample records (each with its user, device, resource, stream id, "
                            + "timestamp and payload), in the order they arrived; a batch is acknowledged as a "
                            + "whole, so backpressure holds. 0 delivers one exchange per sample.")
    private int batchSize;

    @UriParam(label = "consumer", defaultValue = "1000", javaType = "java.time.Duration",
              description = "With batchSize: the longest a sample waits for its batch to fill before the batch is "
                            + "delivered as it is.")
    private long batchTimeout = 1000;

    @UriParam(label = "consumer,producer", javaType = "java.time.Duration", defaultValue = "0",
              description = "Stream sampling interval; 0 streams on change (event mode). Device consumers sharing "
                            + "a resource share one device stream and each receives samples at its own interval.")
    private long interval;

    public IotmpConfiguration copy() {
        try {
            return (IotmpConfiguration) clone();
        } catch (CloneNotSupportedException e) {
            throw new RuntimeCamelException(e);
        }
    }

    /**
     * The server this configuration describes; equal configurations yield equal server configurations. Per-call
     * options (operation, interval, requestTimeout) stay with the endpoint, so endpoints that differ only in those
     * share a server.
     */
    IotmpServerConfig toServerConfig(CamelContext context, SslContext sslContext, ServerMetrics.Factory metrics) {
        return IotmpServerConfig.builder()
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
                .channelInitializer(channelInitializer != null ? channelInitializer : DeviceChannelInitializer.DEFAULT)
                .metrics(metrics)
                .limits(Limits.builder()
                        .maxConnections(maxConnections)
                        .maxConnectionsPerSecond(maxConnectionsPerSecond)
                        .maxAuthFailuresPerAddress(maxAuthFailuresPerAddress)
                        .maxAuthFailuresPerDevice(maxAuthFailuresPerDevice)
                        .authFailureBlock(Duration.ofMillis(authFailureBlock))
                        .frameReadTimeout(Duration.ofMillis(frameReadTimeout))
                        .maxPendingWriteBytes(maxPendingWriteBytes)
                        .maxFrameSizeBeforeLogin(maxFrameSizeBeforeLogin)
                        .maxIdentifierLength(maxIdentifierLength)
                        .maxCredentialLength(maxCredentialLength)
                        .maxPartialFrameBytes(maxPartialFrameBytes)
                        .maxUnauthenticatedPerAddress(maxUnauthenticatedPerAddress)
                        .maxTrackedAuthFailures(maxTrackedAuthFailures)
                        .maxDecodedFrameBytes(maxDecodedFrameBytes)
                        .maxOutboundFrameSize(maxOutboundFrameSize)
                        .build())
                .quotas(Quotas.builder()
                        .maxPropertiesPerDevice(maxPropertiesPerDevice)
                        .maxPropertyBytesPerDevice(maxPropertyBytesPerDevice)
                        .maxLocksPerUser(maxLocksPerUser)
                        .maxRetainedPerUser(maxRetainedPerUser)
                        .maxRetainedBytesPerUser(maxRetainedBytesPerUser)
                        .build())
                .build();
    }

    private DeviceAuthenticator resolveAuthenticator(CamelContext context) {
        if (authenticator != null) {
            return authenticator;
        }
        if (deviceCredentials != null && !deviceCredentials.isBlank()) {
            return StaticAuthenticator.parse(deviceCredentials);
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

    public long getRequestTimeout() {
        return requestTimeout;
    }

    public void setRequestTimeout(long requestTimeout) {
        this.requestTimeout = requestTimeout;
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

    public int getMaxConnections() {
        return maxConnections;
    }

    public void setMaxConnections(int maxConnections) {
        this.maxConnections = maxConnections;
    }

    public int getMaxConnectionsPerSecond() {
        return maxConnectionsPerSecond;
    }

    public void setMaxConnectionsPerSecond(int maxConnectionsPerSecond) {
        this.maxConnectionsPerSecond = maxConnectionsPerSecond;
    }

    public int getMaxAuthFailuresPerAddress() {
        return maxAuthFailuresPerAddress;
    }

    public void setMaxAuthFailuresPerAddress(int maxAuthFailuresPerAddress) {
        this.maxAuthFailuresPerAddress = maxAuthFailuresPerAddress;
    }

    public int getMaxAuthFailuresPerDevice() {
        return maxAuthFailuresPerDevice;
    }

    public void setMaxAuthFailuresPerDevice(int maxAuthFailuresPerDevice) {
        this.maxAuthFailuresPerDevice = maxAuthFailuresPerDevice;
    }

    public long getAuthFailureBlock() {
        return authFailureBlock;
    }

    public void setAuthFailureBlock(long authFailureBlock) {
        this.authFailureBlock = authFailureBlock;
    }

    public long getFrameReadTimeout() {
        return frameReadTimeout;
    }

    public void setFrameReadTimeout(long frameReadTimeout) {
        this.frameReadTimeout = frameReadTimeout;
    }

    public int getMaxOutboundFrameSize() {
        return maxOutboundFrameSize;
    }

    public void setMaxOutboundFrameSize(int maxOutboundFrameSize) {
        this.maxOutboundFrameSize = maxOutboundFrameSize;
    }

    public long getMaxPendingWriteBytes() {
        return maxPendingWriteBytes;
    }

    public void setMaxPendingWriteBytes(long maxPendingWriteBytes) {
        this.maxPendingWriteBytes = maxPendingWriteBytes;
    }

    public int getMaxFrameSizeBeforeLogin() {
        return maxFrameSizeBeforeLogin;
    }

    public void setMaxFrameSizeBeforeLogin(int maxFrameSizeBeforeLogin) {
        this.maxFrameSizeBeforeLogin = maxFrameSizeBeforeLogin;
    }

    public int getMaxIdentifierLength() {
        return maxIdentifierLength;
    }

    public void setMaxIdentifierLength(int maxIdentifierLength) {
        this.maxIdentifierLength = maxIdentifierLength;
    }

    public int getMaxCredentialLength() {
        return maxCredentialLength;
    }

    public void setMaxCredentialLength(int maxCredentialLength) {
        this.maxCredentialLength = maxCredentialLength;
    }

    public long getMaxPartialFrameBytes() {
        return maxPartialFrameBytes;
    }

    public void setMaxPartialFrameBytes(long maxPartialFrameBytes) {
        this.maxPartialFrameBytes = maxPartialFrameBytes;
    }

    public int getMaxUnauthenticatedPerAddress() {
        return maxUnauthenticatedPerAddress;
    }

    public void setMaxUnauthenticatedPerAddress(int maxUnauthenticatedPerAddress) {
        this.maxUnauthenticatedPerAddress = maxUnauthenticatedPerAddress;
    }

    public int getMaxTrackedAuthFailures() {
        return maxTrackedAuthFailures;
    }

    public void setMaxTrackedAuthFailures(int maxTrackedAuthFailures) {
        this.maxTrackedAuthFailures = maxTrackedAuthFailures;
    }

    public long getMaxDecodedFrameBytes() {
        return maxDecodedFrameBytes;
    }

    public void setMaxDecodedFrameBytes(long maxDecodedFrameBytes) {
        this.maxDecodedFrameBytes = maxDecodedFrameBytes;
    }

    public int getMaxPropertiesPerDevice() {
        return maxPropertiesPerDevice;
    }

    public void setMaxPropertiesPerDevice(int maxPropertiesPerDevice) {
        this.maxPropertiesPerDevice = maxPropertiesPerDevice;
    }

    public long getMaxPropertyBytesPerDevice() {
        return maxPropertyBytesPerDevice;
    }

    public void setMaxPropertyBytesPerDevice(long maxPropertyBytesPerDevice) {
        this.maxPropertyBytesPerDevice = maxPropertyBytesPerDevice;
    }

    public int getMaxLocksPerUser() {
        return maxLocksPerUser;
    }

    public void setMaxLocksPerUser(int maxLocksPerUser) {
        this.maxLocksPerUser = maxLocksPerUser;
    }

    public int getMaxRetainedPerUser() {
        return maxRetainedPerUser;
    }

    public void setMaxRetainedPerUser(int maxRetainedPerUser) {
        this.maxRetainedPerUser = maxRetainedPerUser;
    }

    public long getMaxRetainedBytesPerUser() {
        return maxRetainedBytesPerUser;
    }

    public void setMaxRetainedBytesPerUser(long maxRetainedBytesPerUser) {
        this.maxRetainedBytesPerUser = maxRetainedBytesPerUser;
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

    public int getDrainDevicesPerSecond() {
        return drainDevicesPerSecond;
    }

    public void setDrainDevicesPerSecond(int drainDevicesPerSecond) {
        this.drainDevicesPerSecond = drainDevicesPerSecond;
    }

    public ServerCluster getServerCluster() {
        return serverCluster;
    }

    public void setServerCluster(ServerCluster serverCluster) {
        this.serverCluster = serverCluster;
    }

    public IotmpOperation getOperation() {
        return operation;
    }

    public void setOperation(IotmpOperation operation) {
        this.operation = operation;
    }

    public String getStreamTo() {
        return streamTo;
    }

    public void setStreamTo(String streamTo) {
        this.streamTo = streamTo;
    }

    public int getChunkSize() {
        return chunkSize;
    }

    public void setChunkSize(int chunkSize) {
        this.chunkSize = chunkSize;
    }

    public long getFirmwareRebootTimeout() {
        return firmwareRebootTimeout;
    }

    public void setFirmwareRebootTimeout(long firmwareRebootTimeout) {
        this.firmwareRebootTimeout = firmwareRebootTimeout;
    }

    public String getFirmwareProgressTo() {
        return firmwareProgressTo;
    }

    public void setFirmwareProgressTo(String firmwareProgressTo) {
        this.firmwareProgressTo = firmwareProgressTo;
    }

    public boolean isRetained() {
        return retained;
    }

    public void setRetained(boolean retained) {
        this.retained = retained;
    }

    public int getBatchSize() {
        return batchSize;
    }

    public void setBatchSize(int batchSize) {
        this.batchSize = batchSize;
    }

    public long getBatchTimeout() {
        return batchTimeout;
    }

    public void setBatchTimeout(long batchTimeout) {
        this.batchTimeout = batchTimeout;
    }

    public long getInterval() {
        return interval;
    }

    public void setInterval(long interval) {
        this.interval = interval;
    }
}
