package io.cameliotmp.camel.device;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * The device connection's lifecycle: one exchange when it connects, when an accepted connection ends, and whenever
 * the server refuses the CONNECT (the device keeps retrying with its backoff). The body is a map
 * {@code {event, user, device, host, port, code?, reason?}}.
 */
public class IotmpDeviceEventsConsumer extends IotmpDeviceConsumer {

    public static final String CONNECTED = "connected";
    public static final String DISCONNECTED = "disconnected";
    public static final String REFUSED = "refused";

    private final Consumer<SharedDevice.Event> listener = this::fire;
    private ConnectionSettings settings;

    public IotmpDeviceEventsConsumer(IotmpDeviceEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
    }

    @Override
    protected void attach(SharedDevice device) {
        settings = device.settings();
        device.addEventListener(listener);
    }

    @Override
    protected void detach(SharedDevice device) {
        device.removeEventListener(listener);
    }

    private void fire(SharedDevice.Event event) {
        if (!takesWork()) {
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("event", event.type());
        body.put("user", settings.user());
        body.put("device", settings.device());
        body.put("host", settings.host());
        body.put("port", settings.port());
        if (event.code() != null) {
            body.put("code", event.code());
        }
        if (event.reason() != null) {
            body.put("reason", event.reason());
        }
        Exchange exchange = createExchange(false);
        try {
            Message message = exchange.getMessage();
            message.setBody(body);
            message.setHeader(IotmpDeviceConstants.EVENT_TYPE, event.type());
            if (event.code() != null) {
                message.setHeader(IotmpDeviceConstants.REFUSAL_CODE, event.code());
            }
            if (event.reason() != null) {
                message.setHeader(IotmpDeviceConstants.REASON, event.reason());
            }
            try {
                getProcessor().process(exchange);
            } catch (Exception e) {
                exchange.setException(e);
            }
            if (exchange.getException() != null) {
                getExceptionHandler().handleException("Error processing IOTMP device event " + event.type(),
                        exchange, exchange.getException());
            }
        } finally {
            releaseExchange(exchange, false);
        }
    }
}
