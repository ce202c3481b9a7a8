package io.cameliotmp.api;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Resource streams as Server-Sent Events are bounded by {@code max-sse-streams} and counted in a gauge. An
 * application of its own with a limit of two, so that the limit can be reached; hence its own IOTMP port. One user
 * fills the whole cap here ({@code max-share-per-user=1}); {@link UserShareTest} has the users' shares of it.
 */
@TestPropertySource(properties = {"camel.iotmp.api.max-sse-streams=2", "camel.iotmp.api.max-share-per-user=1"})
class DeviceStreamControllerTest extends OwnApplicationTestSupport {

    private static final String COUNTER = "/v3/users/demo/devices/dev-1/resources/counter/stream?interval=1";

    private final AtomicInteger reads = new AtomicInteger();

    @Autowired
    DeviceStreamController streams;

    @Autowired
    ApiMetrics metrics;

    @BeforeEach
    void connectDevice() throws Exception {
        connect("demo", "dev-1", "secret-1", device -> device.resource("counter").output(reads::incrementAndGet));
    }

    @Test
    void streamsBeyondMaxSseStreamsAreAnswered503() throws Exception {
        List<InputStream> open = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                HttpResponse<InputStream> response = http.sendAsync(request(COUNTER)
                        .header("Accept", "text/event-stream").GET().build(),
                        HttpResponse.BodyHandlers.ofInputStream()).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                assertThat(response.statusCode()).isEqualTo(200);
                open.add(response.body());
                // a first sample: the stream is open
                BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(),
                        StandardCharsets.UTF_8));
                String line;
                do {
                    line = lines.readLine();
                } while (line != null && !line.startsWith("event:sample"));
                assertThat(line).isNotNull();
            }
            assertThat(streams.openStreams()).isEqualTo(2);
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            metrics.bindTo(meters);
            assertThat(meters.get("iotmp.api.sse.streams").gauge().value()).isEqualTo(2.0);

            // read as a stream: a stream that were wrongly admitted would never end
            HttpResponse<InputStream> refused = http.sendAsync(request(COUNTER).header("Accept", "text/event-stream")
                    .GET().build(), HttpResponse.BodyHandlers.ofInputStream())
                    .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            open.add(refused.body());
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(JSON.readTree(refused.body()).path("message").asText()).contains("max-sse-streams");
            assertThat(streams.openStreams()).isEqualTo(2);
        } finally {
            for (InputStream body : open) {
                body.close();
            }
        }
        // the clients' leaving is noticed at the next sample, and frees their places
        await("streams closed").atMost(WAIT).until(() -> streams.openStreams() == 0);
        HttpResponse<InputStream> again = http.sendAsync(request(COUNTER).header("Accept", "text/event-stream")
                .GET().build(), HttpResponse.BodyHandlers.ofInputStream()).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(again.statusCode()).isEqualTo(200);
        again.body().close();
    }
}
