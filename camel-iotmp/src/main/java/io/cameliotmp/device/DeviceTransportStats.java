package io.cameliotmp.device;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts of what a device's transport bounds did ({@link IotmpDevice#transportStats()}): a server that stops reading
 * or falls silent is hostile or broken, and the device closes such connections and reconnects; these counts tell an
 * operator that it happens. Totals over the device's life, all connections together; readable from any thread.
 */
public final class DeviceTransportStats {

    private final AtomicLong serverStoppedReadingCloses = new AtomicLong();
    private final AtomicLong serverSilenceCloses = new AtomicLong();
    private final AtomicLong malformedFrames = new AtomicLong();
    private volatile Throwable lastFailure;

    DeviceTransportStats() {
    }

    /**
     * Connections closed because the server stopped reading: more than
     * {@link IotmpDeviceBuilder#maxPendingWriteBytes} bytes were queued for it.
     */
    public long serverStoppedReadingCloses() {
        return serverStoppedReadingCloses.get();
    }

    /**
     * Connections closed because no frame came from the server within
     * {@link IotmpDeviceBuilder#serverSilenceTimeout}.
     */
    public long serverSilenceCloses() {
        return serverSilenceCloses.get();
    }

    /**
     * Frames of the server that did not decode (e.g. values beyond {@link IotmpDeviceBuilder#maxDecodedFrameBytes}):
     * dropped while connected, the end of the attempt when they answer the CONNECT.
     */
    public long malformedFrames() {
        return malformedFrames.get();
    }

    /**
     * Why the device itself last closed a connection or gave up an attempt (a bound above, a refused or unanswered
     * CONNECT, a frame the codec could not read), or null if it never did; closes by the server are not recorded.
     */
    public Throwable lastFailure() {
        return lastFailure;
    }

    void serverStoppedReading() {
        serverStoppedReadingCloses.incrementAndGet();
    }

    void serverSilent() {
        serverSilenceCloses.incrementAndGet();
    }

    void malformedFrame() {
        malformedFrames.incrementAndGet();
    }

    void failed(Throwable cause) {
        lastFailure = cause;
    }
}
