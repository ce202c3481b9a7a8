package io.cameliotmp.protocol.legacy;

import io.cameliotmp.protocol.IotmpDecodeException;

/**
 * Emitted by {@link LegacyFrameCodec} in place of a MESSAGE whose body could not be decoded. The frame's bytes have
 * been consumed, so the stream stays in sync; the handler decides whether the connection may go on.
 */
public record MalformedLegacyFrame(IotmpDecodeException cause) {

    /**
     * The legacy stream id of the request this frame answers: a REQUEST_OK or REQUEST_ERROR whose body gave its id
     * and flag before it went wrong ({@link LegacyFrames#decodeBody}); 0 for any other frame.
     */
    public int answeredStream() {
        return cause.streamId();
    }
}
