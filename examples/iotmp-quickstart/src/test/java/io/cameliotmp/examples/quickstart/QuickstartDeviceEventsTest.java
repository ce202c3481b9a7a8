package io.cameliotmp.examples.quickstart;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The device API's events in the quickstart, which has an {@code iotmp:events} route of its own (it logs them): a
 * device connecting is pushed to the user's subscriber.
 */
class QuickstartDeviceEventsTest extends QuickstartTestSupport {

    @Test
    void aDeviceConnectingIsPushedAlongsideTheQuickstartsOwnEventsRoute() throws Exception {
        HttpResponse<InputStream> response = http.send(authorized(uri("/v3/users/demo/events"))
                .header("Accept", "text/event-stream").GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(),
                StandardCharsets.UTF_8))) {
            assertThat(lines.readLine()).startsWith(":");
            CompletableFuture<String> connected = CompletableFuture.supplyAsync(() -> {
                try {
                    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                        if (line.startsWith("data:") && line.contains("\"device-1\"")) {
                            return line;
                        }
                    }
                    return null;
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });

            device("device-1", "secret-1", options -> { }).start().toCompletableFuture()
                    .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);

            String event = connected.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(JSON.readTree(event.substring("data:".length())).path("event").asText()).isEqualTo("connected");
        }
    }
}
