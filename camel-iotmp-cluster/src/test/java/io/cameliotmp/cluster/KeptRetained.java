package io.cameliotmp.cluster;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.cameliotmp.server.ClusterBus;
import io.cameliotmp.server.DeviceId;
import io.cameliotmp.server.TopicMessage;

/**
 * A server's retained messages and deliveries, as far as the cluster reaches them: the receiver the retained tests
 * bind on bare members (no server), to see what each member's server would keep.
 */
class KeptRetained implements ClusterBus.Receiver {

    /** What a delivered clear (a retained message without payload) is recorded as. */
    static final Object CLEAR = "(clear)";

    final Map<String, Object> kept = new ConcurrentHashMap<>();
    final List<Object> delivered = new CopyOnWriteArrayList<>();

    @Override
    public void propertyUpdated(DeviceId device, String property, Object value) {
    }

    @Override
    public void published(TopicMessage message, boolean retain) {
        if (retain) {
            retained(message);
        }
        delivered.add(message.payload() == null ? CLEAR : message.payload());
    }

    @Override
    public void raised(String user, String event, Object payload) {
    }

    @Override
    public void retained(TopicMessage message) {
        if (message.payload() == null) {
            kept.remove(message.topic());
        } else {
            kept.put(message.topic(), message.payload());
        }
    }
}
