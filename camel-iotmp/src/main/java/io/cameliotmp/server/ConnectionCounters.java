package io.cameliotmp.server;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import io.netty.util.AttributeKey;

/**
 * The traffic counters of one connection, updated from any thread (the counters of handled frames from one at a time,
 * see {@link #countHandled}). Nine fields of this object, reached by index through a handle each: not nine objects
 * per device, nor an array beside this one.
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
    static final int LEGACY_FRAMES_IGNORED = 8;

    private static final VarHandle FRAMES_IN_FIELD = field("framesIn");
    private static final VarHandle FRAMES_OUT_FIELD = field("framesOut");
    private static final VarHandle SAMPLES_IN_FIELD = field("samplesIn");
    private static final VarHandle SAMPLES_DROPPED_FIELD = field("samplesDropped");
    private static final VarHandle MALFORMED_FRAMES_FIELD = field("malformedFrames");
    private static final VarHandle BYTES_IN_FIELD = field("bytesIn");
    private static final VarHandle BYTES_OUT_FIELD = field("bytesOut");
    private static final VarHandle STALE_SAMPLES_DROPPED_FIELD = field("staleSamplesDropped");
    private static final VarHandle LEGACY_FRAMES_IGNORED_FIELD = field("legacyFramesIgnored");

    @SuppressWarnings("unused") // through the handles above
    private long framesIn;
    @SuppressWarnings("unused")
    private long framesOut;
    @SuppressWarnings("unused")
    private long samplesIn;
    @SuppressWarnings("unused")
    private long samplesDropped;
    @SuppressWarnings("unused")
    private long malformedFrames;
    @SuppressWarnings("unused")
    private long bytesIn;
    @SuppressWarnings("unused")
    private long bytesOut;
    @SuppressWarnings("unused")
    private long staleSamplesDropped;
    @SuppressWarnings("unused")
    private long legacyFramesIgnored;

    void count(int index) {
        counter(index).getAndAdd(this, 1L);
    }

    /**
     * Counts where frames are handled: {@link #FRAMES_IN} and {@link #SAMPLES_IN} only. Frames are handled by one
     * thread at a time, the I/O thread or the connection's executor, each only once the other is done with the frames
     * it took ({@link ConnectionPump}), so a plain read and write lose nothing and spare every frame the locked
     * instruction of {@link #count}. Readers see the count as they see the others.
     */
    void countHandled(int index) {
        VarHandle counter = counter(index);
        counter.setOpaque(this, (long) counter.getOpaque(this) + 1);
    }

    void add(int index, long amount) {
        counter(index).getAndAdd(this, amount);
    }

    long get(int index) {
        return (long) counter(index).getVolatile(this);
    }

    /**
     * The handle of a counter's field. Callers pass the constants above, so once inlined the switch folds away and
     * the handle is a constant, as a static final one is.
     */
    private static VarHandle counter(int index) {
        return switch (index) {
            case FRAMES_IN -> FRAMES_IN_FIELD;
            case FRAMES_OUT -> FRAMES_OUT_FIELD;
            case SAMPLES_IN -> SAMPLES_IN_FIELD;
            case SAMPLES_DROPPED -> SAMPLES_DROPPED_FIELD;
            case MALFORMED_FRAMES -> MALFORMED_FRAMES_FIELD;
            case BYTES_IN -> BYTES_IN_FIELD;
            case BYTES_OUT -> BYTES_OUT_FIELD;
            case STALE_SAMPLES_DROPPED -> STALE_SAMPLES_DROPPED_FIELD;
            case LEGACY_FRAMES_IGNORED -> LEGACY_FRAMES_IGNORED_FIELD;
            default -> throw new IllegalArgumentException("no counter " + index);
        };
    }

    private static VarHandle field(String name) {
        try {
            return MethodHandles.lookup().findVarHandle(ConnectionCounters.class, name, long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    SessionCounters snapshot(int inFlight, boolean readingPaused) {
        return new SessionCounters(get(FRAMES_IN), get(FRAMES_OUT), get(SAMPLES_IN), get(SAMPLES_DROPPED),
                get(MALFORMED_FRAMES), inFlight, readingPaused, get(BYTES_IN), get(BYTES_OUT),
                get(STALE_SAMPLES_DROPPED), get(LEGACY_FRAMES_IGNORED));
    }
}
