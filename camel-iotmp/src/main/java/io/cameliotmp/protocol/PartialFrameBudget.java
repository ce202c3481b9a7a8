package io.cameliotmp.protocol;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Bytes of frames that have started to arrive and are not complete yet, shared by every connection of a server. A
 * codec reserves a frame's whole length as soon as its header shows that the frame will not arrive in one read, and
 * gives it back when the frame is complete or the connection ends; a connection whose frame cannot get its
 * reservation is closed. So however many peers start frames and stall, the buffers they make the server hold stay
 * under one bound.
 * <p>
 * Thread-safe and lock-free; {@link #UNLIMITED} for decoders that need no bound (device clients, tools).
 */
public final class PartialFrameBudget {

    public static final PartialFrameBudget UNLIMITED = new PartialFrameBudget(Long.MAX_VALUE);

    private final long limit;
    private final AtomicLong reserved = new AtomicLong();
    private final LongAdder refusals = new LongAdder();
    private final Runnable onRefusal;

    /** @param limit bytes that may be reserved at once, at least 1 */
    public PartialFrameBudget(long limit) {
        this(limit, () -> { });
    }

    /** @param onRefusal told of every refused reservation (for metrics); must not block */
    public PartialFrameBudget(long limit, Runnable onRefusal) {
        if (limit <= 0) {
            throw new IllegalArgumentException("the partial frame budget must be positive: " + limit);
        }
        this.limit = limit;
        this.onRefusal = onRefusal;
    }

    /** Reserves {@code bytes}, or nothing and false if that would exceed the limit (counted as a refusal). */
    public boolean tryReserve(long bytes) {
        while (true) {
            long current = reserved.get();
            if (bytes > limit - current) {
                refusals.increment();
                onRefusal.run();
                return false;
            }
            if (reserved.compareAndSet(current, current + bytes)) {
                return true;
            }
        }
    }

    /** Gives back what {@link #tryReserve} took. */
    public void release(long bytes) {
        reserved.addAndGet(-bytes);
    }

    /** Bytes reserved now. */
    public long reserved() {
        return reserved.get();
    }

    public long limit() {
        return limit;
    }

    /** Reservations refused so far (each closed a connection). */
    public long refusals() {
        return refusals.sum();
    }
}
