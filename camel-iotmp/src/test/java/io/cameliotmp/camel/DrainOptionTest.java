package io.cameliotmp.camel;

import java.util.concurrent.TimeUnit;

import io.cameliotmp.server.IotmpServer;
import io.cameliotmp.testing.RawIotmpSocket;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The drainDevicesPerSecond option reaches the server, and drain() with it moves the devices off. */
class DrainOptionTest extends IotmpCamelTestSupport {

    @Override
    protected String deviceCredentials() {
        return "alice/esp32=pw";
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("iotmp:server:echo?port=" + port + "&drainDevicesPerSecond=7").setBody(simple("${body}"));
            }
        };
    }

    @Test
    void theServerDrainsAtTheConfiguredRate() throws Exception {
        IotmpServer server = context.getComponent("iotmp", IotmpComponent.class).servers().running().get(0);
        assertThat(server.config().drainDevicesPerSecond()).isEqualTo(7);
        try (RawIotmpSocket device = RawIotmpSocket.connect(port, "alice", "esp32", "pw")) {
            assertThat(server.registry().size()).isEqualTo(1);
            server.drain().get(30, TimeUnit.SECONDS);
            assertThat(server.registry().size()).isZero();
            assertThat(server.isDraining()).isTrue();
            assertThat(server.isRunning()).as("the listener is closed").isFalse();
        }
    }
}
