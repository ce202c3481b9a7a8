package io.cameliotmp.camel;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import io.cameliotmp.server.DeviceRegistration;
import io.cameliotmp.server.StreamListener;
import io.cameliotmp.server.StreamSample;
import org.apache.camel.AsyncProducer;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.support.service.ServiceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a stream's data to an endpoint ({@code streamTo}), one exchange per STREAM_DATA and a last one with
 * {@link IotmpConstants#STREAM_ENDED} when the stream ends — in the order the device sent them. Each exchange is
 * handed to the endpoint's producer only once the previous one is done, so a byte session's chunks never overtake
 * each other and the end never overtakes the last data; a slow endpoint slows the device through the in-flight
 * bound rather than piling up.
 */
final class OrderedStreamDelivery implements StreamListener {

    private static final Logger LOG = LoggerFactory.getLogger(OrderedStreamDelivery.class);

    private final IotmpEndpoint origin;
    private final AsyncProducer producer;
    /**
     * Completes when everything handed over so far is done. Guarded by this: samples come on the connection's
     * executor, but in a cluster a relayed stream's samples and its end come on the cluster's threads.
     */
    private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);

    private OrderedStreamDelivery(IotmpEndpoint origin, AsyncProducer producer) {
        this.origin = origin;
        this.producer = producer;
    }

    /** A delivery to {@code uri} with a started producer of its own, stopped once the stream has ended. */
    static OrderedStreamDelivery to(IotmpEndpoint origin, String uri) throws Exception {
        Endpoint target = origin.getCamelContext().getEndpoint(uri);
        AsyncProducer producer = target.createAsyncProducer();
        ServiceHelper.startService(producer);
        return new OrderedStreamDelivery(origin, producer);
    }

    @Override
    public CompletionStage<Void> onSample(StreamSample sample) {
        Exchange exchange = exchange(sample.registration(), sample.resource(), sample.streamId());
        exchange.getMessage().setHeader(IotmpConstants.TIMESTAMP, sample.receivedAtMillis());
        exchange.getMessage().setBody(sample.payload());
        return enqueue(exchange);
    }

    @Override
    public void onStreamEnded(DeviceRegistration registration, String resource, int streamId, String reason) {
        Exchange exchange = exchange(registration, resource, streamId);
        exchange.getMessage().setHeader(IotmpConstants.STREAM_ENDED, reason);
        enqueue(exchange).whenComplete((done, failure) -> close());
    }

    @Override
    public void onStreamFailed(DeviceRegistration registration, String resource, Throwable cause) {
        CompletableFuture<Void> last;
        synchronized (this) {
            last = tail;
        }
        last.whenComplete((done, failure) -> close());
    }

    /** The endpoint the stream's data goes to. */
    String targetUri() {
        return producer.getEndpoint().getEndpointUri();
    }

    /** Stops the endpoint's producer; idempotent. */
    void close() {
        ServiceHelper.stopService(producer);
    }

    private Exchange exchange(DeviceRegistration registration, String resource, int streamId) {
        Exchange exchange = origin.createExchange();
        PsonBodies.setDeviceHeaders(exchange.getMessage(), registration);
        exchange.getMessage().setHeader(IotmpConstants.RESOURCE, resource);
        exchange.getMessage().setHeader(IotmpConstants.STREAM_ID, streamId);
        return exchange;
    }

    private CompletionStage<Void> enqueue(Exchange exchange) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        CompletableFuture<Void> previous;
        synchronized (this) {
            previous = tail;
            tail = done;
        }
        previous.whenComplete((before, ignored) -> process(exchange, done));
        return done;
    }

    /**
     * Hands one exchange to the producer. A producer that throws instead of failing the exchange (a broken one, or
     * one refusing work while it stops) completes it all the same: the exception would otherwise vanish in the stage
     * that chains the deliveries, the delivery stay in flight for good, and every later one of the stream, and the
     * device's reading once its bound is reached, wait behind it.
     */
    private void process(Exchange exchange, CompletableFuture<Void> done) {
        try {
            producer.process(exchange, sync -> {
                if (exchange.getException() != null) {
                    LOG.warn("Delivering stream data to {} failed", producer.getEndpoint(), exchange.getException());
                }
                done.complete(null);
            });
        } catch (RuntimeException e) {
            LOG.warn("Delivering stream data to {} failed", producer.getEndpoint(), e);
            done.complete(null);
        }
    }
}
