package io.cameliotmp.camel;

import org.apache.camel.spi.Metadata;

/** Headers of the iotmp component. */
public final class IotmpConstants {

    @Metadata(label = "common", description = "The Thinger user owning the device. On a producer it overrides the"
                                              + " user of the URI.", javaType = "String")
    public static final String USER = "CamelIotmpUser";

    @Metadata(label = "common", description = "The device id. On a producer it overrides the device of the URI.",
              javaType = "String")
    public static final String DEVICE = "CamelIotmpDevice";

    @Metadata(label = "common", description = "The resource path. On a producer it overrides the resource of the"
                                              + " URI; on a server or service consumer it is the name the device"
                                              + " called.", javaType = "String")
    public static final String RESOURCE = "CamelIotmpResource";

    @Metadata(label = "producer", description = "The operation to perform, overriding the endpoint's operation.",
              javaType = "io.cameliotmp.camel.IotmpOperation")
    public static final String OPERATION = "CamelIotmpOperation";

    @Metadata(description = "The stream id: set by startStream and on stream samples; read by stopStream and"
                            + " sendStreamData.", javaType = "Integer")
    public static final String STREAM_ID = "CamelIotmpStreamId";

    @Metadata(label = "producer", description = "startStream: set on the reply, the session number of the device"
                                                + " connection the stream opened on. stopStream and sendStreamData:"
                                                + " when given, the operation goes only to the device's connection of"
                                                + " that session number (stream ids start again on every connection),"
                                                + " and fails with DeviceNotConnectedException when the device has"
                                                + " connected again since.", javaType = "Long")
    public static final String SESSION_NUMBER = "CamelIotmpSessionNumber";

    @Metadata(label = "producer", description = "startStream: sampling interval in milliseconds (0 = on change),"
                                                + " overriding the endpoint's interval.", javaType = "Long")
    public static final String INTERVAL = "CamelIotmpInterval";

    @Metadata(label = "producer", description = "run: the RUN's PARAMETERS (handler options), sent as they are.",
              javaType = "Object")
    public static final String PARAMETERS = "CamelIotmpParameters";

    @Metadata(label = "producer", description = "The PARAMETERS of the device's OK (a return code or handler data),"
                                                + " when it sent any.", javaType = "Object")
    public static final String REPLY_PARAMETERS = "CamelIotmpReplyParameters";

    @Metadata(label = "consumer", description = "When the server received the stream sample (epoch millis).",
              javaType = "Long")
    public static final String TIMESTAMP = "CamelIotmpTimestamp";

    @Metadata(label = "consumer", description = "With batchSize: how many samples the batch in the body holds.",
              javaType = "Integer")
    public static final String BATCH_SIZE = "CamelIotmpBatchSize";

    @Metadata(label = "consumer", description = "The Thinger service a device called: property, setProperty,"
                                                + " device, endpoint, bucket, lock, unlock.", javaType = "String")
    public static final String SERVICE = "CamelIotmpService";

    @Metadata(label = "consumer", description = "Whether the device waits for the answer (it sent a stream id)."
                                                + " When false the route's result is not sent back.",
              javaType = "Boolean")
    public static final String REPLY_EXPECTED = "CamelIotmpReplyExpected";

    @Metadata(label = "consumer", description = "events: connected, disconnected or authenticationRefused.",
              javaType = "String")
    public static final String EVENT_TYPE = "CamelIotmpEventType";

    @Metadata(label = "consumer", description = "events: why a device disconnected or was refused.",
              javaType = "String")
    public static final String REASON = "CamelIotmpReason";

    @Metadata(label = "consumer", description = "The device's remote address.", javaType = "String")
    public static final String REMOTE_ADDRESS = "CamelIotmpRemoteAddress";

    @Metadata(label = "consumer", description = "The device's protocol generation: GEN1 (PSON v1), GEN2, or LEGACY (the"
                                                    + " legacy Thinger protocol).",
              javaType = "String")
    public static final String GENERATION = "CamelIotmpGeneration";

    @Metadata(description = "topic: the topic a message was published on; on a topic producer it overrides the"
                            + " topic of the URI.", javaType = "String")
    public static final String TOPIC = "CamelIotmpTopic";

    @Metadata(label = "producer", description = "topic and serverEvent producers: how many device streams the"
                                                + " message reached (serverEvent only).", javaType = "Integer")
    public static final String DELIVERED = "CamelIotmpDelivered";

    @Metadata(label = "producer", description = "On the last exchange a streamTo endpoint receives for a stream:"
                                                + " why the stream ended (stopped by the device or the server, or"
                                                + " the connection closed). Absent on sample exchanges.",
              javaType = "String")
    public static final String STREAM_ENDED = "CamelIotmpStreamEnded";

    @Metadata(label = "producer", description = "firmwareUpdate: the version the device must run after the update"
                                                + " (default: the version after @(#) in the image); after the"
                                                + " update, the version the device reported.", javaType = "String")
    public static final String FIRMWARE_VERSION = "CamelIotmpFirmwareVersion";

    @Metadata(label = "producer", description = "firmwareUpdate: true updates even a device that already runs the"
                                                + " expected version.", javaType = "Boolean")
    public static final String FIRMWARE_FORCE = "CamelIotmpFirmwareForce";

    @Metadata(label = "producer", description = "firmwareUpdate: false sends the image uncompressed even to a device"
                                                + " that offers zlib, gzip or lzss.", javaType = "Boolean")
    public static final String FIRMWARE_COMPRESS = "CamelIotmpFirmwareCompress";

    @Metadata(label = "producer", description = "firmwareUpdate: how the update ended: UPDATED, REBOOTED, STAGED,"
                                                + " ALREADY_CURRENT (a failed update ends in a"
                                                + " FirmwareUpdateException instead).", javaType = "String")
    public static final String FIRMWARE_OUTCOME = "CamelIotmpFirmwareOutcome";

    @Metadata(label = "producer", description = "On firmwareProgressTo exchanges: the step the update entered"
                                                + " (OPTIONS, PREPARE, BEGIN, WRITE, END, REBOOT, RECONNECT,"
                                                + " VERSION).", javaType = "String")
    public static final String FIRMWARE_STEP = "CamelIotmpFirmwareStep";

    @Metadata(label = "producer", description = "On firmwareProgressTo exchanges: bytes the device accepted so far.",
              javaType = "Long")
    public static final String FIRMWARE_SENT_BYTES = "CamelIotmpFirmwareSentBytes";

    @Metadata(label = "producer", description = "On firmwareProgressTo exchanges: bytes to send in all (compressed"
                                                + " size when compressing).", javaType = "Long")
    public static final String FIRMWARE_TOTAL_BYTES = "CamelIotmpFirmwareTotalBytes";

    private IotmpConstants() {
    }
}
