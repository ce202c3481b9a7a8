package io.cameliotmp.protocol;

import java.time.Duration;

import io.netty.buffer.ByteBuf;

/**
 * Netty codec between bytes and {@link IotmpMessage}s, one instance per connection: the framing, its bounds and the
 * decode gate are those of {@link FrameCodec}; this class decodes and encodes IOTMP bodies in the connection's
 * {@link Generation}. A body that does not decode is passed on as a {@link MalformedFrame}; unknown message types
 * are skipped, as the references do.
 */
public class IotmpFrameCodec extends FrameCodec<IotmpMessage> {

    private final boolean acceptBothPsonVersions;
    private volatile Generation generation;

    /**
     * @param generation             the initial generation (a server switches it after the CONNECT)
     * @param acceptBothPsonVersions true for a tolerant server, false to behave like a strict device decoder
     */
    public IotmpFrameCodec(Generation generation, boolean acceptBothPsonVersions, int maxFrameSize, int maxDepth) {
        this(generation, acceptBothPsonVersions, maxFrameSize, maxDepth, null);
    }

    /**
     * @param frameReadTimeout how long a started frame may take to arrive completely, or null for no limit; a timer
     *                         checks it, so a sender that stalls or drips bytes to look alive is cut off either way
     */
    public IotmpFrameCodec(Generation generation, boolean acceptBothPsonVersions, int maxFrameSize, int maxDepth,
                           Duration frameReadTimeout) {
        this(generation, acceptBothPsonVersions, new FrameLimits(maxFrameSize, maxFrameSize, maxDepth, Long.MAX_VALUE,
                frameReadTimeout, PartialFrameBudget.UNLIMITED));
    }

    /**
     * The server's codec.
     *
     * @param maxFrameSizeBeforeLogin largest body accepted until {@link #authenticated()} (at most
     *                                {@code maxFrameSize} is used)
     * @param maxDecodedFrameBytes    estimated heap the values of one body may take, see
     *                                {@link IotmpFrames#decodeBody(MessageType, ByteBuf, int, int, Generation, boolean,
     *                                int, long)}
     * @param frameReadTimeout        how long a started frame may take to arrive completely, or null for no limit
     * @param budget                  where frames that do not arrive in one read reserve their length
     */
    public IotmpFrameCodec(Generation generation, boolean acceptBothPsonVersions, int maxFrameSizeBeforeLogin,
                           int maxFrameSize, int maxDepth, long maxDecodedFrameBytes, Duration frameReadTimeout,
                           PartialFrameBudget budget) {
        this(generation, acceptBothPsonVersions, new FrameLimits(maxFrameSizeBeforeLogin, maxFrameSize, maxDepth,
                maxDecodedFrameBytes, frameReadTimeout, budget));
    }

    /**
     * A codec within {@code limits}, which a server shares among all its connections.
     *
     * @param generation             the initial generation (a server switches it after the CONNECT)
     * @param acceptBothPsonVersions true for a tolerant server, false to behave like a strict device decoder
     */
    public IotmpFrameCodec(Generation generation, boolean acceptBothPsonVersions, FrameLimits limits) {
        super(IotmpMessage.class, limits);
        this.generation = generation;
        this.acceptBothPsonVersions = acceptBothPsonVersions;
    }

    public Generation generation() {
        return generation;
    }

    /** Switches the PSON format and field layout for everything encoded and decoded from now on. */
    public void generation(Generation generation) {
        this.generation = generation;
    }

    @Override
    protected boolean knowsType(long typeCode) {
        return MessageType.fromCode(typeCode) != null;
    }

    @Override
    protected Object decodeBody(long typeCode, BodyReader body) {
        return IotmpFrames.decodeBody(MessageType.fromCode(typeCode), body.wireReader(), generation,
                acceptBothPsonVersions, limits().maxDepth());
    }

    @Override
    protected Object malformed(long typeCode, IotmpDecodeException cause) {
        return new MalformedFrame(MessageType.fromCode(typeCode), cause);
    }

    @Override
    protected void encodeFrame(IotmpMessage message, ByteBuf out) {
        IotmpFrames.encode(message, generation, out);
    }
}
