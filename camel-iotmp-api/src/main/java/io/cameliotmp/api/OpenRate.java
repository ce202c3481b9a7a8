package io.cameliotmp.api;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * How fast one user may open byte sessions and resource streams
 * ({@code camel.iotmp.api.max-opens-per-user-per-minute}): a token bucket per user that holds a minute's worth and
 * earns them back over the minute. Each opening costs a stream on the device and state here; the caps and the user's
 * share bound how many are open at once, not how fast one token opens and closes them, which keeps its device and the
 * server busy with nothing else.
 * <p>
 * A bucket is one long, the moment it is full again (a generic cell rate algorithm, as the server's connection rate):
 * each opening moves that moment a token's time on, and one is admitted while the moment stays within a minute from
 * now. A user's entry is dropped once its bucket is full again; at most {@link #MAX_TRACKED} are kept, and the users
 * beyond them (only while that many users open within a minute) share one bucket, so that the table never grows and
 * nobody is let through unbounded. Thread-safe; the clock is injected ({@link System#nanoTime()} in production).
 */
final class OpenRate {

    /** The most users whose bucket is kept; users beyond share {@link #overflow}. */
    static final int MAX_TRACKED = 10_000;
    private static final long MINUTE_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final int perMinute;
    /** A token's time: a minute divided by the rate. */
    private final long tokenNanos;
    private final LongSupplier nanoClock;
    /** Guarded by this: each tracked user's moment its bucket is full again. */
    private final Map<String, Long> fullAt = new HashMap<>();
    /** Guarded by this: the bucket the users beyond {@link #MAX_TRACKED} share. */
    private long overflow;
    /** Guarded by this. */
    private long refused;

    /**
     * @param perMinute the openings one user may make in a minute, at once or spread over it; 0 for no bound
     * @param nanoClock the time, as {@link System#nanoTime()}
     */
    OpenRate(int perMinute, LongSupplier nanoClock) {
        if (perMinute < 0) {
            throw new IllegalArgumentException(IotmpApiProperties.PREFIX + ".max-opens-per-user-per-minute must not be"
                                               + " negative (0 for no bound): " + perMinute);
        }
        this.perMinute = perMinute;
        this.tokenNanos = perMinute == 0 ? 0 : Math.max(1, MINUTE_NANOS / perMinute);
        this.nanoClock = nanoClock;
        this.overflow = nanoClock.getAsLong();
    }

    /** Whether {@code user} may open one more now; if so, it is counted. A refusal is counted in {@link #refused()}. */
    synchronized boolean take(String user) {
        if (perMinute == 0) {
            return true;
        }
        long now = nanoClock.getAsLong();
        Long known = fullAt.get(user);
        if (known == null && fullAt.size() >= MAX_TRACKED) {
            dropFull(now);
        }
        boolean tracked = known != null || fullAt.size() < MAX_TRACKED;
        long full = later(tracked ? (known != null ? known : now) : overflow, now);
        if (full + tokenNanos - now > MINUTE_NANOS) {
            refused++;
            return false;
        }
        if (tracked) {
            fullAt.put(user, full + tokenNanos);
        } else {
            overflow = full + tokenNanos;
        }
        return true;
    }

    /** Drops the users whose bucket is full again: forgetting them changes nothing. */
    private void dropFull(long now) {
        for (Iterator<Long> it = fullAt.values().iterator(); it.hasNext();) {
            if (it.next() - now <= 0) {
                it.remove();
            }
        }
    }

    /** The openings one user may make in a minute; 0 for no bound. */
    int perMinute() {
        return perMinute;
    }

    /** Openings refused by the rate (for the metric). */
    synchronized long refused() {
        return refused;
    }

    /** Users whose bucket is kept now (at most {@link #MAX_TRACKED}). */
    synchronized int tracked() {
        return fullAt.size();
    }

    /** The later of two {@code nanoTime} values, which may wrap: compared by their difference. */
    private static long later(long a, long b) {
        return a - b < 0 ? b : a;
    }
}
