package io.cameliotmp.examples.quickstart;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import io.cameliotmp.api.DeviceStreamController;
import io.cameliotmp.device.IotmpDevice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The Server-Sent Events endpoint, read as a client would: an HTTP response body that never ends. */
@ExtendWith(OutputCaptureExtension.class)
class QuickstartDeviceStreamTest extends QuickstartTestSupport {

    private static final String TEMPERATURE = "/v3/users/demo/devices/sim-1/resources/temperature/stream";
    private static final String DEVICE_1 = "/v3/users/demo/devices/device-1/resources";

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
    void aDeviceThatIsNotConnectedEndsTheStreamWithAFailedEvent() throws Exception {
        List<ServerSentEvent> events = readEvents("/v3/users/demo/devices/device-9/resources/temperature/stream", 1);

        assertThat(events.get(0).name()).isEqualTo("failed");
        assertThat(JSON.readTree(events.get(0).data())).isEqualTo(JSON.readTree(
                "{\"status\":404,\"error\":\"Not Found\",\"message\":\"device demo/device-9 is not connected\"}"));
        await("stream closed").atMost(WAIT).until(() -> streams.openStreams() == 0);
    }

    /**
     * The temperature log route subscribes to every demo device's temperature; device-1 has none and refuses. The
     * device stream stays refused while that route stays subscribed: a client that asks afterwards is told so too.
     */
    @Test
    void aStreamRefusedBeforeTheClientSubscribedEndsWithAFailedEvent(CapturedOutput output) throws Exception {
        IotmpDevice device1 = device("device-1", "secret-1", options -> { });
        device1.resource("humidity").output(() -> Map.of("percent", 41));
        device1.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
        await("the log route's temperature stream refused").atMost(WAIT).until(() -> output.getOut()
                .contains("no temperature stream: device demo/device-1 answered ERROR to START_STREAM temperature"));

        for (String query : List.of("", "?interval=2")) {
            List<ServerSentEvent> events = readEvents(DEVICE_1 + "/temperature/stream" + query, 1);

            assertThat(events.get(0).name()).as("event of %s", query).isEqualTo("failed");
            JsonNode error = JSON.readTree(events.get(0).data());
            assertThat(error.path("status").asInt()).isEqualTo(502);
            assertThat(error.path("message").asText()).contains("temperature");
        }
        await("streams closed").atMost(WAIT).until(() -> streams.openStreams() == 0);
    }

    @Test
    void aDeviceThatDisconnectsAndStaysAwayEndsTheStreamWithAFailedEvent() throws Exception {
        IotmpDevice device1 = device("device-1", "secret-1", options -> { });
        device1.resource("humidity").output(() -> Map.of("percent", 41));
        device1.start().toCompletableFuture().get(10, TimeUnit.SECONDS);

        try (EventStream stream = EventStream.open(this, DEVICE_1 + "/humidity/stream?interval=1")) {
            assertThat(stream.next().name()).isEqualTo("sample");

            device1.close();

            ServerSentEvent failed = stream.nextOtherThan("sample");
            assertThat(failed.name()).isEqualTo("failed");
            assertThat(JSON.readTree(failed.data()).path("message").asText()).isEqualTo(
                    "device demo/device-1 disconnected and did not come back within " + RECONNECT_WAIT_SECONDS + " s");
            assertThat(stream.next()).as("the end of the stream").isNull();
        }
        await("stream closed").atMost(WAIT).until(() -> streams.openStreams() == 0);
    }

    @Test
    void aDeviceThatComesBackInTimeResumesTheStream() throws Exception {
        IotmpDevice first = device("device-1", "secret-1", options -> { });
        first.resource("humidity").output(() -> Map.of("percent", 41));
        first.start().toCompletableFuture().get(10, TimeUnit.SECONDS);

        try (EventStream stream = EventStream.open(this, DEVICE_1 + "/humidity/stream?interval=1")) {
            assertThat(stream.next().name()).isEqualTo("sample");

            first.close();
            await("device-1 gone").atMost(WAIT).until(
                    () -> !get("/v3/users/demo/devices/device-1").json().path("connected").asBoolean());
            IotmpDevice again = device("device-1", "secret-1", options -> { });
            again.resource("humidity").output(() -> Map.of("percent", 42));
            again.start().toCompletableFuture().get(10, TimeUnit.SECONDS);

            ServerSentEvent resumed = stream.nextMatching(event -> !"sample".equals(event.name())
                    || event.data().contains("\"percent\":42"));
            assertThat(resumed.name()).isEqualTo("sample");
        }
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
        try (EventStream stream = EventStream.open(this, path)) {
            List<ServerSentEvent> events = new ArrayList<>();
            for (ServerSentEvent event = stream.next(); event != null; event = stream.next()) {
                events.add(event);
                if (events.size() == count) {
                    break;
                }
            }
            assertThat(events).as("events before the stream ended").hasSize(count);
            return events;
        }
    }

    record ServerSentEvent(String name, String data) {
    }

    /** A stream read as a client would, one event at a time, each within {@link #WAIT}; comments are skipped. */
    static final class EventStream implements AutoCloseable {

        private final InputStream body;
        private final BufferedReader reader;

        private EventStream(InputStream body) {
            this.body = body;
            this.reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
        }

        static EventStream open(QuickstartTestSupport test, String path) throws Exception {
            HttpResponse<InputStream> response = test.http.send(test.authorized(test.uri(path))
                    .header("Accept", "text/event-stream").GET().build(), HttpResponse.BodyHandlers.ofInputStream());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("text/event-stream"));
            return new EventStream(response.body());
        }

        /** The next event, or null when the stream ended. */
        ServerSentEvent next() throws Exception {
            return CompletableFuture.supplyAsync(this::read).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }

        /** The next event whose name is not {@code name}; fails if the stream ends first. */
        ServerSentEvent nextOtherThan(String name) throws Exception {
            return nextMatching(event -> !name.equals(event.name()));
        }

        /** The next event that matches, each event before it coming within {@link #WAIT}. */
        ServerSentEvent nextMatching(Predicate<ServerSentEvent> wanted) throws Exception {
            for (ServerSentEvent event = next(); event != null; event = next()) {
                if (wanted.test(event)) {
                    return event;
                }
            }
            throw new AssertionError("the stream ended before the event looked for");
        }

        private ServerSentEvent read() {
            String name = null;
            StringBuilder data = new StringBuilder();
            try {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    if (line.isEmpty()) {
                        if (data.length() > 0) {
                            return new ServerSentEvent(name, data.toString());
                        }
                        name = null;
                    } else if (line.startsWith("event:")) {
                        name = line.substring("event:".length()).trim();
                    } else if (line.startsWith("data:")) {
                        data.append(line.substring("data:".length()));
                    }
                }
                return null;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() throws IOException {
            body.close();
        }
    }
}
