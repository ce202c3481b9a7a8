package io.cameliotmp.camel.device;

import org.apache.camel.spi.Metadata;

/** Headers of the iotmp-device component. */
public final class IotmpDeviceConstants {

    @Metadata(label = "producer", description = "The operation to perform, overriding the endpoint's operation.",
              javaType = "io.cameliotmp.camel.device.IotmpDeviceOperation")
    public static final String OPERATION = "CamelIotmpDeviceOperation";

    @Metadata(label = "producer", description = "The target of the operation, overriding the endpoint's path: the"
                                                + " resource, bucket, endpoint, property, topic or sync name, or"
                                                + " {device}/{resource} for callDevice.",
              javaType = "String")
    public static final String TARGET = "CamelIotmpDeviceTarget";

    @Metadata(label = "consumer", description = "The resource path the server asked for; for a pattern resource"
                                                + " (such as $cmd/:session) the concrete path.",
              javaType = "String")
    public static final String RESOURCE = "CamelIotmpDeviceResource";

    @Metadata(label = "consumer", description = "The captures of a pattern resource's :name and *name segments,"
                                                + " by name; absent for literal paths.",
              javaType = "java.util.Map<String, String>")
    public static final String PATH_PARAMETERS = "CamelIotmpDevicePathParameters";

    @Metadata(label = "consumer", description = "The PARAMETERS of the server's RUN, or of the START_STREAM of a"
                                                + " stream call, when it sent any.",
              javaType = "Object")
    public static final String PARAMETERS = "CamelIotmpDeviceParameters";

    @Metadata(label = "consumer", description = "True when the server only wants the resource's current value: a"
                                                + " DESCRIBE, or, of a resource that takes input, a call without"
                                                + " input (a RUN without one, a stream sample or echo). The route"
                                                + " must answer it without side effects.",
              javaType = "Boolean")
    public static final String DESCRIBE = "CamelIotmpDeviceDescribe";

    @Metadata(label = "consumer", description = "The id of the server's stream a call belongs to (a sample at the"
                                                + " stream's interval, or data the server sent on it); absent for RUN"
                                                + " and DESCRIBE.",
              javaType = "Integer")
    public static final String STREAM_ID = "CamelIotmpDeviceStreamId";

    @Metadata(label = "producer", description = "stream: whether an on-change stream of the server was open on the"
                                                + " resource, so that the value went somewhere.",
              javaType = "Boolean")
    public static final String STREAMED = "CamelIotmpDeviceStreamed";

    @Metadata(label = "producer", description = "lock: the token the server gave for the slot; unlock: the token of"
                                                + " the slot to free (else taken from the body).",
              javaType = "String")
    public static final String LOCK_TOKEN = "CamelIotmpDeviceLockToken";

    @Metadata(label = "consumer", description = "events: connected, disconnected or refused.", javaType = "String")
    public static final String EVENT_TYPE = "CamelIotmpDeviceEventType";

    @Metadata(label = "consumer", description = "events: the code of the server's refusal (1 redirect, 2 bad"
                                                + " credentials, 3 invalid keep-alive), when it sent one.",
              javaType = "Long")
    public static final String REFUSAL_CODE = "CamelIotmpDeviceRefusalCode";

    @Metadata(label = "consumer", description = "events: what the server said when it refused the device.",
              javaType = "String")
    public static final String REASON = "CamelIotmpDeviceReason";

    private IotmpDeviceConstants() {
    }
}
