package io.cameliotmp.testing;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpFrameCodec;
import io.cameliotmp.protocol.IotmpFrames;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.protocol.PsonFormat;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;

/**
 * An {@link IotmpFrameCodec} in an {@link EmbeddedChannel}, fed with pooled buffers so the leak detector tracks every
 * buffer the codec touches. Close it to release whatever is left in the channel.
 */
public final class EmbeddedCodec implements AutoCloseable {

    private final IotmpFrameCodec codec;
    private final EmbeddedChannel channel;

    public EmbeddedCodec(Generation generation, boolean acceptBothPsonVersions, int maxFrameSize, int maxDepth) {
        this.codec = new IotmpFrameCodec(generation, acceptBothPsonVersions, maxFrameSize, maxDepth);
        this.channel = new EmbeddedChannel(codec);
    }

    /** A strict decoder of {@code generation} with the default limits. */
    public EmbeddedCodec(Generation generation) {
        this(generation, false, IotmpFrames.DEFAULT_MAX_FRAME_SIZE, PsonFormat.DEFAULT_MAX_DEPTH);
    }

    public IotmpFrameCodec codec() {
        return codec;
    }

    public EmbeddedChannel channel() {
        return channel;
    }

    /**
     * Writes each chunk as one inbound read and returns everything decoded so far ({@link IotmpMessage} or
     * {@link io.cameliotmp.protocol.MalformedFrame}). Exceptions the pipeline recorded are rethrown, as
     * {@link EmbeddedChannel} does.
     */
    public List<Object> feed(byte[]... chunks) {
        for (byte[] chunk : chunks) {
            ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(Math.max(chunk.length, 1));
            buf.writeBytes(chunk);
            channel.writeInbound(buf);
        }
        return inbound();
    }

    /** Drains the decoded inbound messages. */
    public List<Object> inbound() {
        List<Object> messages = new ArrayList<>();
        for (Object m = channel.readInbound(); m != null; m = channel.readInbound()) {
            messages.add(m);
        }
        return messages;
    }

    /** Encodes the messages through the pipeline and returns the bytes written, releasing the buffers. */
    public byte[] encode(IotmpMessage... messages) {
        for (IotmpMessage message : messages) {
            channel.writeOutbound(message);
        }
        return drainOutbound(channel);
    }

    /** The bytes {@code channel} has written and not yet been read from it, its buffers released. */
    public static byte[] drainOutbound(EmbeddedChannel channel) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (ByteBuf buf = channel.readOutbound(); buf != null; buf = channel.readOutbound()) {
            try {
                byte[] bytes = new byte[buf.readableBytes()];
                buf.readBytes(bytes);
                out.writeBytes(bytes);
            } finally {
                buf.release();
            }
        }
        return out.toByteArray();
    }

    @Override
    public void close() {
        channel.finishAndReleaseAll();
    }
}
