package io.cameliotmp.camel;

import io.cameliotmp.server.ServerLimits;
import io.cameliotmp.testing.TestPorts;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code maxConnectionsPerSecondPerAddress} and {@code maxTrackedConnectionRates} flow from the endpoint URI to the
 * server it starts; without them the server has the one default of each.
 */
class ConnectionRatePerAddressOptionTest extends IotmpCamelTestSupport {

    private final int bounded = TestPorts.next();

    @Override
    protected String deviceCredentials() {
        return "alice/*=pw";
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("iotmp:events").to("mock:ignored");
                from("iotmp:events?port=" + bounded + "&maxConnectionsPerSecondPerAddress=7"
                     + "&maxTrackedConnectionRates=9").to("mock:ignored");
            }
        };
    }

    @Test
    void theOptionsReachTheServerAndDefaultToTheServerLimitsDefaults() {
        assertThat(server(bounded).config().limits().maxConnectionsPerSecondPerAddress()).isEqualTo(7);
        assertThat(server(bounded).config().limits().maxTrackedConnectionRates()).isEqualTo(9);
        assertThat(server(port).config().limits().maxConnectionsPerSecondPerAddress())
                .isEqualTo(ServerLimits.DEFAULT_MAX_CONNECTIONS_PER_SECOND_PER_ADDRESS).isEqualTo(100);
        assertThat(server(port).config().limits().maxTrackedConnectionRates())
                .isEqualTo(ServerLimits.DEFAULT_MAX_TRACKED_CONNECTION_RATES).isEqualTo(65_536);
    }
}
