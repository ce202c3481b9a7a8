package io.cameliotmp.camel;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.testing.TestPorts;
import org.apache.camel.CamelContext;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.testing.Waits.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Each kamelet bound with every property it declares, the server options among them (the component has none of its
 * own here: no port the devices use, no credentials), as a YAML route binds it, and exchanging real messages with a
 * device.
 */
class KameletServerOptionsTest {

    private final int port = TestPorts.next();
    private final CamelContext context = new DefaultCamelContext();

    @AfterEach
    void stop() {
        context.stop();
    }

    private void load(String routes) throws Exception {
        PluginHelper.getRoutesLoader(context).loadRoutes(ResourceHelper.fromString("kamelets.yaml", routes));
    }

    @Test
    void everyKameletTakesItsServerOptionsAsProperties() throws Exception {
        context.getComponent("iotmp", IotmpComponent.class).getConfiguration().setHost("127.0.0.1");
        load("""
                - route:
                    from:
                      uri: kamelet:iotmp-events-source
                      parameters:
                        port: %1$d
                        deviceCredentials: "alice/*=pw"
                      steps:
                        - to: mock:events
                - route:
                    from:
                      uri: kamelet:iotmp-source
                      parameters:
                        user: alice
                        device: esp32
                        resource: temperature
                        interval: 100
                        port: %1$d
                        deviceCredentials: "alice/*=pw"
                      steps:
                        - to: mock:samples
                - route:
                    from:
                      uri: direct:echo
                      steps:
                        - to:
                            uri: kamelet:iotmp-sink
                            parameters:
                              user: alice
                              device: esp32
                              resource: echo
                              requestTimeout: 30000
                              port: %1$d
                              deviceCredentials: "alice/*=pw"
                """.formatted(port));
        context.start();
        MockEndpoint events = context.getEndpoint("mock:events", MockEndpoint.class);
        MockEndpoint samples = context.getEndpoint("mock:samples", MockEndpoint.class);
        events.expectedMinimumMessageCount(1);
        events.message(0).header(IotmpConstants.EVENT_TYPE).isEqualTo("connected");
        samples.expectedMinimumMessageCount(2);
        samples.message(0).body().isEqualTo(Map.of("celsius", 21.5f));
        samples.message(0).header(IotmpConstants.USER).isEqualTo("alice");

        try (IotmpDevice device = IotmpDevice.builder().host("127.0.0.1").port(port)
                .credentials("alice", "esp32", "pw").build()) {
            device.resource("temperature").output(() -> Map.of("celsius", 21.5));
            device.resource("echo").inputOutput(in -> Map.of("echo", in));
            device.start().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);

            MockEndpoint.assertIsSatisfied(WAIT.toMillis(), TimeUnit.MILLISECONDS, events, samples);
            assertThat(context.createProducerTemplate().requestBody("direct:echo", "hello"))
                    .isEqualTo(Map.of("echo", "hello"));
        }
    }

    @Test
    void aRequiredPropertyNotGivenFailsTheRouteWithItsName() throws Exception {
        load("""
                - route:
                    from:
                      uri: direct:echo
                      steps:
                        - to:
                            uri: kamelet:iotmp-sink
                            parameters:
                              user: alice
                              resource: echo
                """);
        assertThatThrownBy(context::start)
                .hasStackTraceContaining("iotmp-sink the following mandatory parameters must be provided: device");
    }
}
