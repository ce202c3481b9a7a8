package io.cameliotmp.api;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A device's strings in a Server-Sent Events stream stay inside their event: a line break in a value or a key is
 * written escaped inside the event's one {@code data:} line (JSON), so a device cannot end the event or add fields
 * and events of its own ({@code event: failed}, {@code id:}, {@code retry:}) to what the client reads.
 */
class EventStreamFramingTest extends ApiTestSupport {

    private static final String FORGED = "x\r\n\r\nevent:failed\ndata:{\"message\":\"forged\"}\rretry:1\n\nid:9\r\n";

    @Test
    void lineBreaksOfADeviceStayInsideItsSample() throws Exception {
        connect("demo", "dev-1", "secret-1", device -> device.resource("label")
                .output(() -> Map.of("text", FORGED, FORGED, 1)));
        HttpResponse<InputStream> response = http.sendAsync(
                request("/v3/users/demo/devices/dev-1/resources/label/stream?interval=1")
                        .header("Accept", "text/event-stream").GET().build(),
                HttpResponse.BodyHandlers.ofInputStream()).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        try (InputStream body = response.body()) {
            assertThat(response.statusCode()).isEqualTo(200);
            BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
            // what comes before the first event are comments (the stream's opening, keep-alives)
            String line = lines.readLine();
            while ((line != null && line.startsWith(":")) || "".equals(line)) {
                line = lines.readLine();
            }
            assertThat(line).isEqualTo("event:sample");
            List<String> fields = new ArrayList<>();
            for (line = lines.readLine(); line != null && !line.isEmpty(); line = lines.readLine()) {
                fields.add(line);
            }
            assertThat(fields).singleElement().asString().startsWith("data:");
            JsonNode sample = JSON.readTree(fields.get(0).substring("data:".length()));
            assertThat(sample.path("value").path("text").asText()).isEqualTo(FORGED);
            assertThat(sample.path("value").path(FORGED).asInt()).isEqualTo(1);
        }
    }
}
