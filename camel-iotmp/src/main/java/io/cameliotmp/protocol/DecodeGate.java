package io.cameliotmp.protocol;

import java.util.function.BooleanSupplier;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandler;

/**
 * Lets the reader of a frame codec's decoded frames hold decoding back, for the IOTMP and the legacy codec alike:
 * before each complete frame the codec asks its gate (a {@code BooleanSupplier}, {@link #OPEN} until the reader sets
 * one); while it says no, the frame and all that follows stay undecoded in the codec's cumulation (only bytes already
 * read, so at most one read's worth while the reader also stops reading) until {@link #resume} decodes them.
 */
public final class DecodeGate {

    /** The gate of a codec whose reader never holds decoding back. */
    public static final BooleanSupplier OPEN = () -> true;

    private DecodeGate() {
    }

    /**
     * The gate opened again: decodes the frames {@code codec} holds, by an empty read (a {@code ByteToMessageDecoder}
     * decodes its cumulation and passes the frames on). On the channel's event loop at once, so that the caller knows
     * what came of it; it must then not be inside the codec's own decoding. From another thread, in a task.
     */
    public static void resume(ChannelHandlerContext ctx, ChannelInboundHandler codec) {
        if (ctx == null) {
            return;
        }
        if (ctx.executor().inEventLoop()) {
            decodeHeld(ctx, codec);
        } else {
            ctx.executor().execute(() -> decodeHeld(ctx, codec));
        }
    }

    private static void decodeHeld(ChannelHandlerContext ctx, ChannelInboundHandler codec) {
        if (ctx.isRemoved() || !ctx.channel().isActive()) {
            return;
        }
        try {
            codec.channelRead(ctx, Unpooled.EMPTY_BUFFER);
        } catch (Exception e) {
            ctx.fireExceptionCaught(e);
        }
    }
}
