package io.cameliotmp.camel;

import java.lang.management.ManagementFactory;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;

import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.testing.RawIotmpSocket;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.test.junit5.TestExecutionConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.testing.Waits.WAIT;
import static io.cameliotmp.testing.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/** The JMX view of a running server, through the platform MBeanServer, from start to stop of the server. */
class ManagedServerJmxTest extends IotmpCamelTestSupport {

    private final MBeanServer mbeans = ManagementFactory.getPlatformMBeanServer();
    private IotmpDevice device;

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
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("iotmp:events").routeId("events").to("mock:events");
            }
        };
    }

    @AfterEach
    void closeDevice() {
        if (device != null) {
            device.close();
        }
    }

    private ObjectName name() throws Exception {
        Set<ObjectName> names = mbeans.queryNames(new ObjectName("org.apache.camel:type=iotmp,*"), null);
        return names.stream().filter(n -> n.getKeyProperty("name").equals(ObjectName.quote("127.0.0.1:" + port)))
                .findFirst().orElse(null);
    }

    @Test
    void attributesOperationsAndUnregistrationWithTheServer() throws Exception {
        ObjectName name = name();
        assertThat(name).as("registered while the server runs").isNotNull();
        assertThat(name.getKeyProperty("context")).isEqualTo(ObjectName.quote(context.getManagementName()));
        assertThat(mbeans.getAttribute(name, "Port")).isEqualTo(port);
        assertThat(mbeans.getAttribute(name, "Protocol")).isEqualTo("iotmp");
        assertThat(mbeans.getAttribute(name, "Running")).isEqualTo(true);
        assertThat(mbeans.getAttribute(name, "MaxInFlight")).isEqualTo(64);

        try (RawIotmpSocket wrong = new RawIotmpSocket(port)) {
            wrong.send(IotmpMessage.connect(1, "alice", "intruder", "nope"), Generation.GEN2);
            wrong.readFrameHex();
        }
        eventually().until(() -> (Long) mbeans.getAttribute(name, "ConnectionsRefused") == 1L);

        device = IotmpDevice.builder().host("127.0.0.1").port(port).credentials("alice", "esp32", "pw")
                .noReconnect().build();
        device.start().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        eventually().until(() -> (Integer) mbeans.getAttribute(name, "ConnectedDevices") == 1);
        assertThat((Long) mbeans.getAttribute(name, "DevicesAccepted")).isEqualTo(1L);
        assertThat((Long) mbeans.getAttribute(name, "BytesIn")).isPositive();
        assertThat((Long) mbeans.getAttribute(name, "ReadingPauses")).isZero();
        assertThat((Long) mbeans.getAttribute(name, "PendingWritesExceeded")).isZero();
        assertThat((Long) mbeans.getAttribute(name, "WebSocketPingsUnanswered")).isZero();
        assertThat((Long) mbeans.getAttribute(name, "WebSocketProtocolViolations")).isZero();
        assertThat((Long) mbeans.getAttribute(name, "LegacyFramesIgnored")).isZero();

        TabularData devices = (TabularData) mbeans.invoke(name, "listDevices", new Object[] { "alice" },
                new String[] { String.class.getName() });
        assertThat(devices.size()).isEqualTo(1);
        CompositeData row = (CompositeData) devices.values().iterator().next();
        assertThat(row.get("device")).isEqualTo("esp32");
        assertThat(row.get("generation")).isEqualTo("GEN2");
        assertThat(((TabularData) mbeans.invoke(name, "listDevices", new Object[] { "bob" },
                new String[] { String.class.getName() })).isEmpty()).isTrue();
        assertThat((String) mbeans.invoke(name, "dumpAsJson", null, null)).contains("\"port\":" + port);

        Object disconnected = mbeans.invoke(name, "disconnectDevice", new Object[] { "alice", "esp32" },
                new String[] { String.class.getName(), String.class.getName() });
        assertThat(disconnected).isEqualTo(true);
        eventually().until(() -> !device.isConnected());
        eventually().until(() -> (Integer) mbeans.getAttribute(name, "ConnectedDevices") == 0);
        assertThat(mbeans.invoke(name, "disconnectDevice", new Object[] { "alice", "esp32" },
                new String[] { String.class.getName(), String.class.getName() })).isEqualTo(false);

        assertThat(mbeans.getAttribute(name, "Draining")).isEqualTo(false);
        mbeans.invoke(name, "drain", new Object[] { 10 }, new String[] { int.class.getName() });
        assertThat(mbeans.getAttribute(name, "Draining")).isEqualTo(true);
        eventually().until(() -> !(Boolean) mbeans.getAttribute(name, "Running"));

        context.getRouteController().stopRoute("events");
        assertThat(mbeans.isRegistered(name)).as("unregistered when the server stops").isFalse();
        context.getRouteController().startRoute("events");
        assertThat(name()).as("registered again with the new server").isNotNull();
    }
}
