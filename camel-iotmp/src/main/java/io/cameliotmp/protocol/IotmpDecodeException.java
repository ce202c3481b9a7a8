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
    private final int streamId;

    public IotmpDecodeException(String message, int offset) {
        this(message + " (at offset " + offset + ")", offset, 0, null);
    }

    private IotmpDecodeException(String fullMessage, int offset, int streamId, IotmpDecodeException cause) {
        super(fullMessage, cause);
        this.offset = offset;
        this.streamId = streamId;
    }

    /** Offset of the offending byte, relative to the start of the decoded region. */
    public int offset() {
        return offset;
    }

    /**
     * The stream id the frame's body gave before the offending byte, or 0 when it gave none: a reply whose payload
     * does not decode can then still fail its request at once, instead of leaving it to its timeout.
     */
    public int streamId() {
        return streamId;
    }

    /** This failure, in a frame of stream {@code streamId} (0: unknown, this failure itself). */
    public IotmpDecodeException inStream(int streamId) {
        return streamId == 0 || streamId == this.streamId ? this
                : new IotmpDecodeException(getMessage(), offset, streamId, this);
    }
}
