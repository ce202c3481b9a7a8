package io.cameliotmp.camel.device;

import java.util.concurrent.CompletionStage;

import io.cameliotmp.device.ServerStream;
import io.cameliotmp.protocol.session.EventSubscription;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * What the server sends on a subscription of the device (docs/protocol.md §8.3): messages on topics matching a filter,
 * updates of a device property, or a named server event. Each STREAM_DATA is one exchange whose body is its payload,
 * as the server sent it. The subscription is opened when the device connects, and again after every reconnect.
 */
public class IotmpDeviceSubscriptionConsumer extends IotmpDeviceConsumer {

    private final EventSubscription subscription;
    private volatile CompletionStage<ServerStream> opened;

    public IotmpDeviceSubscriptionConsumer(IotmpDeviceEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
        String name = endpoint.name();
        this.subscription = switch (endpoint.kind()) {
            case topic -> new EventSubscription.TopicSubscription(name);
            case property -> new EventSubscription.PropertyUpdates(name,
                    endpoint.getConfiguration().isCurrentValue());
            case serverEvent -> new EventSubscription.ServerEvent(name);
            default -> throw new IllegalArgumentException("not a subscription: " + endpoint.getEndpointUri());
        };
    }

    @Override
    protected void attach(SharedDevice device) {
        CompletionStage<ServerStream> stage = device.subscribe(subscription, this::deliver);
        opened = stage;
        stage.whenComplete((stream, failure) -> {
            // not for a subscription this consumer gave up meanwhile (suspended or stopped before it opened)
            if (failure != null && takesWork() && opened == stage) {
                getExceptionHandler().handleException("The IOTMP server refused the subscription "
                                                      + subscription.toParameters() + " of " + device.settings().key()
                                                      + "; it is not retried",
                        failure);
            }
        });
    }

    @Override
    protected void detach(SharedDevice device) {
        // STOP_STREAM now, or as soon as the server accepts the stream if it has not yet
        opened.thenAccept(ServerStream::close);
    }

    /** Whether the server accepted the subscription on the current connection. */
    public boolean isSubscribed() {
        CompletionStage<ServerStream> stage = opened;
        if (stage == null) {
            return false;
        }
        ServerStream stream = stage.toCompletableFuture().getNow(null);
        return stream != null && stream.isOpen();
    }

    private void deliver(Object payload) {
        if (!takesWork()) {
            return;
        }
        Exchange exchange = createExchange(false);
        try {
            exchange.getMessage().setBody(payload);
            try {
                getProcessor().process(exchange);
            } catch (Exception e) {
                exchange.setException(e);
            }
            if (exchange.getException() != null) {
                getExceptionHandler().handleException("Error processing " + subscription.toParameters(), exchange,
                        exchange.getException());
            }
        } finally {
            releaseExchange(exchange, false);
        }
    }
}
