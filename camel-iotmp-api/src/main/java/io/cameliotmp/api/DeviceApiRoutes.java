package io.cameliotmp.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.cameliotmp.api.access.AccessToken;
import io.cameliotmp.api.access.ApiAccessFilter;
import io.cameliotmp.camel.IotmpConstants;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.rest.RestBindingMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device REST API, in the shape of Thinger.io's {@code /v3/users/{user}/devices/…}: Camel routes on platform-http
 * in front of the iotmp producer, with JSON by camel-jackson. A plain {@link RouteBuilder}: add it to any Camel
 * context with platform-http (Spring Boot, or Camel Main with camel-platform-http-main); the Spring Boot
 * auto-configuration adds it with {@code camel.iotmp.api.enabled=true}, together with what only Spring MVC provides
 * (the Server-Sent Events streams, the request body limits, the console).
 * <ul>
 * <li>{@code GET /v3/users/{user}/devices}: the user's connected devices;</li>
 * <li>{@code GET …/devices/{device}}: one device's connection, connected or not;</li>
 * <li>{@code GET …/devices/{device}/resources}: the device's resources (DESCRIBE);</li>
 * <li>{@code GET …/resources/{resource…}}: run the resource without input; {@code POST} runs it with the body,
 * JSON ({@code application/json}) or bytes ({@code application/octet-stream}); the answer is JSON, bytes for a byte
 * value, or 204 without a value;</li>
 * <li>{@code GET …/resources/{resource…}/api}: one resource described, with an input resource's current state.</li>
 * </ul>
 * Resource names may have several segments ({@link ResourcePath}). Device-level operations other than these (the
 * firmware update, say) go in {@link #deviceOperations()}.
 */
public class DeviceApiRoutes extends RouteBuilder {

    /** The media type of byte bodies and answers. */
    public static final String OCTET_STREAM = "application/octet-stream";
    /** The media type of JSON bodies and answers. */
    public static final String JSON = "application/json";

    /** The exchange property holding the {@link ResourcePath} of a resource call. */
    static final String RESOURCE_PATH = "CamelIotmpApiResourcePath";

    private static final Logger LOG = LoggerFactory.getLogger(DeviceApiRoutes.class);

    private final FirmwareUploads firmware;
    private final FileUploads uploads;

    /** The API without firmware updates. */
    public DeviceApiRoutes() {
        this(null);
    }

    /** The API with firmware updates through {@code firmware} ({@code …/devices/{device}/firmware}), if not null. */
    public DeviceApiRoutes(FirmwareUploads firmware) {
        this(firmware, null);
    }

    /**
     * The API with firmware updates through {@code firmware} and file uploads through {@code uploads}
     * ({@code …/devices/{device}/files/upload}), each if not null.
     */
    public DeviceApiRoutes(FirmwareUploads firmware, FileUploads uploads) {
        this.firmware = firmware;
        this.uploads = uploads;
    }

    @Override
    public void configure() {
        // useStreaming: the body reaches the routes as the bytes the client sent (the body filter has bounded them),
        // not through a reader that decodes them first; JsonBodies checks they are UTF-8
        restConfiguration().component("platform-http").bindingMode(RestBindingMode.off)
                .endpointProperty("useStreaming", "true");

        // Every failure becomes a JSON error with its HTTP status; ApiError says which status for which failure.
        onException(Exception.class)
                .handled(true)
                .process(DeviceApiRoutes::toErrorAnswer)
                .to("direct:iotmp-api-answer");

        rest("/v3/users/{user}/devices").produces(JSON)
                .get().to("direct:iotmp-api-list-devices")
                .get("/{device}").to("direct:iotmp-api-device-status");

        from("direct:iotmp-api-list-devices").routeId("iotmp-api-list-devices")
                .process(exchange -> address(exchange, false))
                .to("iotmp:device?operation=devices")
                .process(DeviceApiRoutes::onlyReachedDevices)
                .to("direct:iotmp-api-answer");

        from("direct:iotmp-api-device-status").routeId("iotmp-api-device-status")
                .process(exchange -> address(exchange, true))
                .to("iotmp:device?operation=status")
                .to("direct:iotmp-api-answer");

        if (firmware != null) {
            // POST starts an update and answers 202 (an update with its reboot outlasts any HTTP timeout); GET
            // answers the latest report. The body is streamed to a file, not held: RequestBodyFilter lets it pass.
            from("platform-http:/v3/users/{user}/devices/{device}/firmware?httpMethodRestrict=GET,POST"
                 + "&useStreaming=true")
                    .routeId("iotmp-api-firmware")
                    // nor cached: stream caching would read the whole image into memory before the size check
                    .noStreamCaching()
                    .process(exchange -> address(exchange, true))
                    .choice()
                        .when(header(Exchange.HTTP_METHOD).isEqualTo("POST"))
                            .process(firmware::start)
                        .otherwise()
                            .process(firmware::report)
                    .end()
                    .to("direct:iotmp-api-answer");
        }
        if (uploads != null) {
            // The body goes to the device chunk by chunk as it arrives, not held: RequestBodyFilter lets it pass.
            from("platform-http:/v3/users/{user}/devices/{device}/files/upload?httpMethodRestrict=POST"
                 + "&useStreaming=true")
                    .routeId("iotmp-api-file-upload")
                    .noStreamCaching() // as the firmware route
                    .process(exchange -> address(exchange, true))
                    .process(uploads::upload)
                    .to("direct:iotmp-api-answer");
        }
        deviceOperations();

        // The resources: one prefix route, since a resource name may span several path segments, which a path
        // parameter of the Rest DSL cannot. ResourcePath reads the raw path.
        from("platform-http:/v3/users/{user}/devices/{device}/resources?matchOnUriPrefix=true&useStreaming=true"
             + "&httpMethodRestrict=GET,POST")
                .routeId("iotmp-api-resources")
                .process(DeviceApiRoutes::addressResource)
                .choice()
                    .when(DeviceApiRoutes::isDescribe)
                        .to("iotmp:device?operation=describe")
                        .process(DeviceApiRoutes::onlyReachableResources)
                    .otherwise()
                        .process(DeviceApiRoutes::input)
                        .to("iotmp:device?operation=run")
                .end()
                .to("direct:iotmp-api-answer");

        // A device answer without a value (an input resource's OK) is 204 No Content, bytes are bytes, anything else
        // JSON. The request's headers (path parameters, iotmp headers) are dropped first, or they would go back as
        // response headers.
        from("direct:iotmp-api-answer").routeId("iotmp-api-answer")
                .removeHeaders("*", Exchange.HTTP_RESPONSE_CODE)
                .choice()
                    .when(body().isNull())
                        .setHeader(Exchange.HTTP_RESPONSE_CODE, constant(204))
                    .when(body().isInstanceOf(byte[].class))
                        .setHeader(Exchange.CONTENT_TYPE, constant(OCTET_STREAM))
                    .otherwise()
                        .marshal().json()
                        .setHeader(Exchange.CONTENT_TYPE, constant(JSON))
                .end();
    }

    /**
     * Routes of operations on one device besides its resources ({@code /v3/users/{user}/devices/{device}/…}), added
     * by subclasses; none here. Such a route starts with {@link #address(Exchange, boolean)} and ends at
     * {@code direct:iotmp-api-answer}.
     */
    protected void deviceOperations() {
    }

    /**
     * Tells the iotmp producer which user (and device) a Rest DSL call is for, from its path parameters. All iotmp
     * headers are replaced so that nothing else in the request (an HTTP header named like one, say) can redirect or
     * change the call.
     */
    protected static void address(Exchange exchange, boolean withDevice) {
        Message message = exchange.getMessage();
        String user = InvalidRequestException.requireName("user", message.getHeader("user", String.class));
        String device = withDevice
                ? InvalidRequestException.requireName("device", message.getHeader("device", String.class)) : null;
        setAddress(message, user, device, null);
    }

    /**
     * Keeps the devices the caller's access token reaches ({@code X-Iotmp-Api-Device-Patterns}, set by the access
     * filter). Without the header (the routes used without the filter) the list is whole: the header only narrows it,
     * so a client sending it itself can only hide devices from itself.
     */
    private static void onlyReachedDevices(Exchange exchange) {
        Message message = exchange.getMessage();
        String patterns = message.getHeader(ApiAccessFilter.DEVICE_PATTERNS, String.class);
        if (patterns == null) {
            return;
        }
        List<String> reached = ApiAccessFilter.patterns(patterns);
        List<?> devices = message.getBody(List.class);
        message.setBody(devices.stream()
                .filter(d -> d instanceof Map<?, ?> m
                             && AccessToken.anyMatches(reached, String.valueOf(m.get("device"))))
                .toList());
    }

    /**
     * Keeps, of a device's resource list, those the caller's access token could reach
     * ({@code X-Iotmp-Api-Resource-Patterns}, set by the access filter): a resource whose name, or some name its
     * template stands for ({@code $fs/get/*path}), a pattern of the token matches. As for the device list, without the
     * header the list is whole. A single resource's description ({@code …/api}) was admitted by its name already.
     */
    private static void onlyReachableResources(Exchange exchange) {
        Message message = exchange.getMessage();
        String header = message.getHeader(ApiAccessFilter.RESOURCE_PATTERNS, String.class);
        ResourcePath path = exchange.getProperty(RESOURCE_PATH, ResourcePath.class);
        if (header == null || path.resource() != null || !(message.getBody() instanceof Map<?, ?> resources)) {
            return;
        }
        List<String> patterns = ApiAccessFilter.patterns(header);
        Map<Object, Object> reachable = new LinkedHashMap<>();
        resources.forEach((name, description) -> {
            if (AccessToken.anyIntersects(patterns, String.valueOf(name))) {
                reachable.put(name, description);
            }
        });
        message.setBody(reachable);
    }

    private static void addressResource(Exchange exchange) {
        Message message = exchange.getMessage();
        ResourcePath path = ResourcePath.parse(message.getHeader(Exchange.HTTP_URI, String.class));
        boolean get = "GET".equals(message.getHeader(Exchange.HTTP_METHOD, String.class));
        if ((path.describe() || path.resource() == null) && !get) {
            throw new MethodNotAllowedException("descriptions are read with GET");
        }
        exchange.setProperty(RESOURCE_PATH, path);
        setAddress(message, path.user(), path.device(), path.resource());
    }

    /** Whether a resource call asks for a description (of the device, or of one resource) rather than a run. */
    private static boolean isDescribe(Exchange exchange) {
        ResourcePath path = exchange.getProperty(RESOURCE_PATH, ResourcePath.class);
        return path.describe() || path.resource() == null;
    }

    private static void setAddress(Message message, String user, String device, String resource) {
        message.removeHeaders("CamelIotmp*");
        message.setHeader(IotmpConstants.USER, user);
        if (device != null) {
            message.setHeader(IotmpConstants.DEVICE, device);
        }
        if (resource != null) {
            message.setHeader(IotmpConstants.RESOURCE, resource);
        }
    }

    /**
     * The device's input: none for a GET or an empty body; the bytes of an {@code application/octet-stream} body;
     * else strict JSON in UTF-8 ({@code application/json}, or no content type). Anything else is a 415.
     */
    private static void input(Exchange exchange) {
        Message message = exchange.getMessage();
        byte[] body = "GET".equals(message.getHeader(Exchange.HTTP_METHOD, String.class))
                ? null : message.getBody(byte[].class);
        if (body == null || body.length == 0) {
            message.setBody(null);
            return;
        }
        String type = mediaType(message.getHeader(Exchange.CONTENT_TYPE, String.class));
        if (OCTET_STREAM.equals(type)) {
            message.setBody(body);
        } else if (type == null || JSON.equals(type)) {
            message.setBody(JsonBodies.parse(body));
        } else {
            throw new UnsupportedMediaTypeException("a body is sent as " + JSON + " or " + OCTET_STREAM + ", not "
                                                    + type);
        }
    }

    /** The media type of a Content-Type, lower case and without parameters, or null. */
    static String mediaType(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return null;
        }
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip()
                .toLowerCase(java.util.Locale.ROOT);
    }

    private static void toErrorAnswer(Exchange exchange) {
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        ApiError error = ApiError.of(failure);
        Object method = exchange.getMessage().getHeader(Exchange.HTTP_METHOD);
        Object uri = exchange.getMessage().getHeader(Exchange.HTTP_URI);
        if (error.isServerFault()) {
            // neither the client's nor a device's doing: a bug worth a stack trace
            LOG.error("{} {} failed", method, uri, failure);
        } else {
            // the client's or the device's answer, passed on: a line, not a stack trace
            LOG.debug("{} {}: {} {}", method, uri, error.status(), error.message());
        }
        exchange.getMessage().setBody(error.body());
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, error.status());
    }
}
