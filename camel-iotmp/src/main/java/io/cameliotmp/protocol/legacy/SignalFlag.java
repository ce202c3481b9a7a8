package io.cameliotmp.protocol.legacy;

/**
 * What a legacy MESSAGE asks or answers: the frame type is always MESSAGE, the operation travels in field 2. The
 * codes are fixed by the devices in the field.
 */
public enum SignalFlag {

    /** Run a resource (the field is omitted on the wire). */
    RUN(0),
    REQUEST_OK(1),
    REQUEST_ERROR(2),
    START_STREAM(3),
    STOP_STREAM(4),
    /** The device's first frame, its credentials in the resource field. */
    AUTH(5),
    STREAM_EVENT(6),
    STREAM_SAMPLE(7),
    CALL_ENDPOINT(8),
    CALL_DEVICE(9),
    BUCKET_DATA(10),
    GET_PROPERTY(11),
    SET_PROPERTY(12);

    private static final SignalFlag[] BY_CODE = values();

    private final int code;

    SignalFlag(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** Whether this flag answers a request (OK or ERROR) rather than asking for something. */
    public boolean isAnswer() {
        return this == REQUEST_OK || this == REQUEST_ERROR;
    }

    /** The flag with this code, or null for codes no library version uses. */
    public static SignalFlag fromCode(long code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[(int) code] : null;
    }
}
