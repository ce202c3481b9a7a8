package io.cameliotmp.test;

import java.util.Map;

import io.cameliotmp.server.DeviceErrorException;
import io.cameliotmp.server.DeviceNotConnectedException;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The two extensions together, and an {@code iotmp-device:} route tested against the embedded server. */
class TestKitTest {

    @RegisterExtension
    static IotmpServerExtension server = IotmpServerExtension.withCredentials("demo/*=secret");

    @RegisterExtension
    SimulatedDevicesExtension devices = SimulatedDevicesExtension.connectingTo("127.0.0.1", () -> server.port())
            .device("demo", "thermometer", "secret",
                    device -> device.resource("temperature").output(() -> Map.of("celsius", 21)));

    @Test
    void aSimulatedDeviceAnswersWithTheResourcesDeclaredInTheTest() throws Exception {
        // PSON integers decode as Long
        assertThat(server.run("demo", "thermometer", "temperature", null)).isEqualTo(Map.of("celsius", 21L));
        assertThat(server.describe("demo", "thermometer", null)).isInstanceOf(Map.class);
        assertThat(devices.device("demo", "thermometer").isConnected()).isTrue();
    }

    @Test
    void anIotmpDeviceRouteIsCalledThroughTheEmbeddedServer() throws Exception {
        try (CamelContext camel = new DefaultCamelContext()) {
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("iotmp-device:greeting?host=127.0.0.1&port=" + server.port()
                         + "&user=demo&device=gateway&credential=secret&resourceKind=inputOutput")
                            .setBody(simple("hello ${body}"));
                }
            });
            camel.start();
            server.awaitDevice("demo", "gateway");
            assertThat(server.run("demo", "gateway", "greeting", "camel")).isEqualTo("hello camel");
        }
    }

    /** The device's ERROR came wrapped in the future's ExecutionException, which a test had to unwrap. */
    @Test
    void aFailingCallThrowsTheServersException() {
        assertThatThrownBy(() -> server.run("demo", "thermometer", "no-such-resource", null))
                .isInstanceOf(DeviceErrorException.class).hasMessageContaining("no-such-resource");
        assertThatThrownBy(() -> server.describe("demo", "nobody", null))
                .isInstanceOf(DeviceNotConnectedException.class);
    }

    /** The second client of a device took its connection from the first, which was never closed. */
    @Test
    void aDeviceDeclaredTwiceIsRefused() {
        SimulatedDevicesExtension twice = SimulatedDevicesExtension.connectingTo("127.0.0.1", () -> 1)
                .device("demo", "twin", "secret", device -> {
                });
        assertThatThrownBy(() -> twice.device("demo", "twin", "secret", device -> {
        })).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("demo/twin");
    }

    /**
     * Waiting for a device on a server that was never started, or asking for a simulated device that was never set
     * up, fails at once naming what is missing (a device that cannot connect: ExtensionLifecycleTest).
     */
    @Test
    void waitingWithoutAServerOrForADeviceNeverSetUpFailsAtOnce() {
        assertThatThrownBy(() -> IotmpServerExtension.withCredentials("x/y=z").waiting(java.time.Duration.ZERO)
                .awaitDevice("demo", "nobody")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> devices.device("demo", "nobody")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("demo/nobody");
    }
}
