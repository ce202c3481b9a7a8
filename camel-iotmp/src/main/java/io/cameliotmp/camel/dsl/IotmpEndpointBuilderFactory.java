package io.cameliotmp.camel.dsl;

/**
 * Endpoint DSL entry points for the iotmp component, in the shape of Camel's own {@code *EndpointBuilderFactory}
 * classes (Camel generates those only for the components in its own source tree): {@link #iotmp(String)} for any
 * URI, and one method per endpoint kind that builds the path from its parts.
 *
 * <pre>
 * import static io.cameliotmp.camel.dsl.IotmpEndpointBuilderFactory.*;
 *
 * from(iotmpDevice("demo", "*", "temperature").interval(5000)).to("log:temperatures");
 * from("direct:led").to(iotmpDevice("demo", "device-1", "led").requestTimeout("5s"));
 * </pre>
 *
 * A route builder can instead implement {@link IotmpBuilders} and call the same methods without the import.
 */
public final class IotmpEndpointBuilderFactory {

    private IotmpEndpointBuilderFactory() {
    }

    /** {@code iotmp:path}, the path being everything after the scheme, e.g. {@code device:demo/device-1/led}. */
    public static IotmpEndpointBuilder iotmp(String path) {
        return iotmp("iotmp", path);
    }

    /** Like {@link #iotmp(String)} for the component registered under another name. */
    public static IotmpEndpointBuilder iotmp(String componentName, String path) {
        return new IotmpEndpointBuilder(componentName, path);
    }

    /**
     * {@code iotmp:device:user/device/resource}: a producer calls the resource, a consumer streams it. For a
     * producer, {@code device} and {@code resource} may be null to take them from headers; for a consumer,
     * {@code user} and {@code device} may be {@code *}.
     */
    public static IotmpEndpointBuilder iotmpDevice(String user, String device, String resource) {
        StringBuilder path = new StringBuilder("device:").append(user);
        if (device != null) {
            path.append('/').append(device);
            if (resource != null) {
                path.append('/').append(resource);
            }
        }
        return iotmp(path.toString());
    }

    /** {@code iotmp:server:resource}: a resource devices run (consumer). */
    public static IotmpEndpointBuilder iotmpServer(String resource) {
        return iotmp("server:" + resource);
    }

    /** {@code iotmp:service:service/target}: Thinger service calls of devices (consumer), e.g. bucket and *. */
    public static IotmpEndpointBuilder iotmpService(String service, String target) {
        return iotmp("service:" + service + "/" + target);
    }

    /** {@code iotmp:events}: devices connecting, disconnecting and being refused (consumer). */
    public static IotmpEndpointBuilder iotmpEvents() {
        return iotmp("events");
    }

    /** {@code iotmp:topic:topic}: what devices publish (consumer, + and # filters), or publish to them (producer). */
    public static IotmpEndpointBuilder iotmpTopic(String topic) {
        return iotmp("topic:" + topic);
    }

    /** {@code iotmp:serverEvent:name}: raise a named event toward the devices subscribed to it (producer). */
    public static IotmpEndpointBuilder iotmpServerEvent(String name) {
        return iotmp("serverEvent:" + name);
    }
}
