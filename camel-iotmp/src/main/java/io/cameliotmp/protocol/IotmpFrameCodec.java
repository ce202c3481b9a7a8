package io.cameliotmp.protocol;

import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Netty codec between bytes and {@link IotmpMessage}s, one instance per connection.
 * <p>
 * The header is read without consuming anything until the whole body is buffered; a size above the maximum is
 * refused as soon as the header is complete, before any body byte is awaited. A body that does not decode is
 * consumed and passed on as a {@link MalformedFrame}; unknown message types are skipped, as the references do.
 * After a fatal error the codec discards all further input.
 */
public class IotmpFrameCodec extends ByteToMessageCodec<IotmpMessage> {

    private static final Logger LOG = LoggerFactory.getLogger(IotmpFrameCodec.class);

    private final int maxFrameSize;
    private final int maxDepth;
    private final boolean acceptBothPsonVersions;
    private final long frameReadTimeoutNanos;
    private volatile Generation generation;
    private long partialSinceNanos;
    private boolean failed;
    private volatile boolean partialFrame;

    /**
     * @param generation             the initial generation (a server switches it after the CONNECT)
     * @param acceptBothPsonVersions true for a tolerant server, false to behave like a strict device decoder
     */
    public IotmpFrameCodec(Generation generation, boolean acceptBothPsonVersions, int maxFrameSize, int maxDepth) {
        this(generation, acceptBothPsonVersions, maxFrameSize, maxDepth, null);
    }

    /**
     * @param frameReadTimeout how long a started frame may take to arrive completely, or null for no limit; checked
     *                         whenever bytes arrive, so a sender that drips bytes to look alive is still cut off
     */
    public IotmpFrameCodec(Generation generation, boolean acceptBothPsonVersions, int maxFrameSize, int maxDepth,
                           java.time.Duration frameReadTimeout) {
        super(IotmpMessage.class);
        this.generation = generation;
        this.acceptBothPsonVersions = acceptBothPsonVersions;
        this.maxFrameSize = maxFrameSize;
        this.maxDepth = maxDepth;
        this.frameReadTimeoutNanos = frameReadTimeout == null ? 0 : frameReadTimeout.toNanos();
    }

    public Generation generation() {
        return generation;
    }

    /** Switches the PSON format and field layout for everything encoded and decoded from now on. */
    public void generation(Generation generation) {
        this.generation = generation;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, IotmpMessage msg, ByteBuf out) {
        IotmpFrames.encode(msg, generation, out);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        IotmpFrames.Header header;
        try {
            header = IotmpFrames.peekHeader(in, maxFrameSize);
        } catch (IotmpDecodeException e) {
            failed = true;
            in.skipBytes(in.readableBytes());
            throw e;
        }
        if (header == null || in.readableBytes() < header.frameLength()) {
            partialFrame = in.isReadable();
            checkFrameReadTime(in);
            return;
        }
        partialSinceNanos = 0;
        partialFrame = in.readableBytes() > header.frameLength();
        int bodyStart = in.readerIndex() + header.headerLength();
        int bodyEnd = bodyStart + header.bodySize();
        in.readerIndex(bodyEnd);
        MessageType type = MessageType.fromCode(header.typeCode());
        if (type == null) {
            LOG.debug("Ignoring message of unknown type {} ({} bytes)", header.typeCode(), header.bodySize());
            return;
        }
        try {
            out.add(IotmpFrames.decodeBody(type, in, bodyStart, bodyEnd, generation, acceptBothPsonVersions,
                    maxDepth));
        } catch (IotmpDecodeException e) {
            out.add(new MalformedFrame(type, e));
        }
    }

    private void checkFrameReadTime(ByteBuf in) {
        if (frameReadTimeoutNanos <= 0 || !in.isReadable()) {
            return;
        }
        long now = System.nanoTime();
        if (partialSinceNanos == 0) {
            partialSinceNanos = now;
        } else if (now - partialSinceNanos > frameReadTimeoutNanos) {
            failed = true;
            in.skipBytes(in.readableBytes());
            throw new IotmpDecodeException("frame not complete within "
                                           + frameReadTimeoutNanos / 1_000_000 + " ms", 0);
        }
    }

    /** Whether a partial frame is waiting for more bytes (used for read deadlines on slow senders). */
    public boolean hasPartialFrame() {
        return partialFrame;
    }
}
