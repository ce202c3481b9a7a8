package io.cameliotmp.protocol;

/**
 * Emitted by {@link IotmpFrameCodec} in place of a message whose body could not be decoded. The frame's bytes have
 * been consumed, so the stream stays in sync; the handler decides whether the connection may go on.
 */
public record MalformedFrame(MessageType type, IotmpDecodeException cause) {

    /**
     * The stream of the request this frame answers: an OK or ERROR whose body gave its stream id before it went wrong
     * ({@link IotmpDecodeException#streamId()}); 0 for any other frame. Such an answer can still end its request at
     * once, on either end of a connection, rather than leave it to its timeout.
     */
    public int answeredStream() {
        return type == MessageType.OK || type == MessageType.ERROR ? cause.streamId() : 0;
    }
}
