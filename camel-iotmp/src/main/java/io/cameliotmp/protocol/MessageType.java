package io.cameliotmp.protocol;

/** IOTMP message types. Code 0 is reserved and, like every unknown code, is ignored on receipt. */
public enum MessageType {
    OK(0x01),
    ERROR(0x02),
    CONNECT(0x03),
    DISCONNECT(0x04),
    KEEP_ALIVE(0x05),
    RUN(0x06),
    DESCRIBE(0x07),
    START_STREAM(0x08),
    STOP_STREAM(0x09),
    STREAM_DATA(0x0A);

    private static final MessageType[] BY_CODE;

    static {
        int highest = 0;
        for (MessageType type : values()) {
            highest = Math.max(highest, type.code);
        }
        BY_CODE = new MessageType[highest + 1];
        for (MessageType type : values()) {
            BY_CODE[type.code] = type;
        }
    }

    private final int code;

    MessageType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** True for OK and ERROR, the two answers a request is correlated with. */
    public boolean isResponse() {
        return this == OK || this == ERROR;
    }

    /** The type for a wire code, or null for reserved and unknown codes. */
    public static MessageType fromCode(long code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[(int) code] : null;
    }
}
