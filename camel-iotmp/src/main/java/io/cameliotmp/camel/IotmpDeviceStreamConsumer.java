package io.cameliotmp.camel;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import io.cameliotmp.server.DeviceRegistration;
import io.cameliotmp.server.IotmpRequestException;
import io.cameliotmp.server.IotmpServer;
import io.cameliotmp.server.StreamListener;
import io.cameliotmp.server.StreamSample;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.spi.ExecutorServiceManager;
import org.apache.camel.spi.HeadersMapFactory;
import org.apache.camel.spi.ShutdownStrategy;
import org.apache.camel.support.LoggingExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams a resource of every matching device into the route: one exchange per sample, or with {@code batchSize} one
 * exchange per batch of samples (a {@code List<IotmpSample>}). The stream opens when a device connects (again after
 * each reconnect) and is stopped when the consumer stops.
 */
public class IotmpDeviceStreamConsumer extends IotmpServerConsumer implements StreamListener {

    private static final Logger LOG = LoggerFactory.getLogger(IotmpDeviceStreamConsumer.class);
    /** The stage of a sample that reached the consumer after it stopped taking samples. */
    private static final CompletionStage<Void> DROPPED = CompletableFuture.completedFuture(null);

    private final IotmpEndpoint endpoint;
    /** With {@code batchSize}: the open batch, and the timer that delivers it when it waited long enough. */
    private volatile SampleBatcher batcher;
    private ScheduledExecutorService batchTimer;
    /** With {@code batchSize}: the thread batches are processed on, never the server's I/O thread. */
    private ExecutorService batchDelivery;

    public IotmpDeviceStreamConsumer(IotmpEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
        this.endpoint = endpoint;
    }

    @Override
    protected void doStart() throws Exception {
        int batchSize = endpoint.getConfiguration().getBatchSize();
        if (batchSize > 0) {
            long timeout = endpoint.getConfiguration().getBatchTimeout(); // above 0: checked by the endpoint
            ExecutorServiceManager executors = getEndpoint().getCamelContext().getExecutorServiceManager();
            batchDelivery = executors.newSingleThreadExecutor(this, "IotmpBatchDelivery");
            batcher = newBatcher(afterBatchesOfLastStop());
            batchTimer = executors.newSingleThreadScheduledExecutor(this, "IotmpBatchTimeout");
            // checked at a tenth of the timeout, so a batch waits at most 1.1 times it
            long period = Math.max(1, timeout / 10);
            batchTimer.scheduleWithFixedDelay(() -> {
                SampleBatcher batching = batcher;
                if (batching != null) {
                    batching.flushIfDue(false);
                }
            }, period, period, TimeUnit.MILLISECONDS);
        }
        super.doStart();
    }

    /** A batcher whose first batch waits for {@code earlier}. */
    private SampleBatcher newBatcher(CompletableFuture<Void> earlier) {
        IotmpConfiguration configuration = endpoint.getConfiguration();
        return new SampleBatcher(configuration.getBatchSize(), configuration.getBatchTimeout(), this::processBatch,
                batchDelivery, earlier);
    }

    /**
     * What the first batch of a new start waits for: the batches the last stop gave up on, for at most the context's
     * shutdown timeout once more (without one, as Camel's shutdown, for as long as they take). The stop gave them
     * that timeout already; a batch that never finishes held every batch of the new start, and the devices' streams
     * with them, for good. Past it the new batches go on beside the old ones, and what was given up on is logged.
     */
    private CompletableFuture<Void> afterBatchesOfLastStop() {
        CompletableFuture<Void> earlier = endpoint.batchesInRoute();
        if (earlier.isDone()) {
            return earlier;
        }
        ShutdownStrategy shutdown = getEndpoint().getCamelContext().getShutdownStrategy();
        long timeout = shutdown.getTimeout();
        TimeUnit unit = shutdown.getTimeUnit();
        if (timeout <= 0) {
            LOG.warn("Starting {} while its route still processes batches taken before it last stopped: new batches"
                     + " wait for them", getEndpoint());
            return earlier;
        }
        LOG.warn("Starting {} while its route still processes batches taken before it last stopped: new batches wait"
                 + " for them up to {} {}", getEndpoint(), timeout, unit);
        SampleBatcher.Unfinished left = endpoint.unfinishedInRoute();
        CompletableFuture<Void> bounded = new CompletableFuture<>();
        AtomicBoolean settled = new AtomicBoolean();
        earlier.whenComplete((processed, failure) -> {
            if (settled.compareAndSet(false, true)) {
                bounded.complete(null);
            }
        });
        CompletableFuture.delayedExecutor(timeout, unit).execute(() -> {
            if (settled.compareAndSet(false, true)) {
                // logged before the new batches go on: once, and ahead of what they do
                LOG.warn("Gave up waiting for {} the last stop of {} left in its route, after {} {}: new batches go"
                         + " on beside them, out of order with them", left, getEndpoint(), timeout, unit);
                bounded.complete(null);
            }
        });
        return bounded;
    }

    /**
     * Suspended (Camel's graceful shutdown does so before it waits for the route): the open batch goes to the route
     * now, so the shutdown waits for it with the exchanges in the route, instead of it staying behind a suspended
     * consumer; a sample a server thread still hands over goes on by itself.
     */
    @Override
    protected void handOnTakenWork() {
        SampleBatcher batching = batcher;
        if (batching != null) {
            endpoint.batchesInRoute(batching.unfinished(), batching.close());
        }
    }

    /** Resumed: batches again, after those handed on when suspended. */
    @Override
    protected void prepareToTakeWork() {
        if (batchDelivery != null) {
            batcher = newBatcher(endpoint.batchesInRoute());
        }
    }

    /** Batches handed on that wait for the one before them: not yet exchanges in the route, but taken. */
    @Override
    public int getPendingExchangesSize() {
        SampleBatcher batching = batcher;
        return batching == null ? 0 : batching.waitingBatches();
    }

    /**
     * The open batch goes to the route and this waits until every batch is processed: after this the route's
     * processor stops, and a batch handed on later would be refused. The batcher is closed, not flushed: a sample a
     * server thread still hands over (it passed the subscription's closed check) goes on by itself rather than into a
     * batch nothing would hand on. Bounded by the context's shutdown timeout, so a route that never finishes cannot
     * hold the stop; a stop that gives up on it, or is interrupted waiting, logs a warning and goes on. The batches
     * it gave up on keep their delivery thread until the route is done with them, and the consumer Camel makes when
     * the route starts again hands its first batch on only after them, or after the shutdown timeout once more (see
     * {@link #afterBatchesOfLastStop()}).
     */
    @Override
    protected void finishTakenWork() throws Exception {
        SampleBatcher batching = batcher;
        if (batching == null) {
            return;
        }
        ShutdownStrategy shutdown = getEndpoint().getCamelContext().getShutdownStrategy();
        CompletableFuture<Void> processed = batching.close();
        // the route's next start makes a new consumer: its batches wait for these if this stop gives up on them
        endpoint.batchesInRoute(batching.unfinished(), processed);
        try {
            processed.get(shutdown.getTimeout(), shutdown.getTimeUnit());
        } catch (TimeoutException e) {
            LOG.warn("Stopping {} before the route processed all its batches, after {} {}", getEndpoint(),
                    shutdown.getTimeout(), shutdown.getTimeUnit());
        } catch (InterruptedException e) {
            // Camel's shutdown strategy interrupts a stop that outlasts its own timeout, which runs out just before
            // the wait above: give up waiting as on that timeout. Thrown on, it failed the stop half way, leaving the
            // route's processor and this consumer's threads running and the consumer unable to stop again.
            Thread.currentThread().interrupt();
            LOG.warn("Stopping {} before the route processed all its batches: the stop was interrupted",
                    getEndpoint());
        }
    }

    @Override
    protected void doStop() throws Exception {
        super.doStop(); // detached, batches processed, the route's processor stopped
        if (batcher != null) {
            ExecutorServiceManager executors = getEndpoint().getCamelContext().getExecutorServiceManager();
            executors.shutdown(batchTimer);
            executors.shutdown(batchDelivery);
            batcher = null;
            batchTimer = null;
            batchDelivery = null;
        }
    }

    /** Whether batches this consumer took before its last stop are still in the route; new batches wait for them. */
    boolean waitingForEarlierBatches() {
        SampleBatcher batching = batcher;
        return batching != null && batching.waitsForEarlierBatches();
    }

    private CompletionStage<Void> processBatch(List<IotmpSample> batch) {
        Exchange exchange = createExchange(false);
        Message message = exchange.getMessage();
        message.setHeader(IotmpConstants.RESOURCE, endpoint.resource());
        message.setHeader(IotmpConstants.BATCH_SIZE, batch.size());
        message.setBody(batch);
        return process(exchange, "Error processing a batch of stream samples");
    }

    @Override
    protected AutoCloseable attach(IotmpServer server) {
        return server.subscriptions().subscribe(endpoint.deviceFilter(), endpoint.resource(),
                endpoint.getConfiguration().getInterval(), this);
    }

    @Override
    public CompletionStage<Void> onSample(StreamSample sample) {
        // the server asks forDevice first; this serves callers that do not, with the same headers
        return forDevice(sample.registration()).onSample(sample);
    }

    @Override
    public StreamListener forDevice(DeviceRegistration registration) {
        return new DeviceSamples(registration);
    }

    private CompletionStage<Void> process(Exchange exchange, String failureText) {
        ExchangeDone done = new ExchangeDone(exchange, failureText);
        getAsyncProcessor().process(exchange, done);
        return done;
    }

    /**
     * The route's callback for one exchange and the stage the server waits on, in one object: with one exchange per
     * sample, the callback and the stage were two allocations per sample.
     */
    private final class ExchangeDone extends CompletableFuture<Void> implements AsyncCallback {
        private final Exchange exchange;
        private final String failureText;

        ExchangeDone(Exchange exchange, String failureText) {
            this.exchange = exchange;
            this.failureText = failureText;
        }

        /**
         * The samples are released whatever the exception handler does: a handler that throws would otherwise leave
         * them in flight for good, and the device paused once its bound is reached.
         */
        @Override
        public void done(boolean doneSync) {
            try {
                if (exchange.getException() != null) {
                    getExceptionHandler().handleException(failureText, exchange, exchange.getException());
                }
            } finally {
                try {
                    releaseExchange(exchange, false);
                } finally {
                    complete(null);
                }
            }
        }
    }

    /**
     * One device's samples. The headers that are the same on every sample of the device are built once: copying a
     * sorted header map is linear, while putting each header costs a case-insensitive tree insertion per sample. A
     * sample's message makes its headers only when the route asks for them ({@link SampleMessage}).
     */
    private final class DeviceSamples implements StreamListener {
        private final Map<String, Object> deviceHeaders;
        private final String user;
        private final String device;
        /** Whether the consumer batches: then this listener takes samples on the server's I/O threads. */
        private final boolean batched;

        DeviceSamples(DeviceRegistration registration) {
            batched = batcher != null;
            user = registration.user();
            device = registration.device();
            HeadersMapFactory headersMaps =
                    getEndpoint().getCamelContext().getCamelContextExtension().getHeadersMapFactory();
            deviceHeaders = headersMaps.newMap();
            PsonBodies.putDeviceHeaders(deviceHeaders, registration);
            deviceHeaders.put(IotmpConstants.RESOURCE, endpoint.resource());
        }

        @Override
        public CompletionStage<Void> onSample(StreamSample sample) {
            if (batched) {
                return addToBatch(new IotmpSample(user, device, sample.resource(), sample.streamId(),
                        sample.receivedAtMillis(), sample.payload()));
            }
            if (!isRunAllowed()) {
                // a server thread past the subscription's closed check as the route stopped: the stopped route would
                // refuse the exchange and the exception handler log it
                return DROPPED;
            }
            Exchange exchange = createExchange(false);
            exchange.setIn(new SampleMessage(exchange, deviceHeaders, sample));
            return process(exchange, "Error processing stream sample");
        }

        /** The server's I/O thread hands a batching consumer the sample's parts: they become the batch element. */
        @Override
        public CompletionStage<Void> onSampleOnIoThread(DeviceRegistration registration, String resource,
                                                        int streamId, Object payload, long receivedAtMillis) {
            if (!batched) {
                return StreamListener.super.onSampleOnIoThread(registration, resource, streamId, payload,
                        receivedAtMillis);
            }
            return addToBatch(new IotmpSample(user, device, resource, streamId, receivedAtMillis, payload));
        }

        private CompletionStage<Void> addToBatch(IotmpSample sample) {
            SampleBatcher batching = batcher;
            // null once the consumer stopped after the server handed the sample over: a batch of its own, here
            return batching != null ? batching.add(sample) : processBatch(List.of(sample));
        }

        /** A batching consumer only appends to the batch here; batches are processed on their own thread. */
        @Override
        public boolean acceptsSamplesOnIoThread() {
            return batched;
        }

        @Override
        public void onStreamEnded(DeviceRegistration registration, String resource, int streamId, String reason) {
            IotmpDeviceStreamConsumer.this.onStreamEnded(registration, resource, streamId, reason);
        }

        @Override
        public void onStreamFailed(DeviceRegistration registration, String resource, Throwable cause) {
            IotmpDeviceStreamConsumer.this.onStreamFailed(registration, resource, cause);
        }
    }

    /**
     * A device without the resource answers ERROR: expected in a fleet of mixed devices, so Camel's default logging
     * handler is spared the stack trace, and the line is written within the server's rate limit for lines peers
     * cause (a device that reconnects as fast as it can would otherwise write one per connection); a configured
     * exception handler, or bridging to the route, gets it all. The same holds for every other way the device's side
     * fails the START_STREAM (an answer the server cannot read, none in time, a request beyond the device's frame
     * size): all are {@link IotmpRequestException}s, and each could be repeated by the device at every connection.
     */
    @Override
    public void onStreamFailed(DeviceRegistration registration, String resource, Throwable cause) {
        String message = "Device " + registration.deviceId() + " did not open a stream on " + resource;
        if (cause instanceof IotmpRequestException && getExceptionHandler() instanceof LoggingExceptionHandler) {
            IotmpServer server = server();
            if (server != null) {
                server.logPeerCaused(LOG, message, cause.getMessage());
            } else {
                LOG.debug("{}: {}", message, cause.getMessage()); // stopping: no server to share the rate limit
            }
        } else {
            getExceptionHandler().handleException(message, cause);
        }
    }
}
