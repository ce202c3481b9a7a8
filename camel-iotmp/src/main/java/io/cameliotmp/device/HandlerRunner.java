package io.cameliotmp.device;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

import io.cameliotmp.protocol.FrameCodec;
import io.netty.channel.Channel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where an {@link IotmpDevice} runs application code: resource handlers and the callbacks given to it, on its loop
 * or on the configured {@link IotmpDeviceBuilder#handlerExecutor}, so that a slow handler never holds the protocol.
 * <p>
 * Work the server can cause (RUN, DESCRIBE, stream data, samples, subscription deliveries) is bounded: once
 * {@link IotmpDeviceBuilder#maxHandlersInFlight} tasks are on the executor, the device stops reading the connection
 * until half of them are done, as the server's flow control does. Otherwise a server sending faster than the handlers
 * run fills any executor queue without bound, or, with a caller-runs executor, runs handlers on the event loop.
 */
final class HandlerRunner {

    // the device's logger: a failing callback has always been logged under its name
    private static final Logger LOG = LoggerFactory.getLogger(IotmpDevice.class);

    private final IotmpDevice device;
    private final DeviceLoop loop;
    /** Null runs everything on the loop. */
    private final Executor executor;
    private final int maxInFlight;
    /** Tasks handed to the executor and not finished yet. */
    private final AtomicInteger inFlight = new AtomicInteger();
    /** The channel whose reading this runner stopped, until it resumes it; loop only. */
    private Channel pausedChannel;
    /**
     * Whether reading is stopped ({@code pausedChannel} set), for the handler threads: only then does a finished task
     * need the loop. Set before the count is read again on pausing, read after the count is lowered on finishing, so
     * that one of the two sees the other and a pause is never left without a resume.
     */
    private volatile boolean paused;

    HandlerRunner(IotmpDevice device, DeviceLoop loop, Executor executor, int maxInFlight) {
        this.device = device;
        this.loop = loop;
        this.executor = executor;
        this.maxInFlight = maxInFlight;
    }

    /** Tasks on the handler executor that have not finished; always 0 without one. */
    int inFlight() {
        return inFlight.get();
    }

    /** Runs a resource handler where handlers run, and {@code then} with its outcome on the loop. */
    void invokeHandler(DeviceResource resource, ResourceRequest request, BiConsumer<Object, Throwable> then) {
        if (executor == null) {
            Object result;
            try {
                result = resource.handler().handle(request);
            } catch (Exception | AssertionError e) {
                then.accept(null, e);
                return;
            }
            then.accept(result, null);
            return;
        }
        try {
            submit(() -> {
                Object result = null;
                Throwable error = null;
                try {
                    result = resource.handler().handle(request);
                } catch (Exception | AssertionError e) {
                    error = e;
                }
                Object finalResult = result;
                Throwable finalError = error;
                loop.run(() -> then.accept(finalResult, finalError));
            });
        } catch (RejectedExecutionException e) {
            then.accept(null, e);
        }
    }

    /** Runs an application callback where handlers run; failures are logged, never propagated into the protocol. */
    void runCallback(Runnable callback) {
        Runnable guarded = () -> {
            try {
                callback.run();
            } catch (RuntimeException | AssertionError e) {
                LOG.warn("{}: callback failed", device, e);
            }
        };
        if (executor == null) {
            guarded.run();
        } else {
            try {
                submit(guarded);
            } catch (RejectedExecutionException e) {
                LOG.warn("{}: handler executor rejected a callback", device);
            }
        }
    }

    /** Hands {@code task} to the executor, counted while it is in flight; rethrows a rejection uncounted. */
    private void submit(Runnable task) {
        int count = inFlight.incrementAndGet();
        try {
            executor.execute(() -> {
                try {
                    task.run();
                } finally {
                    finished();
                }
            });
        } catch (RuntimeException | Error e) {
            inFlight.decrementAndGet();
            throw e;
        }
        if (count >= maxInFlight) {
            loop.run(this::adjustReading);
        }
    }

    private void finished() {
        int count = inFlight.decrementAndGet();
        if (count <= maxInFlight / 2 && paused) {
            loop.run(this::adjustReading);
        }
    }

    /**
     * Stops reading the current connection when the limit is reached and resumes it when half of the tasks are done:
     * resuming at once would stop again after the next frame. Frames of a read already under way are held by the
     * connection's flow control ({@code ClientConnection.holdFramesWhileNotReading}), so none reaches a handler.
     */
    private void adjustReading() {
        int count = inFlight.get();
        ClientConnection session = device.currentSession();
        Channel current = session != null ? session.channel : null;
        // a new connection is paused afresh: the stopped one is gone, and the limit counts work of both
        if (pausedChannel != null && (count <= maxInFlight / 2 || pausedChannel != current)) {
            Channel resumed = pausedChannel;
            pausedChannel = null;
            paused = false;
            // Resuming delivers the frames held meanwhile at once, so this may run again within the call and stop
            // reading anew: the state is cleared before, and read again after.
            resumeReading(resumed);
            count = inFlight.get();
        }
        if (count >= maxInFlight && pausedChannel == null && current != null) {
            LOG.debug("{}: {} handlers in flight, not reading until {} are done", device, count,
                    count - maxInFlight / 2);
            current.config().setAutoRead(false);
            pausedChannel = current;
            paused = true;
            if (inFlight.get() <= maxInFlight / 2) {
                // the tasks finished meanwhile saw no pause to end: end it here
                loop.run(this::adjustReading);
            }
        }
    }

    /**
     * Turns reading of {@code channel} on again, on its event loop. First the frame the server had started gets a
     * whole frame deadline from now ({@link FrameCodec#readingResumed()}): while the device did not read, the server
     * could not finish it, and a deadline that fell due during the pause must not close the connection before the
     * device has read again.
     */
    static void resumeReading(Channel channel) {
        FrameCodec<?> codec = channel.pipeline().get(FrameCodec.class);
        if (codec != null) {
            codec.readingResumed();
        }
        channel.config().setAutoRead(true);
    }
}
