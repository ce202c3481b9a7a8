package io.cameliotmp.springboot;

import java.time.Duration;

import io.cameliotmp.camel.device.IotmpDeviceConfiguration;
import io.cameliotmp.camel.device.IotmpDeviceOperation;
import io.cameliotmp.camel.device.IotmpResourceKind;
import io.cameliotmp.device.ServiceLayout;
import io.cameliotmp.protocol.Generation;
import org.apache.camel.spring.boot.ComponentConfigurationPropertiesCommon;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The Camel application as an IOTMP device: routes are the device's resources, receive its subscriptions and
 * lifecycle, and call the server's services.
 * <p>
 * One property per option of the iotmp-device component, with the component's names, defaults and descriptions,
 * laid out like {@link IotmpComponentConfiguration}: primitive options become their wrapper types so that an unset
 * option stays null, and duration options are {@link Duration}s that take {@code 30s} or a bare number of
 * milliseconds.
 * {@code IotmpStarterMetadataTest} checks this class against the component's {@code iotmp-device.json}.
 */
@ConfigurationProperties(prefix = "camel.component.iotmp-device")
public class IotmpDeviceComponentConfiguration extends ComponentConfigurationPropertiesCommon {

    /**
     * Whether to enable auto configuration of the iotmp-device component. This is enabled by default.
     */
    // Never read: the inherited isEnabled/setEnabled do the binding. The field exists, as in Camel's generated
    // starters, so that the configuration processor puts this description in the metadata.
    @SuppressWarnings("unused")
    private Boolean enabled;
    /**
     * Default options of the device connections and endpoints; endpoint URIs override them. The option is a
     * io.cameliotmp.camel.device.IotmpDeviceConfiguration type.
     */
    private IotmpDeviceConfiguration configuration;
    /**
     * The device id this application connects as (required).
     */
    private String device;
    /**
     * Host name or address of the IOTMP server the device connects to (required).
     */
    private String host;
    /**
     * Port of the IOTMP server: 25204 for plain IOTMP, 25206 for TLS on Thinger.io, 443 for WebSocket over TLS.
     */
    private Integer port = 25204;
    /**
     * How long a request of the device (a service call, and the CONNECT) waits for the server's answer. The option is a
     * java.time.Duration type, such as 30s, 5m or PT30S; a bare number is milliseconds.
     */
    private Duration requestTimeout = Duration.ofSeconds(10);
    /**
     * The user (Thinger account) the device belongs to (required).
     */
    private String user;
    /**
     * Allows for bridging the consumer to the Camel routing Error Handler, which mean any exceptions (if possible)
     * occurred while the Camel consumer is trying to pickup incoming messages, or the likes, will now be processed as a
     * message and handled by the routing Error Handler. Important: This is only possible if the 3rd party component
     * allows Camel to be alerted if an exception was thrown. Some components handle this internally only, and therefore
     * bridgeErrorHandler is not possible. In other situations we may improve the Camel component to hook into the 3rd
     * party component and make this possible for future releases. By default the consumer will use the
     * org.apache.camel.spi.ExceptionHandler to deal with exceptions, that will be logged at WARN or ERROR level and
     * ignored.
     */
    private Boolean bridgeErrorHandler = false;
    /**
     * property consumer: also receive the property's present value when the subscription opens, after every
     * (re)connect.
     */
    private Boolean currentValue = true;
    /**
     * The resource's input as DESCRIBE reports it (its in field), and the state of an input resource until its first
     * input: JSON text (an object, an array, a number, true or false), or any other text as a string.
     */
    private String inputSample;
    /**
     * What the route is as a device resource: input (takes the server's input, answers a bare OK), output (answers with
     * the route's result), inputOutput (both) or run (a command without input or output).
     */
    private IotmpResourceKind resourceKind = IotmpResourceKind.output;
    /**
     * writeBucket, callEndpoint, setProperty, callDevice, unlock: wait for the server's answer, so a refusal fails the
     * exchange; false only sends the request.
     */
    private Boolean confirm = true;
    /**
     * Whether the producer should be started lazy (on the first message). By starting lazy you can use this to allow
     * CamelContext and routes to startup in situations where a producer may otherwise fail during starting and cause
     * the route to fail being started. By deferring this startup to be lazy then the startup failure can be handled
     * during routing messages via Camel's routing error handlers. Beware that when the first message is processed then
     * creating and starting the producer may take a little time and prolong the total processing time of the
     * processing.
     */
    private Boolean lazyStartProducer = false;
    /**
     * What the producer does with its target (the path, or the CamelIotmpDeviceTarget header).
     */
    private IotmpDeviceOperation operation = IotmpDeviceOperation.stream;
    /**
     * publish: keep the message as the topic's retained message, delivered to devices that subscribe later.
     */
    private Boolean retained = false;
    /**
     * Whether autowiring is enabled. This is used for automatic autowiring options (the option must be marked as
     * autowired) by looking up in the registry to find if there is a single instance of matching type, which then gets
     * configured on the component. This can be used for automatic configuring JDBC data sources, JMS connection
     * factories, AWS Clients, etc.
     */
    private Boolean autowiredEnabled = true;
    /**
     * How long opening the TCP connection may take, and then each of the TLS and WebSocket handshakes. The option is
     * a java.time.Duration type, such as 30s, 5m or PT30S; a bare number is milliseconds.
     */
    private Duration connectTimeout = Duration.ofSeconds(10);
    /**
     * Protocol generation: GEN2 (PSON v2, current clients), GEN1 (PSON v1, the Linux client before 2026; always the
     * LINUX service layout) or LEGACY (the legacy Thinger protocol of the thinger.io Arduino library up to 2.40, for a
     * server that takes such devices, usually on port 25200; no topics, server events, locks or server resources
     * there).
     */
    private Generation generation = Generation.GEN2;
    /**
     * Register the iotmp-device readiness check, DOWN while a device connection is not connected, when the context has
     * health checks enabled.
     */
    private Boolean healthCheckEnabled = true;
    /**
     * Interval of the device's KEEP_ALIVE messages, 1 second or more; 0 sends none. Servers drop a device silent for
     * 1.15 times their keep-alive (60 s by default). The option is a java.time.Duration type, such as 30s, 5m or
     * PT30S; a bare number is milliseconds.
     */
    private Duration keepAlive = Duration.ofMinutes(1);
    /**
     * Delay before the first reconnect attempt; it doubles after every failed attempt up to reconnectBackoffMax, each
     * delay scaled by a random factor between 0.5 and 1 so that devices dropped together do not return together. The
     * option is a java.time.Duration type, such as 30s, 5m or PT30S; a bare number is milliseconds.
     */
    private Duration reconnectBackoffInitial = Duration.ofMillis(500);
    /**
     * Longest delay between reconnect attempts; 0 disables reconnecting. The option is a java.time.Duration type, such
     * as 30s, 5m or PT30S; a bare number is milliseconds.
     */
    private Duration reconnectBackoffMax = Duration.ofSeconds(30);
    /**
     * Bytes the device may queue for a server that stopped reading; beyond, it closes the connection and reconnects.
     */
    private Integer maxPendingWriteBytes = 1048576;
    /**
     * How long the server may send nothing at all (it answers every KEEP_ALIVE) before the device closes the connection
     * and reconnects; 0 disables. Default: twice keepAlive plus requestTimeout. The option is a java.time.Duration
     * type, such as 30s, 5m or PT30S; a bare number is milliseconds.
     */
    private Duration serverSilenceTimeout;
    /**
     * Heap the values of one frame of the server may decode to; a frame beyond is dropped.
     */
    private Long maxDecodedFrameBytes = 4194304L;
    /**
     * Route runs the server may have asked for and not finished yet; at the limit the device stops reading from the
     * server until half are done.
     */
    private Integer maxHandlersInFlight = 64;
    /**
     * Streams the server may have open on the device's resources; more are refused with ERROR 429.
     */
    private Integer maxServerStreams = 64;
    /**
     * The shortest interval of a stream the server opens on a resource; shorter ones are raised to it. The option is a
     * java.time.Duration type, such as 30s, 5m or PT30S; a bare number is milliseconds.
     */
    private Duration minStreamInterval = Duration.ofMillis(100);
    /**
     * How service calls are encoded: LINUX (code in the resource field, as the reference Linux client; the only layout
     * with callDevice and locks) or EMBEDDED (code in the parameters, as the Arduino, ESP-IDF and Zephyr clients).
     */
    private ServiceLayout serviceLayout = ServiceLayout.LINUX;
    /**
     * Carry IOTMP in WebSocket frames on this HTTP path (usually /iotmp; subprotocol iotmp), over TLS when TLS is on.
     * Without it the device speaks IOTMP directly on TCP.
     */
    private String webSocketPath;
    /**
     * Send WebSocket text frames, as the reference Linux client does; binary frames otherwise.
     */
    private Boolean webSocketTextFrames = true;
    /**
     * The device's credential, sent in the CONNECT (required).
     */
    private String credential;
    /**
     * TLS configuration of the connection: the trust store that verifies the server's certificate and, for servers that
     * ask for one, the device's own key. Implies TLS. The option is a
     * org.apache.camel.support.jsse.SSLContextParameters type.
     */
    private SSLContextParameters sslContextParameters;
    /**
     * Connect over TLS, trusting the JVM's default trust store, unless sslContextParameters says otherwise. Implied by
     * sslContextParameters.
     */
    private Boolean tls = false;
    /**
     * Accept any server certificate, without verifying it or the host name, as the reference Linux client does by
     * default. Only for tests and private networks: anyone between the device and the server can then read and change
     * the traffic, credential included. Needs TLS (tls or sslContextParameters).
     */
    private Boolean trustAllCertificates = false;
    /**
     * With tls=true and no sslContextParameters, use the global SSL context parameters of the Camel context.
     */
    private Boolean useGlobalSslContextParameters = false;

    public IotmpDeviceConfiguration getConfiguration() {
        return configuration;
    }

    public void setConfiguration(IotmpDeviceConfiguration configuration) {
        this.configuration = configuration;
    }

    public String getDevice() {
        return device;
    }

    public void setDevice(String device) {
        this.device = device;
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

    public Duration getRequestTimeout() {
        return requestTimeout;
    }

    public void setRequestTimeout(Duration requestTimeout) {
        this.requestTimeout = requestTimeout;
    }

    public String getUser() {
        return user;
    }

    public void setUser(String user) {
        this.user = user;
    }

    public Boolean getBridgeErrorHandler() {
        return bridgeErrorHandler;
    }

    public void setBridgeErrorHandler(Boolean bridgeErrorHandler) {
        this.bridgeErrorHandler = bridgeErrorHandler;
    }

    public Boolean getCurrentValue() {
        return currentValue;
    }

    public void setCurrentValue(Boolean currentValue) {
        this.currentValue = currentValue;
    }

    public String getInputSample() {
        return inputSample;
    }

    public void setInputSample(String inputSample) {
        this.inputSample = inputSample;
    }

    public IotmpResourceKind getResourceKind() {
        return resourceKind;
    }

    public void setResourceKind(IotmpResourceKind resourceKind) {
        this.resourceKind = resourceKind;
    }

    public Boolean getConfirm() {
        return confirm;
    }

    public void setConfirm(Boolean confirm) {
        this.confirm = confirm;
    }

    public Boolean getLazyStartProducer() {
        return lazyStartProducer;
    }

    public void setLazyStartProducer(Boolean lazyStartProducer) {
        this.lazyStartProducer = lazyStartProducer;
    }

    public IotmpDeviceOperation getOperation() {
        return operation;
    }

    public void setOperation(IotmpDeviceOperation operation) {
        this.operation = operation;
    }

    public Boolean getRetained() {
        return retained;
    }

    public void setRetained(Boolean retained) {
        this.retained = retained;
    }

    public Boolean getAutowiredEnabled() {
        return autowiredEnabled;
    }

    public void setAutowiredEnabled(Boolean autowiredEnabled) {
        this.autowiredEnabled = autowiredEnabled;
    }

    public Duration getConnectTimeout() {
        return connectTimeout;
    }

    public void setConnectTimeout(Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    public Generation getGeneration() {
        return generation;
    }

    public void setGeneration(Generation generation) {
        this.generation = generation;
    }

    public Boolean getHealthCheckEnabled() {
        return healthCheckEnabled;
    }

    public void setHealthCheckEnabled(Boolean healthCheckEnabled) {
        this.healthCheckEnabled = healthCheckEnabled;
    }

    public Duration getKeepAlive() {
        return keepAlive;
    }

    public void setKeepAlive(Duration keepAlive) {
        this.keepAlive = keepAlive;
    }

    public Duration getReconnectBackoffInitial() {
        return reconnectBackoffInitial;
    }

    public void setReconnectBackoffInitial(Duration reconnectBackoffInitial) {
        this.reconnectBackoffInitial = reconnectBackoffInitial;
    }

    public Duration getReconnectBackoffMax() {
        return reconnectBackoffMax;
    }

    public void setReconnectBackoffMax(Duration reconnectBackoffMax) {
        this.reconnectBackoffMax = reconnectBackoffMax;
    }

    public ServiceLayout getServiceLayout() {
        return serviceLayout;
    }

    public void setServiceLayout(ServiceLayout serviceLayout) {
        this.serviceLayout = serviceLayout;
    }

    public String getWebSocketPath() {
        return webSocketPath;
    }

    public void setWebSocketPath(String webSocketPath) {
        this.webSocketPath = webSocketPath;
    }

    public Boolean getWebSocketTextFrames() {
        return webSocketTextFrames;
    }

    public void setWebSocketTextFrames(Boolean webSocketTextFrames) {
        this.webSocketTextFrames = webSocketTextFrames;
    }

    public String getCredential() {
        return credential;
    }

    public void setCredential(String credential) {
        this.credential = credential;
    }

    public SSLContextParameters getSslContextParameters() {
        return sslContextParameters;
    }

    public void setSslContextParameters(SSLContextParameters sslContextParameters) {
        this.sslContextParameters = sslContextParameters;
    }

    public Boolean getTls() {
        return tls;
    }

    public void setTls(Boolean tls) {
        this.tls = tls;
    }

    public Boolean getTrustAllCertificates() {
        return trustAllCertificates;
    }

    public void setTrustAllCertificates(Boolean trustAllCertificates) {
        this.trustAllCertificates = trustAllCertificates;
    }

    public Boolean getUseGlobalSslContextParameters() {
        return useGlobalSslContextParameters;
    }

    public void setUseGlobalSslContextParameters(Boolean useGlobalSslContextParameters) {
        this.useGlobalSslContextParameters = useGlobalSslContextParameters;
    }

    public Integer getMaxPendingWriteBytes() {
        return maxPendingWriteBytes;
    }

    public void setMaxPendingWriteBytes(Integer maxPendingWriteBytes) {
        this.maxPendingWriteBytes = maxPendingWriteBytes;
    }

    public Duration getServerSilenceTimeout() {
        return serverSilenceTimeout;
    }

    public void setServerSilenceTimeout(Duration serverSilenceTimeout) {
        this.serverSilenceTimeout = serverSilenceTimeout;
    }

    public Long getMaxDecodedFrameBytes() {
        return maxDecodedFrameBytes;
    }

    public void setMaxDecodedFrameBytes(Long maxDecodedFrameBytes) {
        this.maxDecodedFrameBytes = maxDecodedFrameBytes;
    }

    public Integer getMaxHandlersInFlight() {
        return maxHandlersInFlight;
    }

    public void setMaxHandlersInFlight(Integer maxHandlersInFlight) {
        this.maxHandlersInFlight = maxHandlersInFlight;
    }

    public Integer getMaxServerStreams() {
        return maxServerStreams;
    }

    public void setMaxServerStreams(Integer maxServerStreams) {
        this.maxServerStreams = maxServerStreams;
    }

    public Duration getMinStreamInterval() {
        return minStreamInterval;
    }

    public void setMinStreamInterval(Duration minStreamInterval) {
        this.minStreamInterval = minStreamInterval;
    }
}
