package io.cameliotmp.examples.quickstart;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.device.IotmpDeviceBuilder;
import io.cameliotmp.test.FreePorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.awaitility.Awaitility.await;

/**
 * The quickstart application on random ports (so the tests run while someone runs the app), shared by the test
 * classes: they all get the same Spring context. Device calls time out after 10 s, the component's default (the
 * timeout test waits for that; every other call must be answered within it, so it is not made shorter), a stream
 * waits {@value #RECONNECT_WAIT_SECONDS} s for its device to come back, and the simulated thermometer reads every
 * 300 ms (the stream tests wait for samples).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "camel.component.iotmp.port=${quickstart.test.iotmp-port}",
        "camel.component.iotmp.legacy-port=${quickstart.test.legacy-port}",
        "camel.component.iotmp.request-timeout=10000",
        "quickstart.http.stream-reconnect-wait=" + QuickstartTestSupport.RECONNECT_WAIT_SECONDS + "s",
        "quickstart.simulator.stream-period=300ms" })
abstract class QuickstartTestSupport {

    /** Upper bound of every wait, the HTTP calls' included: beyond the request timeout, and generous. */
    static final Duration WAIT = Duration.ofSeconds(30);
    /** How long a stream waits for its device to come back: long enough for a reconnect, well within {@link #WAIT}. */
    static final int RECONNECT_WAIT_SECONDS = 10;
    static final int IOTMP_PORT = FreePorts.next();
    /** The legacy Thinger port of the shared context (25200 in the application). */
    static final int LEGACY_PORT = FreePorts.next();
    static final ObjectMapper JSON = new ObjectMapper();
    /** The quickstart's demo access token (application.yml, README.md). */
    static final String TOKEN = "quickstart-demo-token";
    /** Its header line, for requests written by hand. */
    static final String AUTHORIZATION = "Authorization: Bearer " + TOKEN + "\r\n";

    @LocalServerPort
    int httpPort;

    /** The actuator's port (9080 on 127.0.0.1 in the application), a random one here. */
    @LocalManagementPort
    int managementPort;

    /** This context's IOTMP port: {@link #IOTMP_PORT}, unless a test class with a context of its own has another. */
    @Value("${camel.component.iotmp.port}")
    int iotmpPort;

    final HttpClient http = HttpClient.newBuilder().connectTimeout(WAIT).build();
    private final List<IotmpDevice> devices = new ArrayList<>();

    /**
     * The port, through a property of its own: a test class that needs a context of its own (other limits) sets
     * {@code camel.component.iotmp.port} itself, since the shared context, still running, keeps {@link #IOTMP_PORT}.
     */
    @DynamicPropertySource
    static void iotmpPort(DynamicPropertyRegistry registry) {
        registry.add("quickstart.test.iotmp-port", () -> IOTMP_PORT);
        registry.add("quickstart.test.legacy-port", () -> LEGACY_PORT);
    }

    /** The simulated device connects once the application is ready, a moment after the context is. */
    @BeforeEach
    void simulatedDeviceIsConnected() {
        await("sim-1 connected").atMost(WAIT)
                .until(() -> get("/v3/users/demo/devices/sim-1").json().path("connected").asBoolean());
    }

    @AfterEach
    void closeDevices() {
        devices.forEach(IotmpDevice::close);
        devices.clear();
    }

    /** A device of user demo (closed after the test), before it is started. */
    IotmpDevice device(String device, String credential, Consumer<IotmpDeviceBuilder> options) {
        IotmpDeviceBuilder builder = IotmpDevice.builder()
                .host("127.0.0.1").port(iotmpPort)
                .credentials("demo", device, credential)
                .noReconnect();
        options.accept(builder);
        IotmpDevice built = builder.build();
        devices.add(built);
        return built;
    }

    /** A request to {@code uri} with the demo token. */
    HttpRequest.Builder authorized(URI uri) {
        return HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + TOKEN);
    }

    URI uri(String path) {
        return URI.create("http://localhost:" + httpPort + path);
    }

    Answer get(String path) throws IOException, InterruptedException {
        return send(authorized(uri(path)).GET());
    }

    /** A GET of the actuator, on its own port, without a token (it has none). */
    Answer management(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + path)).GET());
    }

    Answer post(String path, String json) throws IOException, InterruptedException {
        return send(authorized(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    Answer send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request.timeout(WAIT).build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.headers().firstValue("Content-Type").orElse(null),
                response.body());
    }

    /** An HTTP answer. */
    record Answer(int status, String contentType, String body) {

        JsonNode json() throws IOException {
            return JSON.readTree(body);
        }
    }
}
