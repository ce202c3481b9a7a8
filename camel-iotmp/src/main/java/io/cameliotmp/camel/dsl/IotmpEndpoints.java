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
        StringBuilder path = new StringBuilder("device:").append(user);
        if (device != null) {
            path.append('/').append(device);
            if (resource != null) {
                path.append('/').append(resource);
            }
        }
        return iotmp(path.toString());
    }

    /** {@code server:resource}: a resource devices run. */
    public static IotmpEndpointBuilder iotmpServer(String resource) {
        return iotmp("server:" + resource);
    }

    /** {@code service:service/target}: the Thinger service calls of devices. */
    public static IotmpEndpointBuilder iotmpService(String service, String target) {
        return iotmp("service:" + service + "/" + target);
    }

    /** {@code events}: devices connecting, disconnecting, being refused. */
    public static IotmpEndpointBuilder iotmpEvents() {
        return iotmp("events");
    }

    /** {@code topic:topic}: the MQTT-style topics of devices' event streams. */
    public static IotmpEndpointBuilder iotmpTopic(String topic) {
        return iotmp("topic:" + topic);
    }

    /** {@code serverEvent:name}: a named event toward the devices subscribed to it. */
    public static IotmpEndpointBuilder iotmpServerEvent(String name) {
        return iotmp("serverEvent:" + name);
    }
}
