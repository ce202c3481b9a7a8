package io.cameliotmp.camel;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;

import io.cameliotmp.testing.RawIotmpSocket;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.test.junit5.TestExecutionConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.testing.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * JMX {@code listDevices} is bounded as the dev console is: without a limit it lists the first 100 devices (by user
 * and device), and {@code listDevices(user, limit)} lists as many as asked. It listed every device, a table the size
 * of the fleet built in the server's memory for each call of a console.
 */
class ManagedDeviceListLimitTest extends IotmpCamelTestSupport {

    private static final String[] ONE = { String.class.getName() };
    private static final String[] TWO = { String.class.getName(), int.class.getName() };
    private static final String[] PAGE = { String.class.getName(), int.class.getName(), int.class.getName() };

    private final MBeanServer mbeans = ManagementFactory.getPlatformMBeanServer();
    private final List<RawIotmpSocket> devices = new ArrayList<>();

    @Override
    public void configureTest(TestExecutionConfiguration configuration) {
        super.configureTest(configuration);
        configuration.withJMX(true);
    }

    @Override
    protected String deviceCredentials() {
        return "alice/*=pw";
    }

    @Override
    protected void configure(IotmpConfiguration config) {
        // the test connects more devices from one address in a second than the default allows
        config.setMaxConnectionsPerSecondPerAddress(10_000);
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("iotmp:events").to("mock:events");
            }
        };
    }

    @AfterEach
    void closeDevices() throws Exception {
        for (RawIotmpSocket device : devices) {
            device.close();
        }
    }

    private ObjectName name() throws Exception {
        return mbeans.queryNames(new ObjectName("org.apache.camel:type=iotmp,*"), null).stream()
                .filter(n -> n.getKeyProperty("name").equals(ObjectName.quote("127.0.0.1:" + port)))
                .findFirst().orElseThrow();
    }

    private static List<String> names(Object table) {
        List<String> names = new ArrayList<>();
        for (Object row : ((TabularData) table).values()) {
            names.add((String) ((CompositeData) row).get("device"));
        }
        names.sort(null);
        return names;
    }

    @Test
    void listDevicesIsBoundedByDefaultAndByTheLimitAskedFor() throws Exception {
        int count = IotmpManagedServer.DEFAULT_LIST_LIMIT + 1;
        for (int i = 0; i < count; i++) {
            devices.add(RawIotmpSocket.connect(port, "alice", String.format("d%03d", i), "pw"));
        }
        ObjectName name = name();
        eventually().until(() -> (Integer) mbeans.getAttribute(name, "ConnectedDevices") == count);

        List<String> byDefault = names(mbeans.invoke(name, "listDevices", new Object[] { "*" }, ONE));
        assertThat(byDefault).as("the first 100 by device").hasSize(IotmpManagedServer.DEFAULT_LIST_LIMIT)
                .startsWith("d000").endsWith("d099");

        assertThat(names(mbeans.invoke(name, "listDevices", new Object[] { "alice", 3 }, TWO)))
                .containsExactly("d000", "d001", "d002");
        assertThat(names(mbeans.invoke(name, "listDevices", new Object[] { "", count + 10 }, TWO))).hasSize(count)
                .endsWith("d100");
        assertThat(names(mbeans.invoke(name, "listDevices", new Object[] { "*", 0 }, TWO))).isEmpty();
        assertThat(names(mbeans.invoke(name, "listDevices", new Object[] { "*", -1 }, TWO))).isEmpty();
        assertThat(names(mbeans.invoke(name, "listDevices", new Object[] { "bob", 5 }, TWO))).isEmpty();
    }

    /**
     * {@code listDevicesPage(user, offset, limit)} reads the devices past the first page, as the dev console's
     * {@code offset}: JMX showed the first {@code limit} devices only. It has a name of its own, so that Jolokia calls
     * it without a signature (it refuses an overloaded operation without one).
     */
    @Test
    void listDevicesPageReadsTheDevicesPastTheFirstPage() throws Exception {
        String[] ids = { "d", "b", "e", "a", "c" };
        for (String id : ids) {
            devices.add(RawIotmpSocket.connect(port, "alice", id, "pw"));
        }
        ObjectName name = name();
        eventually().until(() -> (Integer) mbeans.getAttribute(name, "ConnectedDevices") == ids.length);

        assertThat(names(mbeans.invoke(name, "listDevicesPage", new Object[] { "*", 0, 2 }, PAGE)))
                .containsExactly("a", "b");
        assertThat(names(mbeans.invoke(name, "listDevicesPage", new Object[] { "alice", 2, 2 }, PAGE)))
                .containsExactly("c", "d");
        assertThat(names(mbeans.invoke(name, "listDevicesPage", new Object[] { "", 4, 2 }, PAGE)))
                .containsExactly("e");
        assertThat(names(mbeans.invoke(name, "listDevicesPage", new Object[] { "*", 5, 2 }, PAGE))).isEmpty();
        assertThat(names(mbeans.invoke(name, "listDevicesPage", new Object[] { "*", -1, 1 }, PAGE)))
                .containsExactly("a");
        assertThat(names(mbeans.invoke(name, "listDevicesPage", new Object[] { "*", 1, Integer.MAX_VALUE }, PAGE)))
                .containsExactly("b", "c", "d", "e");
        assertThat(names(mbeans.invoke(name, "listDevicesPage", new Object[] { "*", 1, 0 }, PAGE))).isEmpty();
        assertThat(names(mbeans.invoke(name, "listDevicesPage", new Object[] { "bob", 0, 5 }, PAGE))).isEmpty();

        long pageOperations = java.util.Arrays.stream(mbeans.getMBeanInfo(name).getOperations())
                .filter(o -> o.getName().equals("listDevicesPage")).count();
        assertThat(pageOperations).as("not overloaded").isEqualTo(1);
    }
}
