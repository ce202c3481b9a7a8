package io.cameliotmp.camel;

import io.cameliotmp.protocol.FrameLimits;
import io.cameliotmp.server.IotmpServerConfig;
import io.cameliotmp.server.ota.FirmwareUpdateOptions;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriParams;

/**
 * Options of the iotmp component and its endpoints. This class holds the options of one endpoint's calls and
 * deliveries (operation, call timeout, stream interval, batching, …), which may differ between endpoints of one
 * server; the server-wide options it inherits from {@link IotmpServerOptions} describe the embedded server the
 * endpoint uses.
 */
@UriParams
public class IotmpConfiguration extends IotmpServerOptions implements Cloneable {

    /** The default of batchTimeout, an option of the Camel consumers alone. */
    public static final long DEFAULT_BATCH_TIMEOUT_MILLIS = 1000;
    /** The default of maxDeliveriesInFlight: as many as a seda queue holds by default. */
    public static final int DEFAULT_MAX_DELIVERIES_IN_FLIGHT = 1000;
    /** The default of maxDeliveryBytesInFlight: sixteen frames of the largest size a device may send by default. */
    public static final long DEFAULT_MAX_DELIVERY_BYTES_IN_FLIGHT = 16 * FrameLimits.DEFAULT_MAX_DECODED_FRAME_BYTES;

    @UriParam(label = "common", defaultValue = "" + IotmpServerConfig.DEFAULT_REQUEST_TIMEOUT_MILLIS,
              javaType = "java.time.Duration",
              description = "How long a call to a device may wait for its answer.")
    private long requestTimeout = IotmpServerConfig.DEFAULT_REQUEST_TIMEOUT_MILLIS;

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

    @UriParam(label = "producer", defaultValue = "" + IotmpServerConfig.DEFAULT_DOWNLOAD_CHUNK_SIZE,
              description = "download: the chunk size asked of the device, in bytes.")
    private int chunkSize = IotmpServerConfig.DEFAULT_DOWNLOAD_CHUNK_SIZE;

    @UriParam(label = "producer", defaultValue = "" + IotmpServerConfig.DEFAULT_MAX_DOWNLOAD_SIZE,
              description = "download: the largest file accepted, in bytes. The server holds the whole file until "
                            + "the download completes and the size is the device's word: a larger file fails the "
                            + "download at once with a QuotaExceededException, before anything of it is held.")
    private long maxDownloadSize = IotmpServerConfig.DEFAULT_MAX_DOWNLOAD_SIZE;

    @UriParam(label = "producer", defaultValue = "" + FirmwareUpdateOptions.DEFAULT_REBOOT_TIMEOUT_MILLIS,
              javaType = "java.time.Duration",
              description = "firmwareUpdate: how long to wait for the device to reconnect after its reboot, before "
                            + "its version is checked; 0 does not wait (the report then says STAGED).")
    private long firmwareRebootTimeout = FirmwareUpdateOptions.DEFAULT_REBOOT_TIMEOUT_MILLIS;

    @UriParam(label = "producer", defaultValue = "" + FirmwareUpdateOptions.DEFAULT_TRANSFER_TIMEOUT_MILLIS,
              javaType = "java.time.Duration",
              description = "firmwareUpdate: how long an update may take from its start until the device has "
                            + "staged the image (begin, every chunk and end together), however promptly each answer "
                            + "comes; beyond it the update fails as TIMEOUT. Bounds how long a slow or hostile "
                            + "device holds the update's thread. 0 for no limit.")
    private long firmwareTransferTimeout = FirmwareUpdateOptions.DEFAULT_TRANSFER_TIMEOUT_MILLIS;

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

    @UriParam(label = "consumer", defaultValue = "" + DEFAULT_BATCH_TIMEOUT_MILLIS, javaType = "java.time.Duration",
              description = "With batchSize: the longest a sample waits for its batch to fill before the batch is "
                            + "delivered as it is.")
    private long batchTimeout = DEFAULT_BATCH_TIMEOUT_MILLIS;

    @UriParam(label = "consumer", defaultValue = "" + DEFAULT_MAX_DELIVERIES_IN_FLIGHT,
              description = "Topic and events consumers: the most publications or events handed to the route and "
                            + "not yet completed by it. Beyond it further ones are dropped and counted "
                            + "(iotmp.deliveries.dropped): devices are not acknowledged per publication, so nothing "
                            + "can wait for the route, and a route that continues asynchronously (an async producer, "
                            + "threads, a queue without a bound) would otherwise let devices publishing or "
                            + "connecting fast make the server hold any number of exchanges. A synchronous route "
                            + "holds one per thread delivering.")
    private int maxDeliveriesInFlight = DEFAULT_MAX_DELIVERIES_IN_FLIGHT;

    @UriParam(label = "consumer", defaultValue = "" + DEFAULT_MAX_DELIVERY_BYTES_IN_FLIGHT,
              description = "Topic consumers: the most bytes of publications (topic and PSON-encoded payload) handed "
                            + "to the route and not yet completed by it. Beyond it further ones are dropped and "
                            + "counted (iotmp.deliveries.dropped), as beyond maxDeliveriesInFlight: a publication may "
                            + "be as large as a device's frame (maxDecodedFrameBytes), so the count alone would let "
                            + "a route that continues asynchronously hold gigabytes. One publication is always "
                            + "handed over when the route holds none, however large.")
    private long maxDeliveryBytesInFlight = DEFAULT_MAX_DELIVERY_BYTES_IN_FLIGHT;

    // "common", Camel's label for both sides: the Endpoint DSL generator leaves "consumer,producer" out
    @UriParam(label = "common", javaType = "java.time.Duration", defaultValue = "0",
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

    public long getRequestTimeout() {
        return requestTimeout;
    }

    public void setRequestTimeout(long requestTimeout) {
        this.requestTimeout = requestTimeout;
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

    public long getMaxDownloadSize() {
        return maxDownloadSize;
    }

    public void setMaxDownloadSize(long maxDownloadSize) {
        this.maxDownloadSize = maxDownloadSize;
    }

    public long getFirmwareRebootTimeout() {
        return firmwareRebootTimeout;
    }

    public void setFirmwareRebootTimeout(long firmwareRebootTimeout) {
        this.firmwareRebootTimeout = firmwareRebootTimeout;
    }

    public long getFirmwareTransferTimeout() {
        return firmwareTransferTimeout;
    }

    public void setFirmwareTransferTimeout(long firmwareTransferTimeout) {
        this.firmwareTransferTimeout = firmwareTransferTimeout;
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

    public int getMaxDeliveriesInFlight() {
        return maxDeliveriesInFlight;
    }

    public void setMaxDeliveriesInFlight(int maxDeliveriesInFlight) {
        this.maxDeliveriesInFlight = maxDeliveriesInFlight;
    }

    public long getMaxDeliveryBytesInFlight() {
        return maxDeliveryBytesInFlight;
    }

    public void setMaxDeliveryBytesInFlight(long maxDeliveryBytesInFlight) {
        this.maxDeliveryBytesInFlight = maxDeliveryBytesInFlight;
    }

    public long getInterval() {
        return interval;
    }

    public void setInterval(long interval) {
        this.interval = interval;
    }}
