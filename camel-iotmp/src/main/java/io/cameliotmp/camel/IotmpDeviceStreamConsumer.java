package io.cameliotmp.camel;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import io.cameliotmp.server.DeviceErrorException;
import io.cameliotmp.server.DeviceRegistration;
import io.cameliotmp.server.IotmpServer;
import io.cameliotmp.server.StreamListener;
import io.cameliotmp.server.StreamSample;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.support.LoggingExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams a resource of every matching device into the route: one exchange per sample. The stream opens when a
 * device connects (again after each reconnect) and is stopped when the consumer stops.
 */
public class IotmpDeviceStreamConsumer extends IotmpServerConsumer implements StreamListener {

    private static final Logger LOG = LoggerFactory.getLogger(IotmpDeviceStreamConsumer.class);

    private final IotmpEndpoint endpoint;

    public IotmpDeviceStreamConsumer(IotmpEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
        this.endpoint = endpoint;
    }

    @Override
    protected AutoCloseable attach(IotmpServer server) {
        return server.subscribe(endpoint.deviceFilter(), endpoint.resource(),
                endpoint.getConfiguration().getInterval(), this);
    }

    @Override
    public CompletionStage<Void> onSample(StreamSample sample) {
        Exchange exchange = createExchange(false);
        Message message = exchange.getMessage();
        message.setBody(sample.payload());
        PsonBodies.setDeviceHeaders(message, sample.registration());
        message.setHeader(IotmpConstants.RESOURCE, sample.resource());
        message.setHeader(IotmpConstants.STREAM_ID, sample.streamId());
        message.setHeader(IotmpConstants.TIMESTAMP, sample.receivedAtMillis());
        CompletableFuture<Void> done = new CompletableFuture<>();
        getAsyncProcessor().process(exchange, doneSync -> {
            if (exchange.getException() != null) {
                getExceptionHandler().handleException("Error processing stream sample", exchange,
                        exchange.getException());
            }
            releaseExchange(exchange, false);
            done.complete(null);
        });
        return done;
    }

    /**
     * A device without the resource answers ERROR: expected in a fleet of mixed devices, so Camel's default logging
     * handler is spared the stack trace; a configured exception handler, or bridging to the route, gets it all.
     */
    @Override
    public void onStreamFailed(DeviceRegistration registration, String resource, Throwable cause) {
        String message = "Device " + registration.deviceId() + " did not open a stream on " + resource;
        if (cause instanceof DeviceErrorException && getExceptionHandler() instanceof LoggingExceptionHandler) {
            LOG.warn("{}: {}", message, cause.getMessage());
        } else {
            getExceptionHandler().handleException(message, cause);
        }
    }
}
