package io.cameliotmp.protocol.legacy;

import java.time.Duration;

import io.cameliotmp.protocol.BodyReader;
import io.cameliotmp.protocol.FrameCodec;
import io.cameliotmp.protocol.FrameLimits;
import io.cameliotmp.protocol.IotmpDecodeException;
import io.cameliotmp.protocol.PartialFrameBudget;
import io.netty.buffer.ByteBuf;

/**
 * Netty codec between bytes and {@link LegacyMessage}s, one instance per connection. The legacy header is the same
 * two varints as IOTMP's, so the framing, its bounds and the decode gate are those of {@link FrameCodec}; this class
 * decodes MESSAGE and KEEP_ALIVE bodies (a MESSAGE body that does not decode is passed on as a
 * {@link MalformedLegacyFrame}) and skips the other frame types.
 */
public class LegacyFrameCodec extends FrameCodec<LegacyMessage> {

    /** An unbounded codec (device clients, tools, tests). */
    public LegacyFrameCodec(int maxFrameSize, int maxDepth) {
        this(FrameLimits.unbounded(maxFrameSize, maxDepth));
    }

    /**
     * The server's codec.
     *
     * @param maxFrameSizeBeforeLogin largest body accepted until {@link #authenticated()}
     * @param frameReadTimeout        how long a started frame may take to arrive completely, or null for no limit
     * @param budget                  where frames that do not arrive in one read reserve their length
     */
    public LegacyFrameCodec(int maxFrameSizeBeforeLogin, int maxFrameSize, int maxDepth, long maxDecodedFrameBytes,
                            Duration frameReadTimeout, PartialFrameBudget budget) {
        this(new FrameLimits(maxFrameSizeBeforeLogin, maxFrameSize, maxDepth, maxDecodedFrameBytes, frameReadTimeout,
                budget));
    }

    /** A codec within {@code limits}, which a server shares among all its connections. */
    public LegacyFrameCodec(FrameLimits limits) {
        super(LegacyMessage.class, limits);
    }

    @Override
    protected boolean knowsType(long typeCode) {
        return typeCode == LegacyFrames.TYPE_MESSAGE || typeCode == LegacyFrames.TYPE_KEEP_ALIVE;
    }

    @Override
    protected Object decodeBody(long typeCode, BodyReader body) {
        // a keep-alive's body, if any, is not read: it charges nothing, so it weighs only the message
        return typeCode == LegacyFrames.TYPE_KEEP_ALIVE ? LegacyMessage.KEEP_ALIVE
                : LegacyFrames.decodeBody(body, limits().maxDepth());
    }

    @Override
    protected Object malformed(long typeCode, IotmpDecodeException cause) {
        return new MalformedLegacyFrame(cause);
    }

    @Override
    protected void encodeFrame(LegacyMessage message, ByteBuf out) {
        LegacyFrames.encode(message, out);
    }
}
