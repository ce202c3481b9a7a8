package io.cameliotmp.camel.dsl;

import io.cameliotmp.camel.dsl.IotmpEndpointBuilderFactory.IotmpEndpointBuilder;

/**
 * The {@code iotmp} endpoints of Camel's Endpoint DSL by kind, for a static import: each builds the path of one
 * endpoint kind from its parts and returns the generated {@link IotmpEndpointBuilder}, with a method per option
 * (the advanced ones behind {@code advanced()}).
 *
 * <pre>{@code
 * import static io.cameliotmp.camel.dsl.IotmpEndpoints.*;
 *
 * from(iotmpDevice("demo", "*", "temperature").interval(5000)).to("log:temperatures");
 * }</pre>
 * <p>
 * The kind methods take names, not pieces of a URI, and devices choose their ids: a name Camel would read as another
 * one is refused with an {@link IllegalArgumentException} where the route is written, rather than addressing another
 * device. Camel decodes {@code %XX} in an endpoint's path (twice: as it normalizes the URI and as it parses it), so a
 * device {@code dev%41} would be addressed as {@code devA} and one {@code a%2Fb} as device {@code a} with a resource
 * {@code b/…}; it cuts the path at a {@code ?}, encoded or not; and a user or device with a {@code /} would shift the
 * parts after it. A producer reaches such a device by the {@code CamelIotmpUser}, {@code CamelIotmpDevice} and
 * {@code CamelIotmpResource} headers instead, a consumer by {@code *} and the {@code CamelIotmpDevice} header of what
 * it receives. A part with a property placeholder ({@code {{…}}}) is left as written, for the context to resolve.
 * {@link #iotmp(String)} takes a path as written in a URI.
 */
public final class IotmpEndpoints {

    private IotmpEndpoints() {
    }

    /** Any path: {@code device:demo/device-1/led}, {@code events}, … */
    public static IotmpEndpointBuilder iotmp(String path) {
        return iotmp("iotmp", path);
    }

    /** Any path, on the component registered as {@code componentName}. */
    public static IotmpEndpointBuilder iotmp(String componentName, String path) {
        return IotmpEndpointBuilderFactory.endpointBuilder(componentName, path);
    }

    /**
     * {@code device:user/device/resource}; {@code device} and {@code resource} may be null for producers whose
     * missing parts come from headers (or {@code operation=devices}).
     */
    public static IotmpEndpointBuilder iotmpDevice(String user, String device, String resource) {
        StringBuilder path = new StringBuilder("device:").append(part("user", user, false));
        if (device != null) {
            path.append('/').append(part("device", device, false));
            if (resource != null) {
                path.append('/').append(part("resource", resource, true));
            }
        }
        return iotmp(path.toString());
    }

    /** {@code server:resource}: a resource devices run. */
    public static IotmpEndpointBuilder iotmpServer(String resource) {
        return iotmp("server:" + part("resource", resource, true));
    }

    /** {@code service:service/target}: the Thinger service calls of devices. */
    public static IotmpEndpointBuilder iotmpService(String service, String target) {
        return iotmp("service:" + part("service", service, false) + "/" + part("target", target, true));
    }

    /** {@code events}: devices connecting, disconnecting, being refused. */
    public static IotmpEndpointBuilder iotmpEvents() {
        return iotmp("events");
    }

    /** {@code topic:topic}: the MQTT-style topics of devices' event streams. */
    public static IotmpEndpointBuilder iotmpTopic(String topic) {
        return iotmp("topic:" + part("topic", topic, true));
    }

    /** {@code serverEvent:name}: a named event toward the devices subscribed to it. */
    public static IotmpEndpointBuilder iotmpServerEvent(String name) {
        return iotmp("serverEvent:" + part("event", name, true));
    }

    /**
     * A name as one part of an endpoint's path, refused if Camel would read it as another name: with a {@code %} or a
     * {@code ?}, or a {@code /} where the part is one segment (user, device, service). Null stays null (the path then
     * says "null", as it always did).
     */
    private static String part(String what, String name, boolean slashes) {
        if (name == null || name.contains("{{")) {
            return name;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '%' || c == '?' || c == '/' && !slashes) {
                throw new IllegalArgumentException("The " + what + " '" + name + "' has a '" + c + "', which Camel"
                                                   + " would not read back from an endpoint's path: name it by the"
                                                   + " CamelIotmp headers instead");
            }
        }
        return name;
    }
}
