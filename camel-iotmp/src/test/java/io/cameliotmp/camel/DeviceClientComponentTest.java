package io.cameliotmp.camel;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.protocol.Generation;
import io.cameliotmp.server.NotSupportedByDeviceException;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static io.cameliotmp.testing.Waits.WAIT;
import static io.cameliotmp.testing.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every producer operation and the stream consumer against the Java device client, in every generation (IOTMP gen-1
 * and gen-2, legacy).
 */
class DeviceClientComponentTest extends IotmpCamelTestSupport {

    private final List<IotmpDevice> devices = new ArrayList<>();
    private final AtomicReference<Object> led = new AtomicReference<>(Map.of("state", false));
    private volatile double celsius = 21.5;

    @Override
    protected String deviceCredentials() {
        return "alice/*=pw";
    }

    /** Legacy devices too, told apart by their first byte on the same port: every generation is tested. */
    @Override
    protected void configure(IotmpConfiguration config) {
        config.setLegacyEnabled(true);
        config.setLegacyPort(-1);
        config.setLegacyTlsPort(-1);
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:call").to("iotmp:device:alice");
                from("iotmp:device:alice/*/temperature").routeId("onChange").to("mock:onChange");
            }
        };
    }

    @AfterEach
    void closeDevices() {
        devices.forEach(IotmpDevice::close);
    }

    private IotmpDevice device(String name, Generation generation) {
        IotmpDevice device = IotmpDevice.builder().host("127.0.0.1").port(port).credentials("alice", name, "pw")
                .generation(generation).reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(200)).build();
        device.resource("temperature").output(() -> Map.of("celsius", celsius));
        device.resource("led").input(led::set, led::get);
        device.resource("echo").inputOutput(in -> Map.of("echo", in));
        devices.add(device);
        assertThat(device.start().toCompletableFuture().join()).isNull();
        return device;
    }

    private Object call(String device, String operation, String resource, Object body, Map<String, Object> extra) {
        Map<String, Object> headers = new java.util.HashMap<>(extra);
        headers.put(IotmpConstants.DEVICE, device);
        headers.put(IotmpConstants.OPERATION, operation);
        if (resource != null) {
            headers.put(IotmpConstants.RESOURCE, resource);
        }
        return template.requestBodyAndHeaders("direct:call", body, headers);
    }

    @ParameterizedTest
    @EnumSource(Generation.class)
    void everyProducerOperation(Generation generation) throws Exception {
        String name = "dev-" + generation;
        MockEndpoint onChange = getMockEndpoint("mock:onChange");
        onChange.expectedMessageCount(1); // the echo after the stream opens
        device(name, generation);
        onChange.assertIsSatisfied();
        onChange.reset();

        assertThat(call(name, "run", "temperature", null, Map.of())).isEqualTo(Map.of("celsius", 21.5f));
        // a run's reply carries its request's stream id on the wire; only startStream hands one to the route
        assertThat(template.request("direct:call", e -> e.getMessage().setHeaders(Map.of(IotmpConstants.DEVICE, name,
                IotmpConstants.OPERATION, "run", IotmpConstants.RESOURCE, "temperature"))).getMessage().getHeaders())
                .doesNotContainKey(IotmpConstants.STREAM_ID);
        assertThat(call(name, "run", "led", Map.of("state", true), Map.of())).isNull();
        assertThat(led.get()).isEqualTo(Map.of("state", true));
        assertThat(call(name, "run", "echo", List.of(1, "two"), Map.of()))
                .isEqualTo(Map.of("echo", List.of(1L, "two")));
        assertThat(call(name, "describe", null, null, Map.of())).isEqualTo(
                generation == Generation.LEGACY
                        // the legacy API answer also names each resource's access level ("al")
                        ? Map.of("temperature", Map.of("al", 0L, "fn", 3L), "led", Map.of("al", 0L, "fn", 2L),
                                "echo", Map.of("al", 0L, "fn", 4L))
                        : Map.of("temperature", Map.of("fn", 3L), "led", Map.of("fn", 2L), "echo", Map.of("fn", 4L)));
        assertThat(call(name, "describe", "led", null, Map.of())).isEqualTo(Map.of("in", Map.of("state", true)));

        // a stream opened by a producer: data sent into it reaches the input resource
        Object streamId = template.request("direct:call", e -> {
            e.getMessage().setHeaders(Map.of(IotmpConstants.DEVICE, name, IotmpConstants.OPERATION, "startStream",
                    IotmpConstants.RESOURCE, "led"));
        }).getMessage().getHeader(IotmpConstants.STREAM_ID);
        assertThat(streamId).isInstanceOf(Integer.class);
        if (generation == Generation.LEGACY) {
            // the legacy protocol has no server→device stream data: refused, never dropped as if sent
            assertThatThrownBy(() -> call(name, "sendStreamData", null, Map.of("state", false),
                    Map.of(IotmpConstants.STREAM_ID, streamId))).hasRootCauseInstanceOf(
                            NotSupportedByDeviceException.class);
            assertThat(led.get()).isEqualTo(Map.of("state", true));
        } else {
            call(name, "sendStreamData", null, Map.of("state", false), Map.of(IotmpConstants.STREAM_ID, streamId));
            eventually().untilAsserted(() -> assertThat(led.get()).isEqualTo(Map.of("state", false)));
        }
        assertThat(call(name, "stopStream", null, null, Map.of(IotmpConstants.STREAM_ID, streamId))).isNull();

        // on-change samples from the device reach the stream consumer, with the device's generation
        celsius = 30.25;
        onChange.expectedBodiesReceived(new java.util.LinkedHashMap<>(Map.of("celsius", 30.25f)));
        devices.get(devices.size() - 1).stream("temperature");
        onChange.assertIsSatisfied();
        assertThat(onChange.getExchanges().get(0).getMessage().getHeader(IotmpConstants.GENERATION))
                .isEqualTo(generation.name());
    }

    @Test
    void devicesAndStatusOperations() {
        device("a", Generation.GEN2);
        device("b", Generation.GEN1);
        List<?> list = template.requestBodyAndHeader("direct:call", null, IotmpConstants.OPERATION, "devices",
                List.class);
        List<Object> names = list.stream().map(d -> (Object) ((Map<?, ?>) d).get("device")).toList();
        assertThat(names).containsExactly("a", "b");
        assertThat(call("b", "status", null, null, Map.of())).asInstanceOf(
                org.assertj.core.api.InstanceOfAssertFactories.MAP).containsEntry("connected", true)
                .containsEntry("generation", "GEN1");
        assertThat(call("nobody", "status", null, null, Map.of()))
                .isEqualTo(Map.of("user", "alice", "device", "nobody", "connected", false));
    }

    @Test
    void streamsResumeAfterAReconnect() throws Exception {
        MockEndpoint onChange = getMockEndpoint("mock:onChange");
        onChange.expectedMessageCount(1); // the echo of the first stream
        IotmpDevice device = device("roamer", Generation.GEN2);
        onChange.assertIsSatisfied();
        onChange.reset();

        List<Boolean> reconnected = new CopyOnWriteArrayList<>();
        device.onConnected(() -> reconnected.add(true));
        celsius = 19.0;
        // 19.0 travels as an integer, like the devices do
        onChange.expectedBodiesReceived(new java.util.LinkedHashMap<>(Map.of("celsius", 19L)));
        onChange.setResultWaitTime(WAIT.toMillis()); // a reconnect first
        device.faults().dropConnection();
        onChange.assertIsSatisfied(); // the echo of the stream re-opened after the reconnect
        assertThat(reconnected).isNotEmpty();
    }

}
