package io.cameliotmp.protocol;

/**
 * Estimated heap bytes of what the PSON decoders build, on a 64-bit JVM with compressed references, rounded up. The
 * decoders charge these to the {@link WireReader}'s budget before they create anything, which bounds the memory a
 * frame can expand to however its bytes are spent: the worst case on the wire is a container of empty containers
 * (one byte each, about 70 bytes of heap).
 */
final class HeapCost {

    /** A {@code LinkedHashMap} without entries. */
    static final int MAP = 64;
    /** One entry of a map: the entry object and its slot in the table. */
    static final int MAP_ENTRY = 48;
    /** An {@code ArrayList} and its array header. */
    static final int LIST = 40;
    /** One slot of a list's array, with room for its growth. */
    static final int LIST_ELEMENT = 8;
    /** A boxed number ({@code Long}, {@code Float}, {@code Double}); {@code BigInteger}s cost more. */
    static final int NUMBER = 16;
    static final int BIG_NUMBER = 64;
    /** {@code String} and array headers; the content is charged on top. */
    static final int STRING = 40;
    static final int BYTES = 16;

    private HeapCost() {
    }

    /** A string of {@code utf8Length} bytes: at most two bytes per UTF-8 byte once it is UTF-16. */
    static long string(int utf8Length) {
        return STRING + 2L * utf8Length;
    }

    static long bytes(int length) {
        return BYTES + (long) length;
    }

    /** A number decoded from an unsigned 64-bit value (a {@code BigInteger} above {@code Long.MAX_VALUE}). */
    static int number(long unsigned) {
        return unsigned >= 0 ? NUMBER : BIG_NUMBER;
    }
}
