package io.cameliotmp.test;

import java.util.Map;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The simulated devices in a Camel test support class, whose context (and the iotmp server of its routes) starts in a
 * {@code @BeforeEach} method, after every extension's {@code beforeEach}: the devices waited for a server that could
 * not start until they gave up.
 */
class SimulatedDevicesWithCamelTestSupportTest extends CamelTestSupport {

    static final int PORT = FreePorts.next();

    @RegisterExtension
    SimulatedDevicesExtension devices = SimulatedDevicesExtension.connectingTo("127.0.0.1", () -> PORT)
            .device("demo", "device-1", "secret-1",
                    device -> device.resource("temperature").output(() -> Map.of("celsius", 21)));

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                String server = "?host=127.0.0.1&port=" + PORT + "&deviceCredentials=demo/device-1=secret-1";
                from("iotmp:events" + server).to("log:events");
                from("direct:ask").to("iotmp:device:demo/device-1/temperature" + server);
            }
        };
    }

    @Test
    void theRoutesOfTheContextSeeTheSimulatedDevice() {
        assertThat(template.requestBody("direct:ask", (Object) null)).isEqualTo(Map.of("celsius", 21L));
    }
}
