package io.cameliotmp.benchmarks.load;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * When an open-loop window's slow calls were issued: the worst latency of the calls of every
 * {@value #SLOT_MILLIS} ms slot of the window, by their intended start. A stall shows as a run of slots whose worst
 * latency falls by one slot's length per slot (the calls queued behind it), and its start is
 * {@link #startNanos()} plus the first slot's offset on {@link System#nanoTime()}'s clock, which on Linux is
 * {@code CLOCK_MONOTONIC}: a process outside the JVM that logs that clock (a hiccup meter, {@code perf sched}) can
 * say what the machine did at that moment.
 */
final class StallTimeline {

    static final int SLOT_MILLIS = 10;

    private final long startNanos;
    private final AtomicLongArray worstNanos;

    StallTimeline(long startNanos, double seconds) {
        this.startNanos = startNanos;
        this.worstNanos = new AtomicLongArray((int) Math.ceil(seconds * 1000 / SLOT_MILLIS) + 1);
    }

    long startNanos() {
        return startNanos;
    }

    void record(long intendedNanos, long latencyNanos) {
        int slot = (int) Math.min(worstNanos.length() - 1,
                Math.max(0, (intendedNanos - startNanos) / (SLOT_MILLIS * 1_000_000L)));
        long worst = worstNanos.get(slot);
        // a compare-and-set only when this call is the slot's worst so far: a few per slot, not one per call
        while (latencyNanos > worst && !worstNanos.compareAndSet(slot, worst, latencyNanos)) {
            worst = worstNanos.get(slot);
        }
    }

    /** Slots whose worst call took longer than {@code overMillis}, as {offset in ms, worst latency in µs}. */
    List<long[]> slowSlots(long overMillis) {
        List<long[]> slow = new ArrayList<>();
        for (int i = 0; i < worstNanos.length(); i++) {
            long worst = worstNanos.get(i);
            if (worst > overMillis * 1_000_000L) {
                slow.add(new long[] {(long) i * SLOT_MILLIS, worst / 1000});
            }
        }
        return slow;
    }
}
