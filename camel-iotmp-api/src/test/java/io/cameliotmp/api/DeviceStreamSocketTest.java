package io.cameliotmp.api;

import java.net.URI;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Resource streams over WebSocket, read with Java's WebSocket client. An application of its own with a limit of two
 * streams, so that the limit can be reached; hence its own IOTMP port, next to the shared application of the other
 * tests. One user fills the whole cap here ({@code max-share-per-user=1}); {@link UserShareTest} has the users' shares
 * of it.
 */
@TestPropertySource(properties = {"camel.iotmp.api.max-websocket-streams=2", "camel.iotmp.api.max-share-per-user=1"})
class DeviceStreamSocketTest extends OwnApplicationTestSupport {

    private static final String DEV = "/v3/users/demo/devices/dev-1/resources/";

    private final AtomicInteger reads = new AtomicInteger();

    @Autowired
    DeviceStreamSocket streams;

    @Autowired
    ApiMetrics metrics;

    @BeforeEach
    void connectDevice() throws Exception {
        connect("demo", "dev-1", "secret-1", device -> device.resource("counter").output(reads::incrementAndGet));
    }

    @Test
    void samplesArriveAtTheInterval() throws Exception {
        Stream stream = open(DEV + "counter/ws?interval=1", ALL);

        JsonNode first = stream.next();
        JsonNode second = stream.next();
        for (JsonNode sample : new JsonNode[] {first, second}) {
            assertThat(sample.path("event").asText()).isEqualTo("sample");
            assertThat(sample.path("data").path("device").asText()).isEqualTo("dev-1");
            assertThat(sample.path("data").path("ts").asLong()).isPositive();
        }
        assertThat(second.path("data").path("value").asInt()).isGreaterThan(first.path("data").path("value").asInt());
        assertThat(streams.openStreams()).isEqualTo(1);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        metrics.bindTo(meters);
        assertThat(meters.get("iotmp.api.websocket.streams").gauge().value()).isEqualTo(1.0);

        stream.socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        await("stream closed").atMost(WAIT).until(() -> streams.openStreams() == 0);
    }

    @Test
    void aStreamTheDeviceRefusesEndsWithFailedAndANormalClose() throws Exception {
        // the device has no resource "missing": it answers the stream's start with an error
        Stream stream = open(DEV + "missing/ws?authorization=" + ALL, null);

        JsonNode failed = stream.next();
        assertThat(failed.path("event").asText()).isEqualTo("failed");
        assertThat(failed.path("data").path("status").asInt()).isEqualTo(502);
        assertThat(failed.path("data").path("message").asText()).contains("missing");
        assertThat(stream.closed.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(WebSocket.NORMAL_CLOSURE);
        await("stream closed").atMost(WAIT).until(() -> streams.openStreams() == 0);
    }

    @Test
    void aDeviceThatIsNotConnectedEndsTheStreamWithFailed() throws Exception {
        Stream stream = open("/v3/users/demo/devices/dev-9/resources/counter/ws", ALL);

        JsonNode failed = stream.next();
        assertThat(failed.path("event").asText()).isEqualTo("failed");
        assertThat(failed.path("data").path("message").asText()).isEqualTo("device demo/dev-9 is not connected");
        assertThat(stream.closed.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(WebSocket.NORMAL_CLOSURE);
    }

    @Test
    void aWrongIntervalIsFailedWith400() throws Exception {
        Stream stream = open(DEV + "counter/ws?interval=0", ALL);

        JsonNode failed = stream.next();
        assertThat(failed.path("event").asText()).isEqualTo("failed");
        assertThat(failed.path("data").path("status").asInt()).isEqualTo(400);
        assertThat(stream.closed.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(1007);
        assertThat(streams.openStreams()).isZero();
    }

    @Test
    void aStreamNeedsATokenWithTheStreamAction() {
        assertThatThrownBy(() -> open(DEV + "counter/ws", null))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(WebSocketHandshakeException.class,
                        e -> assertThat(e.getResponse().statusCode()).isEqualTo(401));
        // the reader token may describe dev-1, not stream it
        assertThatThrownBy(() -> open(DEV + "counter/ws?authorization=test-token-reader", null))
                .cause().isInstanceOfSatisfying(WebSocketHandshakeException.class,
                        e -> assertThat(e.getResponse().statusCode()).isEqualTo(403));
        assertThat(streams.openStreams()).isZero();
    }

    @Test
    void beyondTheLimitAStreamIsRefusedWith1013() throws Exception {
        // on change: the streams stay open without samples while the device reports none
        Stream first = open(DEV + "counter/ws", ALL);
        Stream second = open(DEV + "counter/ws", ALL);
        await("two streams open").atMost(WAIT).until(() -> streams.openStreams() == 2);

        Stream third = open(DEV + "counter/ws", ALL);
        JsonNode failed = third.next();
        assertThat(failed.path("data").path("status").asInt()).isEqualTo(503);
        assertThat(third.closed.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(1013);
        assertThat(streams.openStreams()).isEqualTo(2);

        first.socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        await("one stream left").atMost(WAIT).until(() -> streams.openStreams() == 1);
        Stream fourth = open(DEV + "counter/ws", ALL);
        await("room again").atMost(WAIT).until(() -> streams.openStreams() == 2);
        assertThat(fourth.closed).isNotDone();
        second.socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        fourth.socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        await("streams closed").atMost(WAIT).until(() -> streams.openStreams() == 0);
    }

    /** Opens a stream with {@code token} in the header (none when null). */
    private Stream open(String path, String token) throws Exception {
        Stream stream = new Stream();
        WebSocket.Builder builder = http.newWebSocketBuilder();
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        stream.socket = builder.buildAsync(URI.create("ws://localhost:" + httpPort + path), stream)
                .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        return stream;
    }

    /** A client of a stream: its messages as JSON, and the status it was closed with. */
    static final class Stream implements WebSocket.Listener {

        final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private final StringBuilder text = new StringBuilder();
        WebSocket socket;

        JsonNode next() throws Exception {
            String message = messages.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(message).as("a message within " + WAIT).isNotNull();
            return JSON.readTree(message);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                messages.add(text.toString());
                text.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.completeExceptionally(error);
        }
    }
}
