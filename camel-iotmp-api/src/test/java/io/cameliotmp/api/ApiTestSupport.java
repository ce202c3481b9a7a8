package io.cameliotmp.api;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.device.IotmpDeviceBuilder;
import io.cameliotmp.test.FreePorts;
import org.junit.jupiter.api.AfterEach;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The test application ({@link ApiTestApplication}) on random ports, shared by the test classes, and devices of the
 * tests' own that connect to it.
 */
@SpringBootTest(classes = ApiTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "camel.component.iotmp.port=${api.test.iotmp-port}")
public abstract class ApiTestSupport {

    /** Upper bound of every wait: generous, conditions end it early. */
    protected static final Duration WAIT = Duration.ofSeconds(30);
    protected static final int IOTMP_PORT = FreePorts.next();
    protected static final ObjectMapper JSON = new ObjectMapper();
    /** The test token of user demo with every action on every device (application.yml of the tests). */
    protected static final String ALL = "test-token-all";

    @LocalServerPort
    protected int httpPort;

    @Value("${camel.component.iotmp.port}")
    protected int iotmpPort;

    final HttpClient http = HttpClient.newBuilder().connectTimeout(WAIT).build();
    private final List<IotmpDevice> devices = new ArrayList<>();

    @DynamicPropertySource
    static void iotmpPort(DynamicPropertyRegistry registry) {
        registry.add("api.test.iotmp-port", () -> IOTMP_PORT);
    }

    @AfterEach
    protected void closeDevices() {
        devices.forEach(IotmpDevice::close);
        devices.clear();
    }

    /** A device (closed after the test), connected once {@code resources} has declared its resources. */
    protected IotmpDevice connect(String user, String device, String credential, Consumer<IotmpDevice> resources)
            throws Exception {
        IotmpDeviceBuilder builder = IotmpDevice.builder()
                .host("127.0.0.1").port(iotmpPort)
                .credentials(user, device, credential)
                .maxFrameSize(1 << 20)
                .noReconnect();
        IotmpDevice built = builder.build();
        devices.add(built);
        resources.accept(built);
        built.start().toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        return built;
    }

    protected URI uri(String path) {
        return URI.create("http://localhost:" + httpPort + path);
    }

    /** A request with the token {@link #ALL}. */
    protected HttpRequest.Builder request(String path) {
        return request(path, ALL);
    }

    /** A request with {@code token}, none when null. */
    protected HttpRequest.Builder request(String path, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(WAIT);
        return token == null ? request : request.header("Authorization", "Bearer " + token);
    }

    protected Answer get(String path) throws IOException, InterruptedException {
        return send(request(path).GET());
    }

    protected Answer post(String path, String contentType, byte[] body) throws IOException, InterruptedException {
        return send(request(path).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    protected Answer send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        return new Answer(response.statusCode(), response.headers().firstValue("Content-Type").orElse(null),
                response.body(), response.headers());
    }

    /**
     * Sends a request for a stream that should be refused: its answer whole, or, when the stream was admitted after all
     * (200), its status and headers alone, its body closed unread: a stream never ends, and reading it would hang the
     * test instead of failing it.
     */
    protected Answer sendExpectingRefusal(HttpRequest.Builder request) throws Exception {
        HttpResponse<java.io.InputStream> response = http.sendAsync(request.build(),
                HttpResponse.BodyHandlers.ofInputStream()).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        byte[] body;
        try (java.io.InputStream in = response.body()) {
            body = response.statusCode() == 200 ? new byte[0] : in.readAllBytes();
        }
        return new Answer(response.statusCode(), response.headers().firstValue("Content-Type").orElse(null), body,
                response.headers());
    }

    /** How many places of {@code kind} were refused by their user's share ({@code iotmp.api.user.share.refused}). */
    protected static double refusedByShare(ApiMetrics metrics, String kind) {
        io.micrometer.core.instrument.simple.SimpleMeterRegistry meters =
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        metrics.bindTo(meters);
        return meters.get("iotmp.api.user.share.refused").tag("kind", kind).functionCounter().count();
    }

    /** A device event of the server numbered {@code seq}, padded, as the {@code iotmp:events} route hands it. */
    protected static org.apache.camel.Exchange deviceEvent(org.apache.camel.CamelContext camel, int seq,
                                                           String padding) {
        java.util.Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("event", "connected");
        body.put("user", "demo");
        body.put("device", "dev-1");
        body.put("seq", seq);
        body.put("padding", padding);
        org.apache.camel.Exchange exchange = new org.apache.camel.support.DefaultExchange(camel);
        exchange.getMessage().setBody(body);
        return exchange;
    }

    /** An HTTP answer. */
    public record Answer(int status, String contentType, byte[] bytes, java.net.http.HttpHeaders headers) {

        public JsonNode json() throws IOException {
            return JSON.readTree(bytes);
        }

        public String text() {
            return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        }
    }
}
