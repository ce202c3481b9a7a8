package io.cameliotmp.camel.device;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.server.DeviceId;
import io.cameliotmp.server.DeviceRequest;
import io.cameliotmp.server.IotmpServer;
import io.cameliotmp.server.IotmpServerConfig;
import io.cameliotmp.server.StaticAuthenticator;
import io.cameliotmp.testing.TestPorts;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.testing.Waits.WAIT;
import static io.cameliotmp.testing.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The device against an {@link IotmpServer} run directly (no Camel on the server's side), stopped and started again
 * on the same port: the device reconnects with its backoff and the same routes serve the new server.
 */
class IotmpDeviceComponentServerRestartTest extends CamelTestSupport {

    private static final DeviceId DEVICE = new DeviceId("demo", "gateway");

    private final int port = TestPorts.next();
    private final IotmpServerConfig serverConfig = IotmpServerConfig.builder()
            .host("127.0.0.1")
            .port(port)
            .workerThreads(1)
            .ioThreads(1)
            .authenticator(StaticAuthenticator.parse("demo/gateway=secret"))
            .build();
    private IotmpServer server = started(new IotmpServer(serverConfig));

    private static IotmpServer started(IotmpServer server) {
        server.start();
        return server;
    }

    @AfterEach
    void stopServer() {
        server.stop();
    }

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext context = super.createCamelContext();
        IotmpDeviceConfiguration device = context.getComponent("iotmp-device", IotmpDeviceComponent.class)
                .getConfiguration();
        device.setHost("127.0.0.1");
        device.setPort(port);
        device.setUser("demo");
        device.setDevice("gateway");
        device.setCredential("secret");
        device.setReconnectBackoffInitial(50);
        device.setReconnectBackoffMax(500);
        return context;
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("iotmp-device:uptime").setBody(simple("${camelId} up"));
                from("iotmp-device:events").to("mock:events");
            }
        };
    }

    private Object run(String resource) throws Exception {
        return server.send(DEVICE, DeviceRequest.run(resource, null), Duration.ofSeconds(10))
                .get(WAIT.toMillis(), TimeUnit.MILLISECONDS).payload();
    }

    @Test
    void theRoutesServeTheServerAgainAfterItRestarted() throws Exception {
        MockEndpoint events = getMockEndpoint("mock:events");
        events.setResultWaitTime(WAIT.toMillis());
        events.expectedHeaderValuesReceivedInAnyOrder(IotmpDeviceConstants.EVENT_TYPE, "connected");
        eventually().until(() -> server.registry().isConnected(DEVICE));
        assertThat(run("uptime")).isEqualTo(context.getName() + " up");
        events.assertIsSatisfied();

        events.reset();
        events.expectedHeaderValuesReceivedInAnyOrder(IotmpDeviceConstants.EVENT_TYPE, "disconnected", "connected");
        server.stop();
        eventually().until(() -> !context.getComponent("iotmp-device", IotmpDeviceComponent.class).connections()
                .all().get(0).device().isConnected());
        server = started(new IotmpServer(serverConfig));

        eventually().until(() -> server.registry().isConnected(DEVICE));
        assertThat(run("uptime")).isEqualTo(context.getName() + " up");
        events.assertIsSatisfied();
    }
}
