package io.cameliotmp.server;

/**
 * Standing interest in a resource of every matching device: the server opens the stream when a device connects (and
 * again after every reconnect) and stops it when the last interested subscription closes. Its sampling interval is
 * in milliseconds, 0 for on-change (event mode).
 */
public final class StreamSubscription implements AutoCloseable {

    private final StreamSubscriptions owner;
    private final DeviceFilter filter;
    private final String resource;
    private final long intervalMillis;
    private final StreamListener listener;
    /**
     * Set by {@link #close()} at once, while the streams it served are stopped later on each connection's executor:
     * samples already queued there must not reach a listener whose owner has stopped (a Camel route refuses each one).
     */
    private volatile boolean closed;

    StreamSubscription(StreamSubscriptions owner, DeviceFilter filter, String resource, long intervalMillis,
                       StreamListener listener) {
        if (intervalMillis < 0) {
            throw new IllegalArgumentException("interval must not be negative: " + intervalMillis);
        }
        this.owner = owner;
        this.filter = filter;
        this.resource = resource;
        this.intervalMillis = intervalMillis;
        this.listener = listener;
    }

    public DeviceFilter filter() {
        return filter;
    }

    public String resource() {
        return resource;
    }

    public long intervalMillis() {
        return intervalMillis;
    }

    public StreamListener listener() {
        return listener;
    }

    /** Whether {@link #close()} was called: from then on no sample is handed to the listener. */
    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        closed = true;
        owner.unsubscribe(this);
    }

    @Override
    public String toString() {
        return filter + "/" + resource + (intervalMillis > 0 ? " every " + intervalMillis + " ms" : " on change");
    }
}
