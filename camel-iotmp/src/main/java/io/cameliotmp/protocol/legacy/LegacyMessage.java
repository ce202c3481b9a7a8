package io.cameliotmp.protocol.legacy;

import java.util.List;

import io.cameliotmp.protocol.PsonValues;

/**
 * One legacy frame: a KEEP_ALIVE, or a MESSAGE with its signal flag and optional fields. A stream id of 0 means the
 * field is absent ("do not answer"); null values mean absent fields. Values are the plain Java values of
 * {@link io.cameliotmp.protocol.PsonFormat}. The device's "unset" value (tag {@code 78}) decodes as null, so a
 * payload that holds only it reads as absent.
 *
 * @param keepAlive  true for the KEEP_ALIVE frame {@code 02 00}; all other components are then empty
 * @param streamId   0..65535; 0 = absent
 * @param flag       the operation (never null for a MESSAGE)
 * @param identifier field 3: the bucket, endpoint, property or target device of a service call
 * @param resource   field 4: the resource path as an array of segments, or the credentials of an AUTH
 * @param payload    field 6
 */
public record LegacyMessage(boolean keepAlive, int streamId, SignalFlag flag, Object identifier, Object resource,
                            Object payload) {

    /** The frame {@code 02 00}. */
    public static final LegacyMessage KEEP_ALIVE = new LegacyMessage(true, 0, null, null, null, null);

    public LegacyMessage {
        if (streamId < 0 || streamId > LegacyFrames.MAX_STREAM_ID) {
            throw new IllegalArgumentException("legacy stream ids are 16-bit: " + streamId);
        }
        if (!keepAlive && flag == null) {
            throw new IllegalArgumentException("a legacy MESSAGE needs a signal flag");
        }
    }

    /** A MESSAGE without identifier. */
    public static LegacyMessage of(SignalFlag flag, int streamId, Object resource, Object payload) {
        return new LegacyMessage(false, streamId, flag, null, resource, payload);
    }

    /** A service call of the device (flags 8 to 12), which names its target in the identifier. */
    public static LegacyMessage service(SignalFlag flag, int streamId, String identifier, Object resource,
                                        Object payload) {
        return new LegacyMessage(false, streamId, flag, identifier, resource, payload);
    }

    /** The device's first frame. */
    public static LegacyMessage auth(String user, String device, String credential) {
        return of(SignalFlag.AUTH, 0, List.of(user, device, credential), null);
    }

    public static LegacyMessage ok(int streamId, Object payload) {
        return of(SignalFlag.REQUEST_OK, streamId, null, payload);
    }

    public static LegacyMessage error(int streamId) {
        return of(SignalFlag.REQUEST_ERROR, streamId, null, null);
    }

    public boolean hasStreamId() {
        return streamId != 0;
    }

    /** The path segments of the resource field, or null when it is absent or not an array of strings. */
    public List<String> path() {
        if (!(resource instanceof List<?> list)) {
            return null;
        }
        for (Object segment : list) {
            if (!(segment instanceof String)) {
                return null;
            }
        }
        @SuppressWarnings("unchecked")
        List<String> path = (List<String>) list;
        return path;
    }

    /** Equality by value, with PSON semantics for the fields (byte arrays by content, numbers by value). */
    public boolean sameAs(LegacyMessage other) {
        return other != null && keepAlive == other.keepAlive && streamId == other.streamId && flag == other.flag
               && PsonValues.equal(identifier, other.identifier) && PsonValues.equal(resource, other.resource)
               && PsonValues.equal(payload, other.payload);
    }

    @Override
    public String toString() {
        if (keepAlive) {
            return "KEEP_ALIVE";
        }
        StringBuilder s = new StringBuilder("MESSAGE");
        if (streamId != 0) {
            s.append(" stream=").append(streamId);
        }
        s.append(" flag=").append(flag);
        if (identifier != null) {
            s.append(" identifier=").append(PsonValues.toString(identifier));
        }
        if (resource != null) {
            s.append(" resource=").append(PsonValues.toString(resource));
        }
        if (payload != null) {
            s.append(" payload=").append(PsonValues.toString(payload));
        }
        return s.toString();
    }
}
