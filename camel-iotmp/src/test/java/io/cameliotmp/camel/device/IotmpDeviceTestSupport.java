package io.cameliotmp.camel.device;

import java.util.List;
import java.util.Map;

import io.cameliotmp.camel.IotmpComponent;
import io.cameliotmp.camel.IotmpConfiguration;
import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.testing.TestPorts;
import org.apache.camel.CamelContext;
import org.apache.camel.test.junit5.CamelTestSupport;

import static io.cameliotmp.testing.Waits.eventually;

/**
 * Camel tests with both components in one context: the iotmp component's server on a free loopback port and the
 * iotmp-device component connecting to it as {@value #USER}/{@value #DEVICE}, reconnecting quickly.
 */
abstract class IotmpDeviceTestSupport extends CamelTestSupport {

    static final String USER = "demo";
    static final String DEVICE = "gateway";
    static final String CREDENTIAL = "gw-secret";
    /** The server's address of this test's device, for iotmp producers. */
    static final String SERVER_SIDE = "iotmp:device:" + USER + "/" + DEVICE;

    protected final int port = TestPorts.next();

    /** Who may connect to the server. */
    protected String deviceCredentials() {
        return USER + "/" + DEVICE + "=" + CREDENTIAL + "," + USER + "/*=other-secret";
    }

    /** Adjusts the server. */
    protected void configureServer(IotmpConfiguration server) {
    }

    /** Adjusts the device component's defaults. */
    protected void configureDevice(IotmpDeviceConfiguration device) {
    }

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext context = super.createCamelContext();
        IotmpConfiguration server = context.getComponent("iotmp", IotmpComponent.class).getConfiguration();
        server.setHost("127.0.0.1");
        server.setPort(port);
        server.setWorkerThreads(2);
        server.setIoThreads(1);
        server.setDeviceCredentials(deviceCredentials());
        configureServer(server);
        IotmpDeviceConfiguration device = deviceComponent(context).getConfiguration();
        device.setHost("127.0.0.1");
        device.setPort(port);
        device.setUser(USER);
        device.setDevice(DEVICE);
        device.setCredential(CREDENTIAL);
        // quick returns after a drop; the tests wait on conditions, never on these delays
        device.setReconnectBackoffInitial(50);
        device.setReconnectBackoffMax(500);
        configureDevice(device);
        return context;
    }

    static IotmpDeviceComponent deviceComponent(CamelContext context) {
        return context.getComponent("iotmp-device", IotmpDeviceComponent.class);
    }

    /** The device connection of this test's device (the component's one, unless a test opened more). */
    SharedDevice connection() {
        return connection(DEVICE);
    }

    SharedDevice connection(String device) {
        List<SharedDevice> all = deviceComponent(context).connections().all();
        return all.stream().filter(d -> d.settings().device().equals(device)).findFirst()
                .orElseThrow(() -> new AssertionError("no connection of " + device + " among " + all));
    }

    /** Waits until the device is connected and the server has it registered, and returns it. */
    IotmpDevice awaitConnected() {
        // the server first: asking it starts it, when no route of the test did
        eventually().until(() -> serverSeesTheDevice() && connection().device().isConnected());
        return connection().device();
    }

    /** Whether the server has the device registered ({@code operation=status}). */
    boolean serverSeesTheDevice() {
        Map<?, ?> status = template.requestBody(SERVER_SIDE + "?operation=status", null, Map.class);
        return Boolean.TRUE.equals(status.get("connected"));
    }
}
