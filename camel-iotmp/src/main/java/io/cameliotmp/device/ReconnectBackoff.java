package io.cameliotmp.device;

import java.util.function.IntToLongFunction;
import java.util.function.LongSupplier;

/**
 * How long a device waits before its next connection attempt. Every attempt that fails doubles the delay (up to the
 * maximum); so does a connection that the server accepts and then loses soon. Only a connection that lasted the
 * maximum backoff starts the delays over: otherwise a server that accepts every CONNECT and drops the connection at
 * once would be hammered at the initial delay forever, with a login, the subscriptions reopened and log lines on
 * every round. Confined to the device's loop.
 */
final class ReconnectBackoff {

    private final IntToLongFunction delayForAttempt;
    private final long stableNanos;
    private final LongSupplier nanoClock;
    private int attempts;
    private long connectedAt;
    private boolean connected;

    /**
     * @param delayForAttempt the jittered delay before attempt {@code n} (0 for the first after a success)
     * @param stableNanos     how long a connection must last to start the delays over
     * @param nanoClock       {@link System#nanoTime()}, or a test's clock
     */
    ReconnectBackoff(IntToLongFunction delayForAttempt, long stableNanos, LongSupplier nanoClock) {
        this.delayForAttempt = delayForAttempt;
        this.stableNanos = stableNanos;
        this.nanoClock = nanoClock;
    }

    /** The server accepted a CONNECT. */
    void connected() {
        connected = true;
        connectedAt = nanoClock.getAsLong();
    }

    /** The delay before the next attempt, after a failed attempt or a lost connection. */
    long nextDelayMillis() {
        if (connected && nanoClock.getAsLong() - connectedAt >= stableNanos) {
            attempts = 0;
        }
        connected = false;
        return delayForAttempt.applyAsLong(attempts++);
    }

    /** Attempts since the delays last started over. */
    int attempts() {
        return attempts;
    }
}
