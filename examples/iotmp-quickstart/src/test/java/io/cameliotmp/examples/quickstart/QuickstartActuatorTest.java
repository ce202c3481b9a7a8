package io.cameliotmp.examples.quickstart;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The IOTMP server's health, metrics and dev console, as an operator sees them through Spring Boot's actuator, on a
 * port of its own: the device API's port does not serve them.
 */
class QuickstartActuatorTest extends QuickstartTestSupport {

    @Test
    void theDeviceApisPortDoesNotServeTheActuator() throws Exception {
        assertThat(managementPort).isNotEqualTo(httpPort);
        for (String path : new String[] {"/actuator/health", "/actuator/camel/iotmp", "/actuator/metrics"}) {
            Answer answer = get(path);
            assertThat(answer.status()).as(path).isEqualTo(404);
            assertThat(answer.body()).as(path).doesNotContain("camelHealth").doesNotContain("sim-1");
        }
        assertThat(management("/actuator/health").status()).isEqualTo(200);
    }

    @Test
    void healthIncludesTheIotmpServer() throws Exception {
        Answer health = management("/actuator/health");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().path("status").asText()).isEqualTo("UP");
        JsonNode camel = health.json().path("components").path("camelHealth").path("details");
        assertThat(camel.path("iotmp").asText()).isEqualTo("UP");
        assertThat(camel.path("iotmp.data").path("servers").asText()).isEqualTo("1");
    }

    @Test
    void metricsCountTheConnectedDevices() throws Exception {
        JsonNode connected = management("/actuator/metrics/iotmp.devices.connected").json();
        assertThat(connected.path("measurements").get(0).path("value").asDouble()).isGreaterThanOrEqualTo(1.0);
        assertThat(management("/actuator/metrics/iotmp.bytes").status()).isEqualTo(200);
    }

    @Test
    void theIotmpDevConsoleShowsTheSimulatedDevice() throws Exception {
        Answer console = management("/actuator/camel/iotmp");
        assertThat(console.status()).isEqualTo(200);
        assertThat(console.body()).contains("\"servers\"").contains("sim-1");
    }

    @Test
    void camelsOwnDevConsolesAreListedBesideTheIotmpOne() throws Exception {
        // found from the jars' index rather than by Camel's classpath scan, which in the fat jar took most of the start
        Answer consoles = management("/actuator/camel");
        assertThat(consoles.status()).isEqualTo(200);
        for (String id : new String[] {"iotmp", "context", "route", "health", "jvm", "thread", "platform-http"}) {
            assertThat(consoles.json().has(id)).as(id).isTrue();
        }
        Answer context = management("/actuator/camel/context");
        assertThat(context.status()).isEqualTo(200);
        assertThat(context.json().path("context").path("name").asText()).isNotEmpty();
    }

    @Test
    void theRouteDevConsoleListsTheQuickstartsRoutes() throws Exception {
        // Camel's route console (and context, processor, top ...) read the routes through Camel's JMX management
        // (camel-management): without it /actuator/camel/route answered {"routes":[]}
        Answer route = management("/actuator/camel/route");
        assertThat(route.status()).isEqualTo(200);
        JsonNode routes = route.json().path("route").path("routes");
        assertThat(routes.findValuesAsText("routeId"))
                .contains("log-temperatures", "log-bucket-writes", "log-suppressed-counts", "log-device-events");
        assertThat(routes.findValuesAsText("from")).contains("iotmp://events");
    }

    @Test
    void metricsShowTheApisBoundedState() throws Exception {
        JsonNode sessions = management("/actuator/metrics/iotmp.api.sessions").json();
        assertThat(sessions.path("measurements").get(0).path("value").asDouble()).isZero();
        assertThat(management("/actuator/metrics/iotmp.api.auth.tracked.addresses").status()).isEqualTo(200);
    }
}
