package io.cameliotmp.api;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The rule {@link UploadRate} and {@link DownloadRate} apply, each to its direction: once a transfer has waited for
 * its client longer than the grace in all, the bytes it moved must average at least the minimum rate per second of
 * that waiting. Only the time spent waiting for the client counts, so a transfer that waits for its device is not
 * slowed down by it.
 */
final class MinimumRate {

    private final long minBytesPerSecond;
    private final long graceNanos;
    private final LongSupplier nanoClock;
    private final AtomicLong tooSlow = new AtomicLong();

    MinimumRate(long minBytesPerSecond, Duration grace, LongSupplier nanoClock) {
        if (minBytesPerSecond < 1 || grace.isNegative()) {
            throw new IllegalArgumentException("minBytesPerSecond must be positive, grace not negative");
        }
        this.minBytesPerSecond = minBytesPerSecond;
        this.graceNanos = grace.toNanos();
        this.nanoClock = nanoClock;
    }

    long minBytesPerSecond() {
        return minBytesPerSecond;
    }

    long graceMillis() {
        return Duration.ofNanos(graceNanos).toMillis();
    }

    /** How many transfers were failed for being slower than the minimum rate. */
    long tooSlow() {
        return tooSlow.get();
    }

    Transfer transfer() {
        return new Transfer();
    }

    /** The waiting and the bytes of one transfer; one thread at a time, as a body is read or a download written. */
    final class Transfer {

        private long waitedNanos;
        private long bytes;
        private boolean failed;

        /** Whether the transfer fell below the minimum rate: every later read or write fails at once. */
        boolean failed() {
            return failed;
        }

        /** When a wait for the client begins. */
        long begin() {
            return nanoClock.getAsLong();
        }

        /** Counts the wait that began at {@code start} and moved no byte: the end of a body is never slow. */
        void ended(long start) {
            waitedNanos += nanoClock.getAsLong() - start;
        }

        /**
         * Counts the wait that began at {@code start} and moved {@code count} bytes.
         *
         * @return the transfer's rate in bytes per second when it is below the minimum after the grace (the transfer
         *         is then failed, and counted), else -1
         */
        long moved(long start, long count) {
            ended(start);
            bytes += count;
            if (waitedNanos > graceNanos && bytes * 1e9 < (double) minBytesPerSecond * waitedNanos) {
                failed = true;
                tooSlow.incrementAndGet();
                return (long) (bytes * 1e9 / waitedNanos);
            }
            return -1;
        }
    }
}
