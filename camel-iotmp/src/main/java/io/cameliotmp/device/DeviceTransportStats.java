package io.cameliotmp.device;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

/**
 * What a device's bounds against its server hold and did ({@link IotmpDevice#transportStats()}): handler work in
 * flight, streams refused, streams on undeclared resources, and the connections closed because the server stopped
 * reading, fell silent or broke the framing (a hostile or broken server; the device reconnects). Totals over the
 * device's life, all connections together; readable from any thread.
 */
public final class DeviceTransportStats {

    private final AtomicLong serverStoppedReadingCloses = new AtomicLong();
    private final AtomicLong serverSilenceCloses = new AtomicLong();
    private final AtomicLong unreadableFrameCloses = new AtomicLong();
    private final AtomicLong malformedFrames = new AtomicLong();
    private final AtomicLong serverStreamsRefused = new AtomicLong();
    private final AtomicLong undeclaredResourceStreams = new AtomicLong();
    private final IntSupplier handlersInFlight;
    private volatile Throwable lastFailure;

    DeviceTransportStats(IntSupplier handlersInFlight) {
        this.handlersInFlight = handlersInFlight;
    }

    /** Streams the server asked for and the device refused, being at {@link IotmpDeviceBuilder#maxServerStreams}. */
    public long serverStreamsRefused() {
        return serverStreamsRefused.get();
    }

    /**
     * Calls of {@link IotmpDevice#stream(String)} (and its siblings) on a path no resource of the device serves:
     * nothing can ever be sent on it, the mistake of an application that streams on a name it did not declare.
     */
    public long undeclaredResourceStreams() {
        return undeclaredResourceStreams.get();
    }

    /** Handler runs and callbacks on the handler executor, not finished yet (at most about maxHandlersInFlight). */
    public int handlersInFlight() {
        return handlersInFlight.getAsInt();
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
     * Connections closed because the server broke the framing itself: a frame declared beyond
     * {@link IotmpDeviceBuilder#maxFrameSize}, or one not complete within {@link IotmpDeviceBuilder#requestTimeout} (a
     * stalled or trickled frame). Unlike a frame that is only {@linkplain #malformedFrames() malformed}, nothing after
     * it can be read; the device reconnects.
     */
    public long unreadableFrameCloses() {
        return unreadableFrameCloses.get();
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
     * Set before the count of its kind is raised: a reader who saw a close counted sees its cause.
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

    void unreadableFrame() {
        unreadableFrameCloses.incrementAndGet();
    }

    void serverStreamRefused() {
        serverStreamsRefused.incrementAndGet();
    }

    void undeclaredResourceStream() {
        undeclaredResourceStreams.incrementAndGet();
    }

    void malformedFrame() {
        malformedFrames.incrementAndGet();
    }

    void failed(Throwable cause) {
        lastFailure = cause;
    }
}
