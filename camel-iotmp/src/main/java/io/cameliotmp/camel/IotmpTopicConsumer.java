package io.cameliotmp.camel;

import io.cameliotmp.server.IotmpServer;
import io.cameliotmp.server.PsonCost;
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
        // what it holds, as the cluster's relays count it: its topic and its payload, PSON-encoded
        deliver(deliveries, PsonCost.of(topicMessage.topic(), topicMessage.payload()), message -> {
            message.setBody(topicMessage.payload());
            message.setHeader(IotmpConstants.TOPIC, topicMessage.topic());
            if (topicMessage.publisher() != null) {
                PsonBodies.setDeviceHeaders(message, topicMessage.publisher());
            } else if (topicMessage.user() != null) {
                message.setHeader(IotmpConstants.USER, topicMessage.user());
            }
        }, "Error processing topic message");
    }
}
