package io.cameliotmp.camel;

import io.cameliotmp.server.IotmpServer;
import io.cameliotmp.server.TopicMessage;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * Receives what devices (and routes) publish on topics matching the URI's MQTT filter ({@code +} one level,
 * {@code #} the rest). One exchange per message; the publishing device is in the user and device headers.
 */
public class IotmpTopicConsumer extends IotmpServerConsumer {

    private final IotmpEndpoint endpoint;

    public IotmpTopicConsumer(IotmpEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
        this.endpoint = endpoint;
    }

    @Override
    protected AutoCloseable attach(IotmpServer server) {
        return server.topics().subscribe(endpoint.target(), this::onMessage);
    }

    private void onMessage(TopicMessage topicMessage) {
        Exchange exchange = createExchange(true);
        Message message = exchange.getMessage();
        message.setBody(topicMessage.payload());
        message.setHeader(IotmpConstants.TOPIC, topicMessage.topic());
        if (topicMessage.publisher() != null) {
            PsonBodies.setDeviceHeaders(message, topicMessage.publisher());
        } else if (topicMessage.user() != null) {
            message.setHeader(IotmpConstants.USER, topicMessage.user());
        }
        getAsyncProcessor().process(exchange, doneSync -> {
            if (exchange.getException() != null) {
                getExceptionHandler().handleException("Error processing topic message", exchange,
                        exchange.getException());
            }
        });
    }
}
