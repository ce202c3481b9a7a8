package io.cameliotmp.camel;

import io.cameliotmp.protocol.PsonFormat;
import io.cameliotmp.server.IotmpServer;
import io.cameliotmp.server.ServerMetrics.RouteDelivery;
import io.cameliotmp.server.TopicMessage;
import org.apache.camel.Processor;

/**
 * Receives what devices (and routes) publish on topics matching the URI's MQTT filter ({@code +} one level,
 * {@code #} the rest). One exchange per message; the publishing device is in the user and device headers. At most
 * {@code maxDeliveriesInFlight} exchanges, of at most {@code maxDeliveryBytesInFlight} bytes of payload, are unfinished
 * in the route; further messages are dropped and counted.
 */
public class IotmpTopicConsumer extends IotmpServerConsumer {

    private final IotmpEndpoint endpoint;
    private final DeliveriesInFlight deliveries;

    public IotmpTopicConsumer(IotmpEndpoint endpoint, Processor processor, int maxDeliveriesInFlight,
                              long maxDeliveryBytesInFlight) {
        super(endpoint, processor);
        this.endpoint = endpoint;
        this.deliveries = new DeliveriesInFlight(maxDeliveriesInFlight, maxDeliveryBytesInFlight, RouteDelivery.TOPIC,
                "a publication for " + endpoint.getEndpointBaseUri());
    }

    /** Messages handed to the route and not completed by it now. */
    int deliveriesInFlight() {
        return deliveries.held();
    }

    /** Bytes of the messages handed to the route and not completed by it now. */
    long deliveryBytesInFlight() {
        return deliveries.heldBytes();
    }

    @Override
    protected AutoCloseable attach(IotmpServer server) {
        return server.topics().subscribe(endpoint.target(), this::onMessage);
    }

    private void onMessage(TopicMessage topicMessage) {
        deliver(deliveries, sizeOf(topicMessage), message -> {
            message.setBody(topicMessage.payload());
            message.setHeader(IotmpConstants.TOPIC, topicMessage.topic());
            if (topicMessage.publisher() != null) {
                PsonBodies.setDeviceHeaders(message, topicMessage.publisher());
            } else if (topicMessage.user() != null) {
                message.setHeader(IotmpConstants.USER, topicMessage.user());
            }
        }, "Error processing topic message");
    }

    /**
     * What a message holds, as the retained store counts it: its topic and its payload PSON-encoded. Every payload a
     * device or a route publishes was PSON (routes' bodies are converted before publishing); one that cannot be
     * encoded counts as its topic alone, since no peer can send it.
     */
    private static long sizeOf(TopicMessage message) {
        long topic = message.topic().length();
        try {
            return topic + PsonFormat.V2.sizeOf(message.payload());
        } catch (IllegalArgumentException e) {
            return topic;
        }
    }
}
