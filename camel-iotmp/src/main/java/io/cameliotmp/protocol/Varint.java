package io.cameliotmp.protocol;

import io.netty.buffer.ByteBuf;

/** Unsigned LEB128 varints, as used for IOTMP headers, field keys, top-level numbers and PSON lengths. */
public final class Varint {

    /** A 64-bit value needs at most ten 7-bit groups. */
    public static final int MAX_BYTES_64 = 10;

    private Varint() {
    }

    /** Number of bytes of the minimal encoding of {@code value}, read as unsigned. */
    public static int size(long value) {
        int bits = 64 - Long.numberOfLeadingZeros(value | 1);
        return (bits + 6) / 7;
    }

    /**
     * Writes the minimal encoding of {@code value}, read as unsigned, when {@code out} is not null; returns its size.
     */
    public static int write(long value, ByteBuf out) {
        if (out == null) {
            return size(value);
        }
        int n = 1;
        while ((value & ~0x7FL) != 0) {
            out.writeByte((int) (value & 0x7F) | 0x80);
            value >>>= 7;
            n++;
        }
        out.writeByte((int) value);
        return n;
    }

    /**
     * Reads a varint starting at {@code index} without moving the reader index.
     *
     * @return the value, or -1 if the buffer ends before the varint does
     * @throws IotmpDecodeException if the varint is longer than {@code maxBytes} or does not fit in 63 bits
     */
    public static long peek(ByteBuf buf, int index, int end, int maxBytes, int offsetBase) {
        long value = 0;
        for (int i = 0; i < maxBytes; i++) {
            if (index + i >= end) {
                return -1;
            }
            int b = buf.getUnsignedByte(index + i);
            value |= (long) (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                if (value < 0) {
                    throw new IotmpDecodeException("varint does not fit in 63 bits", index - offsetBase);
                }
                return value;
            }
        }
        throw new IotmpDecodeException("varint longer than " + maxBytes + " bytes", index - offsetBase);
    }
}
