package io.cameliotmp.protocol;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageCodec;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The framing both wire protocols share (IOTMP and the legacy Thinger protocol use the same header of two varints,
 * type and body size), one instance per connection; a subclass only decodes one complete body and encodes one
 * message.
 * <p>
 * The header is read without consuming anything until the whole body is buffered; a size above the limit is refused
 * as soon as the header is complete, before any body byte is awaited. A body that does not decode is consumed and
 * passed on as the subclass's malformed-frame message; frames of a type the subclass does not know are skipped (before
 * the first frame of a known type only within the {@linkplain #foreignBytesBudget() budget} a server's codec has).
 * After a fatal error the codec discards all further input.
 * <p>
 * On a server, what a peer can make the codec hold is bounded: until {@link #authenticated()} frames may be only as
 * large as a login needs ({@code maxFrameSizeBeforeLogin}); a frame that does not arrive in one read reserves its
 * length from a {@link PartialFrameBudget} shared by all connections, and is refused (a fatal error) when it cannot;
 * a started frame must be complete within the frame read timeout, checked by a timer whether or not more bytes
 * arrive (time in which the reader itself does not read does not count, see {@link #readingResumed()}); and the
 * values decoded from one body may take at most {@code maxDecodedFrameBytes} of heap by the decoder's estimate
 * (beyond, the frame is malformed).
 *
 * @param <M> the messages the codec encodes
 */
public abstract class FrameCodec<M> extends ByteToMessageCodec<M> {

    private static final Logger LOG = LoggerFactory.getLogger(FrameCodec.class);
    /** The heap of a decoded message without its values: the object, its boxed stream id, the list it passes in. */
    private static final long MESSAGE_OVERHEAD = 64;

    /** The server's, shared by all its connections. */
    private final FrameLimits limits;
    /** Whether {@link #authenticated()} raised the frame size limit to {@code maxFrameSize}. */
    private volatile boolean loggedIn;
    private boolean failed;
    private volatile boolean partialFrame;
    /** Whether the last decode stopped at a complete frame the gate held back; event loop only. */
    private boolean heldBack;
    /** Bytes of the limits' budget this connection holds for its partial frame. */
    private long reserved;
    private ScheduledFuture<?> frameDeadline;
    private ChannelHandlerContext context;
    /**
     * Asked before each complete frame is decoded; while it says no, frames stay undecoded in the buffer. A field of
     * its own, not a holder object: codecs live as long as devices.
     */
    private volatile BooleanSupplier decodeGate = DecodeGate.OPEN;
    private long lastFrameWeight;
    /** Map keys this connection's frames repeat, decoded once; see {@link #recentStrings()}. */
    private RecentStrings recentStrings;
    /**
     * Bytes of frames of unknown types skipped before the first frame of a known type, or -1 once that came; event
     * loop only.
     */
    private int skippedBeforeFirst;

    /** @param limits the bounds frames are read within; a server gives every connection the same */
    protected FrameCodec(Class<? extends M> outboundType, FrameLimits limits) {
        super(outboundType);
        this.limits = limits;
    }

    /** Whether frames of this type code are decoded; the others are skipped, as the references do. */
    protected abstract boolean knowsType(long typeCode);

    /**
     * Decodes one complete body of a {@linkplain #knowsType known} type.
     *
     * @throws IotmpDecodeException when the body does not decode; the frame is passed on as {@link #malformed}
     */
    protected abstract Object decodeBody(long typeCode, BodyReader body);

    /** What is passed on for a body of a known type that does not decode. */
    protected abstract Object malformed(long typeCode, IotmpDecodeException cause);

    /** Writes one message as a frame. */
    protected abstract void encodeFrame(M message, ByteBuf out);

    /**
     * How many bytes of frames of unknown types are skipped before the first frame of a known type; -1 here, for no
     * bound. A server's codecs give a small bound: every client opens with a frame of a known type (a CONNECT, a
     * legacy AUTH), so a peer whose first bytes read as more than a few unknown frames does not speak the protocol,
     * and skipping would read on through its bytes until the CONNECT deadline, or a frame read timeout for a "body"
     * that never comes. A frame that would go beyond the bound fails the codec (a {@link ForeignBytesException}) as
     * soon as its header is read: text such as {@code PROXY TCP4 ...} or {@code GET / HTTP/1.1} announces more than 64
     * bytes in its second byte. Frames of unknown types after a known one are skipped as always.
     */
    protected int foreignBytesBudget() {
        return -1;
    }

    /** A frame of an unknown type was skipped (not the first of a codec that refuses those); nothing here. */
    protected void skippedUnknown() {
    }

    /**
     * The peer is authenticated: frames up to {@code maxFrameSize} are accepted from now on. A server calls it before
     * it answers the login, so the device cannot send a larger frame before the limit is raised.
     */
    public void authenticated() {
        loggedIn = true;
    }

    /** Whether {@link #authenticated()} was called. */
    protected final boolean isAuthenticated() {
        return loggedIn;
    }

    /** The largest frame body accepted now. */
    public int frameLimit() {
        return loggedIn ? limits.maxFrameSize() : Math.min(limits.maxFrameSizeBeforeLogin(), limits.maxFrameSize());
    }

    /** The bounds frames are read within. */
    public FrameLimits limits() {
        return limits;
    }

    /**
     * Lets the reader of the decoded frames hold them back: before each complete frame, the codec decodes it only if
     * the gate is open; otherwise the frame and all that follows stay undecoded in the cumulation (only bytes already
     * read, so at most one read's worth while the reader also stops reading) until {@link #resumeDecoding()}.
     */
    public void decodeGate(BooleanSupplier gate) {
        decodeGate = gate;
    }

    /** The gate opened again: decodes the frames left in the buffer (at once when called on the event loop). */
    public void resumeDecoding() {
        DecodeGate.resume(context, this);
    }

    /**
     * The estimated heap of the frame passed on last (its decoded values, see {@link BodyReader#charged()}, or for a
     * malformed frame its length) plus the message itself: valid while that frame travels down the pipeline, since
     * the codec passes each frame on before it decodes the next.
     */
    public long lastFrameWeight() {
        return lastFrameWeight;
    }

    /** Whether a partial frame is waiting for more bytes (used for read deadlines on slow senders). */
    public boolean hasPartialFrame() {
        return partialFrame;
    }

    /**
     * The map keys this connection decoded lately, made at the first key after login; null before it (a codec with a
     * smaller frame limit before login that was not told {@link #authenticated()} yet). The keys of a login are
     * decoded once each: a device that logs in and then only keeps alive holds no table (one would be some 400 bytes
     * for a {@code ka} parameter), and a peer that is not in yet cannot make the server hold one. Decoding thread
     * only.
     */
    RecentStrings recentStrings() {
        RecentStrings strings = recentStrings;
        if (strings == null) {
            if (frameLimit() < limits.maxFrameSize()) {
                return null; // still before login
            }
            strings = new RecentStrings();
            recentStrings = strings;
        }
        return strings;
    }

    /**
     * The reader turns reading on again after it had turned it off (auto-read, for backpressure): a frame started
     * before gets a whole frame read timeout from now on. The peer cannot send the rest of its frame while nobody
     * reads, so the pause must not count against it; the timer credits a pause only when it happens to fire during
     * one, and a timer that fell due during the pause but runs just after the resume, before the read that would
     * complete the frame, would cut off a peer that did nothing wrong. Call it on the event loop, before reading
     * resumes. A peer that trickles its frame is still cut off one timeout after the resume.
     */
    public void readingResumed() {
        if (frameDeadline != null) {
            frameDeadline.cancel(false);
            frameDeadline = context.executor().schedule(this::frameTimedOut, limits.frameReadTimeoutNanos(),
                    TimeUnit.NANOSECONDS);
        }
    }

    /** Bytes of the shared budget this connection holds for its partial frame. */
    public long reservedBytes() {
        return reserved;
    }

    /** The channel of the pipeline the codec was added to; null before it is added. */
    protected final Channel channel() {
        ChannelHandlerContext ctx = context;
        return ctx == null ? null : ctx.channel();
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

    /**
     * After a read that ended with a frame held back, reading stays off. Netty's decoder, when a read yields no
     * message while reading is off, reads again for the rest of a frame; here the frame is complete and only held
     * back, so that would read on and on into the cumulation while the reader pauses (each read copied into an ever
     * larger buffer, until direct memory runs out).
     */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        if (heldBack) {
            ctx.fireChannelReadComplete();
            return;
        }
        super.channelReadComplete(ctx);
    }

    @Override
    protected final void encode(ChannelHandlerContext ctx, M msg, ByteBuf out) {
        encodeFrame(msg, out);
    }

    @Override
    protected final void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        heldBack = false;
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        IotmpFrames.Header header;
        try {
            if (skippedBeforeFirst >= 0) {
                checkFirstFrame(in);
            }
            header = IotmpFrames.peekHeader(in, frameLimit());
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
        if (!decodeGate.getAsBoolean()) {
            heldBack = true;
            return; // nothing consumed: ByteToMessageDecoder stops here and keeps the bytes
        }
        endPartialFrame();
        partialFrame = in.readableBytes() > header.frameLength();
        int bodyStart = in.readerIndex() + header.headerLength();
        int bodyEnd = bodyStart + header.bodySize();
        in.readerIndex(bodyEnd);
        if (!knowsType(header.typeCode())) {
            LOG.debug("{}: ignoring frame of unknown type {} ({} bytes)", getClass().getSimpleName(),
                    header.typeCode(), header.bodySize());
            if (skippedBeforeFirst >= 0) {
                skippedBeforeFirst += header.frameLength(); // within the budget, or the check above failed
            }
            skippedUnknown();
            return;
        }
        BodyReader body = new BodyReader(in, bodyStart, bodyEnd, limits.maxDecodedFrameBytes(), this);
        try {
            Object message = decodeBody(header.typeCode(), body);
            lastFrameWeight = MESSAGE_OVERHEAD + body.charged();
            out.add(message);
        } catch (IotmpDecodeException e) {
            lastFrameWeight = MESSAGE_OVERHEAD + header.frameLength();
            out.add(malformed(header.typeCode(), e));
        }
    }

    /**
     * Before the first frame of a known type: a frame of an unknown type that would take the bytes skipped beyond
     * {@link #foreignBytesBudget()} fails the codec as soon as its header is read, before its body is awaited; a
     * known type ends the check.
     */
    private void checkFirstFrame(ByteBuf in) {
        long type = IotmpFrames.peekType(in);
        if (type < 0) {
            return; // not all of the type yet
        }
        int budget = foreignBytesBudget();
        if (budget < 0 || knowsType(type)) {
            skippedBeforeFirst = -1;
            return;
        }
        IotmpFrames.Header header = IotmpFrames.peekHeader(in, Integer.MAX_VALUE);
        if (header != null && (long) skippedBeforeFirst + header.headerLength() + header.bodySize() > budget) {
            byte[] head = new byte[Math.min(in.readableBytes(), ForeignBytesException.MAX_HEAD)];
            in.getBytes(in.readerIndex(), head);
            throw new ForeignBytesException(type, head);
        }
    }

    /** A frame has started and not completed: start its deadline and, once its length is known, reserve it. */
    private void awaitRest(ChannelHandlerContext ctx, ByteBuf in, IotmpFrames.Header header) {
        long timeoutNanos = limits.frameReadTimeoutNanos();
        if (frameDeadline == null && timeoutNanos > 0) {
            frameDeadline = ctx.executor().schedule(this::frameTimedOut, timeoutNanos, TimeUnit.NANOSECONDS);
        }
        if (header != null && reserved == 0) {
            if (!limits.budget().tryReserve(header.frameLength())) {
                throw fail(in, new IotmpDecodeException("no room for a partial frame of " + header.frameLength()
                        + " bytes: the server holds " + limits.budget().limit() + " bytes of partial frames at most",
                        0));
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
            limits.budget().release(reserved);
            reserved = 0;
        }
    }

    /** Fails for good: everything buffered ({@code in}, if given) and everything that follows is discarded. */
    private IotmpDecodeException fail(ByteBuf in, IotmpDecodeException cause) {
        failed = true;
        partialFrame = false;
        endPartialFrame();
        if (in != null) {
            in.skipBytes(in.readableBytes());
        }
        return cause;
    }

    /**
     * On the channel's event loop, like the decoding: the started frame did not complete in time. The error goes down
     * the pipeline as a decoding error would (the server's session closes the connection); what is buffered is
     * skipped by the next decoding and freed with the connection. While the server itself does not read the
     * connection (backpressure, an authentication in progress) the peer cannot complete its frame, so the deadline
     * starts over instead.
     */
    private void frameTimedOut() {
        frameDeadline = null;
        if (failed || !partialFrame || context == null || context.isRemoved()) {
            return;
        }
        if (!context.channel().config().isAutoRead()) {
            frameDeadline = context.executor().schedule(this::frameTimedOut, limits.frameReadTimeoutNanos(),
                    TimeUnit.NANOSECONDS);
            return;
        }
        context.fireExceptionCaught(fail(null, new IotmpDecodeException("frame not complete within "
                + limits.frameReadTimeoutNanos() / 1_000_000 + " ms", 0)));
    }
}
