package io.cameliotmp.api.access;

import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Counts failed authentications per client address and blocks an address that failed {@code maxFailures} times
 * within a window until that window ends, so that tokens cannot be guessed at the speed of the network. At most
 * {@code maxTracked} addresses are remembered: when that many are, expired windows are dropped, and if none has
 * expired the failures of new addresses are counted together under one shared entry (which then blocks all of them
 * rather than letting a flood of addresses go uncounted).
 */
public final class AuthFailureLimiter {

    /** The entry shared by addresses beyond {@code maxTracked}. */
    static final String OVERFLOW = "(too many addresses)";

    private record Window(long start, int failures) {
    }

    private final int maxFailures;
    private final long windowNanos;
    private final int maxTracked;
    private final LongSupplier nanoClock;
    /** Guarded by {@code this}. */
    private final Map<String, Window> windows = new HashMap<>();

    /**
     * @param maxFailures how many failures an address may have within {@code window}
     * @param window      how long failures are counted, and an address blocked
     * @param maxTracked  the most addresses remembered at once
     * @param nanoClock   the time, as {@link System#nanoTime()}
     */
    public AuthFailureLimiter(int maxFailures, Duration window, int maxTracked, LongSupplier nanoClock) {
        if (maxFailures < 1 || maxTracked < 1 || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("maxFailures and maxTracked must be positive, window longer than 0");
        }
        this.maxFailures = maxFailures;
        this.windowNanos = window.toNanos();
        this.maxTracked = maxTracked;
        this.nanoClock = nanoClock;
    }

    /** Whether {@code address} has used up its failures; if so, for how many more seconds (else 0). */
    public synchronized long blockedForSeconds(String address) {
        boolean untracked = !windows.containsKey(address) && windows.size() >= maxTracked;
        Window window = current(untracked ? OVERFLOW : address);
        if (window == null || window.failures() < maxFailures) {
            return 0;
        }
        long left = window.start() + windowNanos - nanoClock.getAsLong();
        return Math.max(1, (left + 999_999_999L) / 1_000_000_000L);
    }

    /** Counts a failed authentication of {@code address}. */
    public synchronized void failed(String address) {
        String key = address;
        if (!windows.containsKey(key) && windows.size() >= maxTracked) {
            dropExpired();
            if (windows.size() >= maxTracked) {
                key = OVERFLOW;
            }
        }
        Window window = current(key);
        long now = nanoClock.getAsLong();
        windows.put(key, window == null ? new Window(now, 1) : new Window(window.start(), window.failures() + 1));
    }

    /** How many addresses are remembered now (for the metric). */
    public synchronized int tracked() {
        return windows.size();
    }

    private Window current(String key) {
        Window window = windows.get(key);
        if (window != null && nanoClock.getAsLong() - window.start() >= windowNanos) {
            windows.remove(key);
            return null;
        }
        return window;
    }

    private void dropExpired() {
        long now = nanoClock.getAsLong();
        for (Iterator<Window> it = windows.values().iterator(); it.hasNext();) {
            if (now - it.next().start() >= windowNanos) {
                it.remove();
            }
        }
    }
}
