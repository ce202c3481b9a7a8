package io.cameliotmp.protocol;

/**
 * A frame header announced a body larger than the configured maximum. The stream cannot be trusted any more, so the
 * connection must be closed; nothing was allocated for the body.
 */
public final class IotmpFrameTooLargeException extends IotmpDecodeException {

    private static final long serialVersionUID = 1L;

    private final long announcedSize;

    public IotmpFrameTooLargeException(long announcedSize, int maxFrameSize) {
        super("frame body of " + announcedSize + " bytes exceeds the maximum of " + maxFrameSize, 0);
        this.announcedSize = announcedSize;
    }

    public long announcedSize() {
        return announcedSize;
    }
}
