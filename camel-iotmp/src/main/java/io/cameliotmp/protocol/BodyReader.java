package io.cameliotmp.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Bounds- and heap-checked reading of one frame body, for the codecs of other frame layouts built on the same
 * primitives (the legacy Thinger protocol in {@code io.cameliotmp.protocol.legacy}): keys and numbers as varints,
 * values as single self-delimiting PSON values. Every length is checked against the bytes left before anything is
 * allocated, and what the values take on the heap is charged to one budget for the whole body, as in
 * {@link IotmpFrames}.
 */
public final class BodyReader {

    private final WireReader reader;
    private final int start;

    /**
     * @param heapBudget estimated heap the decoded values of the body may take (see {@link IotmpFrames})
     */
    public BodyReader(ByteBuf buf, int start, int end, long heapBudget) {
        this(buf, start, end, heapBudget, null);
    }

    /** @param connection the codec whose recently decoded map keys (see {@link RecentStrings}) are shared, or null */
    BodyReader(ByteBuf buf, int start, int end, long heapBudget, FrameCodec<?> connection) {
        this.reader = new WireReader(buf, start, end, heapBudget, connection);
        this.start = start;
    }

    /** The reader underneath, for the IOTMP decoder in this package. */
    WireReader wireReader() {
        return reader;
    }

    /** The estimated heap charged so far: what the values decoded from this body take. */
    public long charged() {
        return reader.charged();
    }

    public boolean hasRemaining() {
        return reader.hasRemaining();
    }

    /** Offset of the next byte, relative to the start of the body. */
    public int offset() {
        return reader.position() - start;
    }

    /** An unsigned varint of up to ten bytes (values above {@code Long.MAX_VALUE} come back negative). */
    public long readVarint() {
        return reader.readVarint64();
    }

    /** One PSON value in {@code format}, containers nested at most {@code maxDepth} deep. */
    public Object readPson(PsonFormat format, int maxDepth) {
        return format.read(reader, maxDepth);
    }

    /** Skips {@code length} bytes, which must be left in the body. */
    public void skip(long length) {
        reader.skip(reader.readLength(length));
    }

    /** A decoding error at {@code offset} (relative to the body, as {@link #offset()}). */
    public IotmpDecodeException errorAt(String message, int offset) {
        return new IotmpDecodeException(message, offset);
    }
}
