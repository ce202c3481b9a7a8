package io.cameliotmp.camel.device;

import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.device.IotmpDeviceBuilder;
import io.cameliotmp.device.ServiceLayout;
import io.cameliotmp.protocol.FrameLimits;
import io.cameliotmp.protocol.Generation;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriParams;
import org.apache.camel.support.jsse.SSLContextParameters;

/**
 * Options of the iotmp-device component and its endpoints. The connection options describe the one device
 * connection an endpoint uses; endpoints that name the same host, port, user and device share it and must agree on
 * the rest of them.
 */
@UriParams
public class IotmpDeviceConfiguration implements Cloneable {

    @UriParam(label = "common",
              description = "Host name or address of the IOTMP server the device connects to (required).")
    private String host;

    @UriParam(label = "common", defaultValue = "25204",
              description = "Port of the IOTMP server: 25204 for plain IOTMP, 25206 for TLS on Thinger.io, 443 for"
                            + " WebSocket over TLS.")
    private int port = IotmpDevice.DEFAULT_PORT;

    @UriParam(label = "common", description = "The user (Thinger account) the device belongs to (required).")
    private String user;

    @UriParam(label = "common", description = "The device id this application connects as (required).")
    private String device;

    @UriParam(label = "security", secret = true,
              description = "The device's credential, sent in the CONNECT (required).")
    private String credential;

    @UriParam(label = "common", defaultValue = "10000", javaType = "java.time.Duration",
              description = "How long a request of the device (a service call, and the CONNECT) waits for the"
                            + " server's answer.")
    private long requestTimeout = 10000;

    @UriParam(label = "security", defaultValue = "false",
              description = "Connect over TLS, trusting the JVM's default trust store, unless sslContextParameters"
                            + " says otherwise. Implied by sslContextParameters.")
    private boolean tls;

    @UriParam(label = "security",
              description = "TLS configuration of the connection: the trust store that verifies the server's"
                            + " certificate and, for servers that ask for one, the device's own key. Implies"
                            + " TLS.")
    private SSLContextParameters sslContextParameters;

    @UriParam(label = "security", defaultValue = "false",
              description = "Accept any server certificate, without verifying it or the host name, as the reference"
                            + " Linux client does by default. Only for tests and private networks: anyone between"
                            + " the device and the server can then read and change the traffic, credential"
                            + " included. Needs TLS (tls or sslContextParameters).")
    private boolean trustAllCertificates;

    @UriParam(label = "advanced",
              description = "Carry IOTMP in WebSocket frames on this HTTP path (usually /iotmp; subprotocol iotmp),"
                            + " over TLS when TLS is on. Without it the device speaks IOTMP directly on TCP.")
    private String webSocketPath;

    @UriParam(label = "advanced", defaultValue = "true",
              description = "Send WebSocket text frames, as the reference Linux client does; binary frames"
                            + " otherwise.")
    private boolean webSocketTextFrames = true;

    @UriParam(label = "advanced", defaultValue = "GEN2", enums = "GEN1,GEN2,LEGACY",
              description = "Protocol generation: GEN2 (PSON v2, current clients), GEN1 (PSON v1, the Linux client"
                            + " before 2026; always the LINUX service layout) or LEGACY (the legacy Thinger protocol"
                            + " of the thinger.io Arduino library up to 2.40, for a server that takes such devices,"
                            + " usually on port 25200; no topics, server events, locks or server resources there).")
    private Generation generation = Generation.GEN2;

    @UriParam(label = "advanced", defaultValue = "LINUX", enums = "LINUX,EMBEDDED",
              description = "How service calls are encoded: LINUX (code in the resource field, as the reference"
                            + " Linux client; the only layout with callDevice and locks) or EMBEDDED (code in the"
                            + " parameters, as the Arduino, ESP-IDF and Zephyr clients).")
    private ServiceLayout serviceLayout = ServiceLayout.LINUX;

    @UriParam(label = "advanced", defaultValue = "60000", javaType = "java.time.Duration",
              description = "Interval of the device's KEEP_ALIVE messages, 1 second or more; 0 sends none. Servers"
                            + " drop a device silent for 1.15 times their keep-alive (60 s by default).")
    private long keepAlive = 60000;

    @UriParam(label = "advanced", defaultValue = "500", javaType = "java.time.Duration",
              description = "Delay before the first reconnect attempt; it doubles after every failed attempt up to"
                            + " reconnectBackoffMax, each delay scaled by a random factor between 0.5 and 1 so"
                            + " that devices dropped together do not return together.")
    private long reconnectBackoffInitial = 500;

    @UriParam(label = "advanced", defaultValue = "30000", javaType = "java.time.Duration",
              description = "Longest delay between reconnect attempts; 0 disables reconnecting.")
    private long reconnectBackoffMax = 30000;

    @UriParam(label = "advanced", defaultValue = "10000", javaType = "java.time.Duration",
              description = "How long opening the TCP connection may take, and then each of the TLS and WebSocket"
                            + " handshakes.")
    private long connectTimeout = 10000;

    @UriParam(label = "advanced", defaultValue = "1048576",
              description = "Bytes the device may queue for a server that stopped reading; beyond, it closes the"
                            + " connection and reconnects.")
    private int maxPendingWriteBytes = IotmpDeviceBuilder.DEFAULT_MAX_PENDING_WRITE_BYTES;

    @UriParam(label = "advanced", javaType = "java.time.Duration",
              description = "How long the server may send nothing at all (it answers every KEEP_ALIVE) before the"
                            + " device closes the connection and reconnects; 0 disables. Default: twice keepAlive"
                            + " plus requestTimeout.")
    private Long serverSilenceTimeout;

    @UriParam(label = "advanced", defaultValue = "4194304",
              description = "Heap the values of one frame of the server may decode to; a frame beyond is dropped.")
    private long maxDecodedFrameBytes = FrameLimits.DEFAULT_MAX_DECODED_FRAME_BYTES;

    @UriParam(label = "advanced", defaultValue = "64",
              description = "Route runs the server may have asked for and not finished yet; at the limit the device"
                            + " stops reading from the server until half are done.")
    private int maxHandlersInFlight = IotmpDeviceBuilder.DEFAULT_MAX_HANDLERS_IN_FLIGHT;

    @UriParam(label = "advanced", defaultValue = "64",
              description = "Streams the server may have open on the device's resources; more are refused with"
                            + " ERROR 429.")
    private int maxServerStreams = IotmpDeviceBuilder.DEFAULT_MAX_SERVER_STREAMS;

    @UriParam(label = "advanced", defaultValue = "100", javaType = "java.time.Duration",
              description = "The shortest interval of a stream the server opens on a resource; shorter ones are"
                            + " raised to it.")
    private long minStreamInterval = 100;

    @UriParam(label = "consumer", defaultValue = "output", enums = "input,output,inputOutput,run",
              description = "What the route is as a device resource: input (takes the server's input, answers a"
                            + " bare OK), output (answers with the route's result), inputOutput (both) or run (a"
                            + " command without input or output).")
    private IotmpResourceKind resourceKind = IotmpResourceKind.output;

    @UriParam(label = "consumer",
              description = "The resource's input as DESCRIBE reports it (its in field), and the state of an input"
                            + " resource until its first input: JSON text (an object, an array, a number, true or"
                            + " false), or any other text as a string.")
    private String inputSample;

    @UriParam(label = "consumer", defaultValue = "true",
              description = "property consumer: also receive the property's present value when the subscription"
                            + " opens, after every (re)connect.")
    private boolean currentValue = true;

    @UriParam(label = "producer", defaultValue = "stream",
              enums = "stream,writeBucket,callEndpoint,readProperty,setProperty,callDevice,publish,lock,unlock",
              description = "What the producer does with its target (the path, or the CamelIotmpDeviceTarget"
                            + " header).")
    private IotmpDeviceOperation operation = IotmpDeviceOperation.stream;

    @UriParam(label = "producer", defaultValue = "true",
              description = "writeBucket, callEndpoint, setProperty, callDevice, unlock: wait for the server's"
                            + " answer, so a refusal fails the exchange; false only sends the request.")
    private boolean confirm = true;

    @UriParam(label = "producer", defaultValue = "false",
              description = "publish: keep the message as the topic's retained message, delivered to devices that"
                            + " subscribe later.")
    private boolean retained;

    public IotmpDeviceConfiguration copy() {
        try {
            return (IotmpDeviceConfiguration) clone();
        } catch (CloneNotSupportedException e) {
            throw new RuntimeCamelException(e);
        }
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

    public String getUser() {
        return user;
    }

    public void setUser(String user) {
        this.user = user;
    }

    public String getDevice() {
        return device;
    }

    public void setDevice(String device) {
        this.device = device;
    }

    public String getCredential() {
        return credential;
    }

    public void setCredential(String credential) {
        this.credential = credential;
    }

    public long getRequestTimeout() {
        return requestTimeout;
    }

    public void setRequestTimeout(long requestTimeout) {
        this.requestTimeout = requestTimeout;
    }

    public boolean isTls() {
        return tls;
    }

    public void setTls(boolean tls) {
        this.tls = tls;
    }

    public SSLContextParameters getSslContextParameters() {
        return sslContextParameters;
    }

    public void setSslContextParameters(SSLContextParameters sslContextParameters) {
        this.sslContextParameters = sslContextParameters;
    }

    public boolean isTrustAllCertificates() {
        return trustAllCertificates;
    }

    public void setTrustAllCertificates(boolean trustAllCertificates) {
        this.trustAllCertificates = trustAllCertificates;
    }

    public String getWebSocketPath() {
        return webSocketPath;
    }

    public void setWebSocketPath(String webSocketPath) {
        this.webSocketPath = webSocketPath;
    }

    public boolean isWebSocketTextFrames() {
        return webSocketTextFrames;
    }

    public void setWebSocketTextFrames(boolean webSocketTextFrames) {
        this.webSocketTextFrames = webSocketTextFrames;
    }

    public Generation getGeneration() {
        return generation;
    }

    public void setGeneration(Generation generation) {
        this.generation = generation;
    }

    public ServiceLayout getServiceLayout() {
        return serviceLayout;
    }

    public void setServiceLayout(ServiceLayout serviceLayout) {
        this.serviceLayout = serviceLayout;
    }

    public long getKeepAlive() {
        return keepAlive;
    }

    public void setKeepAlive(long keepAlive) {
        this.keepAlive = keepAlive;
    }

    public long getReconnectBackoffInitial() {
        return reconnectBackoffInitial;
    }

    public void setReconnectBackoffInitial(long reconnectBackoffInitial) {
        this.reconnectBackoffInitial = reconnectBackoffInitial;
    }

    public long getReconnectBackoffMax() {
        return reconnectBackoffMax;
    }

    public void setReconnectBackoffMax(long reconnectBackoffMax) {
        this.reconnectBackoffMax = reconnectBackoffMax;
    }

    public long getConnectTimeout() {
        return connectTimeout;
    }

    public void setConnectTimeout(long connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    public int getMaxPendingWriteBytes() {
        return maxPendingWriteBytes;
    }

    public void setMaxPendingWriteBytes(int maxPendingWriteBytes) {
        this.maxPendingWriteBytes = maxPendingWriteBytes;
    }

    public Long getServerSilenceTimeout() {
        return serverSilenceTimeout;
    }

    public void setServerSilenceTimeout(Long serverSilenceTimeout) {
        this.serverSilenceTimeout = serverSilenceTimeout;
    }

    public long getMaxDecodedFrameBytes() {
        return maxDecodedFrameBytes;
    }

    public void setMaxDecodedFrameBytes(long maxDecodedFrameBytes) {
        this.maxDecodedFrameBytes = maxDecodedFrameBytes;
    }

    public int getMaxHandlersInFlight() {
        return maxHandlersInFlight;
    }

    public void setMaxHandlersInFlight(int maxHandlersInFlight) {
        this.maxHandlersInFlight = maxHandlersInFlight;
    }

    public int getMaxServerStreams() {
        return maxServerStreams;
    }

    public void setMaxServerStreams(int maxServerStreams) {
        this.maxServerStreams = maxServerStreams;
    }

    public long getMinStreamInterval() {
        return minStreamInterval;
    }

    public void setMinStreamInterval(long minStreamInterval) {
        this.minStreamInterval = minStreamInterval;
    }

    public IotmpResourceKind getResourceKind() {
        return resourceKind;
    }

    public void setResourceKind(IotmpResourceKind resourceKind) {
        this.resourceKind = resourceKind;
    }

    public String getInputSample() {
        return inputSample;
    }

    public void setInputSample(String inputSample) {
        this.inputSample = inputSample;
    }

    public boolean isCurrentValue() {
        return currentValue;
    }

    public void setCurrentValue(boolean currentValue) {
        this.currentValue = currentValue;
    }

    public IotmpDeviceOperation getOperation() {
        return operation;
    }

    public void setOperation(IotmpDeviceOperation operation) {
        this.operation = operation;
    }

    public boolean isConfirm() {
        return confirm;
    }

    public void setConfirm(boolean confirm) {
        this.confirm = confirm;
    }

    public boolean isRetained() {
        return retained;
    }

    public void setRetained(boolean retained) {
        this.retained = retained;
    }
}
