package io.cameliotmp.camel;

import io.cameliotmp.server.ServerLimits;
import io.cameliotmp.testing.TestPorts;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code maxLegacyDevicesTracked} flows from the endpoint URI to the server it starts; without it the server has the
 * one default.
 */
class LegacyDevicesTrackedOptionTest extends IotmpCamelTestSupport {

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
                from("iotmp:events?port=" + bounded + "&maxLegacyDevicesTracked=3").to("mock:ignored");
            }
        };
    }

    @Test
    void theOptionReachesTheServerAndDefaultsToTheServerLimitsDefault() {
        assertThat(server(bounded).config().limits().maxLegacyDevicesTracked()).isEqualTo(3);
        assertThat(server(port).config().limits().maxLegacyDevicesTracked())
                .isEqualTo(ServerLimits.DEFAULT_MAX_LEGACY_DEVICES_TRACKED).isEqualTo(100_000);
    }
}
