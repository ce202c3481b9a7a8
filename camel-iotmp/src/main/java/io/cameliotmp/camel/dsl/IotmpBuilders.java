package io.cameliotmp.camel.dsl;

/**
 * The methods of {@link IotmpEndpointBuilderFactory} for a route builder to implement, as Camel's
 * {@code EndpointRouteBuilder} offers the builders of Camel's own components:
 *
 * <pre>
 * class DeviceRoutes extends EndpointRouteBuilder implements IotmpBuilders {
 *     public void configure() {
 *         from(iotmpEvents()).to(log("devices"));
 *     }
 * }
 * </pre>
 */
public interface IotmpBuilders {

    default IotmpEndpointBuilder iotmp(String path) {
        return IotmpEndpointBuilderFactory.iotmp(path);
    }

    default IotmpEndpointBuilder iotmp(String componentName, String path) {
        return IotmpEndpointBuilderFactory.iotmp(componentName, path);
    }

    default IotmpEndpointBuilder iotmpDevice(String user, String device, String resource) {
        return IotmpEndpointBuilderFactory.iotmpDevice(user, device, resource);
    }

    default IotmpEndpointBuilder iotmpServer(String resource) {
        return IotmpEndpointBuilderFactory.iotmpServer(resource);
    }

    default IotmpEndpointBuilder iotmpService(String service, String target) {
        return IotmpEndpointBuilderFactory.iotmpService(service, target);
    }

    default IotmpEndpointBuilder iotmpEvents() {
        return IotmpEndpointBuilderFactory.iotmpEvents();
    }

    default IotmpEndpointBuilder iotmpTopic(String topic) {
        return IotmpEndpointBuilderFactory.iotmpTopic(topic);
    }

    default IotmpEndpointBuilder iotmpServerEvent(String name) {
        return IotmpEndpointBuilderFactory.iotmpServerEvent(name);
    }
}
