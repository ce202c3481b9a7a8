package io.cameliotmp.camel;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.testing.Hex;
import io.cameliotmp.testing.IotmpVectors;
import io.cameliotmp.testing.RawIotmpSocket;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.testing.Waits.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Replays the byte-level session of docs/protocol.md §10 against the real server, driven by real routes: a raw socket
 * plays
 * the device, so every byte the server sends is compared with the reference.
 */
class SessionReplayTest extends IotmpCamelTestSupport {

    /** The 19 steps of iotmp-vectors.md §5, the session of docs/protocol.md §10. */
    private final List<IotmpVectors.Row> steps = IotmpVectors.load().rows("5");

    @Override
    protected String deviceCredentials() {
        return "alice/esp32=s3cr3t";
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:call").to("iotmp:device:alice/esp32");
                from("iotmp:device:alice/esp32/temperature?interval=5000").routeId("stream").autoStartup(false)
                        .to("mock:samples");
                from("iotmp:service:bucket/temps").to("mock:bucket");
            }
        };
    }

    private String bytes(int step) {
        return Hex.format(IotmpVectors.parseBytes(steps.get(step - 1).cell("bytes")));
    }

    private CompletableFuture<Object> call(String operation, String resource, Object body) {
        return template.asyncRequestBodyAndHeaders("direct:call", body,
                Map.of(IotmpConstants.OPERATION, operation, IotmpConstants.RESOURCE, resource));
    }

    private static List<Object> bodies(MockEndpoint mock) {
        return mock.getReceivedExchanges().stream().map(e -> e.getMessage().getBody()).toList();
    }

    @Test
    void fullSessionMatchesTheReferenceBytes() throws Exception {
        assertThat(steps).hasSize(19);
        MockEndpoint samples = getMockEndpoint("mock:samples");
        samples.expectedMessageCount(2);
        MockEndpoint bucket = getMockEndpoint("mock:bucket");
        bucket.expectedMessageCount(1);

        try (RawIotmpSocket device = new RawIotmpSocket(port)) {
            device.sendHex(bytes(1));
            assertThat(device.readFrameHex()).isEqualTo(bytes(2));

            CompletableFuture<Object> api = template.asyncRequestBodyAndHeader("direct:call", null,
                    IotmpConstants.OPERATION, "describe");
            assertThat(device.readFrameHex()).isEqualTo(bytes(3));
            device.sendHex(bytes(4));
            assertThat(api.get(WAIT.toMillis(), TimeUnit.MILLISECONDS))
                    .isEqualTo(Map.of("led", Map.of("fn", 2L), "temperature", Map.of("fn", 3L)));

            CompletableFuture<Object> temperature = call("run", "temperature", null);
            assertThat(device.readFrameHex()).isEqualTo(bytes(5));
            device.sendHex(bytes(6));
            assertThat(temperature.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(Map.of("celsius", 23.5f));

            CompletableFuture<Object> led = call("run", "led", Map.of("state", true));
            assertThat(device.readFrameHex()).isEqualTo(bytes(7));
            device.sendHex(bytes(8));
            assertThat(led.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isNull();

            context.getRouteController().startRoute("stream");
            assertThat(device.readFrameHex()).isEqualTo(bytes(9));
            device.sendHex(bytes(10));
            device.sendHex(bytes(11));
            device.sendHex(bytes(12));
            samples.assertIsSatisfied();
            assertThat(bodies(samples)).containsExactly(Map.of("celsius", 23.5f), Map.of("celsius", 23.75f));

            device.sendHex(bytes(13));
            assertThat(device.readFrameHex()).isEqualTo(bytes(14));
            bucket.assertIsSatisfied();
            assertThat(bodies(bucket)).containsExactly(Map.of("celsius", 23.75f));
            assertThat(bucket.getReceivedExchanges().get(0).getMessage().getHeader(IotmpConstants.DEVICE))
                    .isEqualTo("esp32");

            context.getRouteController().stopRoute("stream");
            assertThat(device.readFrameHex()).isEqualTo(bytes(15));
            device.sendHex(bytes(16));

            device.sendHex(bytes(17));
            assertThat(device.readFrameHex()).isEqualTo(bytes(18));

            context.stop();
            assertThat(device.readFrameHex()).isEqualTo(bytes(19));
            assertThat(device.closedWithin(WAIT)).isTrue();
        }
    }
}
