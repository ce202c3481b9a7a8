package io.cameliotmp.server;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The server's standing interest in device resources: each {@link StreamSubscription} is served on every matching
 * device that is or becomes connected, through streams shared per resource (see {@code SharedResourceStream}).
 */
public final class StreamSubscriptions {

    private final DeviceRegistry registry;
    private final List<StreamSubscription> subscriptions = new CopyOnWriteArrayList<>();

    StreamSubscriptions(DeviceRegistry registry) {
        this.registry = registry;
    }

    /** Subscribes to a resource of every device the filter matches, now and whenever one connects. */
    public StreamSubscription subscribe(DeviceFilter filter, String resource, long intervalMillis,
                                        StreamListener listener) {
        StreamSubscription subscription = new StreamSubscription(this, filter, resource, intervalMillis, listener);
        subscriptions.add(subscription);
        for (DeviceConnection connection : registry.sessions()) {
            if (filter.matches(connection.registration().deviceId())) {
                connection.attach(List.of(subscription));
            }
        }
        return subscription;
    }

    /** The standing subscriptions, in the order they were made. */
    public List<StreamSubscription> all() {
        return List.copyOf(subscriptions);
    }

    void unsubscribe(StreamSubscription subscription) {
        if (subscriptions.remove(subscription)) {
            for (DeviceConnection connection : registry.sessions()) {
                if (subscription.filter().matches(connection.registration().deviceId())) {
                    connection.detach(subscription);
                }
            }
        }
    }

    /** Delivers a sample of a stream opened through a request to the on-change subscribers of its resource. */
    public void publish(StreamSample sample) {
        registry.session(sample.registration().deviceId())
                .filter(s -> s.registration() == sample.registration())
                .ifPresent(s -> s.publishToSubscribers(sample));
    }

    /** A device connected: open the streams the matching subscriptions want, together. */
    void attach(DeviceConnection connection) {
        List<StreamSubscription> matching = subscriptions.stream()
                .filter(s -> s.filter().matches(connection.registration().deviceId())).toList();
        if (!matching.isEmpty()) {
            connection.attach(matching);
        }
    }
}
