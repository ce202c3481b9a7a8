package io.cameliotmp.camel;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.server.DeviceNotConnectedException;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static io.cameliotmp.testing.Waits.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The kamelets in the jar (classpath:kamelets, where camel-kamelet looks by default) against a real server and
 * device: iotmp-source streams samples, iotmp-events-source reports the device, iotmp-sink runs a resource.
 */
class KameletsTest extends IotmpCamelTestSupport {

    private IotmpDevice device;

    @Override
    protected String deviceCredentials() {
        return "alice/*=pw";
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("kamelet:iotmp-source?user=alice&resource=temperature").routeId("samples").to("mock:samples");
                from("kamelet:iotmp-events-source").routeId("events").to("mock:events");
                from("direct:echo").to("kamelet:iotmp-sink?user=alice&device=esp32&resource=echo"
                                       + "&requestTimeout=30000");
            }
        };
    }

    @AfterEach
    void closeDevice() {
        if (device != null) {
            device.close();
        }
    }

    @Test
    void sourcesStreamSamplesAndEventsAndTheSinkRunsAResource() throws Exception {
        MockEndpoint samples = getMockEndpoint("mock:samples");
        MockEndpoint events = getMockEndpoint("mock:events");
        samples.setResultWaitTime(WAIT.toMillis());
        events.setResultWaitTime(WAIT.toMillis());
        samples.expectedMinimumMessageCount(1);
        samples.message(0).body().isEqualTo(Map.of("celsius", 21.5f));
        samples.message(0).header(IotmpConstants.DEVICE).isEqualTo("esp32");
        events.expectedMessageCount(1);
        events.message(0).header(IotmpConstants.EVENT_TYPE).isEqualTo("connected");

        device = IotmpDevice.builder().host("127.0.0.1").port(port).credentials("alice", "esp32", "pw").build();
        device.resource("temperature").output(() -> Map.of("celsius", 21.5));
        device.resource("echo").inputOutput(in -> Map.of("echo", in));
        device.start().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);

        MockEndpoint.assertIsSatisfied(samples, events);
        assertThat(template.requestBody("direct:echo", "hello")).isEqualTo(Map.of("echo", "hello"));
    }

    @Test
    void theSinkFailsForADeviceThatIsNotConnected() {
        assertThatThrownBy(() -> template.requestBody("direct:echo", "hello"))
                .isInstanceOf(CamelExecutionException.class).hasCauseInstanceOf(DeviceNotConnectedException.class);
    }

    /** The descriptor names the camel-iotmp release it ships in, so tooling resolves the right jar. */
    @ParameterizedTest
    @ValueSource(strings = { "iotmp-source", "iotmp-events-source", "iotmp-sink" })
    void kameletsShipInTheJarAndNameThisRelease(String name) throws IOException {
        String kamelet = read("/kamelets/" + name + ".kamelet.yaml");
        String version = read("/META-INF/io/cameliotmp/camel/iotmp.json")
                .replaceAll("(?s).*\"version\": \"([^\"]+)\".*", "$1");
        assertThat(kamelet).contains("kind: Kamelet").contains("  name: " + name + "\n")
                .contains("\"mvn:io.cameliotmp:camel-iotmp:" + version + "\"");
    }

    private static String read(String resource) throws IOException {
        try (InputStream in = KameletsTest.class.getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
