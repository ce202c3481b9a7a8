package io.cameliotmp.examples.yaml;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.camel.IotmpConstants;
import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.test.FreePorts;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.support.CamelContextHelper;
import org.apache.camel.test.junit5.CamelContextConfiguration;
import org.apache.camel.test.junit5.TestExecutionConfiguration;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The application as shipped (application.properties and routes.yaml, loaded by Camel Main) with a free port, a test
 * credential and a faster poll; a device played by {@link IotmpDevice}. A mock is woven onto the end of each route,
 * so the routes themselves stay as written.
 */
class YamlRoutesTest extends CamelMainTestSupport {

    private static final Duration WAIT = Duration.ofSeconds(30);

    /** Runs in the constructor: overrides of application.properties for the test. */
    @Override
    public void configureContext(CamelContextConfiguration configuration) {
        super.configureContext(configuration);
        Properties overrides = new Properties();
        overrides.put("camel.component.iotmp.host", "127.0.0.1");
        overrides.put("camel.component.iotmp.port", String.valueOf(FreePorts.next()));
        overrides.put("camel.component.iotmp.device-credentials", "demo/device-1=test-secret");
        overrides.put("poll.period", "100");
        overrides.put("stream.interval", "100");
        configuration.withUseOverridePropertiesWithPropertiesComponent(overrides);
    }

    /** The context starts only after the routes are advised. */
    @Override
    public void configureTest(TestExecutionConfiguration configuration) {
        super.configureTest(configuration);
        configuration.withUseAdviceWith(true);
    }

    @Test
    void yamlRoutesPollTheDeviceAndReportItsEvents() throws Exception {
        AdviceWith.adviceWith(context, "poll-temperature", route -> route.weaveAddLast().to("mock:temperature"));
        AdviceWith.adviceWith(context, "device-events", route -> route.weaveAddLast().to("mock:events"));
        AdviceWith.adviceWith(context, "temperature-stream", route -> route.weaveAddLast().to("mock:stream"));
        MockEndpoint temperature = getMockEndpoint("mock:temperature");
        MockEndpoint stream = getMockEndpoint("mock:stream");
        MockEndpoint events = getMockEndpoint("mock:events");
        NotifyBuilder offlinePolls = new NotifyBuilder(context).fromRoute("poll-temperature").whenCompleted(2)
                .create();
        context.start();

        // with device-1 offline the polls complete: onException in routes.yaml handles DeviceNotConnectedException
        assertThat(offlinePolls.matches(WAIT.toMillis(), TimeUnit.MILLISECONDS))
                .as("polls of the offline device complete instead of failing").isTrue();
        assertThat(temperature.getReceivedCounter()).isZero();

        int port = Integer.parseInt(context.resolvePropertyPlaceholders("{{camel.component.iotmp.port}}"));
        IotmpDevice device = IotmpDevice.builder().host("127.0.0.1").port(port)
                .credentials("demo", "device-1", "test-secret").build();
        device.resource("temperature").output(() -> Map.of("celsius", 21.5));
        try (device) {
            events.expectedHeaderReceived(IotmpConstants.EVENT_TYPE, "connected");
            events.message(0).header(IotmpConstants.DEVICE).isEqualTo("device-1");
            temperature.expectedMinimumMessageCount(1);
            temperature.message(0).body().isEqualTo(Map.of("celsius", 21.5f));
            // the iotmp-source kamelet streams the same resource
            stream.expectedMinimumMessageCount(1);
            stream.message(0).body().isEqualTo(Map.of("celsius", 21.5f));
            stream.message(0).header(IotmpConstants.DEVICE).isEqualTo("device-1");

            device.start().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);

            MockEndpoint.assertIsSatisfied(WAIT.toMillis(), TimeUnit.MILLISECONDS, events, temperature, stream);
            events.reset();
            events.expectedHeaderReceived(IotmpConstants.EVENT_TYPE, "disconnected");
        }
        events.assertIsSatisfied(WAIT.toMillis());
    }

    @Test
    void theDeviceCredentialsAreMaskedInTheStartUpSummary() {
        context.start();
        // Camel Main logs every camel.component.* property at start-up, masking the keys this finds sensitive
        assertThat(CamelContextHelper.containsSensitive(context, "camel.component.iotmp.device-credentials"))
                .isTrue();
    }
}
