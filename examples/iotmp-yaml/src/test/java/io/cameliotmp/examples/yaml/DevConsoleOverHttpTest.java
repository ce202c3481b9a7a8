package io.cameliotmp.examples.yaml;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.test.FreePorts;
import org.apache.camel.test.junit5.CamelContextConfiguration;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The component's dev console as an operator reaches it: over Camel Main's management HTTP server, with the lines the
 * application.properties comment names, showing a connected device.
 */
class DevConsoleOverHttpTest extends CamelMainTestSupport {

    private static final Duration WAIT = Duration.ofSeconds(30);
    // static: configureContext runs in the superclass constructor, before instance fields are set
    private static final int HTTP_PORT = FreePorts.next();
    private static final int IOTMP_PORT = FreePorts.next();

    @Override
    public void configureContext(CamelContextConfiguration configuration) {
        super.configureContext(configuration);
        Properties overrides = new Properties();
        overrides.put("camel.component.iotmp.host", "127.0.0.1");
        overrides.put("camel.component.iotmp.port", String.valueOf(IOTMP_PORT));
        overrides.put("camel.component.iotmp.device-credentials", "demo/device-1=test-secret");
        overrides.put("camel.context.dev-console", "true");
        overrides.put("camel.management.enabled", "true");
        overrides.put("camel.management.dev-console-enabled", "true");
        overrides.put("camel.management.host", "127.0.0.1");
        overrides.put("camel.management.port", String.valueOf(HTTP_PORT));
        configuration.withUseOverridePropertiesWithPropertiesComponent(overrides);
    }

    @Test
    void theIotmpConsoleListsAConnectedDevice() throws Exception {
        IotmpDevice device = IotmpDevice.builder().host("127.0.0.1").port(IOTMP_PORT)
                .credentials("demo", "device-1", "test-secret").build();
        device.resource("temperature").output(() -> Map.of("celsius", 21.5));
        try (device) {
            device.start().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            HttpClient http = HttpClient.newBuilder().connectTimeout(WAIT).build();
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + HTTP_PORT + "/q/dev/iotmp"))
                    .header("Accept", "application/json").timeout(WAIT).GET().build();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).contains("\"servers\"").contains("\"user\"").contains("\"demo\"")
                    .contains("device-1");
        }
    }
}
