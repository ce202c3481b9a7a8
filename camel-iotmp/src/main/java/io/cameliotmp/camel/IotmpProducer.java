package io.cameliotmp.camel;

import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

import io.cameliotmp.server.DeviceFilter;
import io.cameliotmp.server.DeviceId;
import io.cameliotmp.server.DeviceRegistration;
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
 * Calls a resource of a connected device. Never blocks: the exchange continues when the device answers, times out or
 * disconnects.
 */
public class IotmpProducer extends IotmpServerProducer {

    private final IotmpEndpoint endpoint;
    private ProducerTemplate template;

    public IotmpProducer(IotmpEndpoint endpoint) {
        super(endpoint);
        this.endpoint = endpoint;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        CompletionStage<DeviceReply> reply;
        try {
            reply = send(exchange);
        } catch (RuntimeException e) {
            exchange.setException(e);
            callback.done(true);
            return true;
        }
        reply.whenComplete((result, failure) -> {
            if (failure != null) {
                exchange.setException(failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure);
            } else {
                Message message = exchange.getMessage();
                message.setBody(result.payload());
                if (result.streamId() != 0) {
                    message.setHeader(IotmpConstants.STREAM_ID, result.streamId());
                }
                if (result.parameters() != null) {
                    message.setHeader(IotmpConstants.REPLY_PARAMETERS, result.parameters());
                } else {
                    message.removeHeader(IotmpConstants.REPLY_PARAMETERS);
                }
            }
            callback.done(false);
        });
        return false;
    }

    private CompletionStage<DeviceReply> send(Exchange exchange) {
        Message in = exchange.getMessage();
        IotmpConfiguration config = endpoint.getConfiguration();
        String user = in.getHeader(IotmpConstants.USER, endpoint.user(), String.class);
        String device = in.getHeader(IotmpConstants.DEVICE, endpoint.device(), String.class);
        String resource = in.getHeader(IotmpConstants.RESOURCE, endpoint.resource(), String.class);
        IotmpOperation operation = in.getHeader(IotmpConstants.OPERATION, config.getOperation(),
                IotmpOperation.class);
        IotmpServer server = server();
        if (operation == IotmpOperation.devices) {
            String of = user == null || DeviceFilter.ANY.equals(user) ? null : user;
            return CompletableFuture.completedFuture(new DeviceReply(null, 0, null,
                    server.registry().registrations(of).stream()
                            .sorted(Comparator.comparing(r -> r.deviceId().toString()))
                            .map(IotmpProducer::describe).toList()));
        }
        if (user == null || device == null) {
            throw new IllegalArgumentException("no device to call: give iotmp:device:{user}/{device}/… or the "
                                               + IotmpConstants.USER + " and " + IotmpConstants.DEVICE + " headers");
        }
        DeviceId deviceId = new DeviceId(user, device);
        if (operation == IotmpOperation.status) {
            Map<String, Object> status = server.registry().registration(deviceId).map(IotmpProducer::describe)
                    .orElseGet(() -> offline(deviceId));
            return CompletableFuture.completedFuture(new DeviceReply(null, 0, null, status));
        }
        if (operation == IotmpOperation.getProperty) {
            Object value = server.propertyStore().read(deviceId, requireResource(resource, operation));
            return CompletableFuture.completedFuture(new DeviceReply(null, 0, null, value));
        }
        if (operation == IotmpOperation.setProperty) {
            server.setProperty(deviceId, requireResource(resource, operation), PsonBodies.toPson(exchange,
                    in.getBody()));
            return CompletableFuture.completedFuture(new DeviceReply(null, 0, null, in.getBody()));
        }
        if (operation == IotmpOperation.download) {
            return server.download(deviceId, requireResource(resource, operation), config.getChunkSize(),
                    Duration.ofMillis(config.getRequestTimeout()))
                    .thenApply(bytes -> new DeviceReply(null, 0, null, bytes));
        }
        DeviceRequest request = switch (operation) {
            case run -> new DeviceRequest.Run(requireResource(resource, operation),
                    PsonBodies.toPson(exchange, in.getBody()),
                    in.getHeader(IotmpConstants.PARAMETERS));
            case describe -> DeviceRequest.describe(resource);
            case startStream -> new DeviceRequest.StartStream(requireResource(resource, operation),
                    in.getHeader(IotmpConstants.INTERVAL, config.getInterval(), Long.class),
                    in.getHeader(IotmpConstants.PARAMETERS),
                    config.getStreamTo() != null ? new StreamToEndpoint(config.getStreamTo())
                            : new PublishingListener(server));
            case stopStream -> DeviceRequest.stopStream(streamId(exchange));
            case sendStreamData -> DeviceRequest.streamData(streamId(exchange),
                    PsonBodies.toPson(exchange, in.getBody()));
            case devices, status, download, getProperty, setProperty ->
                    throw new IllegalStateException("answered above");
        };
        return server.send(deviceId, request, Duration.ofMillis(config.getRequestTimeout()));
    }

    /** A registration as a JSON-friendly map, the shape of {@code devices} and {@code status} answers. */
    static Map<String, Object> describe(DeviceRegistration registration) {
        Map<String, Object> device = new LinkedHashMap<>();
        device.put("user", registration.user());
        device.put("device", registration.device());
        device.put("connected", true);
        device.put("connectedAt", registration.connectedAt().toString());
        device.put("remoteAddress", String.valueOf(registration.remoteAddress()));
        device.put("generation", registration.generation().name());
        device.put("keepAlive", registration.keepAliveSeconds());
        return device;
    }

    private static Map<String, Object> offline(DeviceId id) {
        Map<String, Object> device = new LinkedHashMap<>();
        device.put("user", id.user());
        device.put("device", id.device());
        device.put("connected", false);
        return device;
    }

    private static String requireResource(String resource, IotmpOperation operation) {
        if (resource == null) {
            throw new IllegalArgumentException(operation + " needs a resource: give iotmp:device:{user}/{device}/"
                                               + "{resource} or the " + IotmpConstants.RESOURCE + " header");
        }
        return resource;
    }

    private static int streamId(Exchange exchange) {
        Integer id = exchange.getMessage().getHeader(IotmpConstants.STREAM_ID, Integer.class);
        if (id == null) {
            id = exchange.getMessage().getBody(Integer.class);
        }
        if (id == null || id <= 0 || id > 0xFFFF) {
            throw new IllegalArgumentException("no valid stream id in the " + IotmpConstants.STREAM_ID + " header");
        }
        return id;
    }

    /**
     * Sends a stream's data to an endpoint, one exchange per STREAM_DATA; the next sample is taken once the endpoint
     * has processed the previous one, so a slow endpoint slows the device (in-flight bound) rather than piling up.
     */
    private final class StreamToEndpoint implements StreamListener {
        private final String uri;

        StreamToEndpoint(String uri) {
            this.uri = uri;
        }

        @Override
        public CompletionStage<Void> onSample(StreamSample sample) {
            Exchange exchange = endpoint.createExchange();
            PsonBodies.setDeviceHeaders(exchange.getMessage(), sample.registration());
            exchange.getMessage().setHeader(IotmpConstants.RESOURCE, sample.resource());
            exchange.getMessage().setHeader(IotmpConstants.STREAM_ID, sample.streamId());
            exchange.getMessage().setHeader(IotmpConstants.TIMESTAMP, sample.receivedAtMillis());
            exchange.getMessage().setBody(sample.payload());
            return template().asyncSend(uri, exchange).thenAccept(done -> {
            });
        }

        @Override
        public void onStreamEnded(DeviceRegistration registration, String resource, int streamId, String reason) {
            Exchange exchange = endpoint.createExchange();
            PsonBodies.setDeviceHeaders(exchange.getMessage(), registration);
            exchange.getMessage().setHeader(IotmpConstants.RESOURCE, resource);
            exchange.getMessage().setHeader(IotmpConstants.STREAM_ID, streamId);
            exchange.getMessage().setHeader(IotmpConstants.STREAM_ENDED, reason);
            template().asyncSend(uri, exchange);
        }
    }

    private synchronized ProducerTemplate template() {
        if (template == null) {
            template = endpoint.getCamelContext().createProducerTemplate();
        }
        return template;
    }

    @Override
    protected void doStop() throws Exception {
        ProducerTemplate t;
        synchronized (this) {
            t = template;
            template = null;
        }
        if (t != null) {
            t.stop();
        }
        super.doStop();
    }

    /** Samples of streams a producer opened go to the on-change device consumers of that resource. */
    private record PublishingListener(IotmpServer server) implements StreamListener {
        @Override
        public CompletionStage<Void> onSample(StreamSample sample) {
            server.publishToSubscribers(sample);
            return CompletableFuture.completedFuture(null);
        }
    }
}
