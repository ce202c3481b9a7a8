package io.cameliotmp.protocol.session;

import java.util.function.IntPredicate;
import java.util.function.IntSupplier;

/**
 * How an end picks the stream id of a new request (docs/protocol.md §7.1): a non-zero 16-bit value that nothing on
 * the connection uses, neither a request in flight nor an open stream of either side. The server counts up; device
 * clients draw at random, as the reference libraries do.
 */
public abstract class StreamIds {

    /** The largest stream id: ids are 16-bit unsigned, and 0 means "no id". */
    public static final int MAX_ID = 0xFFFF;

    /** Draws before the random strategy falls back to a scan for a free id. */
    private static final int RANDOM_DRAWS = 64;

    /** A free id, per {@code inUse}; fails when all 65,535 ids are taken. */
    public abstract int allocate(IntPredicate inUse);

    /** Counts up from 1, wrapping around, skipping ids in use. Not thread-safe: one per connection. */
    public static StreamIds sequential() {
        return new StreamIds() {
            private int last;

            @Override
            public int allocate(IntPredicate inUse) {
                last = afterSequential(last, inUse);
                return last;
            }
        };
    }

    /**
     * The sequential strategy for an owner that keeps the last id itself (a server holds one per device, and a field
     * costs less than an object): the first id after {@code last} (0 at first) that is not in use, counting up from 1
     * and wrapping around.
     */
    public static int afterSequential(int last, IntPredicate inUse) {
        int next = last;
        for (int attempt = 0; attempt < MAX_ID; attempt++) {
            // without a branch: a wrap-around, rare enough for the JIT to compile it out, would otherwise
            // deoptimise the whole inlined call path each time a busy connection passes 65,535
            next = next % MAX_ID + 1;
            if (!inUse.test(next)) {
                return next;
            }
        }
        throw noFreeId();
    }

    /**
     * Random candidates (only the low 16 bits count; 0 and ids in use are skipped); after a run of collisions the
     * first free id by scanning, so a generator that repeats itself still terminates.
     */
    public static StreamIds random(IntSupplier candidates) {
        return new StreamIds() {
            @Override
            public int allocate(IntPredicate inUse) {
                for (int attempt = 0; attempt < RANDOM_DRAWS; attempt++) {
                    int candidate = candidates.getAsInt() & MAX_ID;
                    if (candidate != 0 && !inUse.test(candidate)) {
                        return candidate;
                    }
                }
                for (int candidate = 1; candidate <= MAX_ID; candidate++) {
                    if (!inUse.test(candidate)) {
                        return candidate;
                    }
                }
                throw noFreeId();
            }
        };
    }

    private static IllegalStateException noFreeId() {
        return new IllegalStateException("all " + MAX_ID + " stream ids are in use");
    }
}
