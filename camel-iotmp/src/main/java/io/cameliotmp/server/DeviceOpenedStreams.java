package io.cameliotmp.server;

import java.util.List;

import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.protocol.PsonValues;
import io.cameliotmp.protocol.session.Answers;
import io.cameliotmp.protocol.session.EventSubscription;
import io.cameliotmp.protocol.session.ServiceCode;
import io.netty.util.collection.IntCollections;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;

/**
 * The streams a device opened toward the server (docs/protocol.md §8.3): topic subscriptions and publications,
 * property updates and named server events. Their ids are the device's and are never reused by the server.
 * Runs on the connection's executor.
 */
final class DeviceOpenedStreams {

    private final DeviceConnection connection;
    private final SessionContext context;
    private IntObjectMap<EventSubscription> streams = IntCollections.emptyMap();

    DeviceOpenedStreams(DeviceConnection connection, SessionContext context) {
        this.connection = connection;
        this.context = context;
    }

    int size() {
        return streams.size();
    }

    boolean contains(int id) {
        return streams.containsKey(id);
    }

    /** A START_STREAM of the device: only event streams (resource 8) exist on the server. */
    boolean onStart(IotmpMessage start) {
        if (!(start.resource() instanceof Number code) || ServiceCode.ofCode(code.longValue())
                                                          != ServiceCode.SUBSCRIBE_EVENT) {
            connection.replyError(start, 404, "the server has no stream " + PsonValues.toString(start.resource()));
            return true;
        }
        if (!start.hasStreamId()) {
            return false;
        }
        int id = start.streamId();
        int limit = context.config().maxPendingRequests();
        if (streams.size() >= limit) {
            // every stream is a subscription the server keeps: as many as requests may be pending, no more
            connection.replyError(start, 429, "the device has " + limit + " streams open, the most it may");
            return true;
        }
        if (connection.idInUse(id)) {
            connection.replyError(start, 409, "stream id " + id + " is in use");
            return true;
        }
        EventSubscription subscription;
        try {
            subscription = EventSubscription.parse(start.parameters());
            if (!nameAccepted(start, subscription)) {
                return true;
            }
            if (subscription instanceof EventSubscription.TopicSubscription topics) {
                TopicFilter.validate(topics.filter()); // its message quotes the filter, now of a bounded length
            }
        } catch (IllegalArgumentException e) {
            connection.replyError(start, 400, e.getMessage());
            return true;
        }
        Object answer = null;
        if (subscription instanceof EventSubscription.PropertyUpdates updates && updates.current()) {
            try {
                answer = context.propertyStore().read(connection.registration().deviceId(), updates.property());
            } catch (RuntimeException e) {
                // the store's failure (a database down or too slow) fails this stream, as it fails a read of the
                // property: thrown from here it closed the connection, and a device subscribing on connecting came
                // back to the same failure again and again
                connection.replyError(start, e instanceof DeviceCallException refused ? refused.status() : 500,
                        Answers.messageOf(e));
                return true;
            }
        }
        // subscribed before the OK, so nothing published once the device has its OK can be missed; messages
        // published from other threads queue behind the OK on this executor
        if (!(streams instanceof IntObjectHashMap)) {
            streams = new IntObjectHashMap<>(4);
        }
        streams.put(id, subscription);
        List<TopicMessage> retained = List.of();
        if (subscription instanceof EventSubscription.TopicSubscription topics) {
            retained = context.events().subscribeDevice(connection, id, topics.filter());
        } else if (subscription instanceof EventSubscription.ServerEvent event) {
            context.events().subscribeServerEvent(connection, id, event.name());
        }
        connection.write(IotmpMessage.ok(id, answer));
        for (TopicMessage message : retained) {
            connection.write(IotmpMessage.streamData(id, message.payload()));
        }
        return true;
    }

    /** Checks the name the stream would keep for as long as it is open; false after refusing the stream. */
    private boolean nameAccepted(IotmpMessage start, EventSubscription subscription) {
        if (subscription instanceof EventSubscription.TopicSubscription topics) {
            return DeviceNames.accepted(connection, start, "topic filter", topics.filter());
        }
        if (subscription instanceof EventSubscription.TopicPublication publication) {
            return DeviceNames.accepted(connection, start, "topic", publication.topic());
        }
        if (subscription instanceof EventSubscription.PropertyUpdates updates) {
            return DeviceNames.accepted(connection, start, "property", updates.property());
        }
        return DeviceNames.accepted(connection, start, "event", ((EventSubscription.ServerEvent) subscription).name());
    }

    /** Data on a stream the device opened: a publication on its topic. False when the id is not one of them. */
    boolean onData(IotmpMessage data) {
        EventSubscription subscription = streams.get(data.streamId());
        if (subscription instanceof EventSubscription.TopicPublication publication) {
            DeviceRegistration registration = connection.registration();
            context.events().publish(new TopicMessage(registration.user(), publication.topic(), data.payload(),
                    registration), publication.retained());
            return true;
        }
        return false;
    }

    /** The device stopped one of its streams; returns whether it was one. */
    boolean stop(int id) {
        if (streams.remove(id) == null) {
            return false;
        }
        context.events().unsubscribe(connection, id);
        return true;
    }

    void onPropertyUpdated(String property, Object value) {
        streams.forEach((id, subscription) -> {
            if (subscription instanceof EventSubscription.PropertyUpdates updates
                && updates.property().equals(property)) {
                connection.write(IotmpMessage.streamData(id, value));
            }
        });
    }

    void closeAll() {
        streams.clear();
        context.events().unsubscribe(connection, 0);
    }
}
