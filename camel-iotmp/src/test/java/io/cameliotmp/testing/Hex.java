package io.cameliotmp.testing;

import java.io.ByteArrayOutputStream;

import io.netty.buffer.ByteBuf;

/**
 * Hex strings as written in {@code docs/protocol.md} and {@code iotmp-vectors.md}: uppercase byte pairs separated by
 * spaces
 * ({@code "03 1C 08 01"}). Parsing is lenient about case and whitespace so hand-written test data reads naturally.
 */
public final class Hex {

    private Hex() {
    }

    /**
     * Parses hex byte pairs; whitespace between (not inside) pairs is ignored.
     *
     * @throws IllegalArgumentException for an odd number of digits or a non-hex character
     */
    public static byte[] bytes(CharSequence hex) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(hex.length() / 2);
        int i = 0;
        while (i < hex.length()) {
            char c = hex.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }
            if (i + 1 >= hex.length()) {
                throw new IllegalArgumentException("odd number of hex digits in \"" + hex + "\"");
            }
            out.write(digit(hex, i) << 4 | digit(hex, i + 1));
            i += 2;
        }
        return out.toByteArray();
    }

    /** Uppercase pairs separated by single spaces, the format of the vector files. */
    public static String format(byte[] bytes) {
        return format(bytes, 0, bytes.length);
    }

    /** Formats {@code length} bytes of {@code bytes} from {@code offset}. */
    public static String format(byte[] bytes, int offset, int length) {
        StringBuilder s = new StringBuilder(length * 3);
        for (int i = offset; i < offset + length; i++) {
            if (i > offset) {
                s.append(' ');
            }
            s.append(Character.toUpperCase(Character.forDigit((bytes[i] >> 4) & 0xF, 16)))
                    .append(Character.toUpperCase(Character.forDigit(bytes[i] & 0xF, 16)));
        }
        return s.toString();
    }

    /** Formats the readable bytes of {@code buf} without moving its indexes. */
    public static String format(ByteBuf buf) {
        byte[] bytes = new byte[buf.readableBytes()];
        buf.getBytes(buf.readerIndex(), bytes);
        return format(bytes);
    }

    private static int digit(CharSequence hex, int index) {
        int d = Character.digit(hex.charAt(index), 16);
        if (d < 0) {
            throw new IllegalArgumentException("not a hex digit: '" + hex.charAt(index) + "' in \"" + hex + "\"");
        }
        return d;
    }
}
