package io.cameliotmp.camel;

import io.cameliotmp.server.IotmpServer;
import io.cameliotmp.testing.TestPorts;
import org.apache.camel.CamelContext;
import org.apache.camel.test.junit5.CamelTestSupport;

/**
 * Camel tests with the iotmp component on a free loopback port. Subclasses say which devices may connect and may
 * adjust the rest of the component configuration.
 */
abstract class IotmpCamelTestSupport extends CamelTestSupport {

    protected final int port = TestPorts.next();

    /** The component's deviceCredentials; null to configure authentication in {@link #configure}. */
    protected abstract String deviceCredentials();

    protected void configure(IotmpConfiguration config) {
    }

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext context = super.createCamelContext();
        IotmpConfiguration config = context.getComponent("iotmp", IotmpComponent.class).getConfiguration();
        config.setHost("127.0.0.1");
        config.setPort(port);
        config.setDeviceCredentials(deviceCredentials());
        configure(config);
        return context;
    }

    /** The running server on a port of this test (the component's port unless an endpoint named another). */
    protected IotmpServer server(int onPort) {
        return context.getComponent("iotmp", IotmpComponent.class).servers().find("127.0.0.1", onPort);
    }
}
