package io.cameliotmp.camel.tracing;

import io.cameliotmp.camel.IotmpComponent;
import io.cameliotmp.camel.IotmpConstants;
import io.cameliotmp.camel.IotmpEndpoint;
import io.cameliotmp.camel.IotmpEndpointKind;
import io.cameliotmp.server.DeviceDisconnectedException;
import io.cameliotmp.server.DeviceNotConnectedException;
import io.cameliotmp.server.DeviceRequestTimeoutException;
import io.cameliotmp.server.TooManyPendingRequestsException;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.tracing.SpanAdapter;
import org.apache.camel.tracing.decorators.AbstractSpanDecorator;

/**
 * Spans of {@code iotmp} endpoints for camel-tracing (camel-opentelemetry, camel-observation, …), found through
 * {@code META-INF/services/org.apache.camel.tracing.SpanDecorator}. Besides Camel's usual tags (URL, route, the
 * server address and protocol of {@link IotmpEndpoint}'s service location) every span carries
 * {@value #USER}, {@value #DEVICE}, {@value #RESOURCE}, {@value #OPERATION} and, when it ends, {@value #OUTCOME}.
 * <p>
 * The operation of a producer span is its producer operation ({@code run}, {@code describe}, {@code status}, …,
 * {@code publish} for topics, {@code serverEvent}); of a consumer span what the device did: {@code sample} (a stream
 * sample), {@code serverResource}, the service it called ({@code bucket}, {@code endpoint}, …), the lifecycle event
 * ({@code connected}, …) or {@code publish}. The outcome is {@code ok}, {@code error} (the device answered ERROR, or
 * the route failed), {@code timeout}, {@code disconnected}, {@code notConnected} or {@code tooManyPending}.
 */
public class IotmpSpanDecorator extends AbstractSpanDecorator {

    public static final String USER = "iotmp.user";
    public static final String DEVICE = "iotmp.device";
    public static final String RESOURCE = "iotmp.resource";
    public static final String OPERATION = "iotmp.operation";
    public static final String OUTCOME = "iotmp.outcome";

    @Override
    public String getComponent() {
        return "iotmp";
    }

    @Override
    public String getComponentClassName() {
        return IotmpComponent.class.getName();
    }

    /** The operation, so that span names stay few: {@code run}, {@code sample}, {@code bucket}, … */
    @Override
    public String getOperationName(Exchange exchange, Endpoint endpoint) {
        String operation = endpoint instanceof IotmpEndpoint iotmp ? operation(exchange, iotmp) : null;
        return operation != null ? operation : super.getOperationName(exchange, endpoint);
    }

    @Override
    public void pre(SpanAdapter span, Exchange exchange, Endpoint endpoint) {
        super.pre(span, exchange, endpoint);
        if (!(endpoint instanceof IotmpEndpoint iotmp)) {
            return;
        }
        Message message = exchange.getMessage();
        String[] path = devicePath(iotmp);
        tag(span, USER, message.getHeader(IotmpConstants.USER, path[0], String.class));
        tag(span, DEVICE, message.getHeader(IotmpConstants.DEVICE, path[1], String.class));
        String resource = message.getHeader(IotmpConstants.RESOURCE, path[2], String.class);
        if (resource == null && (iotmp.getKind() == IotmpEndpointKind.topic
                                 || iotmp.getKind() == IotmpEndpointKind.serverEvent)) {
            resource = message.getHeader(IotmpConstants.TOPIC, iotmp.getPath(), String.class);
        }
        tag(span, RESOURCE, resource);
        tag(span, OPERATION, operation(exchange, iotmp));
    }

    @Override
    public void post(SpanAdapter span, Exchange exchange, Endpoint endpoint) {
        super.post(span, exchange, endpoint);
        span.setTag(OUTCOME, outcome(exchange.getException()));
    }

    static String outcome(Throwable failure) {
        if (failure == null) {
            return "ok";
        } else if (failure instanceof DeviceRequestTimeoutException) {
            return "timeout";
        } else if (failure instanceof DeviceDisconnectedException) {
            return "disconnected";
        } else if (failure instanceof DeviceNotConnectedException) {
            return "notConnected";
        } else if (failure instanceof TooManyPendingRequestsException) {
            return "tooManyPending";
        }
        return "error"; // DeviceErrorException (the device answered ERROR), or the route failed
    }

    private static String operation(Exchange exchange, IotmpEndpoint endpoint) {
        Message message = exchange.getMessage();
        boolean consumer = exchange.getFromEndpoint() == endpoint;
        return switch (endpoint.getKind()) {
            case device -> consumer ? "sample"
                    : message.getHeader(IotmpConstants.OPERATION,
                            String.valueOf(endpoint.getConfiguration().getOperation()), String.class);
            case server -> "serverResource";
            case service -> message.getHeader(IotmpConstants.SERVICE, serviceOf(endpoint), String.class);
            case events -> message.getHeader(IotmpConstants.EVENT_TYPE, "event", String.class);
            case topic -> "publish";
            case serverEvent -> "serverEvent";
        };
    }

    private static String serviceOf(IotmpEndpoint endpoint) {
        String path = endpoint.getPath();
        int slash = path == null ? -1 : path.indexOf('/');
        return slash > 0 ? path.substring(0, slash) : "service";
    }

    /** User, device and resource as the URI of a device endpoint names them; nulls elsewhere. */
    private static String[] devicePath(IotmpEndpoint endpoint) {
        String[] parts = new String[3];
        if (endpoint.getKind() == IotmpEndpointKind.device && endpoint.getPath() != null) {
            String[] split = endpoint.getPath().split("/", 3);
            for (int i = 0; i < split.length; i++) {
                parts[i] = split[i].isEmpty() || "*".equals(split[i]) ? null : split[i];
            }
        } else if (endpoint.getKind() == IotmpEndpointKind.server) {
            parts[2] = endpoint.getPath();
        }
        return parts;
    }

    private static void tag(SpanAdapter span, String key, String value) {
        if (value != null) {
            span.setTag(key, value);
        }
    }
}
