package io.cameliotmp.examples.quickstart;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * How many log lines a kind of event may write: a token bucket of {@code perSecond} lines with a burst of ten
 * seconds' worth. Devices decide how often they connect and disconnect, so a device with a valid credential that
 * reconnects as fast as it can (or a budget-closed attacker that logs in again at once) must not decide how fast the
 * log grows: lines beyond the budget are counted instead and reported as one summary line, at most once per
 * {@link #SUMMARY_INTERVAL_SECONDS} seconds.
 */
public final class LogBudget {

    static final long SUMMARY_INTERVAL_SECONDS = 10;

    private final double perNano;
    private final double burst;
    private final LongSupplier nanoTime;
    private double tokens;
    private long refilledAt;
    private long suppressed;
    private long summarisedAt;

    public LogBudget(int perSecond) {
        this(perSecond, System::nanoTime);
    }

    LogBudget(int perSecond, LongSupplier nanoTime) {
        if (perSecond < 1) {
            throw new IllegalArgumentException("perSecond must be at least 1, got " + perSecond);
        }
        this.perNano = perSecond / (double) TimeUnit.SECONDS.toNanos(1);
        this.burst = perSecond * (double) SUMMARY_INTERVAL_SECONDS;
        this.nanoTime = nanoTime;
        this.tokens = burst;
        this.refilledAt = nanoTime.getAsLong();
        this.summarisedAt = refilledAt;
    }

    /** True if one more line may be written now; false if it is to be counted as suppressed. */
    public synchronized boolean admit() {
        long now = nanoTime.getAsLong();
        tokens = Math.min(burst, tokens + (now - refilledAt) * perNano);
        refilledAt = now;
        if (tokens >= 1) {
            tokens--;
            return true;
        }
        suppressed++;
        return false;
    }

    /**
     * The number of lines suppressed since the last summary, once the summary interval has passed and only if there
     * were any (then the count starts again); else 0, and nothing is to be written.
     */
    public synchronized long takeSuppressed() {
        long now = nanoTime.getAsLong();
        if (suppressed == 0 || now - summarisedAt < TimeUnit.SECONDS.toNanos(SUMMARY_INTERVAL_SECONDS)) {
            return 0;
        }
        long taken = suppressed;
        suppressed = 0;
        summarisedAt = now;
        return taken;
    }
}
