package io.cameliotmp.camel.device;

import java.util.Collection;
import java.util.Map;

import io.cameliotmp.camel.IotmpConstants;
import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.device.IotmpDisconnectedException;
import io.cameliotmp.testing.TestPorts;
import org.apache.camel.Exchange;
import org.apache.camel.Producer;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.support.DefaultExchange;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.testing.Waits.WAIT;
import static io.cameliotmp.testing.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The connection's life: lifecycle events, a dropped connection with the routes still serving after the reconnect,
 * refused credentials, readiness, one connection shared by the routes of a device and closed with the last, and
 * endpoints that disagree about a shared connection.
 */
class IotmpDeviceComponentLifecycleTest extends IotmpDeviceTestSupport {

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("iotmp:events").routeId("serverEvents").to("mock:serverEvents");
                from("iotmp-device:temperature").routeId("temperature").setBody(constant(21));
                from("iotmp-device:events").routeId("events").to("mock:events");
            }
        };
    }

    private MockEndpoint events(String... types) {
        MockEndpoint events = getMockEndpoint("mock:events");
        events.setResultWaitTime(WAIT.toMillis());
        events.expectedHeaderValuesReceivedInAnyOrder(IotmpDeviceConstants.EVENT_TYPE, (Object[]) types);
        return events;
    }

    private HealthCheck.Result readiness() {
        HealthCheckRegistry.get(context).setExposureLevel("full"); // every check, not only those that are down
        Collection<HealthCheck.Result> results = HealthCheckHelper.invokeReadiness(context);
        return results.stream().filter(r -> r.getCheck().getId().equals("iotmp-device")).findFirst().orElseThrow();
    }

    @Test
    void theRoutesServeAgainAfterTheConnectionDropped() throws Exception {
        MockEndpoint events = events("connected");
        IotmpDevice device = awaitConnected();
        events.assertIsSatisfied();
        assertThat(events.getExchanges().get(0).getMessage().getBody()).isEqualTo(Map.of("event", "connected",
                "user", USER, "device", DEVICE, "host", "127.0.0.1", "port", port));
        events.reset();
        events.expectedHeaderValuesReceivedInAnyOrder(IotmpDeviceConstants.EVENT_TYPE, "disconnected", "connected");

        device.faults().dropConnection();

        events.assertIsSatisfied();
        awaitConnected();
        assertThat(template.requestBody(SERVER_SIDE + "/temperature", (Object) null)).isEqualTo(21L);
    }

    @Test
    void refusedCredentialsAreReportedToTheEventsRoutesAndTheHealthCheck() throws Exception {
        awaitConnected();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("iotmp-device:events?device=intruder&credential=wrong").to("mock:refused");
            }
        });
        MockEndpoint refused = getMockEndpoint("mock:refused");
        refused.setResultWaitTime(WAIT.toMillis());
        refused.expectedMinimumMessageCount(1);
        refused.message(0).header(IotmpDeviceConstants.EVENT_TYPE).isEqualTo("refused");
        refused.message(0).header(IotmpDeviceConstants.REFUSAL_CODE).isEqualTo(2L);
        refused.assertIsSatisfied();
        assertThat(refused.getExchanges().get(0).getMessage().getBody(Map.class)).containsEntry("code", 2L)
                .containsEntry("device", "intruder");

        assertThat(connection("intruder").device().lastRefusal()).isNotNull();
        HealthCheck.Result health = readiness();
        assertThat(health.getState()).isEqualTo(HealthCheck.State.DOWN);
        assertThat(health.getMessage()).hasValueSatisfying(m -> assertThat(m).contains("demo/intruder@")
                .contains("refused"));
        assertThat(health.getDetails()).containsEntry("demo/gateway@127.0.0.1:" + port, "connected");
    }

    @Test
    void readinessIsUpWhileConnectedAndDownWhileADeviceCannotConnect() throws Exception {
        awaitConnected();
        assertThat(readiness().getState()).isEqualTo(HealthCheck.State.UP);
        assertThat(readiness().getCheck().isLiveness()).as("a lost server is no reason to restart").isFalse();

        int nobodyListens = TestPorts.next();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("iotmp-device:events?device=lonely&port=" + nobodyListens).to("mock:lonely");
            }
        });
        String lonely = "demo/lonely@127.0.0.1:" + nobodyListens;
        eventually().untilAsserted(() -> assertThat(readiness().getDetails().get(lonely)).asString()
                .startsWith("disconnected: ").contains("refused"));
        HealthCheck.Result down = readiness();
        assertThat(down.getState()).isEqualTo(HealthCheck.State.DOWN);
        assertThat(down.getMessage()).hasValueSatisfying(m -> assertThat(m).contains(lonely));
        assertThat(down.getDetails()).containsEntry("demo/gateway@127.0.0.1:" + port, "connected")
                .containsEntry("devices", 2);
    }

    @Test
    void theRoutesOfADeviceShareOneConnectionThatTheLastOneCloses() throws Exception {
        MockEndpoint serverEvents = getMockEndpoint("mock:serverEvents");
        serverEvents.setResultWaitTime(WAIT.toMillis());
        serverEvents.expectedHeaderValuesReceivedInAnyOrder(IotmpConstants.EVENT_TYPE, "connected");
        awaitConnected();
        serverEvents.assertIsSatisfied();
        assertThat(deviceComponent(context).connections().all()).hasSize(1);

        serverEvents.reset();
        serverEvents.expectedHeaderValuesReceivedInAnyOrder(IotmpConstants.EVENT_TYPE, "disconnected");
        context.getRouteController().stopRoute("events");
        assertThat(connection().device().isConnected()).as("temperature still needs it").isTrue();
        context.getRouteController().stopRoute("temperature");

        serverEvents.assertIsSatisfied();
        assertThat(deviceComponent(context).connections().all()).isEmpty();
    }

    @Test
    void aStoppedProducerFailsItsExchangeWithTheDisconnectedException() throws Exception {
        awaitConnected();
        Producer producer = context.getEndpoint("iotmp-device:temps?operation=writeBucket").createProducer();
        producer.start();
        producer.stop(); // as a stop that runs while an exchange is on its way to the producer
        Exchange exchange = new DefaultExchange(context);
        exchange.getMessage().setBody(Map.of("celsius", 20));

        producer.process(exchange);

        assertThat(exchange.getException()).isInstanceOf(IotmpDisconnectedException.class)
                .hasMessageContaining("stopped");
    }

    @Test
    void endpointsThatDisagreeAboutASharedConnectionFailAtStart() {
        assertThat(innermost(() -> context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("iotmp-device:humidity?keepAlive=30000").to("mock:never");
            }
        }))).hasMessageContaining("keepAlive").hasMessageNotContaining(CREDENTIAL);

        assertThat(innermost(() -> context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("iotmp-device:temperature?inputSample=another").to("mock:never");
            }
        }))).hasMessageContaining("already served");

        assertThat(innermost(() -> context.getEndpoint("iotmp-device:x?user="))).hasMessageContaining("user");
        assertThat(innermost(() -> context.getEndpoint("iotmp-device:x?trustAllCertificates=true")))
                .hasMessageContaining("needs TLS");
    }

    private static Throwable innermost(ThrowingCallable call) {
        Throwable thrown = catchThrowable(call);
        assertThat(thrown).isNotNull();
        while (thrown.getCause() != null) {
            thrown = thrown.getCause();
        }
        return thrown;
    }
}
