package io.cameliotmp.examples.quickstart;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The Server-Sent Events endpoint, read as a client would: an HTTP response body that never ends. */
class QuickstartDeviceStreamTest extends QuickstartTestSupport {

    private static final String TEMPERATURE = "/v3/users/demo/devices/sim-1/resources/temperature/stream";

    @Autowired
    DeviceStreamController streams;

    @Test
    void streamsSamplesOnChange() throws Exception {
        List<ServerSentEvent> events = readEvents(TEMPERATURE, 3);

        assertSamplesOfSim1(events);
    }

    @Test
    void streamsSamplesAtAnInterval() throws Exception {
        List<ServerSentEvent> events = readEvents(TEMPERATURE + "?interval=1", 2);

        assertSamplesOfSim1(events);
    }

    @Test
    void theDeviceStreamStopsWhenTheClientGoesAway() throws Exception {
        readEvents(TEMPERATURE, 2);

        // readEvents closed the connection; the next sample written to it fails, which ends the client's stream
        await("stream closed").atMost(WAIT).until(() -> streams.openStreams() == 0);
    }

    @Test
    void aStreamTheDeviceRefusesEndsWithAFailedEvent() throws Exception {
        List<ServerSentEvent> events = readEvents("/v3/users/demo/devices/sim-1/resources/pressure/stream", 1);

        assertThat(events.get(0).name()).isEqualTo("failed");
        JsonNode error = JSON.readTree(events.get(0).data());
        assertThat(error.path("status").asInt()).isEqualTo(502);
        assertThat(error.path("message").asText()).contains("pressure");
        await("stream closed").atMost(WAIT).until(() -> streams.openStreams() == 0);
    }

    @Test
    void aDeviceThatIsNotConnectedIs404() throws Exception {
        Answer answer = send(HttpRequest.newBuilder(uri("/v3/users/demo/devices/device-9/resources/temperature/stream"))
                .header("Accept", "text/event-stream").GET());

        assertThat(answer.status()).isEqualTo(404);
        assertThat(answer.contentType()).startsWith("application/json");
        assertThat(answer.json().path("message").asText()).isEqualTo("device demo/device-9 is not connected");
    }

    @Test
    void anIntervalOutOfRangeIs400() throws Exception {
        assertThat(get(TEMPERATURE + "?interval=0").status()).isEqualTo(400);
        assertThat(get(TEMPERATURE + "?interval=soon").status()).isEqualTo(400);
    }

    private static void assertSamplesOfSim1(List<ServerSentEvent> events) throws Exception {
        long previousTs = 0;
        for (ServerSentEvent event : events) {
            assertThat(event.name()).isEqualTo("sample");
            JsonNode sample = JSON.readTree(event.data());
            assertThat(sample.path("device").asText()).isEqualTo("sim-1");
            assertThat(sample.path("value").path("celsius").isNumber()).as("sample %s", event.data()).isTrue();
            long ts = sample.path("ts").asLong();
            assertThat(ts).isGreaterThanOrEqualTo(previousTs);
            previousTs = ts;
        }
    }

    /**
     * Opens the stream, reads {@code count} events (bounded in time) and closes the connection. Comments (the
     * heartbeat) are skipped.
     */
    private List<ServerSentEvent> readEvents(String path, int count) throws Exception {
        HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(uri(path))
                .header("Accept", "text/event-stream").GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/event-stream"));
        try (InputStream body = response.body()) {
            BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
            List<ServerSentEvent> events = CompletableFuture.supplyAsync(() -> parseEvents(reader, count))
                    .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(events).as("events before the stream ended").hasSize(count);
            return events;
        }
    }

    private static List<ServerSentEvent> parseEvents(BufferedReader reader, int count) {
        List<ServerSentEvent> events = new ArrayList<>();
        String name = null;
        StringBuilder data = new StringBuilder();
        try {
            String line;
            while (events.size() < count && (line = reader.readLine()) != null) {
                if (line.isEmpty()) {
                    if (data.length() > 0) {
                        events.add(new ServerSentEvent(name, data.toString()));
                    }
                    name = null;
                    data.setLength(0);
                } else if (line.startsWith("event:")) {
                    name = line.substring("event:".length()).trim();
                } else if (line.startsWith("data:")) {
                    data.append(line.substring("data:".length()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return events;
    }

    record ServerSentEvent(String name, String data) {
    }
}
