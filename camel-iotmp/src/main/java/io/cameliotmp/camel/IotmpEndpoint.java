package io.cameliotmp.camel;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.cameliotmp.protocol.session.ServiceCode;
import io.cameliotmp.server.DeviceFilter;
import io.cameliotmp.server.IotmpServerManager;
import io.cameliotmp.server.Transport;
import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.MultipleConsumersSupport;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.EndpointServiceLocation;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.DefaultEndpoint;
import org.apache.camel.util.URISupport;

/**
 * Calls IOTMP devices and receives what they send, through the component's embedded IOTMP server.
 */
@UriEndpoint(firstVersion = "0.1.0", scheme = "iotmp", title = "IOTMP", syntax = "iotmp:kind:path",
             category = { Category.IOT }, headersClass = IotmpConstants.class)
public class IotmpEndpoint extends DefaultEndpoint implements EndpointServiceLocation, MultipleConsumersSupport {

    @UriPath(description = "What the endpoint stands for: device (a device resource: producer calls it, consumer"
                           + " streams it), server (a resource devices run, consumer), service (Thinger service"
                           + " calls of devices, consumer), events (device lifecycle, consumer), topic (topics"
                           + " devices publish and subscribe to, both) or serverEvent (events raised toward devices,"
                           + " producer).")
    @Metadata(required = true)
    private IotmpEndpointKind kind;

    @UriPath(description = "device: user/device/resource (the resource may contain '/'; consumers may use an"
                           + " asterisk for user and device to match any; producers may leave parts to headers)."
                           + " server: the resource name."
                           + " service: service/target, e.g. bucket/temperatures or endpoint/* (services: property,"
                           + " setProperty, device, endpoint, bucket, lock, unlock). events: none. topic: an MQTT"
                           + " topic, or a filter with + and # for consumers. serverEvent: the event name.")
    private String path;

    @UriParam
    private IotmpConfiguration configuration;

    /**
     * Completes when the batches the last batching consumer of this endpoint took are processed. Camel makes a new
     * consumer each time the route starts, while a stop that ran out of its shutdown timeout leaves its last batches
     * in the route: the new consumer's batches wait for them, so a route still gets one batch at a time, in order.
     */
    private volatile CompletableFuture<Void> batchesInRoute = CompletableFuture.completedFuture(null);
    /** What {@link #batchesInRoute} waits for, to tell what a new start gave up on; not the consumer's batcher. */
    private volatile SampleBatcher.Unfinished unfinishedInRoute;
    private String user;
    private String device;
    private String resource;
    private ServiceCode service;
    private String target;

    public IotmpEndpoint(String uri, IotmpComponent component, IotmpEndpointKind kind, String path,
                         IotmpConfiguration configuration) {
        super(uri, component);
        this.kind = kind;
        this.path = path;
        this.configuration = configuration;
    }

    /** Parses and checks the path for the kind; called once the URI options are set. */
    void validate() {
        switch (kind) {
            case device -> {
                if (path != null && !path.isEmpty()) {
                    String[] parts = path.split("/", 3);
                    user = parts[0].isEmpty() ? null : parts[0];
                    device = parts.length > 1 && !parts[1].isEmpty() ? parts[1] : null;
                    resource = parts.length > 2 && !parts[2].isEmpty() ? parts[2] : null;
                }
            }
            case server -> {
                resource = requirePath("iotmp:server:{resource}");
            }
            case service -> {
                String p = requirePath("iotmp:service:{service}/{target}");
                int slash = p.indexOf('/');
                if (slash <= 0 || slash == p.length() - 1) {
                    throw new IllegalArgumentException("expected iotmp:service:{service}/{target}, got " + p);
                }
                service = service(p.substring(0, slash));
                if (service == ServiceCode.SUBSCRIBE_EVENT) {
                    throw new IllegalArgumentException("devices subscribe to events with a stream, not a call: use"
                                                       + " iotmp:serverEvent:{name} to raise events toward them");
                }
                target = p.substring(slash + 1);
            }
            case events -> {
                if (path != null && !path.isEmpty()) {
                    throw new IllegalArgumentException("iotmp:events takes no path, got " + path);
                }
            }
            case topic -> target = requirePath("iotmp:topic:{topic}");
            case serverEvent -> target = requirePath("iotmp:serverEvent:{name}");
            default -> throw new IllegalStateException(kind.name());
        }
    }

    private String requirePath(String syntax) {
        if (path == null || path.isEmpty()) {
            throw new IllegalArgumentException("expected " + syntax);
        }
        return path;
    }

    /** The service a URI names; a misspelt one fails listing those a route can serve, as the reference does. */
    private static ServiceCode service(String name) {
        try {
            return ServiceCode.ofUriName(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown IOTMP service '" + name + "' in"
                                               + " iotmp:service:{service}/{target}; expected property, setProperty,"
                                               + " device, endpoint, bucket, lock or unlock", e);
        }
    }

    @Override
    public Producer createProducer() throws Exception {
        return switch (kind) {
            case device -> {
                requireCallOptions();
                yield new IotmpProducer(this);
            }
            case topic, serverEvent -> new IotmpPublishProducer(this);
            default -> throw new UnsupportedOperationException(
                    "iotmp:" + kind + " endpoints can only be consumed (from)");
        };
    }

    /**
     * Events and topics fan out: each consumer registers its own listener and gets every event or message, so several
     * routes (an application's and a library's, such as the device API's) may consume one such endpoint.
     */
    @Override
    public boolean isMultipleConsumersSupported() {
        return kind == IotmpEndpointKind.events || kind == IotmpEndpointKind.topic;
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        Consumer consumer = switch (kind) {
            case device -> {
                if (user == null || device == null || resource == null) {
                    throw new IllegalArgumentException(
                            "a device consumer needs iotmp:device:{user}/{device}/{resource} (user and device may be"
                                                       + " *), got " + URISupport.sanitizeUri(getEndpointUri()));
                }
                requireBatchOptions();
                yield new IotmpDeviceStreamConsumer(this, processor);
            }
            case server -> new IotmpCallConsumer(this, processor, null, resource);
            case service -> new IotmpCallConsumer(this, processor, service, target);
            case events -> new IotmpEventsConsumer(this, processor, maxDeliveriesInFlight());
            case topic -> new IotmpTopicConsumer(this, processor, maxDeliveriesInFlight(),
                    requireAtLeastOne("maxDeliveryBytesInFlight", configuration.getMaxDeliveryBytesInFlight()));
            case serverEvent -> throw new UnsupportedOperationException(
                    "iotmp:serverEvent endpoints can only produce (to): devices subscribe, routes raise");
        };
        configureConsumer(consumer);
        return consumer;
    }

    /**
     * The options of a device producer's calls, checked when it is made rather than at its first call of a device; the
     * CamelIotmpOperation header may choose any operation, so all of them are checked.
     */
    private void requireCallOptions() {
        requireAtLeastOne("requestTimeout", configuration.getRequestTimeout());
        requireAtLeastOne("chunkSize", configuration.getChunkSize());
        requireAtLeastOne("maxDownloadSize", configuration.getMaxDownloadSize());
        requireNotNegative("firmwareRebootTimeout", configuration.getFirmwareRebootTimeout());
        requireNotNegative("firmwareTransferTimeout", configuration.getFirmwareTransferTimeout());
        requireNotNegative("interval", configuration.getInterval());
    }

    private static void requireNotNegative(String option, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(option + " must not be negative, got " + value);
        }
    }

    /** Only device consumers batch; on other endpoints the options may come from the component and are unused. */
    private void requireBatchOptions() {
        int batchSize = configuration.getBatchSize();
        if (batchSize < 0) {
            throw new IllegalArgumentException(
                    "batchSize must be 0 (one exchange per sample) or more, got " + batchSize);
        }
        if (batchSize > 0 && configuration.getBatchTimeout() <= 0) {
            throw new IllegalArgumentException(
                    "batchTimeout must be above 0 when batchSize is set, got " + configuration.getBatchTimeout());
        }
    }

    /**
     * A bound of topic and events consumers' deliveries, checked where such a consumer is made: elsewhere the option
     * may come from the component and means nothing.
     */
    private static long requireAtLeastOne(String option, long value) {
        if (value < 1) {
            throw new IllegalArgumentException(option + " must be 1 or more, got " + value);
        }
        return value;
    }

    private int maxDeliveriesInFlight() {
        return (int) requireAtLeastOne("maxDeliveriesInFlight", configuration.getMaxDeliveriesInFlight());
    }

    /** Takes a reference on this endpoint's server for {@code owner}, a consumer or producer of it. */
    IotmpServerManager.Handle acquireServer(Object owner) throws Exception {
        return ((IotmpComponent) getComponent()).acquireServer(owner, this);
    }

    /** The embedded server's address, {@code host:port}: where devices connect (for tracing and tooling). */
    @Override
    public String getServiceUrl() {
        return configuration.getHost() + ":" + configuration.getPort();
    }

    /** What devices speak to the server: {@code iotmp}, {@code iotmps} (TLS), {@code ws} or {@code wss}. */
    @Override
    public String getServiceProtocol() {
        boolean tls = configuration.getSslContextParameters() != null
                      || getComponent() instanceof IotmpComponent iotmp && iotmp.isUseGlobalSslContextParameters()
                         && getCamelContext().getSSLContextParameters() != null;
        boolean webSocket = configuration.getTransport() == Transport.WEBSOCKET;
        return webSocket ? tls ? "wss" : "ws" : tls ? "iotmps" : "iotmp";
    }

    /** The endpoint's kind and, as far as the URI names them, user, device, resource or target. */
    @Override
    public Map<String, String> getServiceMetadata() {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("kind", kind.name());
        putIfSet(metadata, "user", user);
        putIfSet(metadata, "device", device);
        putIfSet(metadata, "resource", resource);
        putIfSet(metadata, "target", target);
        if (service != null) {
            metadata.put("service", service.uriName());
        }
        if (configuration.getTransport() == Transport.WEBSOCKET) {
            metadata.put("webSocketPath", configuration.getWebSocketPath());
        }
        return metadata;
    }

    private static void putIfSet(Map<String, String> metadata, String key, String value) {
        if (value != null) {
            metadata.put(key, value);
        }
    }

    /** See {@link #batchesInRoute}. */
    CompletableFuture<Void> batchesInRoute() {
        return batchesInRoute;
    }

    /** The batches of {@link #batchesInRoute()} not processed yet, or null. */
    SampleBatcher.Unfinished unfinishedInRoute() {
        return unfinishedInRoute;
    }

    /** A stopping batching consumer's batches ({@code unfinished}), processed when {@code processed} completes. */
    void batchesInRoute(SampleBatcher.Unfinished unfinished, CompletableFuture<Void> processed) {
        unfinishedInRoute = unfinished;
        batchesInRoute = processed;
    }

    DeviceFilter deviceFilter() {
        return new DeviceFilter(user, device);
    }

    String user() {
        return user;
    }

    String device() {
        return device;
    }

    String resource() {
        return resource;
    }

    /** The topic, the server event name or the service target. */
    String target() {
        return target;
    }

    public IotmpEndpointKind getKind() {
        return kind;
    }

    public void setKind(IotmpEndpointKind kind) {
        this.kind = kind;
    }

    public String getPath() {
        return path;
    }

    public void setPath(String path) {
        this.path = path;
    }

    public IotmpConfiguration getConfiguration() {
        return configuration;
    }

    public void setConfiguration(IotmpConfiguration configuration) {
        this.configuration = configuration;
    }
}
