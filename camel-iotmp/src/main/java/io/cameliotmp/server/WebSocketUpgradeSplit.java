package io.cameliotmp.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * First of the WebSocket handlers, before the {@link WebSocketFrameMeter} and the HTTP codec: lets them read the
 * upgrade request's head and nothing after it. What a client sends behind its request before it has the 101 (its
 * CONNECT frame, in the same write) is kept here until the handshake is complete, then passed on, to the meter and so
 * to the frame decoder, in the order it came and ahead of anything read later; the meter sees every byte once.
 * <p>
 * Netty's handshake places the frame decoder before the HTTP codec at once, but removes the codec, which then passes
 * on what it holds beyond the request, only once the 101 is written. When that write did not complete at once (a
 * handler of the application's own that delays writes, a send buffer that is full) the codec read the frame bytes in
 * its buffer as HTTP (a line break in the masked bytes made a "request line" of them, and the bytes were gone), and
 * bytes of later reads reached the frame decoder before those the codec still held. The upgrade has no body (one is
 * refused, see {@link WebSocketLimits#upgradeAggregator()}), so the head's end is the request's.
 * <p>
 * What is kept is bounded by {@code maxHeld} (a client that has not had its 101 has no reason to send more than a
 * CONNECT frame): beyond it the connection is closed. One instance per connection; event loop only.
 */
final class WebSocketUpgradeSplit extends ChannelInboundHandlerAdapter {

    /** The name in the pipeline. */
    static final String NAME = "http-split";

    private final int maxHeld;
    /** Whether the request line has started: Netty skips control characters and white space before it. */
    private boolean started;
    /** 0 within a line, 1 after a line feed, 2 after a line feed and a carriage return. */
    private int lineEnd;
    /** What came after the head, until {@link #handshakeComplete}; null while the head is read. */
    private CompositeByteBuf held;
    /** Whether the head is being passed on: a 101 written at once completes the handshake within that call. */
    private boolean passingHead;
    private boolean complete;
    /** The head was found: everything after it is held, or dropped once the connection is closing. */
    private boolean afterHead;

    WebSocketUpgradeSplit(int maxHeld) {
        this.maxHeld = maxHeld;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (afterHead) {
            hold(ctx, in);
            return;
        }
        int end = headEnd(in);
        if (end < 0) {
            ctx.fireChannelRead(in);
            return;
        }
        afterHead = true;
        held = ctx.alloc().compositeBuffer();
        ByteBuf rest = in.writerIndex() > end ? in.retainedSlice(end, in.writerIndex() - end) : null;
        ByteBuf head = in.readRetainedSlice(end - in.readerIndex());
        in.release();
        passingHead = true;
        try {
            ctx.fireChannelRead(head);
        } finally {
            passingHead = false;
        }
        if (rest != null) {
            hold(ctx, rest);
        }
        if (complete) {
            passHeld(ctx);
        }
    }

    private void hold(ChannelHandlerContext ctx, ByteBuf bytes) {
        if (held == null) { // closing, or passed on already (this read's rest, after the handshake completed)
            bytes.release();
            return;
        }
        held.addComponent(true, bytes);
        if (held.readableBytes() > maxHeld) {
            release();
            ctx.close();
        }
    }

    /** The index just after the head's empty line in {@code in}, or -1 when it is not in these bytes. */
    private int headEnd(ByteBuf in) {
        for (int i = in.readerIndex(); i < in.writerIndex(); i++) {
            int b = in.getUnsignedByte(i);
            if (!started) {
                started = !Character.isISOControl(b) && !Character.isWhitespace(b);
            } else if (b == '\n') {
                if (lineEnd != 0) {
                    return i + 1;
                }
                lineEnd = 1;
            } else if (b == '\r' && lineEnd == 1) {
                lineEnd = 2;
            } else if (b != '\r') {
                lineEnd = 0;
            }
        }
        return -1;
    }

    /**
     * The 101 is written and the HTTP codec gone (Netty's handshake event comes after both): what was kept goes on,
     * through the meter to the frame decoder, and this handler leaves the pipeline.
     *
     * @param ctx this handler's context
     */
    void handshakeComplete(ChannelHandlerContext ctx) {
        complete = true;
        if (!passingHead) {
            passHeld(ctx);
        } // else the rest of the read is not held yet: channelRead passes it on when the head's call returns
    }

    private void passHeld(ChannelHandlerContext ctx) {
        CompositeByteBuf bytes = held;
        held = null;
        if (bytes != null && bytes.isReadable()) {
            ctx.fireChannelRead(bytes);
        } else if (bytes != null) {
            bytes.release();
        }
        if (!ctx.isRemoved()) {
            ctx.pipeline().remove(this);
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        release();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        release();
        ctx.fireChannelInactive();
    }

    private void release() {
        if (held != null) {
            held.release();
            held = null;
        }
    }
}
