package io.cameliotmp.camel.dsl;

import io.cameliotmp.camel.dsl.IotmpEndpointBuilderFactory.IotmpEndpointBuilder;

/**
 * The {@code iotmp} endpoints of Camel's Endpoint DSL for a route builder to implement and use unqualified: the
 * generated {@code iotmp(path)} and {@code iotmp(componentName, path)}, and the endpoint kinds of
 * {@link IotmpEndpoints}.
 */
public interface IotmpBuilders extends IotmpEndpointBuilderFactory.IotmpBuilders {

    default IotmpEndpointBuilder iotmpDevice(String user, String device, String resource) {
        return IotmpEndpoints.iotmpDevice(user, device, resource);
    }

    default IotmpEndpointBuilder iotmpServer(String resource) {
        return IotmpEndpoints.iotmpServer(resource);
    }

    default IotmpEndpointBuilder iotmpService(String service, String target) {
        return IotmpEndpoints.iotmpService(service, target);
    }

    default IotmpEndpointBuilder iotmpEvents() {
        return IotmpEndpoints.iotmpEvents();
    }

    default IotmpEndpointBuilder iotmpTopic(String topic) {
        return IotmpEndpoints.iotmpTopic(topic);
    }

    default IotmpEndpointBuilder iotmpServerEvent(String name) {
        return IotmpEndpoints.iotmpServerEvent(name);
    }
}
