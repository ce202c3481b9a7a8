package io.cameliotmp.camel.dsl;

import io.cameliotmp.camel.IotmpOperation;
import io.cameliotmp.server.BackpressurePolicy;
import io.cameliotmp.server.DeviceAuthenticator;
import io.cameliotmp.server.DeviceChannelInitializer;
import io.cameliotmp.server.PropertyStore;
import io.cameliotmp.server.ServerCluster;
import io.cameliotmp.server.Transport;
import io.netty.handler.ssl.ClientAuth;
import org.apache.camel.ExchangePattern;
import org.apache.camel.builder.EndpointConsumerBuilder;
import org.apache.camel.builder.EndpointProducerBuilder;
import org.apache.camel.builder.endpoint.AbstractEndpointBuilder;
import org.apache.camel.spi.ExceptionHandler;
import org.apache.camel.support.jsse.SSLContextParameters;

/**
 * Typed options of an {@code iotmp} endpoint for Camel's Endpoint DSL ({@code from(…)} and {@code to(…)} of a
 * {@code RouteBuilder} or {@code EndpointRouteBuilder}), made by {@link IotmpEndpointBuilderFactory} or
 * {@link IotmpBuilders}. One builder serves consumers and producers: each option says in its group whether it
 * applies to one side only. Every option of the component's metadata has a method here (checked by a test); the
 * methods taking a String accept property placeholders, durations such as {@code 5s} and bean references such as
 * {@code #myBean}.
 */
public class IotmpEndpointBuilder extends AbstractEndpointBuilder
        implements EndpointConsumerBuilder, EndpointProducerBuilder {

    /**
     * @param componentName the name the component is registered under, usually {@code iotmp}
     * @param path          what follows the scheme: {@code device:user/device/resource}, {@code events}, …
     */
    public IotmpEndpointBuilder(String componentName, String path) {
        super(componentName, path);
    }

    /**
     * Address the embedded IOTMP server binds to. Default: 0.0.0.0. Group: common.
     */
    public IotmpEndpointBuilder host(String host) {
        doSetProperty("host", host);
        return this;
    }

    /**
     * TCP port of the embedded IOTMP server (Thinger's plain IOTMP port is 25204). Default: 25204. Group: common.
     */
    public IotmpEndpointBuilder port(int port) {
        doSetProperty("port", port);
        return this;
    }

    /**
     * TCP port of the embedded IOTMP server (Thinger's plain IOTMP port is 25204). Default: 25204. Group: common. As
     * text, for example a property placeholder.
     */
    public IotmpEndpointBuilder port(String port) {
        doSetProperty("port", port);
        return this;
    }

    /**
     * How long a call to a device may wait for its answer. Default: 10000. Group: common. In milliseconds.
     */
    public IotmpEndpointBuilder requestTimeout(long requestTimeout) {
        doSetProperty("requestTimeout", requestTimeout);
        return this;
    }

    /**
     * How long a call to a device may wait for its answer. Default: 10000. Group: common. As a duration text such as
     * 5s or 1m30s, or a property placeholder.
     */
    public IotmpEndpointBuilder requestTimeout(String requestTimeout) {
        doSetProperty("requestTimeout", requestTimeout);
        return this;
    }

    /**
     * How devices reach the server: TCP (IOTMP directly on the stream) or WEBSOCKET (IOTMP bytes in text or binary
     * WebSocket frames on webSocketPath, subprotocol iotmp). Either runs over TLS when sslContextParameters is set.
     * Default: TCP. Group: common.
     */
    public IotmpEndpointBuilder transport(Transport transport) {
        doSetProperty("transport", transport);
        return this;
    }

    /**
     * How devices reach the server: TCP (IOTMP directly on the stream) or WEBSOCKET (IOTMP bytes in text or binary
     * WebSocket frames on webSocketPath, subprotocol iotmp). Either runs over TLS when sslContextParameters is set.
     * Default: TCP. Group: common. As text, for example a property placeholder.
     */
    public IotmpEndpointBuilder transport(String transport) {
        doSetProperty("transport", transport);
        return this;
    }

    /**
     * Allows for bridging the consumer to the Camel routing Error Handler, which mean any exceptions (if possible)
     * occurred while the Camel consumer is trying to pickup incoming messages, or the likes, will now be processed as
     * a message and handled by the routing Error Handler. Important: This is only possible if the 3rd party component
     * allows Camel to be alerted if an exception was thrown. Some components handle this internally only, and
     * therefore bridgeErrorHandler is not possible. In other situations we may improve the Camel component to hook
     * into the 3rd party component and make this possible for future releases. By default the consumer will use the
     * ExceptionHandler to deal with exceptions, that will be logged at WARN or ERROR level and
     * ignored. Default: False. Group: consumer,advanced.
     */
    public IotmpEndpointBuilder bridgeErrorHandler(boolean bridgeErrorHandler) {
        doSetProperty("bridgeErrorHandler", bridgeErrorHandler);
        return this;
    }

    /**
     * Allows for bridging the consumer to the Camel routing Error Handler, which mean any exceptions (if possible)
     * occurred while the Camel consumer is trying to pickup incoming messages, or the likes, will now be processed as
     * a message and handled by the routing Error Handler. Important: This is only possible if the 3rd party component
     * allows Camel to be alerted if an exception was thrown. Some components handle this internally only, and
     * therefore bridgeErrorHandler is not possible. In other situations we may improve the Camel component to hook
     * into the 3rd party component and make this possible for future releases. By default the consumer will use the
     * ExceptionHandler to deal with exceptions, that will be logged at WARN or ERROR level and
     * ignored. Default: False. Group: consumer,advanced. As text, for example a property placeholder.
     */
    public IotmpEndpointBuilder bridgeErrorHandler(String bridgeErrorHandler) {
        doSetProperty("bridgeErrorHandler", bridgeErrorHandler);
        return this;
    }

    /**
     * To let the consumer use a custom ExceptionHandler. Notice if the option bridgeErrorHandler is enabled then this
     * option is not in use. By default the consumer will deal with exceptions, that will be logged at WARN or ERROR
     * level and ignored. Group: consumer,advanced.
     */
    public IotmpEndpointBuilder exceptionHandler(ExceptionHandler exceptionHandler) {
        doSetProperty("exceptionHandler", exceptionHandler);
        return this;
    }

    /**
     * To let the consumer use a custom ExceptionHandler. Notice if the option bridgeErrorHandler is enabled then this
     * option is not in use. By default the consumer will deal with exceptions, that will be logged at WARN or ERROR
     * level and ignored. Group: consumer,advanced. As a reference to a bean in the registry, such as #myBean.
     */
    public IotmpEndpointBuilder exceptionHandler(String exceptionHandler) {
        doSetProperty("exceptionHandler", exceptionHandler);
        return this;
    }

    /**
     * Sets the exchange pattern when the consumer creates an exchange. Group: consumer,advanced.
     */
    public IotmpEndpointBuilder exchangePattern(ExchangePattern exchangePattern) {
        doSetProperty("exchangePattern", exchangePattern);
        return this;
    }

    /**
     * Sets the exchange pattern when the consumer creates an exchange. Group: consumer,advanced. As text, for example
     * a property placeholder.
     */
    public IotmpEndpointBuilder exchangePattern(String exchangePattern) {
        doSetProperty("exchangePattern", exchangePattern);
        return this;
    }

    /**
     * download: the chunk size asked of the device, in bytes. Default: 65536. Group: producer.
     */
    public IotmpEndpointBuilder chunkSize(int chunkSize) {
        doSetProperty("chunkSize", chunkSize);
        return this;
    }

    /**
     * download: the chunk size asked of the device, in bytes. Default: 65536. Group: producer. As text, for example a
     * property placeholder.
     */
    public IotmpEndpointBuilder chunkSize(String chunkSize) {
        doSetProperty("chunkSize", chunkSize);
        return this;
    }

    /**
     * Stream sampling interval; 0 streams on change (event mode). Device consumers sharing a resource share one device
     * stream and each receives samples at its own interval. Default: 0. Group: consumer,producer. In milliseconds.
     */
    public IotmpEndpointBuilder interval(long interval) {
        doSetProperty("interval", interval);
        return this;
    }

    /**
     * Stream sampling interval; 0 streams on change (event mode). Device consumers sharing a resource share one device
     * stream and each receives samples at its own interval. Default: 0. Group: consumer,producer. As a duration text
     * such as 5s or 1m30s, or a property placeholder.
     */
    public IotmpEndpointBuilder interval(String interval) {
        doSetProperty("interval", interval);
        return this;
    }

    /**
     * What the producer does with the device resource. Default: run. Group: producer.
     */
    public IotmpEndpointBuilder operation(IotmpOperation operation) {
        doSetProperty("operation", operation);
        return this;
    }

    /**
     * What the producer does with the device resource. Default: run. Group: producer. As text, for example a property
     * placeholder.
     */
    public IotmpEndpointBuilder operation(String operation) {
        doSetProperty("operation", operation);
        return this;
    }

    /**
     * topic producer: keep the message as the topic's retained message, delivered to devices that subscribe later.
     * Default: False. Group: producer.
     */
    public IotmpEndpointBuilder retained(boolean retained) {
        doSetProperty("retained", retained);
        return this;
    }

    /**
     * topic producer: keep the message as the topic's retained message, delivered to devices that subscribe later.
     * Default: False. Group: producer. As text, for example a property placeholder.
     */
    public IotmpEndpointBuilder retained(String retained) {
        doSetProperty("retained", retained);
        return this;
    }

    /**
     * startStream: a Camel endpoint (such as direct:terminal) that receives the device's data on the new stream, one
     * exchange per STREAM_DATA, and a last exchange with the CamelIotmpStreamEnded header when the stream ends.
     * Without it the samples go to the on-change device consumers of the resource. Suits byte sessions ($terminal,
     * $cmd, $proxy). Group: producer.
     */
    public IotmpEndpointBuilder streamTo(String streamTo) {
        doSetProperty("streamTo", streamTo);
        return this;
    }

    /**
     * firmwareUpdate: how long to wait for the device to reconnect after its reboot, before its version is checked; 0
     * does not wait (the report then says STAGED). Default: 300000. Group: producer. In milliseconds.
     */
    public IotmpEndpointBuilder firmwareRebootTimeout(long firmwareRebootTimeout) {
        doSetProperty("firmwareRebootTimeout", firmwareRebootTimeout);
        return this;
    }

    /**
     * firmwareUpdate: how long to wait for the device to reconnect after its reboot, before its version is checked; 0
     * does not wait (the report then says STAGED). Default: 300000. Group: producer. As a duration text such as 5s or
     * 1m30s, or a property placeholder.
     */
    public IotmpEndpointBuilder firmwareRebootTimeout(String firmwareRebootTimeout) {
        doSetProperty("firmwareRebootTimeout", firmwareRebootTimeout);
        return this;
    }

    /**
     * firmwareUpdate: a Camel endpoint (such as seda:ota-progress) that receives the progress of each update: one
     * exchange per step and per whole percent sent, with the CamelIotmpFirmwareStep, CamelIotmpFirmwareSentBytes and
     * CamelIotmpFirmwareTotalBytes headers. Group: producer.
     */
    public IotmpEndpointBuilder firmwareProgressTo(String firmwareProgressTo) {
        doSetProperty("firmwareProgressTo", firmwareProgressTo);
        return this;
    }

    /**
     * Whether the producer should be started lazy (on the first message). By starting lazy you can use this to allow
     * CamelContext and routes to startup in situations where a producer may otherwise fail during starting and cause
     * the route to fail being started. By deferring this startup to be lazy then the startup failure can be handled
     * during routing messages via Camel's routing error handlers. Beware that when the first message is processed then
     * creating and starting the producer may take a little time and prolong the total processing time of the
     * processing. Default: False. Group: producer,advanced.
     */
    public IotmpEndpointBuilder lazyStartProducer(boolean lazyStartProducer) {
        doSetProperty("lazyStartProducer", lazyStartProducer);
        return this;
    }

    /**
     * Whether the producer should be started lazy (on the first message). By starting lazy you can use this to allow
     * CamelContext and routes to startup in situations where a producer may otherwise fail during starting and cause
     * the route to fail being started. By deferring this startup to be lazy then the startup failure can be handled
     * during routing messages via Camel's routing error handlers. Beware that when the first message is processed then
     * creating and starting the producer may take a little time and prolong the total processing time of the
     * processing. Default: False. Group: producer,advanced. As text, for example a property placeholder.
     */
    public IotmpEndpointBuilder lazyStartProducer(String lazyStartProducer) {
        doSetProperty("lazyStartProducer", lazyStartProducer);
        return this;
    }

    /**
     * At maxInFlight: PAUSE stops reading the device until routes catch up (nothing lost); DROP_SAMPLES drops and
     * counts stream samples instead. Default: PAUSE. Group: advanced.
     */
    public IotmpEndpointBuilder backpressurePolicy(BackpressurePolicy backpressurePolicy) {
        doSetProperty("backpressurePolicy", backpressurePolicy);
        return this;
    }

    /**
     * At maxInFlight: PAUSE stops reading the device until routes catch up (nothing lost); DROP_SAMPLES drops and
     * counts stream samples instead. Default: PAUSE. Group: advanced. As text, for example a property placeholder.
     */
    public IotmpEndpointBuilder backpressurePolicy(String backpressurePolicy) {
        doSetProperty("backpressurePolicy", backpressurePolicy);
        return this;
    }

    /**
     * How long a new connection may take to send its CONNECT before it is closed. Default: 10000. Group: advanced. In
     * milliseconds.
     */
    public IotmpEndpointBuilder connectTimeout(long connectTimeout) {
        doSetProperty("connectTimeout", connectTimeout);
        return this;
    }

    /**
     * How long a new connection may take to send its CONNECT before it is closed. Default: 10000. Group: advanced. As
     * a duration text such as 5s or 1m30s, or a property placeholder.
     */
    public IotmpEndpointBuilder connectTimeout(String connectTimeout) {
        doSetProperty("connectTimeout", connectTimeout);
        return this;
    }

    /**
     * When the server is drained for a rolling upgrade (the JMX operation drain, or IotmpServer.drain()), the devices
     * it sends DISCONNECT a second at most, so that they reconnect to the other cluster members without a storm.
     * Default: 100. Group: advanced.
     */
    public IotmpEndpointBuilder drainDevicesPerSecond(int drainDevicesPerSecond) {
        doSetProperty("drainDevicesPerSecond", drainDevicesPerSecond);
        return this;
    }

    /**
     * When the server is drained for a rolling upgrade (the JMX operation drain, or IotmpServer.drain()), the devices
     * it sends DISCONNECT a second at most, so that they reconnect to the other cluster members without a storm.
     * Default: 100. Group: advanced. As text, for example a
     * property placeholder.
     */
    public IotmpEndpointBuilder drainDevicesPerSecond(String drainDevicesPerSecond) {
        doSetProperty("drainDevicesPerSecond", drainDevicesPerSecond);
        return this;
    }

    /**
     * Netty I/O threads of the server; 0 uses Netty's default (twice the number of cores). Group: advanced.
     */
    public IotmpEndpointBuilder ioThreads(int ioThreads) {
        doSetProperty("ioThreads", ioThreads);
        return this;
    }

    /**
     * Netty I/O threads of the server; 0 uses Netty's default (twice the number of cores). Group: advanced. As text,
     * for example a property placeholder.
     */
    public IotmpEndpointBuilder ioThreads(String ioThreads) {
        doSetProperty("ioThreads", ioThreads);
        return this;
    }

    /**
     * Keep-alive interval in seconds assumed for devices that do not announce one; a device silent for 1.15 times its
     * interval is disconnected. Default: 60. Group: advanced.
     */
    public IotmpEndpointBuilder keepAlive(int keepAlive) {
        doSetProperty("keepAlive", keepAlive);
        return this;
    }

    /**
     * Keep-alive interval in seconds assumed for devices that do not announce one; a device silent for 1.15 times its
     * interval is disconnected. Default: 60. Group: advanced. As text, for example a property placeholder.
     */
    public IotmpEndpointBuilder keepAlive(String keepAlive) {
        doSetProperty("keepAlive", keepAlive);
        return this;
    }

    /**
     * Also accept devices of the legacy Thinger protocol (the thinger.io Arduino library up to 2.40, the old Linux
     * client): listen on legacyPort and, with sslContextParameters, on legacyTlsPort, and tell the two protocols apart
     * by the first byte on every port. Such devices are reported with generation LEGACY. Default: false. Group:
     * advanced.
     */
    public IotmpEndpointBuilder legacyEnabled(boolean legacyEnabled) {
        doSetProperty("legacyEnabled", legacyEnabled);
        return this;
    }

    /**
     * Also accept devices of the legacy Thinger protocol (the thinger.io Arduino library up to 2.40, the old Linux
     * client): listen on legacyPort and, with sslContextParameters, on legacyTlsPort, and tell the two protocols apart
     * by the first byte on every port. Such devices are reported with generation LEGACY. Default: false. Group:
     * advanced. As text, for example a property placeholder.
     */
    public IotmpEndpointBuilder legacyEnabled(String legacyEnabled) {
        doSetProperty("legacyEnabled", legacyEnabled);
        return this;
    }

    /**
     * Plain TCP port of legacy devices when legacyEnabled (their firmware has 25200 compiled in); 0 picks a free port,
     * -1 opens none. Default: 25200. Group: advanced.
     */
    public IotmpEndpointBuilder legacyPort(int legacyPort) {
        doSetProperty("legacyPort", legacyPort);
        return this;
    }

    /**
     * Plain TCP port of legacy devices when legacyEnabled (their firmware has 25200 compiled in); 0 picks a free port,
     * -1 opens none. Default: 25200. Group: advanced. As text, for example a property placeholder.
     */
    public IotmpEndpointBuilder legacyPort(String legacyPort) {
        doSetProperty("legacyPort", legacyPort);
        return this;
    }

    /**
     * TLS port of legacy devices when legacyEnabled, opened only when sslContextParameters is set (their firmware has
     * 25202 compiled in); 0 picks a free port, -1 opens none. Default: 25202. Group: advanced.
     */
    public IotmpEndpointBuilder legacyTlsPort(int legacyTlsPort) {
        doSetProperty("legacyTlsPort", legacyTlsPort);
        return this;
    }

    /**
     * TLS port of legacy devices when legacyEnabled, opened only when sslContextParameters is set (their firmware has
     * 25202 compiled in); 0 picks a free port, -1 opens none. Default: 25202. Group: advanced. As text, for example a
     * property placeholder.
     */
    public IotmpEndpointBuilder legacyTlsPort(String legacyTlsPort) {
        doSetProperty("legacyTlsPort", legacyTlsPort);
        return this;
    }

    /**
     * Largest frame body accepted from a device, in bytes; a larger size header closes the connection before anything
     * is allocated. Default: 262144. Group: advanced.
     */
    public IotmpEndpointBuilder maxFrameSize(int maxFrameSize) {
        doSetProperty("maxFrameSize", maxFrameSize);
        return this;
    }

    /**
     * Largest frame body accepted from a device, in bytes; a larger size header closes the connection before anything
     * is allocated. Default: 262144. Group: advanced. As text, for example a property placeholder.
     */
    public IotmpEndpointBuilder maxFrameSize(String maxFrameSize) {
        doSetProperty("maxFrameSize", maxFrameSize);
        return this;
    }

    /**
     * Most stream samples and device calls per device being processed by routes at once; beyond it the backpressure
     * policy applies. Default: 64. Group: advanced.
     */
    public IotmpEndpointBuilder maxInFlight(int maxInFlight) {
        doSetProperty("maxInFlight", maxInFlight);
        return this;
    }

    /**
     * Most stream samples and device calls per device being processed by routes at once; beyond it the backpressure
     * policy applies. Default: 64. Group: advanced. As text, for example a property placeholder.
     */
    public IotmpEndpointBuilder maxInFlight(String maxInFlight) {
        doSetProperty("maxInFlight", maxInFlight);
        return this;
    }

    /**
     * Most unanswered requests plus open streams per device. Default: 256. Group: advanced.
     */
    public IotmpEndpointBuilder maxPendingRequests(int maxPendingRequests) {
        doSetProperty("maxPendingRequests", maxPendingRequests);
        return this;
    }

    /**
     * Most unanswered requests plus open streams per device. Default: 256. Group: advanced. As text, for example a
     * property placeholder.
     */
    public IotmpEndpointBuilder maxPendingRequests(String maxPendingRequests) {
        doSetProperty("maxPendingRequests", maxPendingRequests);
        return this;
    }

    /**
     * Deepest nesting of PSON values accepted. Default: 32. Group: advanced.
     */
    public IotmpEndpointBuilder maxPsonDepth(int maxPsonDepth) {
        doSetProperty("maxPsonDepth", maxPsonDepth);
        return this;
    }

    /**
     * Deepest nesting of PSON values accepted. Default: 32. Group: advanced. As text, for example a property
     * placeholder.
     */
    public IotmpEndpointBuilder maxPsonDepth(String maxPsonDepth) {
        doSetProperty("maxPsonDepth", maxPsonDepth);
        return this;
    }

    /**
     * Use the native epoll transport when available. Default: True. Group: advanced.
     */
    public IotmpEndpointBuilder nativeTransport(boolean nativeTransport) {
        doSetProperty("nativeTransport", nativeTransport);
        return this;
    }

    /**
     * Use the native epoll transport when available. Default: True. Group: advanced. As text, for example a property
     * placeholder.
     */
    public IotmpEndpointBuilder nativeTransport(String nativeTransport) {
        doSetProperty("nativeTransport", nativeTransport);
        return this;
    }

    /**
     * Where the built-in property services keep device properties, e.g. a JdbcPropertyStore so they survive restarts.
     * Default: in memory. Group: advanced.
     */
    public IotmpEndpointBuilder propertyStore(PropertyStore propertyStore) {
        doSetProperty("propertyStore", propertyStore);
        return this;
    }

    /**
     * Where the built-in property services keep device properties, e.g. a JdbcPropertyStore so they survive restarts.
     * Default: in memory. Group: advanced. As a reference to a bean in the registry, such as #myBean.
     */
    public IotmpEndpointBuilder propertyStore(String propertyStore) {
        doSetProperty("propertyStore", propertyStore);
        return this;
    }

    /**
     * The cluster this server is a member of: an io.cameliotmp.server.ServerCluster bean, such as
     * camel-iotmp-cluster's InfinispanCluster. Any member then reaches the devices connected to every member. Default:
     * this server alone. Group: advanced,cluster.
     */
    public IotmpEndpointBuilder serverCluster(ServerCluster serverCluster) {
        doSetProperty("serverCluster", serverCluster);
        return this;
    }

    /**
     * The cluster this server is a member of: an io.cameliotmp.server.ServerCluster bean, such as
     * camel-iotmp-cluster's InfinispanCluster. Any member then reaches the devices connected to every member. Default:
     * this server alone. Group: advanced,cluster. As a reference to a bean in the registry, such as #myBean.
     */
    public IotmpEndpointBuilder serverCluster(String serverCluster) {
        doSetProperty("serverCluster", serverCluster);
        return this;
    }

    /**
     * HTTP path of the WebSocket transport. Default: /iotmp. Group: advanced.
     */
    public IotmpEndpointBuilder webSocketPath(String webSocketPath) {
        doSetProperty("webSocketPath", webSocketPath);
        return this;
    }

    /**
     * Threads that run device sessions, authentication and routes, so that a slow route never blocks network I/O; each
     * device stays on one thread, so its messages keep their order. 0 runs everything on the I/O threads (fastest for
     * non-blocking routes). Default: 16. Group: advanced.
     */
    public IotmpEndpointBuilder workerThreads(int workerThreads) {
        doSetProperty("workerThreads", workerThreads);
        return this;
    }

    /**
     * Threads that run device sessions, authentication and routes, so that a slow route never blocks network I/O; each
     * device stays on one thread, so its messages keep their order. 0 runs everything on the I/O threads (fastest for
     * non-blocking routes). Default: 16. Group: advanced. As text, for example a property placeholder.
     */
    public IotmpEndpointBuilder workerThreads(String workerThreads) {
        doSetProperty("workerThreads", workerThreads);
        return this;
    }

    /**
     * A Camel endpoint (such as direct:auth) that authenticates devices: it receives the credential as body and
     * CamelIotmpUser, CamelIotmpDevice and CamelIotmpRemoteAddress headers, and answers true or false (or an
     * AuthDecision). Group: security.
     */
    public IotmpEndpointBuilder authenticationUri(String authenticationUri) {
        doSetProperty("authenticationUri", authenticationUri);
        return this;
    }

    /**
     * Decides which devices may connect. Takes precedence over deviceCredentials and authenticationUri. Group:
     * security.
     */
    public IotmpEndpointBuilder authenticator(DeviceAuthenticator authenticator) {
        doSetProperty("authenticator", authenticator);
        return this;
    }

    /**
     * Decides which devices may connect. Takes precedence over deviceCredentials and authenticationUri. Group:
     * security. As a reference to a bean in the registry, such as #myBean.
     */
    public IotmpEndpointBuilder authenticator(String authenticator) {
        doSetProperty("authenticator", authenticator);
        return this;
    }

    /**
     * How long a remote address or device is refused after too many failed authentications. Default: 60000. Group:
     * security. In milliseconds.
     */
    public IotmpEndpointBuilder authFailureBlock(long authFailureBlock) {
        doSetProperty("authFailureBlock", authFailureBlock);
        return this;
    }

    /**
     * How long a remote address or device is refused after too many failed authentications. Default: 60000. Group:
     * security. As a duration text such as 5s or 1m30s, or a property placeholder.
     */
    public IotmpEndpointBuilder authFailureBlock(String authFailureBlock) {
        doSetProperty("authFailureBlock", authFailureBlock);
        return this;
    }

    /**
     * Whether TLS devices must present a client certificate trusted by sslContextParameters: NONE, OPTIONAL or
     * REQUIRE. Default: NONE. Group: security.
     */
    public IotmpEndpointBuilder clientAuth(ClientAuth clientAuth) {
        doSetProperty("clientAuth", clientAuth);
        return this;
    }

    /**
     * Whether TLS devices must present a client certificate trusted by sslContextParameters: NONE, OPTIONAL or
     * REQUIRE. Default: NONE. Group: security. As text, for example a property placeholder.
     */
    public IotmpEndpointBuilder clientAuth(String clientAuth) {
        doSetProperty("clientAuth", clientAuth);
        return this;
    }

    /**
     * Devices allowed to connect, as user/device=credential entries separated by commas; an entry whose device is an
     * asterisk accepts any device of that user with that credential. Group: security.
     */
    public IotmpEndpointBuilder deviceCredentials(String deviceCredentials) {
        doSetProperty("deviceCredentials", deviceCredentials);
        return this;
    }

    /**
     * How long a started frame may take to arrive completely; a sender that drips bytes to look alive is disconnected
     * after it. Default: 30000. Group: security. In milliseconds.
     */
    public IotmpEndpointBuilder frameReadTimeout(long frameReadTimeout) {
        doSetProperty("frameReadTimeout", frameReadTimeout);
        return this;
    }

    /**
     * How long a started frame may take to arrive completely; a sender that drips bytes to look alive is disconnected
     * after it. Default: 30000. Group: security. As a duration text such as 5s or 1m30s, or a property placeholder.
     */
    public IotmpEndpointBuilder frameReadTimeout(String frameReadTimeout) {
        doSetProperty("frameReadTimeout", frameReadTimeout);
        return this;
    }

    /**
     * Failed authentications per minute from one remote address before that address is refused for authFailureBlock; 0
     * for no limit. Default: 20. Group: security.
     */
    public IotmpEndpointBuilder maxAuthFailuresPerAddress(int maxAuthFailuresPerAddress) {
        doSetProperty("maxAuthFailuresPerAddress", maxAuthFailuresPerAddress);
        return this;
    }

    /**
     * Failed authentications per minute from one remote address before that address is refused for authFailureBlock; 0
     * for no limit. Default: 20. Group: security. As text, for example a property placeholder.
     */
    public IotmpEndpointBuilder maxAuthFailuresPerAddress(String maxAuthFailuresPerAddress) {
        doSetProperty("maxAuthFailuresPerAddress", maxAuthFailuresPerAddress);
        return this;
    }

    /**
     * Failed authentications per minute of one device id (a flapping device with a wrong credential) before it is
     * refused for authFailureBlock; 0 for no limit. Default: 10. Group: security.
     */
    public IotmpEndpointBuilder maxAuthFailuresPerDevice(int maxAuthFailuresPerDevice) {
        doSetProperty("maxAuthFailuresPerDevice", maxAuthFailuresPerDevice);
        return this;
    }

    /**
     * Failed authentications per minute of one device id (a flapping device with a wrong credential) before it is
     * refused for authFailureBlock; 0 for no limit. Default: 10. Group: security. As text, for example a property
     * placeholder.
     */
    public IotmpEndpointBuilder maxAuthFailuresPerDevice(String maxAuthFailuresPerDevice) {
        doSetProperty("maxAuthFailuresPerDevice", maxAuthFailuresPerDevice);
        return this;
    }

    /**
     * Open device connections at most; beyond it new connections are closed at once. Default: 20000. Group: security.
     */
    public IotmpEndpointBuilder maxConnections(int maxConnections) {
        doSetProperty("maxConnections", maxConnections);
        return this;
    }

    /**
     * Open device connections at most; beyond it new connections are closed at once. Default: 20000. Group: security.
     * As text, for example a property placeholder.
     */
    public IotmpEndpointBuilder maxConnections(String maxConnections) {
        doSetProperty("maxConnections", maxConnections);
        return this;
    }

    /**
     * New connections accepted per second (with one second of burst), so a storm of reconnecting devices cannot starve
     * the server; 0 for no limit. Default: 10000. Group: security.
     */
    public IotmpEndpointBuilder maxConnectionsPerSecond(int maxConnectionsPerSecond) {
        doSetProperty("maxConnectionsPerSecond", maxConnectionsPerSecond);
        return this;
    }

    /**
     * New connections accepted per second (with one second of burst), so a storm of reconnecting devices cannot starve
     * the server; 0 for no limit. Default: 10000. Group: security. As text, for example a property placeholder.
     */
    public IotmpEndpointBuilder maxConnectionsPerSecond(String maxConnectionsPerSecond) {
        doSetProperty("maxConnectionsPerSecond", maxConnectionsPerSecond);
        return this;
    }

    /**
     * Bytes queued for a device that does not read before it is disconnected. Default: 1048576. Group: security.
     */
    public IotmpEndpointBuilder maxPendingWriteBytes(long maxPendingWriteBytes) {
        doSetProperty("maxPendingWriteBytes", maxPendingWriteBytes);
        return this;
    }

    /**
     * Bytes queued for a device that does not read before it is disconnected. Default: 1048576. Group: security. As
     * text, for example a property placeholder.
     */
    public IotmpEndpointBuilder maxPendingWriteBytes(String maxPendingWriteBytes) {
        doSetProperty("maxPendingWriteBytes", maxPendingWriteBytes);
        return this;
    }

    /**
     * TLS configuration of the server (Thinger's TLS port is 25206). Without it the server speaks plain TCP or
     * WebSocket. Group: security.
     */
    public IotmpEndpointBuilder sslContextParameters(SSLContextParameters sslContextParameters) {
        doSetProperty("sslContextParameters", sslContextParameters);
        return this;
    }

    /**
     * TLS configuration of the server (Thinger's TLS port is 25206). Without it the server speaks plain TCP or
     * WebSocket. Group: security. As a reference to a bean in the registry, such as #myBean.
     */
    public IotmpEndpointBuilder sslContextParameters(String sslContextParameters) {
        doSetProperty("sslContextParameters", sslContextParameters);
        return this;
    }

    /**
     * How long a TLS handshake may take before the connection is closed. Default: 10000. Group: security. In
     * milliseconds.
     */
    public IotmpEndpointBuilder tlsHandshakeTimeout(long tlsHandshakeTimeout) {
        doSetProperty("tlsHandshakeTimeout", tlsHandshakeTimeout);
        return this;
    }

    /**
     * How long a TLS handshake may take before the connection is closed. Default: 10000. Group: security. As a
     * duration text such as 5s or 1m30s, or a property placeholder.
     */
    public IotmpEndpointBuilder tlsHandshakeTimeout(String tlsHandshakeTimeout) {
        doSetProperty("tlsHandshakeTimeout", tlsHandshakeTimeout);
        return this;
    }

    /**
     * Device stream consumers: deliver samples in batches of at most this many, as a list of IotmpSample records (each
     * with its user, device, resource, stream id, timestamp and payload), in the order they arrived; a batch is
     * acknowledged as a whole, so backpressure holds. 0 delivers one exchange per sample. Default: 0. Group: consumer.
     */
    public IotmpEndpointBuilder batchSize(int batchSize) {
        doSetProperty("batchSize", batchSize);
        return this;
    }

    /**
     * Device stream consumers: deliver samples in batches of at most this many, as a list of IotmpSample records (each
     * with its user, device, resource, stream id, timestamp and payload), in the order they arrived; a batch is
     * acknowledged as a whole, so backpressure holds. 0 delivers one exchange per sample. Default: 0. Group: consumer.
     * As text, for example a property placeholder.
     */
    public IotmpEndpointBuilder batchSize(String batchSize) {
        doSetProperty("batchSize", batchSize);
        return this;
    }

    /**
     * With batchSize: the longest a sample waits for its batch to fill before the batch is delivered as it is. Default:
     * 1000. Group: consumer. In milliseconds.
     */
    public IotmpEndpointBuilder batchTimeout(long batchTimeout) {
        doSetProperty("batchTimeout", batchTimeout);
        return this;
    }

    /**
     * With batchSize: the longest a sample waits for its batch to fill before the batch is delivered as it is. Default:
     * 1000. Group: consumer. As a duration text such as 5s or 1m30s, or a property placeholder.
     */
    public IotmpEndpointBuilder batchTimeout(String batchTimeout) {
        doSetProperty("batchTimeout", batchTimeout);
        return this;
    }

    /**
     * Builds the Netty pipeline of each device connection around the server's own handlers, e.g. to put an
     * HAProxyMessageDecoder first behind a proxy that speaks the PROXY protocol. Default: the server's handlers only.
     * Group: advanced.
     */
    public IotmpEndpointBuilder channelInitializer(DeviceChannelInitializer channelInitializer) {
        doSetProperty("channelInitializer", channelInitializer);
        return this;
    }

    /**
     * Builds the Netty pipeline of each device connection around the server's own handlers, e.g. to put an
     * HAProxyMessageDecoder first behind a proxy that speaks the PROXY protocol. Default: the server's handlers only.
     * Group: advanced. As a reference to a bean in the registry, such as #myBean.
     */
    public IotmpEndpointBuilder channelInitializer(String channelInitializer) {
        doSetProperty("channelInitializer", channelInitializer);
        return this;
    }

    /**
     * Longest credential accepted in a CONNECT, in characters; a longer one is refused and counts as a failed
     * authentication. Default: 1024. Group: security.
     */
    public IotmpEndpointBuilder maxCredentialLength(int maxCredentialLength) {
        doSetProperty("maxCredentialLength", maxCredentialLength);
        return this;
    }

    /**
     * Longest credential accepted in a CONNECT, in characters; a longer one is refused and counts as a failed
     * authentication. Default: 1024. Group: security. As text, for example a property placeholder.
     */
    public IotmpEndpointBuilder maxCredentialLength(String maxCredentialLength) {
        doSetProperty("maxCredentialLength", maxCredentialLength);
        return this;
    }

    /**
     * Heap the decoded values of one frame may take, in bytes, as the decoder estimates it (a few dozen bytes per map,
     * list, entry and number, strings and byte arrays by their length); a frame beyond it is malformed: closed before
     * authentication, dropped after. Default: 4194304. Group: security.
     */
    public IotmpEndpointBuilder maxDecodedFrameBytes(long maxDecodedFrameBytes) {
        doSetProperty("maxDecodedFrameBytes", maxDecodedFrameBytes);
        return this;
    }

    /**
     * Heap the decoded values of one frame may take, in bytes, as the decoder estimates it (a few dozen bytes per map,
     * list, entry and number, strings and byte arrays by their length); a frame beyond it is malformed: closed before
     * authentication, dropped after. Default: 4194304. Group: security. As text, for example a property placeholder.
     */
    public IotmpEndpointBuilder maxDecodedFrameBytes(String maxDecodedFrameBytes) {
        doSetProperty("maxDecodedFrameBytes", maxDecodedFrameBytes);
        return this;
    }

    /**
     * Largest frame body accepted before the device is authenticated, in bytes (a CONNECT is three short strings); a
     * larger size header closes the connection. Default: 4096. Group: security.
     */
    public IotmpEndpointBuilder maxFrameSizeBeforeLogin(int maxFrameSizeBeforeLogin) {
        doSetProperty("maxFrameSizeBeforeLogin", maxFrameSizeBeforeLogin);
        return this;
    }

    /**
     * Largest frame body accepted before the device is authenticated, in bytes (a CONNECT is three short strings); a
     * larger size header closes the connection. Default: 4096. Group: security. As text, for example a property
     * placeholder.
     */
    public IotmpEndpointBuilder maxFrameSizeBeforeLogin(String maxFrameSizeBeforeLogin) {
        doSetProperty("maxFrameSizeBeforeLogin", maxFrameSizeBeforeLogin);
        return this;
    }

    /**
     * Longest user name and device id accepted in a CONNECT, in characters; a longer one is refused before it is stored
     * or logged, and counts as a failed authentication. Default: 128. Group: security.
     */
    public IotmpEndpointBuilder maxIdentifierLength(int maxIdentifierLength) {
        doSetProperty("maxIdentifierLength", maxIdentifierLength);
        return this;
    }

    /**
     * Longest user name and device id accepted in a CONNECT, in characters; a longer one is refused before it is stored
     * or logged, and counts as a failed authentication. Default: 128. Group: security. As text, for example a property
     * placeholder.
     */
    public IotmpEndpointBuilder maxIdentifierLength(String maxIdentifierLength) {
        doSetProperty("maxIdentifierLength", maxIdentifierLength);
        return this;
    }

    /**
     * Sync lock slots the devices of one user may hold at once; one more is refused with ERROR 429. Default: 256.
     * Group: security.
     */
    public IotmpEndpointBuilder maxLocksPerUser(int maxLocksPerUser) {
        doSetProperty("maxLocksPerUser", maxLocksPerUser);
        return this;
    }

    /**
     * Sync lock slots the devices of one user may hold at once; one more is refused with ERROR 429. Default: 256.
     * Group: security. As text, for example a property placeholder.
     */
    public IotmpEndpointBuilder maxLocksPerUser(String maxLocksPerUser) {
        doSetProperty("maxLocksPerUser", maxLocksPerUser);
        return this;
    }

    /**
     * Largest frame the server sends a device, in bytes: devices drop the connection on a larger one (IOTMP-Embedded
     * accepts 32 KiB by default, ESP-IDF builds 4 KiB, IOTMP-Linux 256 KiB). A call whose frame would be larger fails
     * with FrameTooLargeForDeviceException and the device stays connected. Default: 32768. Group: security.
     */
    public IotmpEndpointBuilder maxOutboundFrameSize(int maxOutboundFrameSize) {
        doSetProperty("maxOutboundFrameSize", maxOutboundFrameSize);
        return this;
    }

    /**
     * Largest frame the server sends a device, in bytes: devices drop the connection on a larger one (IOTMP-Embedded
     * accepts 32 KiB by default, ESP-IDF builds 4 KiB, IOTMP-Linux 256 KiB). A call whose frame would be larger fails
     * with FrameTooLargeForDeviceException and the device stays connected. Default: 32768. Group: security. As text,
     * for example a property placeholder.
     */
    public IotmpEndpointBuilder maxOutboundFrameSize(String maxOutboundFrameSize) {
        doSetProperty("maxOutboundFrameSize", maxOutboundFrameSize);
        return this;
    }

    /**
     * Bytes of partially received frames the server holds for all its connections together; a connection whose started
     * frame does not fit is closed. Default: 67108864. Group: security.
     */
    public IotmpEndpointBuilder maxPartialFrameBytes(long maxPartialFrameBytes) {
        doSetProperty("maxPartialFrameBytes", maxPartialFrameBytes);
        return this;
    }

    /**
     * Bytes of partially received frames the server holds for all its connections together; a connection whose started
     * frame does not fit is closed. Default: 67108864. Group: security. As text, for example a property placeholder.
     */
    public IotmpEndpointBuilder maxPartialFrameBytes(String maxPartialFrameBytes) {
        doSetProperty("maxPartialFrameBytes", maxPartialFrameBytes);
        return this;
    }

    /**
     * Properties one device may keep in the in-memory property store; setting one more is refused with ERROR 429.
     * Default: 128. Group: security.
     */
    public IotmpEndpointBuilder maxPropertiesPerDevice(int maxPropertiesPerDevice) {
        doSetProperty("maxPropertiesPerDevice", maxPropertiesPerDevice);
        return this;
    }

    /**
     * Properties one device may keep in the in-memory property store; setting one more is refused with ERROR 429.
     * Default: 128. Group: security. As text, for example a property placeholder.
     */
    public IotmpEndpointBuilder maxPropertiesPerDevice(String maxPropertiesPerDevice) {
        doSetProperty("maxPropertiesPerDevice", maxPropertiesPerDevice);
        return this;
    }

    /**
     * Bytes of property names and PSON-encoded values one device may keep in the in-memory property store; a write
     * beyond it is refused with ERROR 413. Default: 65536. Group: security.
     */
    public IotmpEndpointBuilder maxPropertyBytesPerDevice(long maxPropertyBytesPerDevice) {
        doSetProperty("maxPropertyBytesPerDevice", maxPropertyBytesPerDevice);
        return this;
    }

    /**
     * Bytes of property names and PSON-encoded values one device may keep in the in-memory property store; a write
     * beyond it is refused with ERROR 413. Default: 65536. Group: security. As text, for example a property
     * placeholder.
     */
    public IotmpEndpointBuilder maxPropertyBytesPerDevice(String maxPropertyBytesPerDevice) {
        doSetProperty("maxPropertyBytesPerDevice", maxPropertyBytesPerDevice);
        return this;
    }

    /**
     * Bytes of topic names and PSON-encoded payloads of one user's retained messages; beyond it, as beyond
     * maxRetainedPerUser. Default: 1048576. Group: security.
     */
    public IotmpEndpointBuilder maxRetainedBytesPerUser(long maxRetainedBytesPerUser) {
        doSetProperty("maxRetainedBytesPerUser", maxRetainedBytesPerUser);
        return this;
    }

    /**
     * Bytes of topic names and PSON-encoded payloads of one user's retained messages; beyond it, as beyond
     * maxRetainedPerUser. Default: 1048576. Group: security. As text, for example a property placeholder.
     */
    public IotmpEndpointBuilder maxRetainedBytesPerUser(String maxRetainedBytesPerUser) {
        doSetProperty("maxRetainedBytesPerUser", maxRetainedBytesPerUser);
        return this;
    }

    /**
     * Retained topic messages kept for one user (route publications without a user count as one more user); beyond it a
     * route's retained publication fails and a device's is delivered but not retained. Default: 256. Group: security.
     */
    public IotmpEndpointBuilder maxRetainedPerUser(int maxRetainedPerUser) {
        doSetProperty("maxRetainedPerUser", maxRetainedPerUser);
        return this;
    }

    /**
     * Retained topic messages kept for one user (route publications without a user count as one more user); beyond it a
     * route's retained publication fails and a device's is delivered but not retained. Default: 256. Group: security.
     * As text, for example a property placeholder.
     */
    public IotmpEndpointBuilder maxRetainedPerUser(String maxRetainedPerUser) {
        doSetProperty("maxRetainedPerUser", maxRetainedPerUser);
        return this;
    }

    /**
     * Entries kept about failed authentications in each of two tables of fixed-size entries (per address, and per
     * device and address); when one is full an entry that blocks nothing is forgotten first, else the least recently
     * used. Default: 65536. Group: security.
     */
    public IotmpEndpointBuilder maxTrackedAuthFailures(int maxTrackedAuthFailures) {
        doSetProperty("maxTrackedAuthFailures", maxTrackedAuthFailures);
        return this;
    }

    /**
     * Entries kept about failed authentications in each of two tables of fixed-size entries (per address, and per
     * device and address); when one is full an entry that blocks nothing is forgotten first, else the least recently
     * used. Default: 65536. Group: security. As text, for example a property placeholder.
     */
    public IotmpEndpointBuilder maxTrackedAuthFailures(String maxTrackedAuthFailures) {
        doSetProperty("maxTrackedAuthFailures", maxTrackedAuthFailures);
        return this;
    }

    /**
     * Connections from one remote address (an IPv6 address by its /64 prefix) whose device has not authenticated yet;
     * beyond it new connections from that address are closed at once. 0 for no limit. Default: 128. Group: security.
     */
    public IotmpEndpointBuilder maxUnauthenticatedPerAddress(int maxUnauthenticatedPerAddress) {
        doSetProperty("maxUnauthenticatedPerAddress", maxUnauthenticatedPerAddress);
        return this;
    }

    /**
     * Connections from one remote address (an IPv6 address by its /64 prefix) whose device has not authenticated yet;
     * beyond it new connections from that address are closed at once. 0 for no limit. Default: 128. Group: security. As
     * text, for example a property placeholder.
     */
    public IotmpEndpointBuilder maxUnauthenticatedPerAddress(String maxUnauthenticatedPerAddress) {
        doSetProperty("maxUnauthenticatedPerAddress", maxUnauthenticatedPerAddress);
        return this;
    }
}
