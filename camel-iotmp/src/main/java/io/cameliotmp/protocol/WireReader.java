package io.cameliotmp.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Bounds-checked reading of one region of a buffer. Every length and count read from the network is checked against
 * the bytes that are actually left before anything is allocated for it, so a hostile size can never cost memory.
 * <p>
 * It also keeps a budget of heap for what the decoders build from the region: each container, entry, string and
 * boxed number is {@linkplain #charge charged} its estimated cost (see {@link HeapCost}) before it is created, so a
 * frame of tiny values (an empty map is one byte on the wire and about 70 bytes of heap) cannot expand without bound.
 */
final class WireReader {

    private final ByteBuf buf;
    private final int base;
    private final long heapBudget;
    /** The codec of the connection whose recently decoded map keys are shared, or null for a reader of none. */
    private final FrameCodec<?> connection;
    private long heapLeft;
    private int position;
    private int end;

    WireReader(ByteBuf buf, int start, int end) {
        this(buf, start, end, Long.MAX_VALUE);
    }

    /** @param heapBudget the estimated heap the decoded values may take, see {@link HeapCost} */
    WireReader(ByteBuf buf, int start, int end, long heapBudget) {
        this(buf, start, end, heapBudget, null);
    }

    /** @param connection the codec whose recently decoded map keys the frames it reads share */
    WireReader(ByteBuf buf, int start, int end, long heapBudget, FrameCodec<?> connection) {
        this.buf = buf;
        this.connection = connection;
        this.base = start;
        this.position = start;
        this.end = end;
        this.heapBudget = heapBudget;
        this.heapLeft = heapBudget;
    }

    /**
     * Takes {@code bytes} of estimated heap from the budget, before the value is built.
     *
     * @throws IotmpDecodeException when the budget is spent
     */
    void charge(long bytes) {
        heapLeft -= bytes;
        if (heapLeft < 0) {
            throw error("decoded values would take more than " + heapBudget + " bytes of memory");
        }
    }

    /** The estimated heap charged so far: what the values decoded from this region take. */
    long charged() {
        return heapBudget - heapLeft;
    }

    int position() {
        return position;
    }

    int end() {
        return end;
    }

    /** Narrows the readable region (for length-prefixed containers); returns the previous end to restore. */
    int limit(int newEnd) {
        int previous = end;
        end = newEnd;
        return previous;
    }

    void restoreLimit(int previousEnd) {
        end = previousEnd;
    }

    int remaining() {
        return end - position;
    }

    boolean hasRemaining() {
        return position < end;
    }

    IotmpDecodeException error(String message) {
        return new IotmpDecodeException(message, position - base);
    }

    IotmpDecodeException errorAt(String message, int absolutePosition) {
        return new IotmpDecodeException(message, absolutePosition - base);
    }

    int readUnsignedByte() {
        if (position >= end) {
            throw error("truncated value: expected 1 more byte");
        }
        return buf.getUnsignedByte(position++);
    }

    /** Reads an unsigned 64-bit varint; the caller interprets values with the sign bit set as unsigned. */
    long readVarint64() {
        int start = position;
        long value = 0;
        for (int i = 0; i < Varint.MAX_BYTES_64; i++) {
            if (position >= end) {
                throw errorAt("truncated varint", start);
            }
            int b = buf.getUnsignedByte(position++);
            if (i == Varint.MAX_BYTES_64 - 1 && (b & 0x7E) != 0) {
                throw errorAt("varint exceeds 64 bits", start);
            }
            value |= (long) (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw errorAt("varint longer than 10 bytes", start);
    }

    /** Reads a varint used as a byte length and checks that many bytes are left. */
    int readLength(long announced) {
        if (announced < 0 || announced > remaining()) {
            throw error("length " + Long.toUnsignedString(announced) + " exceeds the " + remaining() + " bytes left");
        }
        return (int) announced;
    }

    /**
     * Checks an element count against the bytes left, given the smallest encoding of one element, so a count can
     * never make the decoder allocate more than the frame could hold.
     */
    int checkCount(long announced, int minBytesPerElement) {
        if (announced < 0 || announced > remaining() / minBytesPerElement) {
            throw error("count " + Long.toUnsignedString(announced) + " exceeds what the " + remaining()
                        + " bytes left can hold");
        }
        return (int) announced;
    }

    /** A string value of {@code length} bytes, which must be left. */
    String readUtf8(int length) {
        return readString(length, false);
    }

    /**
     * A map key of {@code length} bytes, which must be left. The same few keys come in every sample of a device, so
     * keys are shared through the connection's {@link RecentStrings}; values are not (a credential is a value).
     */
    String readKey(int length) {
        return readString(length, true);
    }

    private String readString(int length, boolean key) {
        charge(HeapCost.string(length));
        // one bulk copy, validated and decoded from the array: validating on the buffer reads it byte by byte, and
        // with paranoid leak detection (the tests) every access of a pooled buffer records a stack trace
        RecentStrings shared = key && connection != null ? connection.recentStrings() : null;
        String value = shared != null ? shared.decode(buf, position, length)
                : RecentStrings.decodeOnce(buf, position, length);
        if (value == null) {
            throw error("invalid UTF-8 in string of " + length + " bytes");
        }
        position += length;
        return value;
    }

    /** Moves past {@code length} bytes, which must be left; nothing is allocated for them. */
    void skip(int length) {
        ensure(length);
        position += length;
    }

    byte[] readBytes(int length) {
        charge(HeapCost.bytes(length));
        byte[] bytes = new byte[length];
        buf.getBytes(position, bytes);
        position += length;
        return bytes;
    }

    float readFloatLE() {
        ensure(4);
        charge(HeapCost.NUMBER);
        float f = buf.getFloatLE(position);
        position += 4;
        return f;
    }

    double readDoubleLE() {
        ensure(8);
        charge(HeapCost.NUMBER);
        double d = buf.getDoubleLE(position);
        position += 8;
        return d;
    }

    private void ensure(int bytes) {
        if (remaining() < bytes) {
            throw error("truncated value: expected " + bytes + " bytes, " + remaining() + " left");
        }
    }
}
