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

    @Override
    public void close() {
        owner.unsubscribe(this);
    }

    @Override
    public String toString() {
        return filter + "/" + resource + (intervalMillis > 0 ? " every " + intervalMillis + " ms" : " on change");
    }
}
