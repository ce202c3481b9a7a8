package io.cameliotmp.camel.device;

import java.util.Map;

import io.cameliotmp.camel.PsonBodies;
import io.cameliotmp.device.IotmpErrorException;
import io.cameliotmp.device.ResourceHandler;
import io.cameliotmp.device.ResourceRequest;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * A route that is a resource of the device. The server's RUN (and the samples of the streams it opens, and DESCRIBE
 * of output resources) run the route; its result body is the answer, an exception becomes an ERROR with the
 * exception's message.
 * <p>
 * An input resource answers DESCRIBE and stream echoes with its state without running the route: the last input the
 * route accepted, or {@code inputSample} before the first, so a route that applies a setting is never run without
 * one.
 */
public class IotmpDeviceResourceConsumer extends IotmpDeviceConsumer implements ResourceHandler {

    /** ERROR code of a call that reaches a route being stopped (service unavailable). */
    private static final long STOPPED_CODE = 503;

    private final IotmpResourceKind kind;
    private final Object inputSample;
    private volatile Object state;

    public IotmpDeviceResourceConsumer(IotmpDeviceEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
        this.kind = endpoint.getConfiguration().getResourceKind();
        this.inputSample = JsonText.parse(endpoint.getConfiguration().getInputSample());
        this.state = inputSample;
    }

    @Override
    protected void attach(SharedDevice device) {
        device.addResource(getEndpoint().name(), kind, inputSample, this, this);
    }

    @Override
    protected void detach(SharedDevice device) {
        device.removeResource(getEndpoint().name(), this);
    }

    @Override
    public Object handle(ResourceRequest request) throws Exception {
        if (!takesWork()) {
            throw new IotmpErrorException(STOPPED_CODE,
                    Map.of("error", "the route of resource " + request.path() + " is not running"));
        }
        if (kind == IotmpResourceKind.input && request.describeMode()) {
            return state;
        }
        boolean answers = kind.deviceKind().producesOutput();
        Exchange exchange = createExchange(false);
        try {
            exchange.setPattern(answers ? ExchangePattern.InOut : ExchangePattern.InOnly);
            Message message = exchange.getMessage();
            message.setBody(request.input());
            message.setHeader(IotmpDeviceConstants.RESOURCE, request.path());
            message.setHeader(IotmpDeviceConstants.DESCRIBE, request.describeMode());
            if (!request.pathParams().isEmpty()) {
                message.setHeader(IotmpDeviceConstants.PATH_PARAMETERS, request.pathParams());
            }
            if (request.parameters() != null) {
                message.setHeader(IotmpDeviceConstants.PARAMETERS, request.parameters());
            }
            if (request.streamId() != 0) {
                message.setHeader(IotmpDeviceConstants.STREAM_ID, request.streamId());
            }
            try {
                getProcessor().process(exchange);
            } catch (Exception e) {
                exchange.setException(e);
            }
            Exception failure = exchange.getException();
            if (failure != null) {
                // the route's error handler has logged it; the server receives it as ERROR {"error": message}
                throw failure;
            }
            if (kind == IotmpResourceKind.input) {
                state = request.input();
            }
            return answers ? PsonBodies.toPson(exchange, exchange.getMessage().getBody()) : null;
        } finally {
            releaseExchange(exchange, false);
        }
    }
}
