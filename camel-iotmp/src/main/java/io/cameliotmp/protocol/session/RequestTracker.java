package io.cameliotmp.protocol.session;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.cameliotmp.protocol.IotmpMessage;
import io.netty.util.collection.IntCollections;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;

/**
 * The requests one end of a connection has sent and waits an answer for, by stream id (docs/protocol.md §4.2, §7.1):
 * each with a deadline, completed by the answer that carries its id, expired when its deadline passes, and all failed
 * together when the connection ends. Confined to the session's thread: no locks.
 * <p>
 * The deadlines share one task on the session's {@link Scheduler}, set for the earliest of them, instead of a task per
 * request: an answer then calls nothing off, and a busy connection touches the scheduler about once per timeout
 * rather than twice per request (on the server the scheduler is a timer wheel shared by every connection, whose
 * thread would otherwise sort through two entries per call on the cores the calls run on). When the task runs it
 * expires what is due and sets itself again for the earliest deadline left, if any.
 *
 * @param <R> the end's own kind of pending request
 */
public final class RequestTracker<R extends PendingRequest> {

    /** Longer timeouts are cut to this (about 146 years), so that a deadline never overflows the clock. */
    private static final long MAX_TIMEOUT_NANOS = Long.MAX_VALUE / 2;
    private static final Comparator<PendingRequest> BY_DEADLINE =
            (a, b) -> Long.signum(a.deadlineNanos - b.deadlineNanos);

    private final Scheduler scheduler;
    // most connections sit idle with nothing pending: they share the empty map, and have no expiry task, until their
    // first request
    private IntObjectMap<R> pending = IntCollections.emptyMap();
    private Expiry expiry;

    public RequestTracker(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    /** Tracks {@code request}; if no answer comes within {@code timeoutMillis}, it is forgotten and expires. */
    public void track(R request, long timeoutMillis) {
        if (!(pending instanceof IntObjectHashMap)) {
            pending = new IntObjectHashMap<>(4);
            expiry = new Expiry();
        }
        long timeoutNanos = Math.min(TimeUnit.MILLISECONDS.toNanos(Math.max(0, timeoutMillis)), MAX_TIMEOUT_NANOS);
        request.deadlineNanos = scheduler.nanoTime() + timeoutNanos;
        pending.put(request.streamId(), request);
        expiry.cover(request.deadlineNanos);
    }

    /** Expires every request whose deadline has passed, then sets the task for the earliest one left. */
    private void sweep() {
        long now = scheduler.nanoTime();
        List<R> due = null;
        long next = 0;
        boolean more = false;
        for (R request : pending.values()) {
            if (request.deadlineNanos - now <= 0) {
                if (due == null) {
                    due = new ArrayList<>(2);
                }
                due.add(request);
            } else if (!more || request.deadlineNanos - next < 0) {
                next = request.deadlineNanos;
                more = true;
            }
        }
        if (more) {
            expiry.setFor(next);
        }
        if (due == null) {
            return;
        }
        due.sort(BY_DEADLINE);
        for (R request : due) {
            pending.remove(request.streamId());
        }
        // last: what a request's expiry calls may send (and track) new requests
        for (R request : due) {
            request.expired();
        }
    }

    /** The one task on the scheduler, set for the earliest deadline; none while nothing is pending. */
    private final class Expiry {
        private Scheduler.Cancellable handle;
        private long deadline;
        /**
         * Counts the tasks set, so that one called off too late to stop it (it may already be on its way to the
         * session's thread) knows it is not the current one and does nothing.
         */
        private int set;

        /** Makes sure the task runs by {@code due}. */
        void cover(long due) {
            if (handle == null || due - deadline < 0) {
                setFor(due);
            }
        }

        void setFor(long due) {
            cancel();
            deadline = due;
            int current = ++set;
            long delayNanos = Math.max(0, due - scheduler.nanoTime());
            // rounded up: a task that runs early finds nothing due and only sets itself again
            handle = scheduler.schedule(() -> run(current), (delayNanos + 999_999) / 1_000_000);
        }

        void cancel() {
            if (handle != null) {
                handle.cancel();
                handle = null;
            }
        }

        private void run(int which) {
            if (which != set || handle == null) {
                return; // called off after it had started
            }
            handle = null;
            sweep();
        }
    }

    /**
     * Hands an OK or ERROR to the request with its stream id.
     *
     * @return the request it answered, or null when none waits for that id (late, unasked or duplicate answers)
     */
    public R answer(IotmpMessage answer) {
        R request = pending.remove(answer.streamId());
        if (request != null) {
            request.answered(answer);
        }
        return request;
    }

    /** Forgets the request with this id without reporting anything; returns it, or null. */
    public R remove(int streamId) {
        return pending.remove(streamId);
    }

    /** Forgets the request with this id and reports {@code cause} to it; returns whether there was one. */
    public boolean fail(int streamId, Throwable cause) {
        R request = remove(streamId);
        if (request != null) {
            request.failed(cause);
        }
        return request != null;
    }

    /** Fails every pending request, e.g. when the connection ends; {@code cause} may depend on the request. */
    public void failAll(Function<? super R, ? extends Throwable> cause) {
        if (expiry != null) {
            expiry.cancel();
        }
        if (pending.isEmpty()) {
            return;
        }
        List<R> failed = new ArrayList<>(pending.values());
        pending.clear();
        for (R request : failed) {
            request.failed(cause.apply(request));
        }
    }

    public R get(int streamId) {
        return pending.get(streamId);
    }

    public boolean contains(int streamId) {
        return pending.containsKey(streamId);
    }

    public int size() {
        return pending.size();
    }
}
