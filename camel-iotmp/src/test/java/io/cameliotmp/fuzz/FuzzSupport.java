package io.cameliotmp.fuzz;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;

/**
 * What the fuzz targets share: an allocator that counts what is not released, and the byte layout of
 * {@link com.code_intelligence.jazzer.api.FuzzedDataProvider} inputs for writing seeds.
 */
final class FuzzSupport {

    private FuzzSupport() {
    }

    /**
     * A fresh unpooled allocator for one execution. Its metric counts the bytes of buffers allocated and not yet
     * released (Netty's instrumented unpooled buffers decrement it when freed), so a leak is seen right after the
     * execution instead of after a garbage collection. Netty's own leak detector is left out of these buffers: it
     * would record a stack trace per access and slow fuzzing down a hundredfold, and the counter is exact.
     */
    static UnpooledByteBufAllocator countingAllocator() {
        return new UnpooledByteBufAllocator(false, true);
    }

    /** Fails if any buffer of {@code allocator} is still unreleased. */
    static void assertAllReleased(UnpooledByteBufAllocator allocator, String what) {
        long heap = allocator.metric().usedHeapMemory();
        long direct = allocator.metric().usedDirectMemory();
        if (heap != 0 || direct != 0) {
            throw new AssertionError(what + " leaked buffers: " + heap + " heap and " + direct
                                     + " direct bytes were never released");
        }
    }

    /** Copies {@code bytes} into a new buffer of {@code allocator}, as a socket read would deliver them. */
    static ByteBuf buffer(ByteBufAllocator allocator, byte[] bytes, int offset, int length) {
        ByteBuf buf = allocator.buffer(Math.max(length, 1));
        buf.writeBytes(bytes, offset, length);
        return buf;
    }

    /**
     * Builds an input in the layout Jazzer's {@code FuzzedDataProvider} reads: {@code consumeBytes} and
     * {@code consumeRemainingAsBytes} take bytes from the front, while {@code consumeBoolean} and
     * {@code consumeInt(min, max)} take them from the back, one byte for a range below 256. Jazzer returns that byte
     * as it is when it lies in {@code [min, max]} (and {@code min + byte % (max - min + 1)} otherwise), so a value
     * of 0..255 is written as itself. Calls must follow the order of the target's consume calls.
     */
    static final class FdpInput {

        private final ByteArrayOutputStream front = new ByteArrayOutputStream();
        private final List<Integer> back = new ArrayList<>();

        FdpInput bool(boolean value) {
            back.add(value ? 1 : 0);
            return this;
        }

        /** A value that {@code consumeInt(min, max)} returns; the range must fit one byte. */
        FdpInput intInRange(int value, int min, int max) {
            if (max - min > 255 || value < min || value > max || value > 255) {
                throw new IllegalArgumentException(value + " in [" + min + ", " + max + "]");
            }
            back.add(value);
            return this;
        }

        /**
         * Feed actions for {@code bytes}, as the connection fuzz targets read them: the action {@code feed} (of the
         * range up to {@code lastAction}), a length of at most {@code maxChunk}, then that many bytes; as many as the
         * bytes need.
         */
        FdpInput feeds(byte[] bytes, int feed, int lastAction, int maxChunk) {
            for (int offset = 0; offset < bytes.length; offset += maxChunk) {
                int length = Math.min(maxChunk, bytes.length - offset);
                intInRange(feed, feed, lastAction).intInRange(length, 1, maxChunk)
                        .bytes(java.util.Arrays.copyOfRange(bytes, offset, offset + length));
            }
            return this;
        }

        /** Bytes for {@code consumeBytes} or {@code consumeRemainingAsBytes}. */
        FdpInput bytes(byte[] bytes) {
            front.writeBytes(bytes);
            return this;
        }

        byte[] build() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(front.toByteArray());
            for (int i = back.size() - 1; i >= 0; i--) {
                out.write(back.get(i));
            }
            return out.toByteArray();
        }
    }
}
