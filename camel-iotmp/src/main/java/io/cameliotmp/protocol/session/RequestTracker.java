package io.cameliotmp.protocol.session;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import io.cameliotmp.protocol.IotmpMessage;
import io.netty.util.collection.IntCollections;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;

/**
 * The requests one end of a connection has sent and waits an answer for, by stream id (docs/protocol.md §4.2, §7.1):
 * each
 * with a timeout on the session's {@link Scheduler}, completed by the answer that carries its id, and all failed
 * together when the connection ends. Confined to the session's thread: no locks.
 *
 * @param <R> the end's own kind of pending request
 */
public final class RequestTracker<R extends PendingRequest> {

    private final Scheduler scheduler;
    // most connections sit idle with nothing pending: they share the empty map until their first request
    private IntObjectMap<R> pending = IntCollections.emptyMap();

    public RequestTracker(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    /** Tracks {@code request}; if no answer comes within {@code timeoutMillis}, it is forgotten and expires. */
    public void track(R request, long timeoutMillis) {
        if (!(pending instanceof IntObjectHashMap)) {
            pending = new IntObjectHashMap<>(4);
        }
        pending.put(request.streamId(), request);
        request.timeout = scheduler.schedule(() -> expire(request), timeoutMillis);
    }

    private void expire(R request) {
        if (pending.get(request.streamId()) == request) {
            pending.remove(request.streamId());
            request.timeout = null;
            request.expired();
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
            request.cancelTimeout();
            request.answered(answer);
        }
        return request;
    }

    /** Forgets the request with this id without reporting anything; returns it, or null. */
    public R remove(int streamId) {
        R request = pending.remove(streamId);
        if (request != null) {
            request.cancelTimeout();
        }
        return request;
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
        if (pending.isEmpty()) {
            return;
        }
        List<R> failed = new ArrayList<>(pending.values());
        pending.clear();
        for (R request : failed) {
            request.cancelTimeout();
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
