package io.cameliotmp.protocol.legacy;

import io.cameliotmp.protocol.IotmpDecodeException;

/**
 * Emitted by {@link LegacyFrameCodec} in place of a MESSAGE whose body could not be decoded. The frame's bytes have
 * been consumed, so the stream stays in sync; the handler decides whether the connection may go on.
 */
public record MalformedLegacyFrame(IotmpDecodeException cause) {
}
