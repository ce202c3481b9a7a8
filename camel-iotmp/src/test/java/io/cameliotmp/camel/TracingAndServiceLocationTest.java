package io.cameliotmp.camel;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.camel.tracing.IotmpSpanDecorator;
import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.server.DeviceErrorException;
import io.cameliotmp.server.DeviceNotConnectedException;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.spi.EndpointServiceLocation;
import org.apache.camel.tracing.SpanKind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.testing.Waits.WAIT;
import static io.cameliotmp.testing.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * IotmpSpanDecorator, found by camel-tracing's ServiceLoader, tags producer and consumer spans of a real server and
 * device with user, device, resource, operation and outcome; IotmpEndpoint tells its service location.
 */
class TracingAndServiceLocationTest extends IotmpCamelTestSupport {

    private final InMemoryTracer tracer = new InMemoryTracer();
    private IotmpDevice device;

    @Override
    protected String deviceCredentials() {
        return "alice/esp32=pw";
    }

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext context = super.createCamelContext();
        tracer.setCamelContext(context);
        tracer.init(context);
        return context;
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:call").routeId("caller").to("iotmp:device:alice/esp32");
                from("iotmp:server:time").routeId("time").setBody(constant("12:00"));
            }
        };
    }

    @AfterEach
    void closeDevice() {
        if (device != null) {
            device.close();
        }
    }

    private Object call(String device, String resource) {
        return template.requestBodyAndHeaders("direct:call", null,
                Map.of(IotmpConstants.DEVICE, device, IotmpConstants.RESOURCE, resource));
    }

    private InMemoryTracer.Span lastIotmpSpan(int count) {
        eventually().until(() -> tracer.of("camel-iotmp").size() >= count);
        List<InMemoryTracer.Span> spans = tracer.of("camel-iotmp");
        assertThat(spans).hasSize(count);
        return spans.get(count - 1);
    }

    @Test
    void producerAndConsumerSpansCarryTheDeviceAndTheOutcome() throws Exception {
        device = IotmpDevice.builder().host("127.0.0.1").port(port).credentials("alice", "esp32", "pw").build();
        device.resource("temperature").output(() -> Map.of("celsius", 21.5));
        device.start().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertThat(call("esp32", "temperature")).isEqualTo(Map.of("celsius", 21.5f));
        InMemoryTracer.Span run = lastIotmpSpan(1);
        assertThat(run.name).isEqualTo("run");
        assertThat(run.kind).isEqualTo(SpanKind.SPAN_KIND_CLIENT);
        assertThat(run.error).isFalse();
        assertThat(run.tags).containsEntry(IotmpSpanDecorator.USER, "alice")
                .containsEntry(IotmpSpanDecorator.DEVICE, "esp32")
                .containsEntry(IotmpSpanDecorator.RESOURCE, "temperature")
                .containsEntry(IotmpSpanDecorator.OPERATION, "run")
                .containsEntry(IotmpSpanDecorator.OUTCOME, "ok")
                .containsEntry("server.address", "127.0.0.1:" + port)
                .containsEntry("server.protocol", "iotmp")
                .containsEntry("camel.route.id", "caller");

        assertThatThrownBy(() -> call("esp32", "nothing")).isInstanceOf(CamelExecutionException.class)
                .hasCauseInstanceOf(DeviceErrorException.class);
        InMemoryTracer.Span refused = lastIotmpSpan(2);
        assertThat(refused.error).isTrue();
        assertThat(refused.tags).containsEntry(IotmpSpanDecorator.RESOURCE, "nothing")
                .containsEntry(IotmpSpanDecorator.OUTCOME, "error");

        // a device calls the route's server resource: a server span of the consumer
        assertThat(device.runServerResource("time", null).toCompletableFuture().get(WAIT.toSeconds(),
                TimeUnit.SECONDS)).isEqualTo("12:00");
        InMemoryTracer.Span served = lastIotmpSpan(3);
        assertThat(served.kind).isEqualTo(SpanKind.SPAN_KIND_SERVER);
        assertThat(served.tags).containsEntry(IotmpSpanDecorator.USER, "alice")
                .containsEntry(IotmpSpanDecorator.DEVICE, "esp32")
                .containsEntry(IotmpSpanDecorator.RESOURCE, "time")
                .containsEntry(IotmpSpanDecorator.OPERATION, "serverResource")
                .containsEntry(IotmpSpanDecorator.OUTCOME, "ok")
                .containsEntry("camel.route.id", "time");
    }

    @Test
    void aCallToAnAbsentDeviceEndsNotConnected() {
        assertThatThrownBy(() -> call("ghost", "temperature")).hasCauseInstanceOf(DeviceNotConnectedException.class);
        InMemoryTracer.Span span = lastIotmpSpan(1);
        assertThat(span.error).isTrue();
        assertThat(span.tags).containsEntry(IotmpSpanDecorator.DEVICE, "ghost")
                .containsEntry(IotmpSpanDecorator.OUTCOME, "notConnected");
    }

    @Test
    void endpointsTellTheirServiceLocation() {
        EndpointServiceLocation plain = (EndpointServiceLocation) context.getEndpoint(
                "iotmp:device:alice/esp32/temperature");
        assertThat(plain.getServiceUrl()).isEqualTo("127.0.0.1:" + port);
        assertThat(plain.getServiceProtocol()).isEqualTo("iotmp");
        assertThat(plain.getServiceMetadata()).containsEntry("kind", "device").containsEntry("user", "alice")
                .containsEntry("device", "esp32").containsEntry("resource", "temperature");

        EndpointServiceLocation ws = (EndpointServiceLocation) context.getEndpoint(
                "iotmp:events?port=8443&transport=WEBSOCKET");
        assertThat(ws.getServiceUrl()).isEqualTo("127.0.0.1:8443");
        assertThat(ws.getServiceProtocol()).isEqualTo("ws");
        assertThat(ws.getServiceMetadata()).containsEntry("kind", "events").containsEntry("webSocketPath", "/iotmp");

        EndpointServiceLocation service = (EndpointServiceLocation) context.getEndpoint(
                "iotmp:service:bucket/temps");
        assertThat(service.getServiceMetadata()).containsEntry("service", "bucket").containsEntry("target", "temps");
    }
}
