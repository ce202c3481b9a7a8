package io.cameliotmp.server;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.protocol.PartialFrameBudget;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * Holds what Netty's WebSocket frame decoder keeps of a WebSocket peer to the bounds the IOTMP codec keeps on TCP.
 * The decoder buffers a frame's whole payload (up to {@code maxFrameSize} + 16 bytes after login) before anything
 * after it sees a byte, so this handler stands just before it, reads the raw bytes' WebSocket frame headers (their
 * lengths only; the decoder does the rest) and:
 * <ul>
 * <li>reserves the whole length of a frame that does not arrive in one read from the server-wide
 * {@link PartialFrameBudget} ({@code maxPartialFrameBytes}, the gauge {@code iotmp.frames.partial.bytes}), as soon as
 * its header is read, and gives it back when the frame is complete or the connection ends; a connection whose frame
 * does not fit is closed, as on TCP;</li>
 * <li>gives a started frame, and a fragmented message (a data frame without FIN until its final continuation), the
 * {@code frameReadTimeout} timer: a peer that stalls or trickles bytes is closed when the frame or message is not
 * complete in time, whether or not bytes arrive;</li>
 * <li>never reserves a length above the decoder's limit: a larger header is passed on for the decoder to refuse (close
 * code 1009) and nothing after it is.</li>
 * </ul>
 * It sees the WebSocket bytes from the first one: it stands before the HTTP codec, passes the upgrade request through,
 * and counts from the first read after Netty's handshake placed the frame decoder right after it. The decoder's limit
 * is raised at login by replacing the decoder, which must happen between two frames, outside a fragmented message, so
 * that the new decoder starts where the old one stopped; {@link #afterLogin} asks for it and the meter does it at the
 * next such point in the byte stream.
 * <p>
 * One instance per connection; everything runs on the channel's event loop.
 */
final class WebSocketFrameMeter extends ChannelInboundHandlerAdapter {

    /** The name in the pipeline. */
    static final String NAME = "websocket-meter";

    private static final int OPCODE_CONTINUATION = 0x0;
    private static final int OPCODE_TEXT = 0x1;
    private static final int OPCODE_BINARY = 0x2;
    /** Two bytes, a 64-bit length and a masking key. */
    private static final int MAX_HEADER = 14;

    private final PartialFrameBudget budget;
    private final long frameReadTimeoutNanos;
    private final String decoderName;
    /** The largest payload the decoder in place accepts. */
    private long payloadLimit;
    /** Replaces the decoder at the next point where no frame and no fragmented message is under way. */
    private Runnable pendingSwap;
    private long payloadLimitAfterSwap;

    /** Whether the frame decoder follows, so the bytes are WebSocket frames (before: the upgrade request). */
    private boolean framing;
    /** Everything from now on is dropped: the connection is closing. */
    private boolean failed;
    /** The failure is a header above the limit, passed on so that the decoder refuses it with its close frame. */
    private boolean tooLarge;
    private final byte[] header = new byte[MAX_HEADER];
    private int headerRead;
    /** The header's length once its second byte is read, else 0. */
    private int headerLength;
    private long payloadRemaining;
    private long frameLength;
    private int opcode;
    private boolean fin;
    /** A data frame without FIN was complete and its final continuation has not been. */
    private boolean messageOpen;
    /** Bytes of {@link #budget} held for the frame under way. */
    private long reserved;
    private ScheduledFuture<?> deadline;
    private ChannelHandlerContext context;

    /**
     * @param payloadLimit     the payload limit of the decoder that Netty's handshake places (the one before login)
     * @param frameReadTimeout how long a frame or a fragmented message may take to arrive completely
     * @param decoderName      the name of the frame decoder in the pipeline
     */
    WebSocketFrameMeter(PartialFrameBudget budget, Duration frameReadTimeout, long payloadLimit, String decoderName) {
        this.budget = budget;
        this.frameReadTimeoutNanos = frameReadTimeout.toNanos();
        this.payloadLimit = payloadLimit;
        this.decoderName = decoderName;
    }

    /**
     * The device is in: {@code swap} replaces the decoder by one taking payloads of {@code payloadLimit}, now if no
     * frame or fragmented message is under way, else as soon as it is complete. Call on the event loop.
     */
    void afterLogin(long payloadLimit, Runnable swap) {
        this.pendingSwap = swap;
        this.payloadLimitAfterSwap = payloadLimit;
        if (!failed && atMessageBoundary()) {
            swapDecoder();
        }
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        context = ctx;
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        end();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        end();
        ctx.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in) || !framing(ctx)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (failed) {
            in.release();
            return;
        }
        int start = in.readerIndex();
        int position = start;
        int end = in.writerIndex();
        try {
            while (position < end && !failed) {
                position = headerLength == 0 || headerRead < headerLength
                        ? readHeader(in, position, end)
                        : readPayload(position, end);
                if (pendingSwap != null && !failed && atMessageBoundary()) {
                    // the old decoder has just ended a frame, and holds nothing: the new one starts here
                    ctx.fireChannelRead(in.retainedSlice(start, position - start));
                    start = position;
                    swapDecoder();
                }
            }
            if (position > start && (!failed || tooLarge)) {
                ctx.fireChannelRead(in.retainedSlice(start, position - start));
            }
        } finally {
            in.release();
        }
        if (failed) {
            return;
        }
        if (!atMessageBoundary() && deadline == null) {
            deadline = ctx.executor().schedule(this::timedOut, frameReadTimeoutNanos, TimeUnit.NANOSECONDS);
        }
    }

    private boolean framing(ChannelHandlerContext ctx) {
        if (!framing) {
            framing = ctx.pipeline().context(decoderName) != null;
        }
        return framing;
    }

    /** Takes header bytes; once the header is complete, checks and, if the frame will not be complete, reserves. */
    private int readHeader(ByteBuf in, int position, int end) {
        int wanted = (headerRead < 2 ? 2 : headerLength) - headerRead;
        int taken = Math.min(wanted, end - position);
        in.getBytes(position, header, headerRead, taken);
        headerRead += taken;
        position += taken;
        if (headerRead == 2 && headerLength == 0) {
            int length7 = header[1] & 0x7F;
            headerLength = 2 + (length7 == 126 ? 2 : length7 == 127 ? 8 : 0) + ((header[1] & 0x80) != 0 ? 4 : 0);
        }
        if (headerLength == 0 || headerRead < headerLength) {
            return position;
        }
        long payload = payloadLength();
        opcode = header[0] & 0x0F;
        fin = (header[0] & 0x80) != 0;
        if (payload < 0 || payload > payloadLimit) {
            // the decoder refuses it at this header (close code 1009); nothing after it is passed on or counted
            failed = true;
            tooLarge = true;
            end();
            return position;
        }
        payloadRemaining = payload;
        frameLength = headerLength + payload;
        if (payload == 0) {
            frameComplete();
        } else if (payload > end - position) {
            reserve();
        }
        return position;
    }

    private int readPayload(int position, int end) {
        int taken = (int) Math.min(payloadRemaining, end - position);
        payloadRemaining -= taken;
        if (payloadRemaining == 0) {
            frameComplete();
        }
        return position + taken;
    }

    private long payloadLength() {
        int length7 = header[1] & 0x7F;
        if (length7 < 126) {
            return length7;
        }
        if (length7 == 126) {
            return (header[2] & 0xFF) << 8 | header[3] & 0xFF;
        }
        long length = 0;
        for (int i = 2; i < 10; i++) {
            length = length << 8 | header[i] & 0xFF;
        }
        return length; // negative when the most significant bit is set, which the protocol forbids
    }

    /** The frame's length from the budget, or the connection closed as on TCP when it does not fit. */
    private void reserve() {
        if (budget.tryReserve(frameLength)) {
            reserved = frameLength;
        } else {
            fail(new WebSocketFrameException("no room for a partial WebSocket frame of " + frameLength
                    + " bytes: the server holds " + budget.limit() + " bytes of partial frames at most"));
        }
    }

    private void frameComplete() {
        if (opcode == OPCODE_TEXT || opcode == OPCODE_BINARY || opcode == OPCODE_CONTINUATION) {
            messageOpen = !fin;
        }
        endFrame();
        if (!messageOpen) {
            cancelDeadline();
        }
    }

    private void endFrame() {
        headerRead = 0;
        headerLength = 0;
        payloadRemaining = 0;
        frameLength = 0;
        if (reserved > 0) {
            budget.release(reserved);
            reserved = 0;
        }
    }

    /** No frame has started and no fragmented message is waiting for its end. */
    private boolean atMessageBoundary() {
        return headerRead == 0 && !messageOpen;
    }

    private void swapDecoder() {
        Runnable swap = pendingSwap;
        pendingSwap = null;
        payloadLimit = payloadLimitAfterSwap;
        swap.run();
    }

    /**
     * The frame or message under way did not complete in time. While the server itself does not read the connection
     * (backpressure, an authentication in progress) the peer cannot complete it, so the deadline starts over instead,
     * as for TCP.
     */
    private void timedOut() {
        deadline = null;
        if (failed || atMessageBoundary() || context == null || context.isRemoved()) {
            return;
        }
        if (!context.channel().config().isAutoRead()) {
            deadline = context.executor().schedule(this::timedOut, frameReadTimeoutNanos, TimeUnit.NANOSECONDS);
            return;
        }
        fail(new WebSocketFrameException("WebSocket " + (headerRead > 0 ? "frame" : "message")
                + " not complete within " + TimeUnit.NANOSECONDS.toMillis(frameReadTimeoutNanos) + " ms"));
    }

    /** Fails for good: the session is told why (and closes), the connection closed, all further input dropped. */
    private void fail(WebSocketFrameException cause) {
        failed = true;
        end();
        if (context != null && !context.isRemoved()) {
            context.fireExceptionCaught(cause);
            context.close();
        }
    }

    private void end() {
        endFrame();
        cancelDeadline();
    }

    private void cancelDeadline() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }

    /** Why a WebSocket connection was closed for what its peer sent (or did not send) at the frame level. */
    static final class WebSocketFrameException extends DecoderException {
        private static final long serialVersionUID = 1L;

        WebSocketFrameException(String message) {
            super(message);
        }
    }
}
