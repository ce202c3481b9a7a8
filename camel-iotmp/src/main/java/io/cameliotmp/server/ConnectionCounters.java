package io.cameliotmp.server;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import io.netty.util.AttributeKey;

/**
 * The traffic counters of one connection: one array, not eight objects per device, updated from any thread (the
 * counters of handled frames from one at a time, see {@link #countHandled}).
 */
final class ConnectionCounters {

    /** Where the {@link TrafficMeter} finds the counters of a connection's channel. */
    static final AttributeKey<ConnectionCounters> KEY = AttributeKey.valueOf(ConnectionCounters.class, "counters");

    static final int FRAMES_IN = 0;
    static final int FRAMES_OUT = 1;
    static final int SAMPLES_IN = 2;
    static final int SAMPLES_DROPPED = 3;
    static final int MALFORMED_FRAMES = 4;
    static final int BYTES_IN = 5;
    static final int BYTES_OUT = 6;
    static final int STALE_SAMPLES_DROPPED = 7;

    private static final VarHandle COUNTER = MethodHandles.arrayElementVarHandle(long[].class);

    private final long[] counters = new long[8];

    void count(int index) {
        COUNTER.getAndAdd(counters, index, 1L);
    }

    /**
     * Counts where frames are handled: {@link #FRAMES_IN} and {@link #SAMPLES_IN} only. Frames are handled by one
     * thread at a time, the I/O thread or the connection's executor, each only once the other is done with the frames
     * it took ({@link ConnectionPump}), so a plain read and write lose nothing and spare every frame the locked
     * instruction of {@link #count}. Readers see the count as they see the others.
     */
    void countHandled(int index) {
        COUNTER.setOpaque(counters, index, (long) COUNTER.getOpaque(counters, index) + 1);
    }

    void add(int index, long amount) {
        COUNTER.getAndAdd(counters, index, amount);
    }

    long get(int index) {
        return (long) COUNTER.getVolatile(counters, index);
    }

    SessionCounters snapshot(int inFlight, boolean readingPaused) {
        return new SessionCounters(get(FRAMES_IN), get(FRAMES_OUT), get(SAMPLES_IN), get(SAMPLES_DROPPED),
                get(MALFORMED_FRAMES), inFlight, readingPaused, get(BYTES_IN), get(BYTES_OUT),
                get(STALE_SAMPLES_DROPPED));
    }
}
