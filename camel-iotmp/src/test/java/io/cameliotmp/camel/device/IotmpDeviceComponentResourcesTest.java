package io.cameliotmp.camel.device;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.cameliotmp.server.DeviceErrorException;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.testing.Waits.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Routes as device resources of every kind, called by the project's own server (the iotmp component in the same
 * context): RUN, DESCRIBE, errors, pattern paths, and the streams the server opens, sampled at their interval through
 * the route or pushed on change by a producer.
 */
class IotmpDeviceComponentResourcesTest extends IotmpDeviceTestSupport {

    private final AtomicLong counter = new AtomicLong();

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("iotmp-device:temperature").setBody(constant(Map.of("celsius", 21.5)));
                from("iotmp-device:led?resourceKind=input&inputSample=RAW({\"state\":false})").to("mock:led");
                from("iotmp-device:echo?resourceKind=inputOutput&inputSample=hello")
                        .process(e -> e.getMessage().setBody(e.getMessage().getBody() == null
                                ? "idle" : "echo " + e.getMessage().getBody()));
                from("iotmp-device:reboot?resourceKind=run").to("mock:reboot");
                from("iotmp-device:broken").throwException(new IllegalStateException("sensor unplugged"));
                from("iotmp-device:$cmd/:session?resourceKind=inputOutput")
                        .setBody(simple("${header.CamelIotmpDevicePathParameters[session]}:${body}"));
                from("iotmp-device:counter").to("mock:counterCalls")
                        .process(e -> e.getMessage().setBody(counter.incrementAndGet()));
                from("iotmp-device:level").setBody(constant(0));

                // the server's side: an interval stream and an on-change stream
                from(SERVER_SIDE + "/counter?interval=100").to("mock:counterSamples");
                from(SERVER_SIDE + "/level").to("mock:levels");
            }
        };
    }

    private Object run(String resource, Object input) {
        return template.requestBody(SERVER_SIDE + "/" + resource, input);
    }

    @Test
    void outputInputInputOutputAndRunResourcesAnswerTheServersRun() throws Exception {
        awaitConnected();
        MockEndpoint led = getMockEndpoint("mock:led");
        MockEndpoint reboot = getMockEndpoint("mock:reboot");
        led.expectedBodiesReceived(new LinkedHashMap<>(Map.of("state", true)));
        reboot.expectedMessageCount(1);

        assertThat(run("temperature", null)).isEqualTo(Map.of("celsius", 21.5f));
        assertThat(run("led", Map.of("state", true))).isNull();
        assertThat(run("echo", "hi")).isEqualTo("echo hi");
        assertThat(run("reboot", null)).isNull();
        assertThat(run("$cmd/s1", "ls")).isEqualTo("s1:ls");

        MockEndpoint.assertIsSatisfied(WAIT.toMillis(), TimeUnit.MILLISECONDS, led, reboot);
        Map<String, Object> ledHeaders = led.getExchanges().get(0).getMessage().getHeaders();
        assertThat(ledHeaders).containsEntry(IotmpDeviceConstants.RESOURCE, "led")
                .containsEntry(IotmpDeviceConstants.DESCRIBE, false)
                .doesNotContainKey(IotmpDeviceConstants.STREAM_ID);
    }

    @Test
    void describeListsEveryRouteWithItsKindAndDescribesInputsAndOutputs() {
        awaitConnected();
        @SuppressWarnings("unchecked")
        Map<String, Object> api = template.requestBody(SERVER_SIDE + "?operation=describe", (Object) null, Map.class);
        assertThat(api).containsEntry("temperature", Map.of("fn", 3L))
                .containsEntry("led", Map.of("fn", 2L))
                .containsEntry("echo", Map.of("fn", 4L))
                .containsEntry("reboot", Map.of("fn", 1L))
                .containsEntry("$cmd/:session", Map.of("fn", 4L));

        // an input resource reports inputSample until its first input, then the input the route accepted; the
        // route itself is not run for a description
        assertThat(describe("led")).isEqualTo(Map.of("in", Map.of("state", false)));
        run("led", Map.of("state", true));
        assertThat(describe("led")).isEqualTo(Map.of("in", Map.of("state", true)));
        assertThat(getMockEndpoint("mock:led").getReceivedCounter()).isEqualTo(1);

        // outputs are described by running the route without input, with the describe header set
        assertThat(describe("temperature")).isEqualTo(Map.of("out", Map.of("celsius", 21.5f)));
        assertThat(describe("echo")).isEqualTo(Map.of("in", "hello", "out", "idle"));
    }

    private Object describe(String resource) {
        return template.requestBody(SERVER_SIDE + "/" + resource + "?operation=describe", (Object) null);
    }

    @Test
    void anExceptionOfTheRouteIsAnErrorWithItsMessage() {
        awaitConnected();
        assertThatThrownBy(() -> run("broken", null)).hasCauseInstanceOf(DeviceErrorException.class)
                .cause().satisfies(e -> assertThat(((DeviceErrorException) e).deviceMessage())
                        .isEqualTo("sensor unplugged"));
        assertThatThrownBy(() -> run("nothing-here", null)).hasCauseInstanceOf(DeviceErrorException.class);
    }

    @Test
    void intervalStreamsAreSampledThroughTheRoute() throws Exception {
        MockEndpoint samples = getMockEndpoint("mock:counterSamples");
        samples.setResultWaitTime(WAIT.toMillis());
        samples.expectedMinimumMessageCount(3);
        samples.assertIsSatisfied();
        List<Long> values = samples.getExchanges().stream().map(e -> e.getMessage().getBody(Long.class)).toList();
        assertThat(values).isSorted().doesNotHaveDuplicates();

        Exchange sampleCall = getMockEndpoint("mock:counterCalls").getExchanges().get(1);
        assertThat(sampleCall.getMessage().getHeader(IotmpDeviceConstants.STREAM_ID, Integer.class)).isPositive();
        assertThat(sampleCall.getMessage().getHeader(IotmpDeviceConstants.PARAMETERS))
                .isEqualTo(Map.of("interval", 100L));
    }

    @Test
    void aProducerPushesValuesOnTheOnChangeStreamsOfAResource() throws Exception {
        MockEndpoint levels = getMockEndpoint("mock:levels");
        levels.setResultWaitTime(WAIT.toMillis());
        levels.expectedBodiesReceived(0L); // the echo when the server opens the stream: the route's value
        levels.assertIsSatisfied();

        levels.reset();
        levels.expectedBodiesReceived(42L, new LinkedHashMap<>(Map.of("level", 7L)), 0L);
        Exchange pushed = template.send("iotmp-device:level", e -> e.getMessage().setBody(42));
        assertThat(pushed.getMessage().getHeader(IotmpDeviceConstants.STREAMED)).isEqualTo(true);
        template.sendBody("iotmp-device:level?operation=stream", Map.of("level", 7));
        template.sendBody("iotmp-device:level", null); // no value: read through the route
        levels.assertIsSatisfied();

        Exchange nowhere = template.send("iotmp-device:temperature", e -> e.getMessage().setBody(1));
        assertThat(nowhere.getMessage().getHeader(IotmpDeviceConstants.STREAMED))
                .as("no stream is open on temperature").isEqualTo(false);
    }
}
