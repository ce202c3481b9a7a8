package io.cameliotmp.protocol.legacy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import io.cameliotmp.protocol.BodyReader;
import io.cameliotmp.protocol.DecodeGate;
import io.cameliotmp.protocol.IotmpDecodeException;
import io.cameliotmp.protocol.IotmpFrames;
import io.cameliotmp.protocol.PartialFrameBudget;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageCodec;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Netty codec between bytes and {@link LegacyMessage}s, one instance per connection, bounded the way
 * {@link io.cameliotmp.protocol.IotmpFrameCodec} is: the header (the same two varints as IOTMP) is read without
 * consuming anything until the whole body is buffered, a size above the limit is refused as soon as the header is
 * complete; until {@link #authenticated()} the limit is the one before login; a frame that does not arrive in one
 * read reserves its length from a {@link PartialFrameBudget} shared by all connections and must be complete within
 * the frame read timeout; the values of one body may take at most {@code maxDecodedFrameBytes} of heap. A body that
 * does not decode is consumed and passed on as a {@link MalformedLegacyFrame}; frame types other than MESSAGE and
 * KEEP_ALIVE are skipped. After a fatal error the codec discards all further input.
 */
public class LegacyFrameCodec extends ByteToMessageCodec<LegacyMessage> {

    private static final Logger LOG = LoggerFactory.getLogger(LegacyFrameCodec.class);

    private final int maxFrameSize;
    private final int maxDepth;
    /** The heap of a decoded message without its values, as for IOTMP frames. */
    private static final long MESSAGE_OVERHEAD = 64;

    /** Asked before each complete frame is decoded; while it says no, frames stay undecoded in the buffer. */
    private final DecodeGate decodeGate = new DecodeGate();
    private long lastFrameWeight;
    private final long maxDecodedFrameBytes;
    private final long frameReadTimeoutNanos;
    private final PartialFrameBudget budget;
    private volatile int frameLimit;
    private boolean failed;
    private boolean partialFrame;
    private long reserved;
    private ScheduledFuture<?> frameDeadline;
    private ChannelHandlerContext context;

    /** An unbounded codec (device clients, tools, tests). */
    public LegacyFrameCodec(int maxFrameSize, int maxDepth) {
        this(maxFrameSize, maxFrameSize, maxDepth, Long.MAX_VALUE, null, PartialFrameBudget.UNLIMITED);
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
        super(LegacyMessage.class);
        this.maxFrameSize = maxFrameSize;
        this.frameLimit = Math.min(maxFrameSizeBeforeLogin, maxFrameSize);
        this.maxDepth = maxDepth;
        this.maxDecodedFrameBytes = maxDecodedFrameBytes;
        this.frameReadTimeoutNanos = frameReadTimeout == null ? 0 : frameReadTimeout.toNanos();
        this.budget = budget;
    }

    /** The peer is authenticated: frames up to {@code maxFrameSize} are accepted from now on. */
    public void authenticated() {
        frameLimit = maxFrameSize;
    }

    /** The largest frame body accepted now. */
    public int frameLimit() {
        return frameLimit;
    }

    /** Bytes of the shared budget this connection holds for its partial frame. */
    public long reservedBytes() {
        return reserved;
    }

    /** Lets the reader of the decoded frames hold them back, as {@code IotmpFrameCodec#decodeGate} does. */
    public void decodeGate(BooleanSupplier gate) {
        decodeGate.set(gate);
    }

    /** The gate opened again: decodes, on the channel's event loop, the frames left in the buffer. */
    public void resumeDecoding() {
        DecodeGate.resume(context, this);
    }

    /** The estimated heap of the frame passed on last, valid while it travels down the pipeline. */
    public long lastFrameWeight() {
        return lastFrameWeight;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        context = ctx;
        super.handlerAdded(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) throws Exception {
        try {
            super.handlerRemoved(ctx);
        } finally {
            endPartialFrame();
        }
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, LegacyMessage msg, ByteBuf out) {
        LegacyFrames.encode(msg, out);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        IotmpFrames.Header header;
        try {
            header = IotmpFrames.peekHeader(in, frameLimit);
        } catch (IotmpDecodeException e) {
            throw fail(in, e);
        }
        if (header == null || in.readableBytes() < header.frameLength()) {
            partialFrame = in.isReadable();
            if (partialFrame) {
                awaitRest(ctx, in, header);
            }
            return;
        }
        if (!decodeGate.isOpen()) {
            return; // nothing consumed: ByteToMessageDecoder stops here and keeps the bytes
        }
        endPartialFrame();
        partialFrame = false;
        int bodyStart = in.readerIndex() + header.headerLength();
        int bodyEnd = bodyStart + header.bodySize();
        in.readerIndex(bodyEnd);
        if (header.typeCode() == LegacyFrames.TYPE_KEEP_ALIVE) {
            lastFrameWeight = MESSAGE_OVERHEAD;
            out.add(LegacyMessage.KEEP_ALIVE);
        } else if (header.typeCode() == LegacyFrames.TYPE_MESSAGE) {
            BodyReader reader = new BodyReader(in, bodyStart, bodyEnd, maxDecodedFrameBytes);
            try {
                LegacyMessage message = LegacyFrames.decodeBody(reader, maxDepth);
                lastFrameWeight = MESSAGE_OVERHEAD + reader.charged();
                out.add(message);
            } catch (IotmpDecodeException e) {
                lastFrameWeight = MESSAGE_OVERHEAD + header.frameLength();
                out.add(new MalformedLegacyFrame(e));
            }
        } else {
            LOG.debug("Ignoring legacy frame of unknown type {} ({} bytes)", header.typeCode(), header.bodySize());
        }
    }

    private void awaitRest(ChannelHandlerContext ctx, ByteBuf in, IotmpFrames.Header header) {
        if (frameDeadline == null && frameReadTimeoutNanos > 0) {
            frameDeadline = ctx.executor().schedule(this::frameTimedOut, frameReadTimeoutNanos, TimeUnit.NANOSECONDS);
        }
        if (header != null && reserved == 0) {
            if (!budget.tryReserve(header.frameLength())) {
                throw fail(in, new IotmpDecodeException("no room for a partial frame of " + header.frameLength()
                        + " bytes: the server holds " + budget.limit() + " bytes of partial frames at most", 0));
            }
            reserved = header.frameLength();
        }
    }

    private void endPartialFrame() {
        if (frameDeadline != null) {
            frameDeadline.cancel(false);
            frameDeadline = null;
        }
        if (reserved > 0) {
            budget.release(reserved);
            reserved = 0;
        }
    }

    private IotmpDecodeException fail(ByteBuf in, IotmpDecodeException cause) {
        failed = true;
        partialFrame = false;
        endPartialFrame();
        if (in != null) {
            in.skipBytes(in.readableBytes());
        }
        return cause;
    }

    /** As {@link io.cameliotmp.protocol.IotmpFrameCodec}: while the server does not read, the deadline starts over. */
    private void frameTimedOut() {
        frameDeadline = null;
        if (failed || !partialFrame || context == null || context.isRemoved()) {
            return;
        }
        if (!context.channel().config().isAutoRead()) {
            frameDeadline = context.executor().schedule(this::frameTimedOut, frameReadTimeoutNanos,
                    TimeUnit.NANOSECONDS);
            return;
        }
        context.fireExceptionCaught(fail(null, new IotmpDecodeException("frame not complete within "
                + frameReadTimeoutNanos / 1_000_000 + " ms", 0)));
    }
}
