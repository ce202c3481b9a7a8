package io.cameliotmp.api;

import io.cameliotmp.camel.IotmpConstants;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Predicate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.rest.RestBindingMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device REST API, in the shape of Thinger.io's {@code /v3/users/{user}/devices/…}: the Rest DSL on
 * platform-http (Spring MVC) in front of the iotmp producer, with JSON by camel-jackson. The stream endpoint
 * ({@code …/resources/{resource}/stream}) is Server-Sent Events, served by {@link DeviceStreamController}.
 */
public class DeviceApiRoutes extends RouteBuilder {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceApiRoutes.class);

    /** A POST without a body (or with a blank one) runs the resource without input. */
    private static final Predicate NO_INPUT = exchange -> {
        String body = exchange.getMessage().getBody(String.class);
        return body == null || body.isBlank();
    };

    @Override
    public void configure() {
        // useStreaming: the body reaches the routes as the bytes the client sent (RequestBodyFilter has bounded them),
        // not through a reader that decodes them first; JsonBodies checks they are UTF-8
        restConfiguration().component("platform-http").bindingMode(RestBindingMode.off)
                .endpointProperty("useStreaming", "true");

        // Every failure becomes a JSON error with its HTTP status; ApiError says which status for which failure.
        onException(Exception.class)
                .handled(true)
                .process(DeviceApiRoutes::toErrorAnswer)
                .to("direct:json-answer");

        rest("/v3/users/{user}/devices").produces("application/json")
                .get().to("direct:list-devices")
                .get("/{device}").to("direct:device-status")
                .get("/{device}/resources").to("direct:describe-device")
                .get("/{device}/resources/{resource}").to("direct:read-resource")
                .post("/{device}/resources/{resource}").consumes("application/json").to("direct:write-resource")
                .get("/{device}/resources/{resource}/api").to("direct:describe-resource");

        from("direct:list-devices").routeId("list-devices")
                .process(exchange -> address(exchange, false, false))
                .to("iotmp:device?operation=devices")
                .to("direct:json-answer");

        from("direct:device-status").routeId("device-status")
                .process(exchange -> address(exchange, true, false))
                .to("iotmp:device?operation=status")
                .to("direct:json-answer");

        from("direct:describe-device").routeId("describe-device")
                .process(exchange -> address(exchange, true, false))
                .to("iotmp:device?operation=describe")
                .to("direct:json-answer");

        from("direct:describe-resource").routeId("describe-resource")
                .process(exchange -> address(exchange, true, true))
                .to("iotmp:device?operation=describe")
                .to("direct:json-answer");

        from("direct:read-resource").routeId("read-resource")
                .process(exchange -> address(exchange, true, true))
                .setBody(constant(null))
                .to("iotmp:device?operation=run")
                .to("direct:json-answer");

        from("direct:write-resource").routeId("write-resource")
                .process(exchange -> address(exchange, true, true))
                .choice()
                    .when(NO_INPUT).setBody(constant(null))
                    .otherwise().process(DeviceApiRoutes::parseJsonBody)
                .end()
                .to("iotmp:device?operation=run")
                .to("direct:json-answer");

        // A device answer without a value (an input resource's OK) is 204 No Content; anything else JSON. The request's
        // headers (path parameters, iotmp headers) are dropped first, or they would go back as response headers.
        from("direct:json-answer").routeId("json-answer")
                .removeHeaders("*", Exchange.HTTP_RESPONSE_CODE)
                .choice()
                    .when(body().isNull())
                        .setHeader(Exchange.HTTP_RESPONSE_CODE, constant(204))
                    .otherwise()
                        .marshal().json()
                        .setHeader(Exchange.CONTENT_TYPE, constant("application/json"))
                .end();
    }

    /**
     * Tells the iotmp producer which device (and resource) to call, from the path. All iotmp headers are replaced so
     * that nothing else in the request (an HTTP header named like one, say) can redirect or change the call.
     */
    private static void address(Exchange exchange, boolean withDevice, boolean withResource) {
        Message message = exchange.getMessage();
        String user = InvalidRequestException.requireName("user", message.getHeader("user", String.class));
        String device = withDevice
                ? InvalidRequestException.requireName("device", message.getHeader("device", String.class)) : null;
        String resource = withResource
                ? InvalidRequestException.requireName("resource", message.getHeader("resource", String.class)) : null;
        message.removeHeaders("CamelIotmp*");
        message.setHeader(IotmpConstants.USER, user);
        if (device != null) {
            message.setHeader(IotmpConstants.DEVICE, device);
        }
        if (resource != null) {
            message.setHeader(IotmpConstants.RESOURCE, resource);
        }
    }

    /** The body, strict JSON in UTF-8, as the device's input. */
    private static void parseJsonBody(Exchange exchange) {
        Message message = exchange.getMessage();
        message.setBody(JsonBodies.parse(message.getBody(byte[].class)));
    }

    private static void toErrorAnswer(Exchange exchange) {
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        ApiError error = ApiError.of(failure);
        if (error.status() == 500) {
            // neither the client's nor a device's doing: a bug worth a stack trace
            LOG.error("{} {} failed", exchange.getMessage().getHeader(Exchange.HTTP_METHOD),
                    exchange.getMessage().getHeader(Exchange.HTTP_URI), failure);
        }
        exchange.getMessage().setBody(error.body());
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, error.status());
    }
}
