package io.cameliotmp.server;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.LongSupplier;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;

/**
 * Backpressure of one connection. Work taken in and not finished: frames decoded but not yet handled
 * ({@code queuedFrames}, counted from the I/O thread so that a handler that blocks its thread still stops the
 * reading) and samples and calls handed to handlers that have not completed ({@code busyDeliveries}). Reading pauses
 * on their sum; {@link BackpressurePolicy#DROP_SAMPLES} drops on the deliveries alone, since queued frames are not yet
 * a consumer falling behind.
 * <p>
 * Each frame and delivery also weighs the heap its decoded values take (the codec's estimate), and reading pauses as
 * well when their total reaches {@code maxBytes}: a few large frames hold as much as many small ones. While reading
 * is paused the codec decodes nothing more ({@link #admitsFrame()}), so the frames of a read that was under way
 * stay bytes in its buffer instead of piling up decoded: what a device can make its connection hold here is at most
 * the pause bound plus one frame, in count and in bytes.
 * <p>
 * Only the I/O thread turns reading off and on. A worker that crosses the bound just closes the gate; the I/O thread
 * stops reading when it next asks it ({@link #admitsFrame()}), and a worker that drains the backlog hands the I/O
 * thread one task to read again, and only if it had stopped. Turning reading off and on from a worker costs a task
 * and a wake-up of the I/O thread each time, and a connection that streams at full speed crosses the bound all the
 * time.
 * <p>
 * Samples that the I/O thread delivers itself to a batching listener are counted there without the lock while they
 * fit below the bounds ({@link #deliveredOnIoThread}): the lock would otherwise be taken once per sample, some 40 ns
 * each on the build machine, about 5 % of what the batched path costs the I/O thread. They join the locked counts at
 * the end of each read, so {@link #inFlight()} and {@link #inFlightBytes()}, read from other threads, may miss the
 * samples of a read under way.
 * <p>
 * The lock is this object's own monitor, which nothing outside this class takes: a separate lock object would be one
 * more object for every device a server holds.
 */
final class FlowControl implements ChannelFutureListener {

    /**
     * Told when reading pauses and resumes. An interface rather than two callbacks so that the connection wires one
     * object it already has, not two lambdas for every device it holds.
     */
    interface Reading {
        /** Under the lock, on whichever thread crossed the bound, each time reading pauses: to count it. */
        default void paused() {
        }

        /**
         * On the I/O thread, in a task of its own, when reading resumes after it stopped: the codec decodes what it
         * held back, there and then.
         */
        default void resumed() {
        }
    }

    private static final Reading UNOBSERVED = new Reading() {
    };

    private final Channel channel;
    private final FlowBounds bounds;
    private int queuedFrames;
    private int busyDeliveries;
    private long bytes;
    private final QueuedFrameWeights weights = new QueuedFrameWeights();
    /**
     * The weight of the frame being handled (0 between frames), for the deliveries it starts. Only the thread that
     * handles the connection's frames touches it, one frame at a time ({@code ConnectionPump}): no lock needed.
     */
    private long handling;
    private volatile boolean readingPaused;
    /** Whether the I/O thread stopped reading (and decoding) for the pause: then resuming needs it again. */
    private boolean readingStopped;
    /**
     * When a read that brought frames last ended, or reading resumed after a pause: the device's silence is counted
     * from here.
     */
    private volatile long lastActivityNanos;
    /** While false (authenticating, closed), a drained backlog does not turn reading back on. */
    private volatile boolean resumable = true;
    /** Whether the channel closed: once it holds nothing more, this connection leaves the server's total. */
    private boolean closed;
    private volatile Reading reading = UNOBSERVED;
    /**
     * The deliveries that end with the latest stage a handler returned: a batching consumer returns the same stage
     * for every sample of a batch, so they are released together by one completion rather than one per sample.
     */
    private HeldDeliveries held;
    /** Bumped under the lock whenever a delivery is counted there: the I/O thread's room below the bounds is stale. */
    private volatile int countedWithLock;

    // ---- deliveries the I/O thread counted without the lock; I/O thread only (see deliveredOnIoThread)
    /** The held deliveries that the I/O thread's uncounted ones wait with. */
    private HeldDeliveries ioHeld;
    private int ioCount;
    private long ioWeight;
    /** How many more deliveries, and bytes, stay below the bounds, as of when the I/O thread last took the lock. */
    private int ioRoom;
    private long ioBytesRoom;
    private int ioRoomCountedWithLock;

    /** @param nanoClock where the device's activity and silence are read from, for tests: {@code System::nanoTime} */
    FlowControl(Channel channel, int maxInFlight, BackpressurePolicy policy, LongSupplier nanoClock) {
        this(channel, new FlowBounds(maxInFlight, Long.MAX_VALUE, policy, new InFlightBytes(), nanoClock));
    }

    FlowControl(Channel channel, int maxInFlight, long maxBytes, BackpressurePolicy policy,
                InFlightBytes serverBytes) {
        this(channel, new FlowBounds(maxInFlight, maxBytes, policy, serverBytes, System::nanoTime));
    }

    /** Counts in {@code bounds.serverBytes()} from now until its channel has closed and it holds nothing. */
    FlowControl(Channel channel, FlowBounds bounds) {
        this.channel = channel;
        this.bounds = bounds;
        this.lastActivityNanos = bounds.nanoClock().getAsLong();
        // last: the concurrent set publishes the fields set above to the threads that read the total
        bounds.serverBytes().counting(this);
        channel.closeFuture().addListener(this);
    }

    /** The channel closed; on the I/O thread, as the listeners of a channel's close future are. */
    @Override
    public void operationComplete(ChannelFuture closeFuture) {
        synchronized (this) {
            publishIoDeliveries();
            ioRoom = 0; // nothing more is read; and nothing counts past the close unseen
            closed = true;
            if (bytes == 0) {
                bounds.serverBytes().done(this);
            }
        }
    }

    /** Who is told when reading pauses and resumes. */
    void reading(Reading observer) {
        this.reading = observer;
    }

    /**
     * Whether the codec may decode another frame now; false exactly while reading is paused, and then reading stops
     * until the pause ends. I/O thread only.
     */
    boolean admitsFrame() {
        if (!readingPaused) {
            return true;
        }
        synchronized (this) {
            if (!readingPaused) {
                return true;
            }
            readingStopped = true;
        }
        if (channel.config().isAutoRead()) {
            channel.config().setAutoRead(false);
        }
        return false;
    }

    /** A frame was decoded and queued for the executor, weighing {@code weight} bytes of heap. */
    void frameRead(long weight) {
        synchronized (this) {
            queuedFrames++;
            weights.add(weight);
            publishIoDeliveries();
            add(weight);
            pauseIfOver();
            measureIoRoom();
        }
    }

    /** The executor takes the oldest queued frame; its weight stays {@link #handling()} until it is handled. */
    void frameHandling() {
        synchronized (this) {
            handling = weights.poll();
        }
    }

    void frameHandled() {
        boolean resumed;
        synchronized (this) {
            queuedFrames--;
            add(-handling);
            handling = 0;
            resumed = resumeIfDrained();
        }
        if (resumed) {
            resumeReadingLater();
        }
    }

    /** The weight of the frame being handled: what a sample or call taken from it holds. Frame-handling thread. */
    long handling() {
        return handling;
    }

    void deliveryStarted(long weight) {
        synchronized (this) {
            countDelivery(weight);
        }
    }

    /** A delivery is busy from now on; under the lock. */
    private void countDelivery(long weight) {
        busyDeliveries++;
        add(weight);
        pauseIfOver();
        countedWithLock++; // one writer at a time, under the lock
    }

    void deliveryEnded(long weight) {
        boolean resumed;
        synchronized (this) {
            busyDeliveries--;
            add(-weight);
            resumed = resumeIfDrained();
        }
        if (resumed) {
            resumeReadingLater();
        }
    }

    /**
     * A read that brought frames ended: the device was active. Noted once per read rather than per frame, since on
     * some virtual machines reading the clock costs as much as handling a small sample; the idle check works in
     * seconds, and Netty's own idle timer also counts from the end of a read.
     */
    void framesArrived() {
        lastActivityNanos = bounds.nanoClock().getAsLong();
        if (ioCount > 0) {
            synchronized (this) {
                publishIoDeliveries();
                measureIoRoom();
            }
        }
    }

    /**
     * A sample was handed to a listener, which returned {@code stage}: counted in flight until the stage completes,
     * in one step, and not at all when it is complete already (a synchronous route's). Consecutive deliveries that
     * end with the same stage (the samples of one batch) share one completion.
     */
    void delivered(CompletionStage<?> stage, long weight) {
        if (stage == null || isDone(stage)) {
            return;
        }
        HeldDeliveries added;
        synchronized (this) {
            added = hold(stage, weight);
        }
        if (added != null) {
            stage.whenComplete((ignored, failure) -> release(added));
        }
    }

    /**
     * Counts a delivery with those waiting for the same stage, the latest; under the lock.
     *
     * @return the deliveries it starts when the stage is another, to be released when that completes; else null
     */
    private HeldDeliveries hold(CompletionStage<?> stage, long weight) {
        countDelivery(weight);
        if (held != null && held.stage == stage) {
            held.count++;
            held.weight += weight;
            return null;
        }
        held = new HeldDeliveries(stage, weight);
        return held;
    }

    /** Whether a stage is known to be complete; a minimal stage (whose {@code isDone} throws) is not known. */
    private static boolean isDone(CompletionStage<?> stage) {
        if (stage instanceof CompletableFuture<?> future) {
            try {
                return future.isDone();
            } catch (UnsupportedOperationException minimalStage) {
                return false;
            }
        }
        return false;
    }

    private void release(HeldDeliveries deliveries) {
        boolean resumed;
        synchronized (this) {
            busyDeliveries -= deliveries.count;
            add(-deliveries.weight);
            deliveries.released = true;
            if (held == deliveries) {
                held = null; // a later delivery with the same, now complete, stage is released at once
            }
            resumed = resumeIfDrained();
        }
        if (resumed) {
            resumeReadingLater();
        }
    }

    /**
     * A sample the I/O thread delivered itself returned {@code stage}: as {@link #delivered}, but counted without the
     * lock while the samples of one read share the stage and fit below the bounds as they stood when the I/O thread
     * last took the lock (and nothing was counted elsewhere since). The one that reaches a bound takes the lock and
     * pauses reading as any other does, so the connection still holds at most the pause bound plus one frame. Only
     * under PAUSE: DROP_SAMPLES decides on the exact count of each sample. I/O thread only.
     */
    void deliveredOnIoThread(CompletionStage<?> stage, long weight) {
        if (stage == null || isDone(stage)) {
            return;
        }
        HeldDeliveries current = ioHeld;
        if (current != null && current.stage == stage && ioRoom > 0 && weight < ioBytesRoom
            && ioRoomCountedWithLock == countedWithLock) {
            ioRoom--;
            ioBytesRoom -= weight;
            ioCount++;
            ioWeight += weight;
            return;
        }
        HeldDeliveries added;
        synchronized (this) {
            publishIoDeliveries();
            added = hold(stage, weight);
            ioHeld = held;
            measureIoRoom();
        }
        if (added != null) {
            stage.whenComplete((ignored, failure) -> release(added));
        }
    }

    /**
     * Adds the deliveries the I/O thread counted without the lock to the locked counts, and to the stage they wait
     * for; if that stage completed meanwhile they are done already and count no more. Under the lock, on the I/O
     * thread.
     */
    private void publishIoDeliveries() {
        if (ioCount == 0) {
            return;
        }
        if (!ioHeld.released) {
            ioHeld.count += ioCount;
            ioHeld.weight += ioWeight;
            busyDeliveries += ioCount;
            add(ioWeight);
            pauseIfOver(); // the room was measured as below the bounds, but another thread may have counted since
        }
        ioCount = 0;
        ioWeight = 0;
    }

    /** What the I/O thread may count without the lock from here on. Under the lock, on the I/O thread. */
    private void measureIoRoom() {
        ioRoomCountedWithLock = countedWithLock;
        if (bounds.policy() != BackpressurePolicy.PAUSE || readingPaused || closed) {
            ioRoom = 0;
            ioBytesRoom = 0;
        } else {
            // the last delivery below a bound takes the lock: it is the one that pauses
            ioRoom = pauseAt() - (queuedFrames + busyDeliveries) - 1;
            ioBytesRoom = bounds.maxBytes() - bytes;
        }
    }

    /** Whether a new sample must be dropped under {@link BackpressurePolicy#DROP_SAMPLES}. */
    boolean dropsSamples() {
        if (bounds.policy() != BackpressurePolicy.DROP_SAMPLES) {
            return false;
        }
        synchronized (this) {
            return busyDeliveries >= bounds.maxInFlight();
        }
    }

    int inFlight() {
        synchronized (this) {
            return queuedFrames + busyDeliveries;
        }
    }

    /** Estimated heap of the queued frames and busy deliveries. */
    long inFlightBytes() {
        synchronized (this) {
            return bytes;
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
        return bounds.nanoClock().getAsLong() - lastActivityNanos;
    }

    /**
     * Whether the device has been silent for {@code idleNanos}, as Netty's idle handler says when it fires: not
     * while reading is paused (the silence is then the server's), nor when a frame arrived or reading resumed since.
     * <p>
     * The idle handler times the last read when the read completes, this class a little later in the same
     * completion, after the codec. The handler's timer can fire within that gap of the idle time, and the device then
     * looks silent a few microseconds short of it: the close would wait one more idle period (2 × 1.15 × ka seen in
     * the dead-peers benchmark, against a bound of 1.15 × ka + 1 s). A frame that arrived after the event, the case
     * this check is for, leaves far less silence than the idle time, so a 1/32 tolerance tells the two apart.
     */
    boolean silentFor(long idleNanos) {
        return !readingPaused && silenceNanos() >= idleNanos - idleNanos / 32;
    }

    private void add(long weight) {
        if (weight != 0) {
            bytes += weight;
            if (bytes == 0 && closed) {
                bounds.serverBytes().done(this);
            }
        }
    }

    /**
     * Reading pauses at the bound (for DROP_SAMPLES at four times the bound: samples are dropped long before, this
     * only bounds memory) or at {@code maxBytes}, and resumes at half of both. Called with the lock held, so pause and
     * resume cannot race into a device that is never read again.
     */
    private void pauseIfOver() {
        if ((queuedFrames + busyDeliveries >= pauseAt() || bytes >= bounds.maxBytes()) && !readingPaused) {
            // the gate closes at once; the I/O thread stops reading when it next asks (admitsFrame)
            readingPaused = true;
            reading.paused();
        }
    }

    /**
     * Under DROP_SAMPLES the deliveries stay at up to {@code maxInFlight} (more are dropped) while a route is slow,
     * so only a bound above that can be drained back to by handling the queued frames.
     */
    private int pauseAt() {
        return bounds.policy() == BackpressurePolicy.PAUSE ? bounds.maxInFlight() : 4 * bounds.maxInFlight();
    }

    /**
     * Half of the pause bound. Resuming lower does not make a device that streams into a batching route pause less
     * often: it took in 67 samples per pause in the benchmark whether it resumed at half or at a quarter, its earlier
     * samples done by the time the I/O thread read it again (docs/performance.md, "Where a paused device resumes").
     * Under DROP_SAMPLES the queued frames alone can be drained to half of four times the bound while the deliveries
     * stay busy.
     */
    private int resumeAt() {
        return pauseAt() / 2;
    }

    /**
     * Ends the pause once the backlog is down to {@link #resumeAt()}; returns true when the I/O thread had stopped
     * reading, so that the caller, outside the lock, has it read again.
     */
    private boolean resumeIfDrained() {
        if (readingPaused && queuedFrames + busyDeliveries <= resumeAt() && bytes <= bounds.maxBytes() / 2) {
            readingPaused = false;
            lastActivityNanos = bounds.nanoClock().getAsLong();
            return readingStopped;
        }
        return false;
    }

    private void resumeReadingLater() {
        try {
            channel.eventLoop().execute(this::resumeReading);
        } catch (RejectedExecutionException closing) {
            // the event loop is shutting down with the channel: nothing to read any more
        }
    }

    /**
     * On the I/O thread, unless paused anew meanwhile: decodes what the codec held back first, and reads again only
     * if that did not fill the bound once more. Reading before that would add a read's worth to the held-back bytes
     * at every pause, without bound while the handlers are slower than the device.
     */
    private void resumeReading() {
        synchronized (this) {
            if (readingPaused || !readingStopped) {
                return;
            }
            readingStopped = false;
        }
        reading.resumed();
        boolean stoppedAgain;
        synchronized (this) {
            publishIoDeliveries(); // the frames decoded there may not end with a read
            measureIoRoom();
            stoppedAgain = readingStopped;
        }
        if (resumable && !stoppedAgain) {
            channel.config().setAutoRead(true);
        }
    }
}
