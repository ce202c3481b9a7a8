package io.cameliotmp.protocol.session;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a device subscribes to with a START_STREAM on resource {@link ServiceCode#SUBSCRIBE_EVENT}
 * (docs/protocol.md §8.3), read from and written to the message's PARAMETERS. The server parses it; the device
 * client builds it.
 */
public sealed interface EventSubscription {

    /** The {@code event} of topic streams, subscribing or publishing. */
    String TOPIC_EVENT = "device_topic_publish";
    /** The {@code event} of property-update streams. */
    String PROPERTY_EVENT = "device_property_update";

    /** The PARAMETERS of the START_STREAM that opens this subscription. */
    Map<String, Object> toParameters();

    /** Messages published on topics matching {@code filter} (MQTT-style {@code +} and {@code #}). */
    record TopicSubscription(String filter) implements EventSubscription {
        @Override
        public Map<String, Object> toParameters() {
            Map<String, Object> params = new LinkedHashMap<>();
            params.put("event", TOPIC_EVENT);
            params.put("scope", "subscribe");
            params.put("topic", filter);
            return params;
        }
    }

    /** The device publishes on {@code topic} with the STREAM_DATA it sends; {@code retained} keeps the last one. */
    record TopicPublication(String topic, boolean retained) implements EventSubscription {
        @Override
        public Map<String, Object> toParameters() {
            Map<String, Object> params = new LinkedHashMap<>();
            params.put("event", TOPIC_EVENT);
            params.put("topic", topic);
            if (retained) {
                params.put("retained", true);
            }
            return params;
        }
    }

    /** Updates of one of the device's properties; {@code current} asks for the value now, in the OK. */
    record PropertyUpdates(String property, boolean current) implements EventSubscription {
        @Override
        public Map<String, Object> toParameters() {
            Map<String, Object> params = new LinkedHashMap<>();
            params.put("event", PROPERTY_EVENT);
            params.put("filters", Map.of("property", property));
            if (current) {
                params.put("current", true);
            }
            return params;
        }
    }

    /** Any other named server event. */
    record ServerEvent(String name) implements EventSubscription {
        @Override
        public Map<String, Object> toParameters() {
            Map<String, Object> params = new LinkedHashMap<>();
            params.put("event", name);
            return params;
        }
    }

    /**
     * Reads the PARAMETERS of a device's START_STREAM.
     *
     * @throws IllegalArgumentException with a message fit for the ERROR answer when they name no valid subscription
     */
    static EventSubscription parse(Object parameters) {
        Map<?, ?> params = parameters instanceof Map<?, ?> map ? map : Map.of();
        if (!(params.get("event") instanceof String event)) {
            throw new IllegalArgumentException("event stream without an event name");
        }
        return switch (event) {
            case TOPIC_EVENT -> {
                if (!(params.get("topic") instanceof String topic) || topic.isEmpty()) {
                    throw new IllegalArgumentException("topic stream without a topic");
                }
                yield "subscribe".equals(params.get("scope"))
                        ? new TopicSubscription(topic)
                        : new TopicPublication(topic, Boolean.TRUE.equals(params.get("retained")));
            }
            case PROPERTY_EVENT -> {
                Object property = params.get("filters") instanceof Map<?, ?> filters ? filters.get("property") : null;
                if (!(property instanceof String name)) {
                    throw new IllegalArgumentException("property stream without filters.property");
                }
                yield new PropertyUpdates(name, Boolean.TRUE.equals(params.get("current")));
            }
            default -> new ServerEvent(event);
        };
    }
}
