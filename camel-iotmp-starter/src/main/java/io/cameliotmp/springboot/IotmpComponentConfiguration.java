package io.cameliotmp.springboot;

import java.time.Duration;

import io.cameliotmp.camel.IotmpConfiguration;
import io.cameliotmp.camel.IotmpOperation;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Calls IOTMP devices and receives what they send, through the component's embedded IOTMP server.
 * <p>
 * One property per option of the iotmp component, with the component's names, defaults and descriptions, laid out
 * the way camel-spring-boot's generator lays out a component starter: primitive options become their wrapper types
 * so that an unset option stays null. Duration options are {@link Duration}s, not the {@code Long} milliseconds of
 * Camel's generated starters: Spring Boot binds {@code 30s}, {@code 5m} and {@code PT30S} only to a Duration (a Long
 * property refused them and failed the start), and a bare number still means milliseconds, Spring Boot's default unit
 * of a Duration. The component's configurer takes the Duration as it is. {@code IotmpStarterMetadataTest} checks this
 * class against the component's {@code iotmp.json}.
 * <p>
 * This class holds the component's own properties and those of one endpoint's calls; the server-wide ones are in its
 * superclasses {@link IotmpServerProperties} and {@link IotmpServerLimitProperties}, along the same seam as the
 * component's option classes.
 */
@ConfigurationProperties(prefix = "camel.component.iotmp")
public class IotmpComponentConfiguration extends IotmpServerProperties {

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
     * How long a call to a device may wait for its answer. The option is a java.time.Duration type, such as 30s, 5m or
     * PT30S; a bare number is milliseconds.
     */
    private Duration requestTimeout = Duration.ofSeconds(10);
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
     * option is a java.time.Duration type, such as 30s, 5m or PT30S; a bare number is milliseconds.
     */
    private Duration batchTimeout = Duration.ofSeconds(1);
    /**
     * Topic and events consumers: the most publications or events handed to the route and not yet completed by it.
     * Beyond it further ones are dropped and counted (iotmp.deliveries.dropped): devices are not acknowledged per
     * publication, so nothing can wait for the route, and a route that continues asynchronously (an async producer,
     * threads, a queue without a bound) would otherwise let devices publishing or connecting fast make the server hold
     * any number of exchanges. A synchronous route holds one per thread delivering.
     */
    private Integer maxDeliveriesInFlight = 1000;
    /**
     * Topic consumers: the most bytes of publications (topic and PSON-encoded payload) handed to the route and not yet
     * completed by it. Beyond it further ones are dropped and counted (iotmp.deliveries.dropped), as beyond
     * maxDeliveriesInFlight: a publication may be as large as a device's frame (maxDecodedFrameBytes), so the count
     * alone would let a route that continues asynchronously hold gigabytes. One publication is always handed over when
     * the route holds none, however large.
     */
    private Long maxDeliveryBytesInFlight = 67108864L;
    /**
     * Stream sampling interval; 0 streams on change (event mode). Device consumers sharing a resource share one device
     * stream and each receives samples at its own interval. The option is a java.time.Duration type, such as 30s, 5m or
     * PT30S; a bare number is milliseconds.
     */
    private Duration interval = Duration.ofMillis(0);
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
     * topic producer: keep the message as the topic's retained message, delivered to devices that subscribe later.
     */
    private Boolean retained = false;
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
     * download: the largest file accepted, in bytes. The server holds the whole file until the download completes and
     * the size is the device's word: a larger file fails the download at once with a QuotaExceededException, before
     * anything of it is held.
     */
    private Long maxDownloadSize = 16777216L;
    /**
     * firmwareUpdate: how long to wait for the device to reconnect after its reboot, before its version is checked; 0
     * does not wait (the report then says STAGED). The option is a java.time.Duration type, such as 30s, 5m or PT30S; a
     * bare number is milliseconds.
     */
    private Duration firmwareRebootTimeout = Duration.ofMinutes(5);
    /**
     * firmwareUpdate: how long an update may take from its start until the device has staged the image (begin, every
     * chunk and end together), however promptly each answer comes; beyond it the update fails as TIMEOUT. Bounds how
     * long a slow or hostile device holds the update's thread. 0 for no limit. The option is a java.time.Duration type,
     * such as 30s, 5m or PT30S; a bare number is milliseconds.
     */
    private Duration firmwareTransferTimeout = Duration.ofHours(1);
    /**
     * firmwareUpdate: a Camel endpoint (such as seda:ota-progress) that receives the progress of each update: one
     * exchange per step and per whole percent sent, with the CamelIotmpFirmwareStep, CamelIotmpFirmwareSentBytes and
     * CamelIotmpFirmwareTotalBytes headers.
     */
    private String firmwareProgressTo;
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

    public Duration getRequestTimeout() {
        return requestTimeout;
    }

    public void setRequestTimeout(Duration requestTimeout) {
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

    public Integer getMaxDeliveriesInFlight() {
        return maxDeliveriesInFlight;
    }

    public void setMaxDeliveriesInFlight(Integer maxDeliveriesInFlight) {
        this.maxDeliveriesInFlight = maxDeliveriesInFlight;
    }

    public Long getMaxDeliveryBytesInFlight() {
        return maxDeliveryBytesInFlight;
    }

    public void setMaxDeliveryBytesInFlight(Long maxDeliveryBytesInFlight) {
        this.maxDeliveryBytesInFlight = maxDeliveryBytesInFlight;
    }

    public Duration getBatchTimeout() {
        return batchTimeout;
    }

    public void setBatchTimeout(Duration batchTimeout) {
        this.batchTimeout = batchTimeout;
    }

    public Duration getInterval() {
        return interval;
    }

    public void setInterval(Duration interval) {
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

    public Boolean getRetained() {
        return retained;
    }

    public void setRetained(Boolean retained) {
        this.retained = retained;
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

    public Long getMaxDownloadSize() {
        return maxDownloadSize;
    }

    public void setMaxDownloadSize(Long maxDownloadSize) {
        this.maxDownloadSize = maxDownloadSize;
    }

    public Duration getFirmwareRebootTimeout() {
        return firmwareRebootTimeout;
    }

    public void setFirmwareRebootTimeout(Duration firmwareRebootTimeout) {
        this.firmwareRebootTimeout = firmwareRebootTimeout;
    }

    public Duration getFirmwareTransferTimeout() {
        return firmwareTransferTimeout;
    }

    public void setFirmwareTransferTimeout(Duration firmwareTransferTimeout) {
        this.firmwareTransferTimeout = firmwareTransferTimeout;
    }

    public String getFirmwareProgressTo() {
        return firmwareProgressTo;
    }

    public void setFirmwareProgressTo(String firmwareProgressTo) {
        this.firmwareProgressTo = firmwareProgressTo;
    }

    public Boolean getMetricsEnabled() {
        return metricsEnabled;
    }

    public void setMetricsEnabled(Boolean metricsEnabled) {
        this.metricsEnabled = metricsEnabled;
    }
}
