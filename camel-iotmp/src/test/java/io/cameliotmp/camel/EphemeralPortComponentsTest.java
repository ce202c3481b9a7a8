package io.cameliotmp.camel;

import java.lang.management.ManagementFactory;
import java.util.Set;
import java.util.stream.Collectors;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import io.cameliotmp.server.IotmpServer;
import io.cameliotmp.testing.RawIotmpSocket;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.apache.camel.test.junit5.TestExecutionConfiguration;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.testing.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two iotmp components of one context, each with a server on port 0: each server has its own JMX view and meters,
 * named after the port it bound. Both were named {@code 127.0.0.1:0}: the second server's MBean was not registered
 * (the name was taken), and its meters were the first one's.
 */
class EphemeralPortComponentsTest extends CamelTestSupport {

    @BindToRegistry("meters")
    private final MeterRegistry meters = new SimpleMeterRegistry();
    private final MBeanServer mbeans = ManagementFactory.getPlatformMBeanServer();

    @Override
    public void configureTest(TestExecutionConfiguration configuration) {
        super.configureTest(configuration);
        configuration.withJMX(true);
    }

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext context = super.createCamelContext();
        context.addComponent("iotmp2", new IotmpComponent());
        for (String component : new String[] { "iotmp", "iotmp2" }) {
            IotmpConfiguration config = context.getComponent(component, IotmpComponent.class).getConfiguration();
            config.setHost("127.0.0.1");
            config.setPort(0);
            config.setDeviceCredentials("alice/*=pw");
        }
        return context;
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("iotmp:events").to("mock:first");
                from("iotmp2:events").to("mock:second");
            }
        };
    }

    private IotmpServer server(String component) {
        return context.getComponent(component, IotmpComponent.class).servers().running().get(0);
    }

    private double connected(IotmpServer server) {
        return meters.get("iotmp.devices.connected").tag("port", String.valueOf(server.port())).gauge().value();
    }

    @Test
    void eachServerOnPortZeroIsNamedAfterThePortItBound() throws Exception {
        IotmpServer first = server("iotmp");
        IotmpServer second = server("iotmp2");
        assertThat(first.port()).isPositive().isNotEqualTo(second.port());

        Set<ObjectName> names = mbeans.queryNames(new ObjectName("org.apache.camel:type=iotmp,context="
                                                                 + ObjectName.quote(context.getManagementName())
                                                                 + ",*"), null);
        assertThat(names.stream().map(n -> n.getKeyProperty("name")).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder(ObjectName.quote("127.0.0.1:" + first.port()),
                        ObjectName.quote("127.0.0.1:" + second.port()));
        for (ObjectName name : names) {
            assertThat(name.getKeyProperty("name")).contains(":" + mbeans.getAttribute(name, "Port"));
        }

        try (RawIotmpSocket device = RawIotmpSocket.connect(second.port(), "alice", "esp32", "pw")) {
            eventually().until(() -> second.registry().size() == 1);
            assertThat(connected(second)).isEqualTo(1);
            assertThat(connected(first)).isZero();
        }
    }
}
