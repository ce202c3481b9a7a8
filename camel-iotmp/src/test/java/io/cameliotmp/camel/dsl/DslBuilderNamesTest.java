package io.cameliotmp.camel.dsl;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.camel.IotmpConstants;
import io.cameliotmp.camel.IotmpEndpoint;
import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.testing.TestPorts;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.endpoint.EndpointRouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.camel.dsl.IotmpEndpoints.iotmpDevice;
import static io.cameliotmp.camel.dsl.IotmpEndpoints.iotmpServer;
import static io.cameliotmp.camel.dsl.IotmpEndpoints.iotmpServerEvent;
import static io.cameliotmp.camel.dsl.IotmpEndpoints.iotmpService;
import static io.cameliotmp.camel.dsl.IotmpEndpoints.iotmpTopic;
import static io.cameliotmp.testing.Waits.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Devices choose their ids, and the kind builders take names: a name Camel would read back as another (with {@code %},
 * {@code ?}, or a {@code /} in a user or device) is refused where the route is written rather than addressing another
 * device, and the other unusual names a path holds stay as they are.
 */
class DslBuilderNamesTest {

    private final CamelContext context = new DefaultCamelContext();

    @AfterEach
    void stop() {
        context.stop();
    }

    private String path(Object builder) {
        return ((IotmpEndpoint) ((org.apache.camel.EndpointProducerResolver) builder).resolve(context)).getPath();
    }

    @Test
    void unusualNamesThatAPathHoldsStayAsTheyAre() {
        assertThat(path(iotmpDevice("alice", "dev 1#x+y&z=w", "$fs/get/log")))
                .isEqualTo("alice/dev 1#x+y&z=w/$fs/get/log");
        assertThat(path(iotmpDevice("al\u00efce", "d\ud83d\ude00", "led"))).isEqualTo("al\u00efce/d\ud83d\ude00/led");
        assertThat(path(iotmpTopic("home/+/temp/#"))).isEqualTo("home/+/temp/#");
        assertThat(path(iotmpService("bucket", "*"))).isEqualTo("bucket/*");
    }

    @Test
    void namesCamelWouldReadAsOthersAreRefusedWhereTheRouteIsWritten() {
        // dev%41 would be the device devA, a%2Fb the device a with a resource b/led
        assertThatThrownBy(() -> iotmpDevice("alice", "dev%41", "led"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("headers");
        assertThatThrownBy(() -> iotmpDevice("alice", "a%2Fb", "led")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> iotmpDevice("100%", "b", "led")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> iotmpDevice("alice", "b", "50%")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> iotmpDevice("alice", "dev?1", "led")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> iotmpTopic("load/100%")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> iotmpTopic("what?")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> iotmpServer("50%")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> iotmpService("bucket", "p%20q")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> iotmpServerEvent("x?y")).isInstanceOf(IllegalArgumentException.class);
        // the device "b" with a resource "c/led" would be called instead
        assertThatThrownBy(() -> iotmpDevice("alice", "b/c", "led")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> iotmpDevice("a/b", "c", "led")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void placeholdersAreLeftForTheContext() {
        context.getPropertiesComponent().addInitialProperty("device.id", "device-1");
        assertThat(path(iotmpDevice("alice", "{{device.id}}", "led"))).isEqualTo("alice/device-1/led");
        assertThat(path(iotmpDevice("alice", "{{?device.id}}", "led"))).isEqualTo("alice/device-1/led");
    }

    /** The refused names still reach their device through the headers, as the refusal says. */
    @Test
    void theHeadersReachADeviceWithAPercentSignInItsId() throws Exception {
        int port = TestPorts.next();
        IotmpComponentBuilderFactory.iotmp().host("127.0.0.1").port(port).deviceCredentials("alice/*=pw")
                .requestTimeout(30_000L).metricsEnabled(false).register(context, "iotmp");
        context.addRoutes(new EndpointRouteBuilder() {
            @Override
            public void configure() {
                from(direct("ask")).to(iotmpDevice("alice", null, null));
            }
        });
        context.start();

        IotmpDevice device = IotmpDevice.builder().host("127.0.0.1").port(port)
                .credentials("alice", "dev%41", "pw").build();
        device.resource("temperature").output(() -> Map.of("celsius", 20));
        try (device) {
            device.start().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(context.createProducerTemplate().requestBodyAndHeaders("direct:ask", null,
                    Map.of(IotmpConstants.DEVICE, "dev%41", IotmpConstants.RESOURCE, "temperature")))
                    .isEqualTo(Map.of("celsius", 20L));
        }
    }
}
