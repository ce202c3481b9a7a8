package io.cameliotmp.server;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/** The traffic counters of one connection: one array, not five objects per device, updated from any thread. */
final class ConnectionCounters {

    static final int FRAMES_IN = 0;
    static final int FRAMES_OUT = 1;
    static final int SAMPLES_IN = 2;
    static final int SAMPLES_DROPPED = 3;
    static final int MALFORMED_FRAMES = 4;

    private static final VarHandle COUNTER = MethodHandles.arrayElementVarHandle(long[].class);

    private final long[] counters = new long[5];

    void count(int index) {
        COUNTER.getAndAdd(counters, index, 1L);
    }

    long get(int index) {
        return (long) COUNTER.getVolatile(counters, index);
    }

    SessionCounters snapshot(int inFlight, boolean readingPaused) {
        return new SessionCounters(get(FRAMES_IN), get(FRAMES_OUT), get(SAMPLES_IN), get(SAMPLES_DROPPED),
                get(MALFORMED_FRAMES), inFlight, readingPaused);
    }
}
