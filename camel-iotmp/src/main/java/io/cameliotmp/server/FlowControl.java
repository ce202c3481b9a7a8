package io.cameliotmp.server;

import io.netty.channel.Channel;

/**
 * Backpressure of one connection. Work taken in and not finished: frames decoded but not yet handled
 * ({@code queuedFrames}, counted from the I/O thread so that a handler that blocks its thread still stops the
 * reading) and samples and calls handed to handlers that have not completed ({@code busyDeliveries}). Reading pauses
 * on their sum; {@link BackpressurePolicy#DROP_SAMPLES} drops on the deliveries alone, since queued frames are not yet
 * a consumer falling behind.
 */
final class FlowControl {

    private final Channel channel;
    private final int maxInFlight;
    private final BackpressurePolicy policy;
    private final Object lock = new Object();
    private int queuedFrames;
    private int busyDeliveries;
    private volatile boolean readingPaused;
    /** When a frame was last read, or reading resumed after a pause: the device's silence is counted from here. */
    private volatile long lastActivityNanos = System.nanoTime();
    /** While false (authenticating, closed), a drained backlog does not turn reading back on. */
    private volatile boolean resumable = true;

    FlowControl(Channel channel, int maxInFlight, BackpressurePolicy policy) {
        this.channel = channel;
        this.maxInFlight = maxInFlight;
        this.policy = policy;
    }

    void frameRead() {
        lastActivityNanos = System.nanoTime();
        synchronized (lock) {
            queuedFrames++;
            pauseIfOver();
        }
    }

    void frameHandled() {
        synchronized (lock) {
            queuedFrames--;
            resumeIfDrained();
        }
    }

    void deliveryStarted() {
        synchronized (lock) {
            busyDeliveries++;
            pauseIfOver();
        }
    }

    void deliveryEnded() {
        synchronized (lock) {
            busyDeliveries--;
            resumeIfDrained();
        }
    }

    /** Whether a new sample must be dropped under {@link BackpressurePolicy#DROP_SAMPLES}. */
    boolean dropsSamples() {
        if (policy != BackpressurePolicy.DROP_SAMPLES) {
            return false;
        }
        synchronized (lock) {
            return busyDeliveries >= maxInFlight;
        }
    }

    int inFlight() {
        synchronized (lock) {
            return queuedFrames + busyDeliveries;
        }
    }

    boolean readingPaused() {
        return readingPaused;
    }

    void resumable(boolean value) {
        resumable = value;
    }

    /** Nanoseconds since the last frame arrived or reading resumed. */
    long silenceNanos() {
        return System.nanoTime() - lastActivityNanos;
    }

    /**
     * Reading pauses at the bound (for DROP_SAMPLES at four times the bound: samples are dropped long before, this
     * only bounds memory) and resumes at half of it. Called with the lock held, so pause and resume cannot race into
     * a device that is never read again.
     */
    private void pauseIfOver() {
        int pauseAt = policy == BackpressurePolicy.PAUSE ? maxInFlight : 4 * maxInFlight;
        if (queuedFrames + busyDeliveries >= pauseAt && !readingPaused) {
            readingPaused = true;
            channel.config().setAutoRead(false);
        }
    }

    private void resumeIfDrained() {
        if (readingPaused && queuedFrames + busyDeliveries <= maxInFlight / 2) {
            readingPaused = false;
            lastActivityNanos = System.nanoTime();
            if (resumable) {
                channel.config().setAutoRead(true);
            }
        }
    }
}
