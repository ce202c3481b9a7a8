package io.cameliotmp.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

/**
 * The short map keys one connection decoded lately, by their UTF-8 bytes. A device repeats the same few keys in
 * every sample, so each is validated, decoded and allocated once and then shared, instead of once per frame. A small
 * direct-mapped table: a key that collides with another replaces it, so what a peer can make it hold is fixed
 * ({@value #SLOTS} strings of at most {@value #MAX_CACHED_LENGTH} bytes, about 4 KB), and the table is made at the
 * first key, so a connection that sends none (a device that only keeps alive) holds nothing.
 * <p>
 * Not thread-safe: one per frame codec, used by the thread that decodes (the connection's I/O thread).
 */
final class RecentStrings {

    static final int SLOTS = 32;
    static final int MAX_CACHED_LENGTH = 32;

    private byte[][] keys;
    private String[] values;
    private byte[] scratch;

    /**
     * The string of the {@code length} bytes at {@code index}, which must be readable.
     *
     * @return null when the bytes are not valid UTF-8
     */
    String decode(ByteBuf buf, int index, int length) {
        if (length > MAX_CACHED_LENGTH) {
            return decodeOnce(buf, index, length);
        }
        if (keys == null) {
            keys = new byte[SLOTS][];
            values = new String[SLOTS];
            scratch = new byte[MAX_CACHED_LENGTH];
        }
        buf.getBytes(index, scratch, 0, length);
        int slot = slot(scratch, length);
        byte[] key = keys[slot];
        if (key != null && Arrays.equals(key, 0, key.length, scratch, 0, length)) {
            return values[slot];
        }
        byte[] copy = Arrays.copyOf(scratch, length);
        String value = decode(copy, length);
        if (value != null) {
            keys[slot] = copy;
            values[slot] = value;
        }
        return value;
    }

    /** Decodes without a table: for readers that belong to no connection. */
    static String decodeOnce(ByteBuf buf, int index, int length) {
        byte[] bytes = new byte[length];
        buf.getBytes(index, bytes);
        return decode(bytes, length);
    }

    private static int slot(byte[] bytes, int length) {
        int hash = length;
        for (int i = 0; i < length; i++) {
            hash = 31 * hash + bytes[i];
        }
        return (hash ^ hash >>> 16) & (SLOTS - 1);
    }

    /**
     * One pass for ASCII (nearly every key and name): its bytes are its Latin-1 characters. Anything else is checked
     * strictly, since the JDK's decoder would replace an invalid sequence instead of refusing it.
     */
    private static String decode(byte[] bytes, int length) {
        for (int i = 0; i < length; i++) {
            if (bytes[i] < 0) {
                if (!ByteBufUtil.isText(Unpooled.wrappedBuffer(bytes, 0, length), StandardCharsets.UTF_8)) {
                    return null;
                }
                return new String(bytes, 0, length, StandardCharsets.UTF_8);
            }
        }
        return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
    }
}
