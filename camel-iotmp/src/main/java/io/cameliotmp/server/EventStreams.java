package io.cameliotmp.server;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of devices' event streams (START_STREAM on RESOURCE 8): MQTT-style topics that devices publish to
 * and subscribe to, named server events raised by routes, and retained topic messages. Topics are per user, as
 * devices of one account share them; routes see every user's messages.
 */
final class EventStreams {

    private static final Logger LOG = LoggerFactory.getLogger(EventStreams.class);

    /** A device stream subscribed to topics or to a named event. */
    record DeviceSubscription(DeviceConnection session, int streamId, String filterOrEvent) {
    }

    private final List<DeviceSubscription> topicSubscriptions = new CopyOnWriteArrayList<>();
    private final List<DeviceSubscription> eventSubscriptions = new CopyOnWriteArrayList<>();
    private final List<RouteSubscription> routeSubscriptions = new CopyOnWriteArrayList<>();
    private final Map<String, TopicMessage> retained = new ConcurrentHashMap<>();

    private record RouteSubscription(String filter, Consumer<TopicMessage> listener) {
    }

    /**
     * Subscribes a device stream; returns the retained messages it should receive, which the caller sends after its
     * OK so that nothing precedes the answer.
     */
    List<TopicMessage> subscribeDevice(DeviceConnection session, int streamId, String filter) {
        topicSubscriptions.add(new DeviceSubscription(session, streamId, filter));
        String user = session.registration().user();
        return retained.values().stream()
                .filter(m -> (m.user() == null || m.user().equals(user)) && TopicFilter.matches(filter, m.topic()))
                .toList();
    }

    void subscribeServerEvent(DeviceConnection session, int streamId, String event) {
        eventSubscriptions.add(new DeviceSubscription(session, streamId, event));
    }

    /** Ends one device stream, or all of a session when {@code streamId} is 0. */
    void unsubscribe(DeviceConnection session, int streamId) {
        topicSubscriptions.removeIf(s -> s.session == session && (streamId == 0 || s.streamId == streamId));
        eventSubscriptions.removeIf(s -> s.session == session && (streamId == 0 || s.streamId == streamId));
    }

    AutoCloseable subscribeRoute(String filter, Consumer<TopicMessage> listener) {
        TopicFilter.validate(filter);
        RouteSubscription subscription = new RouteSubscription(filter, listener);
        routeSubscriptions.add(subscription);
        return () -> routeSubscriptions.remove(subscription);
    }

    /** Delivers to every matching device subscription of the same user and to every matching route. */
    void publish(TopicMessage message, boolean retain) {
        if (retain) {
            retained.put(message.user() + "\u0000" + message.topic(), message);
        }
        for (DeviceSubscription s : topicSubscriptions) {
            if (s.session.registration() != null
                && (message.user() == null || message.user().equals(s.session.registration().user()))
                && TopicFilter.matches(s.filterOrEvent, message.topic())) {
                s.session.sendStreamData(s.streamId, message.payload());
            }
        }
        for (RouteSubscription s : routeSubscriptions) {
            if (TopicFilter.matches(s.filter, message.topic())) {
                try {
                    s.listener.accept(message);
                } catch (RuntimeException e) {
                    LOG.warn("Topic listener failed for {}", message.topic(), e);
                }
            }
        }
    }

    /** Raises a named server event toward the subscribed devices, of one user or of all ({@code user == null}). */
    int raise(String user, String event, Object payload) {
        int delivered = 0;
        for (DeviceSubscription s : eventSubscriptions) {
            if (s.filterOrEvent.equals(event)
                && (user == null || s.session.registration() != null && user.equals(s.session.registration().user()))) {
                s.session.sendStreamData(s.streamId, payload);
                delivered++;
            }
        }
        return delivered;
    }
}
