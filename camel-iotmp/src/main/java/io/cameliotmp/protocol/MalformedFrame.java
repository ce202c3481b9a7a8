package io.cameliotmp.protocol;

/**
 * Emitted by {@link IotmpFrameCodec} in place of a message whose body could not be decoded. The frame's bytes have
 * been consumed, so the stream stays in sync; the handler decides whether the connection may go on.
 */
public record MalformedFrame(MessageType type, IotmpDecodeException cause) {

    /** The stream id the body gave before it went wrong, or 0 ({@link IotmpDecodeException#streamId()}). */
    public int streamId() {
        return cause.streamId();
    }
}
