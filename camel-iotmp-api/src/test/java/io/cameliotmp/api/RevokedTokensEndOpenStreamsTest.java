package io.cameliotmp.api;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.JsonNode;
import io.cameliotmp.api.access.AccessRechecks;
import io.cameliotmp.api.access.AccessToken;
import io.cameliotmp.api.access.AccessTokenStore;
import io.cameliotmp.api.access.ApiAction;
import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.device.ResourceKind;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A token that its store no longer knows (revoked, expired), or whose grant no longer reaches what was opened with
 * it, ends the byte sessions, resource streams and event subscriptions open with it at the next re-check: a
 * {@code failed} event or message with the 401 or 403, then the close, the device's stream stopped. Before, the
 * token was checked once, at the request, and a terminal opened with a token since revoked stayed for as long as its
 * client did. The interval is an hour here: the test runs the re-check itself, so nothing waits on a clock.
 */
@Import(RevokedTokensEndOpenStreamsTest.MutableTokens.class)
@TestPropertySource(properties = "camel.iotmp.api.access-recheck-interval=1h")
class RevokedTokensEndOpenStreamsTest extends OwnApplicationTestSupport {

    private static final String TOKEN = "token-that-will-be-revoked";
    private static final String KEPT = "token-that-stays-valid";
    /** The store's tokens, as an application's database would have them. */
    private static final Map<String, AccessToken> VALID = new ConcurrentHashMap<>();
    /** Whether the store fails, as a database that is away. */
    private static final AtomicBoolean STORE_AWAY = new AtomicBoolean();
    private static final AccessToken EVERYTHING = new AccessToken("everything", "demo", List.of("*"), List.of("*"),
            Set.of(ApiAction.values()));

    @Autowired
    AccessRechecks rechecks;

    @Autowired
    DeviceSessionSocket sessions;

    @Autowired
    DeviceStreamSocket socketStreams;

    @Autowired
    DeviceStreamController sseStreams;

    @Autowired
    DeviceEvents events;

    @Autowired
    io.micrometer.core.instrument.binder.MeterBinder iotmpApiAccessMetrics;

    private IotmpDevice device;

    @TestConfiguration
    static class MutableTokens {
        @Bean
        AccessTokenStore mutableTokens() {
            return presented -> {
                if (STORE_AWAY.get()) {
                    throw new IllegalStateException("the database is away");
                }
                return Optional.ofNullable(VALID.get(presented));
            };
        }
    }

    @BeforeEach
    void validTokensAndADevice() throws Exception {
        STORE_AWAY.set(false);
        VALID.put(TOKEN, EVERYTHING);
        VALID.put(KEPT, EVERYTHING);
        device = connect("demo", "dev-1", "secret-1", d -> {
            d.resource("counter").output(() -> 1);
            d.resource("$terminal/:session").handler(ResourceKind.INPUT_OUTPUT, request -> null);
        });
    }

    @Test
    void aRevokedTokensTerminalIsClosedAndTheDevicesShellStopped() throws Exception {
        DeviceSessionSocketTest.Client client = new DeviceSessionSocketTest.Client();
        http.newWebSocketBuilder().header("Authorization", "Bearer " + TOKEN)
                .buildAsync(ws("/v3/users/demo/devices/dev-1/sessions/terminal"), client)
                .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(client.texts.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).contains("\"event\":\"open\"");
        assertThat(device.stream("$terminal/:session", new byte[0])).as("the device's session is open").isTrue();
        double revokedBefore = revokedClosed();

        VALID.remove(TOKEN);
        rechecks.checkAll();

        JsonNode failed = JSON.readTree(client.texts.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        assertThat(failed.path("event").asText()).isEqualTo("failed");
        assertThat(failed.path("data").path("status").asInt()).isEqualTo(401);
        await("closed as a policy violation").atMost(WAIT).until(() -> client.closeCode.get() == 1008);
        await("session gone").atMost(WAIT).until(() -> sessions.openSessions() == 0);
        await("the server stopped the device's session").atMost(WAIT)
                .until(() -> !device.stream("$terminal/:session", new byte[0]));
        assertThat(rechecks.watched()).isZero();
        assertThat(revokedClosed()).isEqualTo(revokedBefore + 1);
    }

    @Test
    void aWebSocketStreamBeyondItsTokensNewGrantEndsWith403() throws Exception {
        DeviceStreamSocketTest.Stream kept = openSocketStream(KEPT);
        DeviceStreamSocketTest.Stream narrowed = openSocketStream(TOKEN);
        await("two streams open").atMost(WAIT).until(() -> socketStreams.openStreams() == 2);

        // the token now reaches another device only
        VALID.put(TOKEN, new AccessToken("narrowed", "demo", List.of("dev-9"), List.of("*"),
                Set.of(ApiAction.values())));
        rechecks.checkAll();

        JsonNode failed = nextAfterSamples(narrowed);
        assertThat(failed.path("event").asText()).isEqualTo("failed");
        assertThat(failed.path("data").path("status").asInt()).isEqualTo(403);
        assertThat(failed.path("data").path("message").asText()).contains("dev-1");
        assertThat(narrowed.closed.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(WebSocket.NORMAL_CLOSURE);
        await("one stream left").atMost(WAIT).until(() -> socketStreams.openStreams() == 1);
        assertThat(kept.closed).as("the other token's stream").isNotDone();
        assertThat(rechecks.watched()).isEqualTo(1);

        kept.socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        await("no stream left").atMost(WAIT).until(() -> socketStreams.openStreams() == 0);
        await("nothing watched").atMost(WAIT).until(() -> rechecks.watched() == 0);
    }

    @Test
    void aRevokedTokensServerSentEventsEndWithFailed() throws Exception {
        BlockingQueue<String> stream = lines("/v3/users/demo/devices/dev-1/resources/counter/stream", TOKEN);
        BlockingQueue<String> subscription = lines("/v3/users/demo/events", TOKEN);
        await("stream and subscription open").atMost(WAIT)
                .until(() -> sseStreams.openStreams() == 1 && events.subscribed() == 1);

        VALID.remove(TOKEN);
        rechecks.checkAll();

        for (BlockingQueue<String> lines : List.of(stream, subscription)) {
            // after the samples written before it, if any
            assertThat(nextLineStartingWith(lines, "event:failed")).isEqualTo("event:failed");
            JsonNode error = JSON.readTree(nextLineStartingWith(lines, "data:").substring("data:".length()));
            assertThat(error.path("status").asInt()).isEqualTo(401);
            assertThat(nextLineStartingWith(lines, END)).as("the response ends").isEqualTo(END);
        }
        await("stream and subscription ended").atMost(WAIT)
                .until(() -> sseStreams.openStreams() == 0 && events.subscribed() == 0);
        assertThat(rechecks.watched()).isZero();
    }

    @Test
    void aStoreThatFailsEndsNothing() throws Exception {
        DeviceStreamSocketTest.Stream stream = openSocketStream(TOKEN);
        await("stream open").atMost(WAIT).until(() -> socketStreams.openStreams() == 1);

        STORE_AWAY.set(true);
        rechecks.checkAll();
        assertThat(rechecks.watched()).isEqualTo(1);
        assertThat(stream.closed).isNotDone();

        STORE_AWAY.set(false);
        stream.socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        await("no stream left").atMost(WAIT).until(() -> socketStreams.openStreams() == 0);
        await("nothing watched").atMost(WAIT).until(() -> rechecks.watched() == 0);
    }

    private static final String END = "<end of the response>";

    /** The lines of a Server-Sent Events response, then {@link #END}. */
    private BlockingQueue<String> lines(String path, String token) throws Exception {
        HttpResponse<InputStream> response = http.send(request(path, token).header("Accept", "text/event-stream")
                .GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(),
                    StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                }
            } catch (java.io.IOException e) {
                lines.add("failed: " + e);
            }
            lines.add(END);
        }, "sse-" + path);
        reader.setDaemon(true);
        reader.start();
        return lines;
    }

    /** The next line with {@code prefix} (or the end), within {@link #WAIT} however many other lines come first. */
    private static String nextLineStartingWith(BlockingQueue<String> lines, String prefix) throws Exception {
        // an upper bound, not a timing: the heartbeats alone would keep a bare poll waiting for ever
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            assertThat(line).as("a line starting with " + prefix + " within " + WAIT).isNotNull();
            if (line.startsWith(prefix) || END.equals(line)) {
                return line;
            }
        }
    }

    /**
     * The next message of {@code stream} that is not a sample: the device's samples written before the failed message
     * come first (the counter's first sample may arrive after the stream counted as open).
     */
    private static JsonNode nextAfterSamples(DeviceStreamSocketTest.Stream stream) throws Exception {
        JsonNode message = stream.next();
        while ("sample".equals(message.path("event").asText())) {
            message = stream.next();
        }
        return message;
    }

    private DeviceStreamSocketTest.Stream openSocketStream(String token) throws Exception {
        DeviceStreamSocketTest.Stream stream = new DeviceStreamSocketTest.Stream();
        stream.socket = http.newWebSocketBuilder().header("Authorization", "Bearer " + token)
                .buildAsync(ws("/v3/users/demo/devices/dev-1/resources/counter/ws"), stream)
                .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        return stream;
    }

    private double revokedClosed() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        iotmpApiAccessMetrics.bindTo(meters);
        return meters.get("iotmp.api.access.revoked.closed").functionCounter().count();
    }

    private URI ws(String path) {
        return URI.create("ws://localhost:" + httpPort + path);
    }
}
