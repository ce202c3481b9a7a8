package io.cameliotmp.protocol.session;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * The LZSS variant Portenta and Opta boards decode in over-the-air updates (docs/ota.md, "Compression"): Okumura's
 * classic scheme with an 11-bit position and a 4-bit length, a 2048-byte ring that starts filled with spaces (0x20)
 * and whose writing starts 17 bytes before its end, and bits packed most significant first. A 1 bit is followed by
 * an 8-bit literal; a 0 bit by a ring position and the match length minus 2 (2 to 17 bytes). The stream simply ends:
 * the last byte is padded with 0 bits, too few to form another code. Both ends stream: the encoder keeps two rings'
 * worth of input, the decoder one ring.
 */
public final class Lzss {

    static final int POSITION_BITS = 11;
    static final int LENGTH_BITS = 4;
    /** The ring size. */
    static final int RING = 1 << POSITION_BITS;
    /** The longest match. */
    static final int LOOKAHEAD = (1 << LENGTH_BITS) + 1;
    /** Matches this long or shorter are sent as literals. */
    static final int LONGEST_LITERAL_RUN = 1;
    private static final byte FILL = ' ';

    private Lzss() {
    }

    /** Compresses what is written into {@code out}; {@link OutputStream#close()} writes the last codes. */
    public static OutputStream encoder(OutputStream out) {
        return new Encoder(out);
    }

    /** Decompresses {@code in}. */
    public static InputStream decoder(InputStream in) {
        return new Decoder(in);
    }

    /**
     * A brute-force search over the whole window for the longest match, nearest first, as the reference encoder does;
     * slow (about a second per MiB) but images are compressed once per rollout.
     */
    private static final class Encoder extends FilterOutputStream {
        /** Text in [start, end): [start, current) is the window, [current, end) what is still to encode. */
        private final byte[] text = new byte[RING * 2];
        private int start;
        private int current = RING - LOOKAHEAD;
        private int end = RING - LOOKAHEAD;
        private int bits;
        private int mask = 0x80;
        private boolean closed;

        Encoder(OutputStream out) {
            super(out);
            Arrays.fill(text, 0, RING - LOOKAHEAD, FILL);
        }

        @Override
        public void write(int b) throws IOException {
            text[end++] = (byte) b;
            if (end == text.length) {
                while (end - current >= LOOKAHEAD) {
                    encodeOne();
                }
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            for (int i = off; i < off + len; i++) {
                write(b[i]);
            }
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            while (current < end) {
                encodeOne();
            }
            if (mask != 0x80) {
                out.write(bits);
            }
            super.close();
        }

        private void encodeOne() throws IOException {
            int limit = Math.min(LOOKAHEAD, end - current);
            int bestAt = 0;
            int bestLength = 1;
            byte first = text[current];
            for (int i = current - 1; i >= start; i--) {
                if (text[i] != first) {
                    continue;
                }
                int length = 1;
                while (length < limit && text[i + length] == text[current + length]) {
                    length++;
                }
                if (length > bestLength) {
                    bestAt = i;
                    bestLength = length;
                }
            }
            if (bestLength <= LONGEST_LITERAL_RUN) {
                bestLength = 1;
                putBit(true);
                putBits(first & 0xFF, 8);
            } else {
                putBit(false);
                putBits(bestAt & (RING - 1), POSITION_BITS);
                putBits(bestLength - 2, LENGTH_BITS);
            }
            current += bestLength;
            start += bestLength;
            if (current >= text.length - LOOKAHEAD) {
                // slide by one ring: positions are taken modulo the ring, so they stay valid
                System.arraycopy(text, RING, text, 0, RING);
                end -= RING;
                current -= RING;
                start -= RING;
            }
        }

        private void putBits(int value, int count) throws IOException {
            for (int bit = count - 1; bit >= 0; bit--) {
                putBit(((value >>> bit) & 1) != 0);
            }
        }

        private void putBit(boolean one) throws IOException {
            if (one) {
                bits |= mask;
            }
            mask >>>= 1;
            if (mask == 0) {
                out.write(bits);
                bits = 0;
                mask = 0x80;
            }
        }
    }

    private static final class Decoder extends FilterInputStream {
        private final byte[] ring = new byte[RING];
        private int position = RING - LOOKAHEAD;
        private int bits;
        private int mask;
        /** A match being copied: where it reads in the ring and how many bytes are left. */
        private int copyFrom;
        private int copyLeft;
        private boolean ended;

        Decoder(InputStream in) {
            super(in);
            Arrays.fill(ring, 0, RING - LOOKAHEAD, FILL);
        }

        @Override
        public int read() throws IOException {
            if (copyLeft > 0) {
                copyLeft--;
                return emit(ring[copyFrom++ & (RING - 1)]);
            }
            if (ended) {
                return -1;
            }
            int flag = getBits(1);
            if (flag < 0) {
                return end();
            }
            if (flag == 1) {
                int literal = getBits(8);
                return literal < 0 ? end() : emit((byte) literal);
            }
            int at = getBits(POSITION_BITS);
            int length = at < 0 ? -1 : getBits(LENGTH_BITS);
            if (length < 0) {
                return end();
            }
            copyFrom = at;
            copyLeft = length + 1;
            return emit(ring[copyFrom++ & (RING - 1)]);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            int n = 0;
            while (n < len) {
                int c = read();
                if (c < 0) {
                    break;
                }
                b[off + n++] = (byte) c;
            }
            return n == 0 ? -1 : n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = 0;
            while (skipped < n && read() >= 0) {
                skipped++;
            }
            return skipped;
        }

        @Override
        public int available() {
            return copyLeft;
        }

        @Override
        public boolean markSupported() {
            return false;
        }

        private int emit(byte b) {
            ring[position] = b;
            position = (position + 1) & (RING - 1);
            return b & 0xFF;
        }

        private int end() {
            ended = true;
            return -1;
        }

        private int getBits(int count) throws IOException {
            int value = 0;
            for (int i = 0; i < count; i++) {
                if (mask == 0) {
                    int next = in.read();
                    if (next < 0) {
                        return -1;
                    }
                    bits = next;
                    mask = 0x80;
                }
                value = (value << 1) | ((bits & mask) != 0 ? 1 : 0);
                mask >>>= 1;
            }
            return value;
        }
    }
}
