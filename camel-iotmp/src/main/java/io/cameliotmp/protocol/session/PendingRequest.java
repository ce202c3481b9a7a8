package io.cameliotmp.protocol.session;

import io.cameliotmp.protocol.IotmpMessage;

/**
 * A request sent and not yet answered, tracked by a {@link RequestTracker} under its stream id. Exactly one of the
 * three outcomes is reported, on the session's thread: the peer's answer (OK or ERROR), the timeout, or a failure
 * (the connection ended, the request was superseded).
 */
public abstract class PendingRequest {

    private final int streamId;
    private final RequestKind kind;
    private final long startNanos = System.nanoTime();
    /** When the request expires, on its tracker's scheduler's clock; set by {@link RequestTracker#track}. */
    long deadlineNanos;

    protected PendingRequest(int streamId, RequestKind kind) {
        this.streamId = streamId;
        this.kind = kind;
    }

    public final int streamId() {
        return streamId;
    }

    public final RequestKind kind() {
        return kind;
    }

    /** Nanoseconds since the request was created. */
    public final long elapsedNanos() {
        return System.nanoTime() - startNanos;
    }

    /** The peer answered with OK or ERROR. */
    protected abstract void answered(IotmpMessage answer);

    /** No answer came within the request's timeout; the tracker has already forgotten the request. */
    protected abstract void expired();

    /** The request ends without an answer: the connection is gone or the request was called off. */
    protected abstract void failed(Throwable cause);
}
