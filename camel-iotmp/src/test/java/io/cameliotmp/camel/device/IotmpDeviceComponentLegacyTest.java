package io.cameliotmp.camel.device;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.cameliotmp.camel.IotmpConfiguration;
import io.cameliotmp.camel.IotmpConstants;
import io.cameliotmp.protocol.Generation;
import io.cameliotmp.server.LegacyListeners;
import io.cameliotmp.testing.TestPorts;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.testing.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Both components in one context, the device side with {@code generation=LEGACY} on the server's legacy port: its
 * routes are a legacy device's resources, its producers a legacy device's service calls.
 */
class IotmpDeviceComponentLegacyTest extends IotmpDeviceTestSupport {

    private final int legacyPort = TestPorts.next();
    private final List<Exchange> buckets = new CopyOnWriteArrayList<>();

    @Override
    protected void configureServer(IotmpConfiguration server) {
        server.setLegacyEnabled(true);
        server.setLegacyPort(legacyPort);
        server.setLegacyTlsPort(LegacyListeners.NONE);
    }

    @Override
    protected void configureDevice(IotmpDeviceConfiguration device) {
        device.setPort(legacyPort);
        device.setGeneration(Generation.LEGACY);
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("iotmp-device:temperature").setBody(constant(Map.of("celsius", 21.5)));
                from("direct:read").to(SERVER_SIDE + "/temperature");
                from("iotmp:service:bucket/readings").process(buckets::add);
                from("direct:write").to("iotmp-device:readings?operation=writeBucket");
            }
        };
    }

    @Test
    void aLegacyDeviceOfRoutesIsCalledAndCallsTheServer() {
        assertThat(awaitConnected().generation()).isEqualTo(Generation.LEGACY);
        Exchange read = template.request("direct:read", e -> { });
        assertThat(read.getException()).isNull();
        // PSON v1 sends a double that float32 holds exactly as float32, as the library does
        assertThat(read.getMessage().getBody()).isEqualTo(Map.of("celsius", 21.5f));
        template.sendBody("direct:write", Map.of("value", 1));
        eventually().until(() -> buckets.size() == 1);
        assertThat(buckets.get(0).getMessage().getBody()).isEqualTo(Map.of("value", 1L));
        assertThat(buckets.get(0).getMessage().getHeader(IotmpConstants.GENERATION)).isEqualTo("LEGACY");
    }
}
