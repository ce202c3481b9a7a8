package io.cameliotmp.examples.quickstart;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The IOTMP server's health, metrics and dev console, as an operator sees them through Spring Boot's actuator.
 */
class QuickstartActuatorTest extends QuickstartTestSupport {

    @Test
    void healthIncludesTheIotmpServer() throws Exception {
        Answer health = get("/actuator/health");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().path("status").asText()).isEqualTo("UP");
        JsonNode camel = health.json().path("components").path("camelHealth").path("details");
        assertThat(camel.path("iotmp").asText()).isEqualTo("UP");
        assertThat(camel.path("iotmp.data").path("servers").asText()).isEqualTo("1");
    }

    @Test
    void metricsCountTheConnectedDevices() throws Exception {
        JsonNode connected = get("/actuator/metrics/iotmp.devices.connected").json();
        assertThat(connected.path("measurements").get(0).path("value").asDouble()).isGreaterThanOrEqualTo(1.0);
        assertThat(get("/actuator/metrics/iotmp.bytes").status()).isEqualTo(200);
    }

    @Test
    void theIotmpDevConsoleShowsTheSimulatedDevice() throws Exception {
        Answer console = get("/actuator/camel/iotmp");
        assertThat(console.status()).isEqualTo(200);
        assertThat(console.body()).contains("\"servers\"").contains("sim-1");
    }

    @Test
    void metricsShowTheApisBoundedState() throws Exception {
        JsonNode sessions = get("/actuator/metrics/iotmp.api.sessions").json();
        assertThat(sessions.path("measurements").get(0).path("value").asDouble()).isZero();
        assertThat(get("/actuator/metrics/iotmp.api.auth.tracked.addresses").status()).isEqualTo(200);
    }
}
