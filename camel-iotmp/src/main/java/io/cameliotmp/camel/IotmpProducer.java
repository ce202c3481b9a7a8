package io.cameliotmp.camel;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;

import io.cameliotmp.protocol.session.Answers;
import io.cameliotmp.server.DeviceId;
import io.cameliotmp.server.DeviceReply;
import io.cameliotmp.server.DeviceRequest;
import io.cameliotmp.server.IotmpServer;
import io.cameliotmp.server.StreamListener;
import io.cameliotmp.server.StreamSample;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.ProducerTemplate;

/**
 * Calls a resource of a connected device, or answers from the server's own state ({@code devices}, {@code status},
 * properties). Never blocks: the exchange continues when the device answers, times out or disconnects.
 */
public class IotmpProducer extends IotmpServerProducer {

    private final IotmpEndpoint endpoint;
    /** Threads of firmwareUpdate, created on its first use: each update blocks one for minutes. */
    private ExecutorService firmwareThreads;
    private ProducerTemplate progressTemplate;
    /** The endpoint's requestTimeout as a Duration, made again only if the option changes. */
    private volatile Duration requestTimeout = Duration.ZERO;

    public IotmpProducer(IotmpEndpoint endpoint) {
        super(endpoint);
        this.endpoint = endpoint;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        CompletionStage<DeviceReply> outcome;
        ExchangeReply reply;
        try {
            DeviceOperation call = operation(exchange);
            // the route goes on from the reply; that is set up before the request goes out (see IotmpServer.send)
            reply = new ExchangeReply(exchange, callback, call.operation() == IotmpOperation.startStream);
            outcome = perform(call, reply);
        } catch (Exception e) {
            // nothing was sent: the route goes on from here
            exchange.setException(e);
            callback.done(true);
            return true;
        }
        if (outcome != reply) {
            // operations answered here, downloads and firmware updates: not sent as one request
            outcome.whenComplete((result, failure) -> {
                if (failure != null) {
                    reply.completeExceptionally(failure);
                } else {
                    reply.complete(result);
                }
            });
        }
        return false;
    }

    private DeviceOperation operation(Exchange exchange) {
        Message in = exchange.getMessage();
        IotmpConfiguration config = endpoint.getConfiguration();
        String user = in.getHeader(IotmpConstants.USER, endpoint.user(), String.class);
        String device = in.getHeader(IotmpConstants.DEVICE, endpoint.device(), String.class);
        String resource = in.getHeader(IotmpConstants.RESOURCE, endpoint.resource(), String.class);
        IotmpOperation operation = in.getHeader(IotmpConstants.OPERATION, config.getOperation(),
                IotmpOperation.class);
        DeviceId deviceId = user != null && device != null ? new DeviceId(user, device) : null;
        return new DeviceOperation(exchange, server(), operation, user, deviceId, resource, config,
                requestTimeout(config.getRequestTimeout()));
    }

    private Duration requestTimeout(long millis) {
        Duration timeout = requestTimeout;
        if (timeout.toMillis() != millis) {
            timeout = Duration.ofMillis(millis);
            requestTimeout = timeout;
        }
        return timeout;
    }

    /**
     * A switch expression over every operation, so the compiler names this place when one is added. A request sent
     * to the device completes {@code reply}, which is returned; other operations return a stage of their own.
     */
    private CompletionStage<DeviceReply> perform(DeviceOperation call, CompletableFuture<DeviceReply> reply)
            throws Exception {
        IotmpServer server = call.server();
        // a firmware update checks its device itself: it closes the stream it was given when it refuses
        if (call.operation() != IotmpOperation.devices && call.operation() != IotmpOperation.firmwareUpdate) {
            call.requireDevice();
        }
        return switch (call.operation()) {
            case devices -> answered(RegistryOperations.devices(call));
            case status -> answered(RegistryOperations.status(call));
            case getProperty -> answered(server.properties().read(call.requireDevice(), call.requireResource()));
            case setProperty -> {
                server.properties().set(call.requireDevice(), call.requireResource(), call.pson());
                yield answered(call.in().getBody());
            }
            case download -> server.download(call.requireDevice(), call.requireResource(),
                    call.config().getChunkSize(), call.config().getMaxDownloadSize(), call.requestTimeout())
                    .thenApply(bytes -> new DeviceReply(null, 0, null, bytes));
            case run -> send(call, reply, new DeviceRequest.Run(call.requireResource(), call.pson(),
                    call.in().getHeader(IotmpConstants.PARAMETERS)));
            case describe -> send(call, reply, DeviceRequest.describe(call.resource()));
            case startStream -> startStream(call, reply);
            case stopStream -> sendToStream(call, reply, DeviceRequest.stopStream(call.streamId()));
            case sendStreamData -> sendToStream(call, reply, DeviceRequest.streamData(call.streamId(), call.pson()));
            case firmwareUpdate -> FirmwareUpdates.start(call, firmwareThreads(), progressTemplate());
        };
    }

    private synchronized ExecutorService firmwareThreads() {
        if (firmwareThreads == null) {
            firmwareThreads = endpoint.getCamelContext().getExecutorServiceManager()
                    .newCachedThreadPool(this, "IotmpFirmwareUpdate");
        }
        return firmwareThreads;
    }

    private synchronized ProducerTemplate progressTemplate() {
        if (progressTemplate == null && endpoint.getConfiguration().getFirmwareProgressTo() != null) {
            progressTemplate = endpoint.getCamelContext().createProducerTemplate();
        }
        return progressTemplate;
    }

    @Override
    protected void doStop() throws Exception {
        synchronized (this) {
            if (firmwareThreads != null) {
                endpoint.getCamelContext().getExecutorServiceManager().shutdownNow(firmwareThreads);
                firmwareThreads = null;
            }
            if (progressTemplate != null) {
                progressTemplate.close();
                progressTemplate = null;
            }
        }
        super.doStop();
    }

    private CompletionStage<DeviceReply> startStream(DeviceOperation call, CompletableFuture<DeviceReply> reply)
            throws Exception {
        String resource = call.requireResource();
        Long interval = call.in().getHeader(IotmpConstants.INTERVAL, call.config().getInterval(), Long.class);
        Object parameters = call.in().getHeader(IotmpConstants.PARAMETERS);
        String streamTo = call.config().getStreamTo();
        StreamListener listener = streamTo != null
                ? OrderedStreamDelivery.to(endpoint, streamTo) : new PublishingListener(call.server());
        if (listener instanceof OrderedStreamDelivery delivery) {
            // a stream that never opened ends nothing: release the delivery's producer then
            reply.whenComplete((opened, failure) -> {
                if (failure != null) {
                    delivery.close();
                }
            });
        }
        return send(call, reply, new DeviceRequest.StartStream(resource, interval, parameters, listener));
    }

    private static CompletionStage<DeviceReply> send(DeviceOperation call, CompletableFuture<DeviceReply> reply,
                                                     DeviceRequest request) {
        return call.server().send(call.requireDevice(), request, call.requestTimeout(), reply);
    }

    /** To the connection the stream opened on when the caller names it: its id may be another's on a newer one. */
    private static CompletionStage<DeviceReply> sendToStream(DeviceOperation call,
                                                             CompletableFuture<DeviceReply> reply,
                                                             DeviceRequest request) {
        Long session = call.in().getHeader(IotmpConstants.SESSION_NUMBER, Long.class);
        if (session == null) {
            return send(call, reply, request);
        }
        return call.server().send(call.requireDevice(), session, request, call.requestTimeout(), reply);
    }

    private static CompletionStage<DeviceReply> answered(Object body) {
        return CompletableFuture.completedFuture(new DeviceReply(null, 0, null, body));
    }

    /**
     * The stream id goes into a header only for {@code startStream}, as documented: a run's or describe's reply also
     * carries the id its request went out with, but that id means nothing to the route, and setting it cost a boxed
     * {@code Integer} and a header-map insertion per call.
     */
    private static void setReply(Message message, DeviceReply result, boolean opensStream) {
        message.setBody(result.payload());
        if (opensStream && result.streamId() != 0) {
            message.setHeader(IotmpConstants.STREAM_ID, result.streamId());
            if (result.registration() != null) {
                message.setHeader(IotmpConstants.SESSION_NUMBER, result.registration().sessionNumber());
            }
        }
        if (result.parameters() != null) {
            message.setHeader(IotmpConstants.REPLY_PARAMETERS, result.parameters());
        } else {
            message.removeHeader(IotmpConstants.REPLY_PARAMETERS);
        }
    }

    /**
     * A call's reply that continues its exchange when completed, the first time only. One object per call: putting
     * the continuation on a plain future with {@code whenComplete} took three (the continuation, the dependent future
     * and its link), on a path every call takes. Completed only through {@link #complete} and
     * {@link #completeExceptionally}, by the server or by the stage of an operation answered here.
     */
    private static final class ExchangeReply extends CompletableFuture<DeviceReply> {
        private final Exchange exchange;
        private final AsyncCallback callback;
        private final boolean opensStream;

        ExchangeReply(Exchange exchange, AsyncCallback callback, boolean opensStream) {
            this.exchange = exchange;
            this.callback = callback;
            this.opensStream = opensStream;
        }

        @Override
        public boolean complete(DeviceReply result) {
            if (!super.complete(result)) {
                return false;
            }
            setReply(exchange.getMessage(), result, opensStream);
            callback.done(false);
            return true;
        }

        @Override
        public boolean completeExceptionally(Throwable failure) {
            if (!super.completeExceptionally(failure)) {
                return false;
            }
            exchange.setException(Answers.unwrap(failure));
            callback.done(false);
            return true;
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            // cancelling would complete the future without passing through completeExceptionally
            return completeExceptionally(new CancellationException());
        }
    }

    /** Samples of streams a producer opened go to the on-change device consumers of that resource. */
    private record PublishingListener(IotmpServer server) implements StreamListener {
        @Override
        public CompletionStage<Void> onSample(StreamSample sample) {
            server.subscriptions().publish(sample);
            return CompletableFuture.completedFuture(null);
        }
    }
}
