package io.cameliotmp.protocol.session;

/**
 * Runs a task once after a delay, on whatever thread the session's state lives on. Each end supplies its own: the
 * server a hashed-wheel timer that hops onto the connection's executor, the device client its event loop.
 */
@FunctionalInterface
public interface Scheduler {

    /** Schedules {@code task} to run after {@code delayMillis}; the returned handle cancels it. */
    Cancellable schedule(Runnable task, long delayMillis);

    /** The clock the delays are measured on, in nanoseconds (as {@link System#nanoTime()}, which it is by default). */
    default long nanoTime() {
        return System.nanoTime();
    }

    /** A scheduled task that can still be called off. */
    @FunctionalInterface
    interface Cancellable {
        void cancel();
    }
}
