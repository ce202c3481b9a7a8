package io.cameliotmp.examples.quickstart;

import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import io.cameliotmp.device.IotmpConnectRefusedException;
import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.device.IotmpErrorException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The device REST API against the simulated device sim-1 and test devices connecting with application.yml's
 * credentials.
 */
@ExtendWith(OutputCaptureExtension.class)
class QuickstartDeviceApiTest extends QuickstartTestSupport {

    private static final String SIM = "/v3/users/demo/devices/sim-1";

    private final ExecutorService slowHandlers = Executors.newSingleThreadExecutor();

    @AfterEach
    void stopSlowHandlers() {
        slowHandlers.shutdownNow();
    }

    @Test
    void readsTheTemperatureAsJson() throws Exception {
        Answer answer = get(SIM + "/resources/temperature");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.contentType()).startsWith("application/json");
        JsonNode celsius = answer.json().path("celsius");
        assertThat(celsius.isNumber()).as("celsius in %s", answer.body()).isTrue();
        assertThat(celsius.asDouble()).isBetween(15.0, 30.0);
    }

    @Test
    void switchesTheLedAndDescribesItsState() throws Exception {
        assertThat(post(SIM + "/resources/led", "true").status()).isEqualTo(204);
        assertThat(get(SIM + "/resources/led/api").json()).isEqualTo(JSON.readTree("{\"in\": true}"));

        assertThat(post(SIM + "/resources/led", "false").status()).isEqualTo(204);
        assertThat(get(SIM + "/resources/led/api").json()).isEqualTo(JSON.readTree("{\"in\": false}"));
    }

    @Test
    void echoAnswersItsJsonInput() throws Exception {
        String input = "{\"text\":\"hello\",\"values\":[1,2.5,true,null],\"nested\":{\"n\":-7}}";

        Answer answer = post(SIM + "/resources/echo", input);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json()).isEqualTo(JSON.readTree(input));
        assertThat(post(SIM + "/resources/echo", "\"just a string\"").json().asText()).isEqualTo("just a string");
    }

    @Test
    void describesTheResourcesWithTheirKinds() throws Exception {
        Answer answer = get(SIM + "/resources");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json()).isEqualTo(JSON.readTree(
                "{\"temperature\":{\"fn\":3},\"led\":{\"fn\":2},\"echo\":{\"fn\":4}}"));
    }

    @Test
    void listsTheConnectedDevices() throws Exception {
        Answer answer = get("/v3/users/demo/devices");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().findValuesAsText("device")).contains("sim-1");
        JsonNode sim = findDevice(answer.json(), "sim-1");
        assertThat(sim.path("user").asText()).isEqualTo("demo");
        assertThat(sim.path("connected").asBoolean()).isTrue();
        // the demo token is for user demo: no other user's devices, not even an empty list
        assertThat(get("/v3/users/nobody/devices").status()).isEqualTo(403);
    }

    @Test
    void aDeviceWithItsSecretConnectsAndAWrongSecretIsRefused(CapturedOutput output) throws Exception {
        IotmpDevice device1 = device("device-1", "secret-1", options -> { });
        device1.resource("humidity").output(() -> Map.of("percent", 41));
        device1.start().toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);

        JsonNode status = get("/v3/users/demo/devices/device-1").json();
        assertThat(status.path("connected").asBoolean()).as("status %s", status).isTrue();
        assertThat(get("/v3/users/demo/devices/device-1/resources/humidity").json())
                .isEqualTo(JSON.readTree("{\"percent\":41}"));

        device1.close();
        await("device-1 disconnected").atMost(WAIT).until(
                () -> !get("/v3/users/demo/devices/device-1").json().path("connected").asBoolean());
        assertThat(get("/v3/users/demo/devices/device-1").json())
                .isEqualTo(JSON.readTree("{\"user\":\"demo\",\"device\":\"device-1\",\"connected\":false}"));

        IotmpDevice impostor = device("device-1", "secret-2", options -> { });
        assertThatThrownBy(() -> impostor.start().toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS))
                .hasCauseInstanceOf(IotmpConnectRefusedException.class);
        assertThat(get("/v3/users/demo/devices/device-1").json().path("connected").asBoolean()).isFalse();

        // the log-device-events route saw all three
        await("device events logged").atMost(WAIT).untilAsserted(() -> assertThat(output.getOut())
                .contains("connected: demo/device-1 from /127.0.0.1:")
                .contains("disconnected: demo/device-1 from /127.0.0.1:")
                .contains("authenticationRefused: demo/device-1 from /127.0.0.1:"));
    }

    @Test
    void logsTheTemperatureSamplesOfTheDevices(CapturedOutput output) {
        await("a temperature sample logged").atMost(WAIT).untilAsserted(
                () -> assertThat(output.getOut())
                        .containsPattern("temperature of demo/sim-1: \\{celsius=\\d+(\\.\\d+)?}"));
    }

    @Test
    void aDeviceThatIsNotConnectedIs404() throws Exception {
        Answer answer = get("/v3/users/demo/devices/device-9/resources/temperature");

        assertThat(answer.status()).isEqualTo(404);
        assertThat(answer.contentType()).startsWith("application/json");
        assertThat(answer.json()).isEqualTo(JSON.readTree(
                "{\"status\":404,\"error\":\"Not Found\",\"message\":\"device demo/device-9 is not connected\"}"));
        assertThat(get("/v3/users/demo/devices/device-9/resources").status()).isEqualTo(404);
    }

    @Test
    void aDeviceErrorKeepsItsStatusAndMessage() throws Exception {
        Answer refused = post(SIM + "/resources/led", "42");

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().path("message").asText()).isEqualTo("led takes true or false, not 42");

        IotmpDevice device2 = device("device-2", "secret-2", options -> { });
        device2.resource("calibration").output(() -> {
            throw new IotmpErrorException(503L, Map.of("error", "sensor warming up"));
        });
        device2.resource("odd").output(() -> {
            throw new IotmpErrorException(7L, Map.of("message", "code 7 is no HTTP status"));
        });
        device2.resource("crash").output(() -> {
            throw new IllegalStateException("sensor bus stuck");
        });
        device2.start().toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);

        Answer warmingUp = get("/v3/users/demo/devices/device-2/resources/calibration");
        assertThat(warmingUp.status()).isEqualTo(503);
        assertThat(warmingUp.json().path("message").asText()).isEqualTo("sensor warming up");

        Answer odd = get("/v3/users/demo/devices/device-2/resources/odd");
        assertThat(odd.status()).isEqualTo(502);
        assertThat(odd.json().path("message").asText()).isEqualTo("code 7 is no HTTP status");

        Answer crash = get("/v3/users/demo/devices/device-2/resources/crash");
        assertThat(crash.status()).isEqualTo(502);
        assertThat(crash.json().path("message").asText()).isEqualTo("sensor bus stuck");
    }

    @Test
    void anUnknownResourceIsTheDevicesError() throws Exception {
        Answer answer = get(SIM + "/resources/pressure");

        // the device answers a bare ERROR, without a status: Bad Gateway
        assertThat(answer.status()).isEqualTo(502);
        assertThat(answer.json().path("message").asText()).contains("demo/sim-1").contains("pressure");
    }

    @Test
    void aDeviceTooSlowToAnswerIs504() throws Exception {
        CountDownLatch answerAllowed = new CountDownLatch(1);
        IotmpDevice device3 = device("device-3", "secret-3", options -> options.handlerExecutor(slowHandlers));
        device3.resource("slow").output(() -> {
            try {
                answerAllowed.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return 1;
        });
        device3.start().toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);

        try {
            Answer answer = get("/v3/users/demo/devices/device-3/resources/slow");

            assertThat(answer.status()).isEqualTo(504);
            assertThat(answer.json().path("error").asText()).isEqualTo("Gateway Timeout");
        } finally {
            answerAllowed.countDown();
        }
    }

    @Test
    void aBodyThatIsNotJsonIs400() throws Exception {
        Answer answer = post(SIM + "/resources/echo", "{not json");

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.json().path("message").asText()).startsWith("the body is not JSON");
    }

    @Test
    void namesThatDoNotFitAUriAre400() throws Exception {
        assertThat(get(SIM + "/resources/temp%3Finterval%3D1").status()).isEqualTo(400);
        assertThat(get("/v3/users/*/devices").status()).isEqualTo(400);
    }

    @Test
    void requestHeadersCannotRedirectTheCall() throws Exception {
        Answer answer = send(authorized(uri(SIM + "/resources/temperature"))
                .header("CamelIotmpOperation", "describe")
                .header("CamelIotmpDevice", "device-9")
                .header("CamelIotmpResource", "led")
                .GET());

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().has("celsius")).as("temperature answer %s", answer.body()).isTrue();
    }

    private static JsonNode findDevice(JsonNode devices, String id) {
        for (JsonNode device : devices) {
            if (id.equals(device.path("device").asText())) {
                return device;
            }
        }
        throw new AssertionError(id + " not in " + devices);
    }
}
