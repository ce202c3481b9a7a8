package io.cameliotmp.camel;

import java.util.Map;

import io.cameliotmp.server.IotmpServerConfig;
import io.cameliotmp.server.IotmpServerManager;
import org.apache.camel.Endpoint;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.DefaultComponent;

/**
 * The iotmp component: IOTMP devices connect to an embedded Netty server and routes call their resources, host
 * resources for them, and receive their streams, service calls and lifecycle events.
 */
@Component("iotmp")
public class IotmpComponent extends DefaultComponent {

    @Metadata(description = "Default options of the embedded servers and endpoints; endpoint URIs override them.")
    private IotmpConfiguration configuration = new IotmpConfiguration();

    private final IotmpServerManager servers = new IotmpServerManager();

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        int colon = remaining.indexOf(':');
        String kindText = colon < 0 ? remaining : remaining.substring(0, colon);
        String path = colon < 0 ? null : remaining.substring(colon + 1);
        IotmpEndpointKind kind;
        try {
            kind = IotmpEndpointKind.valueOf(kindText);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Unknown iotmp endpoint kind '" + kindText + "' in " + uri
                                               + "; expected device, server, service or events", e);
        }
        IotmpEndpoint endpoint = new IotmpEndpoint(uri, this, kind, path, configuration.copy());
        setProperties(endpoint, parameters);
        endpoint.validate();
        return endpoint;
    }

    /** Takes a reference on the server an endpoint's configuration describes, starting it if needed. */
    IotmpServerManager.Handle acquireServer(IotmpServerConfig config) {
        return servers.acquire(config);
    }

    IotmpServerManager servers() {
        return servers;
    }

    @Override
    protected void doStop() throws Exception {
        servers.stopAll();
        super.doStop();
    }

    public IotmpConfiguration getConfiguration() {
        return configuration;
    }

    public void setConfiguration(IotmpConfiguration configuration) {
        this.configuration = configuration;
    }
}
