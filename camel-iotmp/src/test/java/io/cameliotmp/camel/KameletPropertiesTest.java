package io.cameliotmp.camel;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.testing.TestPorts;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.testing.Waits.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The kamelets' properties as YAML routes give them (camel-kamelet and the YAML DSL, as an application loads them):
 * a property not given leaves the component's option in place, and the sink calls the user's device it is given.
 */
class KameletPropertiesTest {

    private static final long COMPONENT_REQUEST_TIMEOUT = 45_000;
    private static final long COMPONENT_INTERVAL = 250;

    private final int port = TestPorts.next();
    private CamelContext context;

    @BeforeEach
    void start() throws Exception {
        context = new DefaultCamelContext();
        IotmpConfiguration config = context.getComponent("iotmp", IotmpComponent.class).getConfiguration();
        config.setHost("127.0.0.1");
        config.setPort(port);
        config.setDeviceCredentials("alice/*=pw");
        config.setRequestTimeout(COMPONENT_REQUEST_TIMEOUT);
        config.setInterval(COMPONENT_INTERVAL);
        String routes = """
                - route:
                    from:
                      uri: kamelet:iotmp-source
                      parameters:
                        user: alice
                        device: esp32
                        resource: temperature
                      steps:
                        - to: log:samples?level=OFF
                - route:
                    from:
                      uri: kamelet:iotmp-source
                      parameters:
                        user: alice
                        resource: humidity
                        interval: 100
                      steps:
                        - to: log:samples?level=OFF
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
                - route:
                    from:
                      uri: direct:quick
                      steps:
                        - to:
                            uri: kamelet:iotmp-sink
                            parameters:
                              user: alice
                              device: esp32
                              resource: quick
                              requestTimeout: 30s
                """;
        PluginHelper.getRoutesLoader(context).loadRoutes(ResourceHelper.fromString("kamelets.yaml", routes));
        context.start();
    }

    @AfterEach
    void stop() {
        context.stop();
    }

    /** The iotmp endpoint a kamelet made for a resource. */
    private IotmpEndpoint endpointFor(String resource) {
        return context.getEndpoints().stream().filter(IotmpEndpoint.class::isInstance).map(IotmpEndpoint.class::cast)
                .filter(e -> e.getPath().endsWith("/" + resource)).findFirst().orElseThrow();
    }

    /**
     * The defaults the descriptors declared (10000 ms, 0) were always set, and took the place of the component's
     * requestTimeout and interval, which the descriptors say apply to what a kamelet is not given.
     */
    @Test
    void aPropertyNotGivenLeavesTheComponentsOption() {
        assertThat(endpointFor("echo").getConfiguration().getRequestTimeout()).isEqualTo(COMPONENT_REQUEST_TIMEOUT);
        assertThat(endpointFor("quick").getConfiguration().getRequestTimeout()).isEqualTo(30_000);
        assertThat(endpointFor("temperature").getConfiguration().getInterval()).isEqualTo(COMPONENT_INTERVAL);
        assertThat(endpointFor("humidity").getConfiguration().getInterval()).isEqualTo(100);
    }

    /**
     * Every iotmp consumer sets CamelIotmpUser, and the producer takes it over its URI: a message that came from
     * another user's device ran the resource on that user's device of the same id, not on the one the sink is given.
     */
    @Test
    void theSinkRunsTheResourceOnTheDeviceOfItsOwnUserWhateverTheHeadersSay() throws Exception {
        try (IotmpDevice device = IotmpDevice.builder().host("127.0.0.1").port(port)
                .credentials("alice", "esp32", "pw").build()) {
            device.resource("echo").inputOutput(in -> Map.of("echo", in));
            device.start().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);

            Object answer = context.createProducerTemplate().requestBodyAndHeaders("direct:echo", "hello",
                    Map.of(IotmpConstants.USER, "mallory", IotmpConstants.OPERATION, IotmpOperation.describe));
            assertThat(answer).isEqualTo(Map.of("echo", "hello"));
        }
    }
}
