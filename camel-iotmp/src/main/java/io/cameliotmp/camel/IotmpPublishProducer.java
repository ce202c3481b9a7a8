package io.cameliotmp.camel;

import io.cameliotmp.server.IotmpServer;
import io.cameliotmp.server.IotmpServerManager;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.DefaultProducer;

/**
 * Publishes the body on a topic ({@code iotmp:topic:…}) or raises it as a named server event
 * ({@code iotmp:serverEvent:…}) toward the devices subscribed to it. Only the devices of the user in
 * {@code CamelIotmpUser} receive it when that header is set; otherwise every user's devices do. Never blocks.
 */
public class IotmpPublishProducer extends DefaultProducer {

    private final IotmpEndpoint endpoint;
    private IotmpServerManager.Handle serverHandle;

    public IotmpPublishProducer(IotmpEndpoint endpoint) {
        super(endpoint);
        this.endpoint = endpoint;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        serverHandle = endpoint.acquireServer();
    }

    @Override
    protected void doStop() throws Exception {
        if (serverHandle != null) {
            serverHandle.close();
            serverHandle = null;
        }
        super.doStop();
    }

    @Override
    public void process(Exchange exchange) {
        Message message = exchange.getMessage();
        IotmpServer server = serverHandle.server();
        String user = message.getHeader(IotmpConstants.USER, String.class);
        Object payload = PsonBodies.toPson(exchange, message.getBody());
        if (endpoint.getKind() == IotmpEndpointKind.topic) {
            String topic = message.getHeader(IotmpConstants.TOPIC, endpoint.target(), String.class);
            server.publish(user, topic, payload, endpoint.getConfiguration().isRetained());
        } else {
            message.setHeader(IotmpConstants.DELIVERED, server.raiseEvent(user, endpoint.target(), payload));
        }
    }
}
