package io.cameliotmp.protocol;

/**
 * Bytes from the network that do not form a valid IOTMP frame or PSON value.
 * <p>
 * The offset is relative to the start of the buffer region that was being decoded (the frame body for frames, the
 * first byte of the value for standalone PSON), so a log line points at the offending byte.
 */
public class IotmpDecodeException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int offset;

    public IotmpDecodeException(String message, int offset) {
        super(message + " (at offset " + offset + ")");
        this.offset = offset;
    }

    /** Offset of the offending byte, relative to the start of the decoded region. */
    public int offset() {
        return offset;
    }
}
