package io.cameliotmp.server;

import java.util.function.Consumer;

/**
 * Topics and named server events (docs/protocol.md §8.3): what routes publish and raise toward devices, and what
 * they hear of devices' publications.
 */
public final class Topics {

    private final EventStreams events;

    Topics(EventStreams events) {
        this.events = events;
    }

    /**
     * Publishes on a topic: devices of {@code user} (all users when null) subscribed to a matching filter receive it,
     * and so do topic listeners; in a cluster, those of every member.
     *
     * @throws QuotaExceededException beyond the user's retained quota (delivered nowhere), or when this cluster member
     *                                holds as many relays to the others as it may ({@code CLUSTER_RELAYS}: delivered
     *                                on this member only)
     */
    public void publish(String user, String topic, Object payload, boolean retain) {
        events.publish(new TopicMessage(user, topic, payload, null), retain);
    }

    /** Listens to every message published on topics matching an MQTT filter, by devices or routes. */
    public AutoCloseable subscribe(String filter, Consumer<TopicMessage> listener) {
        return events.subscribeRoute(filter, listener);
    }

    /**
     * Raises a named server event toward the devices subscribed to it; returns how many streams it reached on this
     * member.
     *
     * @throws QuotaExceededException when this cluster member holds as many relays to the others as it may
     *                                ({@code CLUSTER_RELAYS}: raised on this member only)
     */
    public int raise(String user, String event, Object payload) {
        return events.raise(user, event, payload);
    }
}
