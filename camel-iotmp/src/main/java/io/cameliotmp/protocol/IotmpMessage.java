package io.cameliotmp.protocol;

import java.util.List;
import java.util.Objects;

/**
 * One IOTMP message: a type and up to four fields. Values are plain PSON Java values; {@code null} means the field is
 * absent (a top-level PSON null is read as absent too, as no implementation gives it another meaning). A stream id
 * of 0 means "no id", which is also what the wire means by it.
 */
public final class IotmpMessage {

    public static final IotmpMessage KEEP_ALIVE = new IotmpMessage(MessageType.KEEP_ALIVE, 0, null, null, null, 0);
    public static final IotmpMessage DISCONNECT = new IotmpMessage(MessageType.DISCONNECT, 0, null, null, null, 0);

    private final MessageType type;
    private final int streamId;
    private final Object parameters;
    private final Object payload;
    private final Object resource;
    private final int psonWireType;

    IotmpMessage(MessageType type, int streamId, Object parameters, Object payload, Object resource,
                 int psonWireType) {
        this.type = Objects.requireNonNull(type, "type");
        if (streamId < 0 || streamId > 0xFFFF) {
            throw new IllegalArgumentException("stream id must be a 16-bit unsigned value: " + streamId);
        }
        this.streamId = streamId;
        this.parameters = parameters;
        this.payload = payload;
        this.resource = resource;
        this.psonWireType = psonWireType;
    }

    public static IotmpMessage of(MessageType type, int streamId, Object parameters, Object payload, Object resource) {
        return new IotmpMessage(type, streamId, parameters, payload, resource, 0);
    }

    public static IotmpMessage ok(int streamId) {
        return of(MessageType.OK, streamId, null, null, null);
    }

    public static IotmpMessage ok(int streamId, Object payload) {
        return of(MessageType.OK, streamId, null, payload, null);
    }

    public static IotmpMessage error(int streamId, Object code, Object payload) {
        return of(MessageType.ERROR, streamId, code, payload, null);
    }

    public static IotmpMessage connect(int streamId, String user, String device, String credential) {
        return of(MessageType.CONNECT, streamId, null, List.of(user, device, credential), null);
    }

    public static IotmpMessage run(int streamId, Object resource, Object parameters, Object input) {
        return of(MessageType.RUN, streamId, parameters, input, resource);
    }

    public static IotmpMessage describe(int streamId, Object resource) {
        return of(MessageType.DESCRIBE, streamId, null, null, resource);
    }

    public static IotmpMessage startStream(int streamId, Object resource, Object parameters) {
        return of(MessageType.START_STREAM, streamId, parameters, null, resource);
    }

    public static IotmpMessage stopStream(int streamId) {
        return of(MessageType.STOP_STREAM, streamId, null, null, null);
    }

    public static IotmpMessage streamData(int streamId, Object payload) {
        return of(MessageType.STREAM_DATA, streamId, null, payload, null);
    }

    public MessageType type() {
        return type;
    }

    public int streamId() {
        return streamId;
    }

    public boolean hasStreamId() {
        return streamId != 0;
    }

    public Object parameters() {
        return parameters;
    }

    public Object payload() {
        return payload;
    }

    public Object resource() {
        return resource;
    }

    /**
     * For decoded messages, the wire type of the first PSON field (1 = PSON v1, 2 = PSON v2), or 0 when the message
     * had no PSON field. A server reads the generation of a device from its CONNECT this way.
     */
    public int psonWireType() {
        return psonWireType;
    }

    public IotmpMessage withStreamId(int id) {
        return new IotmpMessage(type, id, parameters, payload, resource, psonWireType);
    }

    /** The resource as a path: strings as they are, arrays of strings joined with '/' (IOTMP-Embedded accepts both). */
    public String resourcePath() {
        if (resource instanceof String s) {
            return s;
        }
        if (resource instanceof List<?> parts && !parts.isEmpty()) {
            StringBuilder path = new StringBuilder();
            for (Object part : parts) {
                if (path.length() > 0) {
                    path.append('/');
                }
                path.append(part);
            }
            return path.toString();
        }
        return null;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof IotmpMessage other)) {
            return false;
        }
        return type == other.type && streamId == other.streamId && deepEquals(parameters, other.parameters)
               && deepEquals(payload, other.payload) && deepEquals(resource, other.resource);
    }

    private static boolean deepEquals(Object a, Object b) {
        return PsonValues.equal(a, b);
    }

    /**
     * Type and id only: the fields compare as PSON values (byte arrays by content, 1 equal to 1L), which their own
     * hash codes do not follow.
     */
    @Override
    public int hashCode() {
        return Objects.hash(type, streamId);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(type.name());
        if (streamId != 0) {
            s.append(" id=").append(streamId);
        }
        append(s, "resource", resource);
        append(s, "params", parameters);
        append(s, "payload", payload);
        return s.toString();
    }

    private static void append(StringBuilder s, String name, Object value) {
        if (value != null) {
            s.append(' ').append(name).append('=').append(PsonValues.toString(value));
        }
    }

}
