package io.cameliotmp.camel;

import io.cameliotmp.server.IotmpServer;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * Publishes the body on a topic ({@code iotmp:topic:…}) or raises it as a named server event
 * ({@code iotmp:serverEvent:…}) toward the devices subscribed to it. Only the devices of the user in
 * {@code CamelIotmpUser} receive it when that header is set; otherwise every user's devices do. Never blocks.
 */
public class IotmpPublishProducer extends IotmpServerProducer {

    private final IotmpEndpoint endpoint;

    public IotmpPublishProducer(IotmpEndpoint endpoint) {
        super(endpoint);
        this.endpoint = endpoint;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        try {
            publish(exchange);
        } catch (RuntimeException e) {
            exchange.setException(e);
        }
        callback.done(true);
        return true;
    }

    private void publish(Exchange exchange) {
        Message message = exchange.getMessage();
        IotmpServer server = server();
        String user = message.getHeader(IotmpConstants.USER, String.class);
        Object payload = PsonBodies.toPson(exchange, message.getBody());
        if (endpoint.getKind() == IotmpEndpointKind.topic) {
            String topic = message.getHeader(IotmpConstants.TOPIC, endpoint.target(), String.class);
            server.topics().publish(user, topic, payload, endpoint.getConfiguration().isRetained());
        } else {
            message.setHeader(IotmpConstants.DELIVERED, server.topics().raise(user, endpoint.target(), payload));
        }
    }
}
