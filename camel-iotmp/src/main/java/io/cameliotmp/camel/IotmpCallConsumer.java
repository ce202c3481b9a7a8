package io.cameliotmp.camel;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import io.cameliotmp.protocol.session.ServiceCode;
import io.cameliotmp.server.DeviceCall;
import io.cameliotmp.server.DeviceCallHandler;
import io.cameliotmp.server.IotmpServer;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * Serves device→server RUNs: a named server resource ({@code iotmp:server:…}) or a Thinger service call
 * ({@code iotmp:service:…}). The device's payload is the body; the route's result is sent back in the OK only after
 * the route completed, and an exception becomes an ERROR — so an OK always means the route really handled it.
 */
public class IotmpCallConsumer extends IotmpServerConsumer implements DeviceCallHandler {

    private final ServiceCode service;
    private final String target;

    public IotmpCallConsumer(IotmpEndpoint endpoint, Processor processor, ServiceCode service, String target) {
        super(endpoint, processor);
        this.service = service;
        this.target = target;
    }

    @Override
    protected AutoCloseable attach(IotmpServer server) {
        return service == null ? server.calls().registerResource(target, this)
                : server.calls().registerService(service, target, this);
    }

    @Override
    public CompletionStage<Object> handle(DeviceCall call) {
        Exchange exchange = createExchange(false);
        exchange.setPattern(call.replyExpected() ? ExchangePattern.InOut : ExchangePattern.InOnly);
        Message message = exchange.getMessage();
        message.setBody(call.payload());
        PsonBodies.setDeviceHeaders(message, call.registration());
        message.setHeader(IotmpConstants.RESOURCE, call.target());
        message.setHeader(IotmpConstants.REPLY_EXPECTED, call.replyExpected());
        if (call.service() != null) {
            message.setHeader(IotmpConstants.SERVICE, call.service().uriName());
        }
        CompletableFuture<Object> result = new CompletableFuture<>();
        getAsyncProcessor().process(exchange, doneSync -> {
            Exception failure = exchange.getException();
            if (failure != null) {
                // the route's error handler has logged it and the device receives it as ERROR
                result.completeExceptionally(failure);
            } else {
                result.complete(PsonBodies.toPson(exchange, exchange.getMessage().getBody()));
            }
            releaseExchange(exchange, false);
        });
        return result;
    }
}
