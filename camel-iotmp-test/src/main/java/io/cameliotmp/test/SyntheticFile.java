package io.cameliotmp.test;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ObjIntConsumer;

/**
 * A file that exists nowhere: byte {@code i} is a function of {@code i}, so a simulated device can serve a file larger
 * than the heap in chunks (as {@code $fs/download} does) and a test can check what arrived by a checksum, neither side
 * ever holding the whole file.
 */
public final class SyntheticFile {

    private final long size;

    public SyntheticFile(long size) {
        this.size = size;
    }

    /** The byte at {@code index}. */
    public static byte byteAt(long index) {
        return (byte) (index * 31 + (index >>> 16));
    }

    /** The chunk of at most {@code chunkSize} bytes after the {@code sent} ones, which it counts; null at the end. */
    public byte[] nextChunk(AtomicLong sent, int chunkSize) {
        long from = sent.get();
        int length = (int) Math.min(chunkSize, size - from);
        if (length <= 0) {
            return null;
        }
        byte[] chunk = new byte[length];
        for (int i = 0; i < length; i++) {
            chunk[i] = byteAt(from + i);
        }
        sent.addAndGet(length);
        return chunk;
    }

    /**
     * Hands the whole file to {@code sink} 64 KiB at a time (a buffer and how many of its bytes are the file's), for
     * the checksum a test compares with what arrived.
     */
    public void feed(ObjIntConsumer<byte[]> sink) {
        byte[] buffer = new byte[64 * 1024];
        for (long at = 0; at < size; at += buffer.length) {
            int length = (int) Math.min(buffer.length, size - at);
            for (int i = 0; i < length; i++) {
                buffer[i] = byteAt(at + i);
            }
            sink.accept(buffer, length);
        }
    }
}
