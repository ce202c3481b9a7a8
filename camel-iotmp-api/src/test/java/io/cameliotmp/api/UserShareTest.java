package io.cameliotmp.api;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.device.ResourceKind;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One access token must not take every place of a cap and lock the other users out: with caps of two and the default
 * {@code max-share-per-user} (0.5), a user holds one place of each kind, is refused a second (as beyond the cap: 503,
 * WebSocket close 1013, counted in {@code iotmp.api.user.share.refused}) while another user still gets the other, and
 * gets its place again once it gave one back. Before the share, the first user took both. Event streams, downloads and
 * uploads are shared likewise ({@link DeviceEventsTest}, {@link FileDownloadTest}, {@link FileUploadTest}). An
 * application of its own, with small caps and a grace for slow bodies far longer than the test (a firmware upload
 * holds its place while its image arrives).
 */
@TestPropertySource(properties = {"camel.iotmp.api.max-sessions=2", "camel.iotmp.api.max-websocket-streams=2",
    "camel.iotmp.api.max-sse-streams=2", "camel.iotmp.api.max-firmware-updates=2",
    "camel.iotmp.api.body-read-timeout=10m"})
class UserShareTest extends OwnApplicationTestSupport {

    private static final String OTHER = "test-token-other";

    @Autowired
    DeviceSessionSocket sessions;

    @Autowired
    DeviceStreamSocket socketStreams;

    @Autowired
    DeviceStreamController sseStreams;

    @Autowired
    FirmwareUploads firmware;

    @Autowired
    ApiMetrics metrics;

    @Test
    void aUserHoldsItsShareOfTheSessions() throws Exception {
        connect("demo", "dev-1", "secret-1", device -> device.resource("$terminal/:session")
                .handler(ResourceKind.INPUT_OUTPUT, request -> null));
        connect("other", "dev-9", "secret-9", device -> device.resource("$terminal/:session")
                .handler(ResourceKind.INPUT_OUTPUT, request -> null));
        double refusedBefore = refusedByShare(metrics, "sessions");
        Client first = openSocket("/v3/users/demo/devices/dev-1/sessions/terminal", ALL);
        assertThat(first.next()).contains("\"event\":\"open\"");

        Client second = openSocket("/v3/users/demo/devices/dev-1/sessions/terminal", ALL);
        assertThat(second.closed.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(1013);
        assertThat(second.reason).contains("of this user");
        assertThat(refusedByShare(metrics, "sessions")).isEqualTo(refusedBefore + 1);

        // the other user still gets the cap's other place
        Client others = openSocket("/v3/users/other/devices/dev-9/sessions/terminal", OTHER);
        assertThat(others.next()).contains("\"event\":\"open\"");
        assertThat(sessions.openSessions()).isEqualTo(2);

        first.socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        await("demo's session closed").atMost(WAIT).until(() -> sessions.slots().heldBy("demo") == 0);
        Client again = openSocket("/v3/users/demo/devices/dev-1/sessions/terminal", ALL);
        assertThat(again.next()).contains("\"event\":\"open\"");

        again.socket.abort();
        others.socket.abort();
        await("sessions closed").atMost(WAIT).until(() -> sessions.openSessions() == 0);
        assertThat(sessions.slots().users()).isZero();
    }

    @Test
    void aUserHoldsItsShareOfTheWebSocketStreams() throws Exception {
        connect("demo", "dev-1", "secret-1", device -> device.resource("counter").output(() -> 1));
        connect("other", "dev-9", "secret-9", device -> device.resource("counter").output(() -> 1));
        double refusedBefore = refusedByShare(metrics, "websocket-streams");
        // on change: the streams stay open without samples while the devices report none
        Client first = openSocket("/v3/users/demo/devices/dev-1/resources/counter/ws", ALL);
        await("demo's stream open").atMost(WAIT).until(() -> socketStreams.openStreams() == 1);

        Client second = openSocket("/v3/users/demo/devices/dev-1/resources/counter/ws", ALL);
        String failed = second.next();
        assertThat(failed).contains("\"event\":\"failed\"", "503", "max-share-per-user");
        assertThat(second.closed.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(1013);
        assertThat(refusedByShare(metrics, "websocket-streams")).isEqualTo(refusedBefore + 1);

        Client others = openSocket("/v3/users/other/devices/dev-9/resources/counter/ws", OTHER);
        await("the other user's stream open").atMost(WAIT).until(() -> socketStreams.openStreams() == 2);
        assertThat(others.closed).isNotDone();

        first.socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        await("demo's stream closed").atMost(WAIT).until(() -> socketStreams.slots().heldBy("demo") == 0);
        Client again = openSocket("/v3/users/demo/devices/dev-1/resources/counter/ws", ALL);
        await("demo's stream open again").atMost(WAIT).until(() -> socketStreams.openStreams() == 2);
        assertThat(again.closed).isNotDone();

        again.socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        others.socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        await("streams closed").atMost(WAIT).until(() -> socketStreams.openStreams() == 0);
        assertThat(socketStreams.slots().users()).isZero();
    }

    @Test
    void aUserHoldsItsShareOfTheSseStreams() throws Exception {
        connect("demo", "dev-1", "secret-1", device -> device.resource("counter").output(() -> 1));
        connect("other", "dev-9", "secret-9", device -> device.resource("counter").output(() -> 1));
        double refusedBefore = refusedByShare(metrics, "sse-streams");
        String demoStream = "/v3/users/demo/devices/dev-1/resources/counter/stream?interval=1";
        InputStream first = openSse(demoStream, ALL);

        Answer second = sendExpectingRefusal(request(demoStream, ALL).header("Accept", "text/event-stream").GET());
        assertThat(second.status()).isEqualTo(503);
        assertThat(second.json().path("message").asText()).contains("user demo", "max-share-per-user");
        assertThat(refusedByShare(metrics, "sse-streams")).isEqualTo(refusedBefore + 1);

        InputStream others = openSse("/v3/users/other/devices/dev-9/resources/counter/stream?interval=1", OTHER);
        assertThat(sseStreams.openStreams()).isEqualTo(2);

        // the client's leaving is noticed at the next sample, and frees its place
        first.close();
        await("demo's stream closed").atMost(WAIT).until(() -> sseStreams.slots().heldBy("demo") == 0);
        InputStream again = openSse(demoStream, ALL);

        again.close();
        others.close();
        await("streams closed").atMost(WAIT).until(() -> sseStreams.openStreams() == 0);
        assertThat(sseStreams.slots().users()).isZero();
    }

    @Test
    void aUserHoldsItsShareOfTheFirmwareUpdates() throws Exception {
        double refusedBefore = refusedByShare(metrics, "firmware-updates");
        try (Socket first = holdFirmwareUpload("demo", "dev-a", "test-token-firmware")) {
            // another device of the same user: only the user's share can refuse it
            Answer second = send(request("/v3/users/demo/devices/dev-b/firmware", "test-token-firmware")
                    .header("Content-Type", DeviceApiRoutes.OCTET_STREAM)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[1000])));
            assertThat(second.status()).as(second.text()).isEqualTo(503);
            assertThat(second.json().path("message").asText()).contains("user demo", "max-share-per-user");
            assertThat(refusedByShare(metrics, "firmware-updates")).isEqualTo(refusedBefore + 1);

            try (Socket others = holdFirmwareUpload("other", "dev-c", "test-token-other-firmware")) {
                assertThat(firmware.running()).isEqualTo(2);
            }
        }
        // the clients left mid-image: their uploads fail and give their places back
        await("the uploads' places released").atMost(WAIT).until(() -> firmware.running() == 0);
        assertThat(firmware.slots().users()).isZero();
        try (Socket again = holdFirmwareUpload("demo", "dev-b", "test-token-firmware")) {
            assertThat(firmware.slots().heldBy("demo")).isEqualTo(1);
        }
        await("the last upload's place released").atMost(WAIT).until(() -> firmware.running() == 0);
    }

    /** Starts a firmware upload whose image never arrives whole while the socket is open; returns once admitted. */
    private Socket holdFirmwareUpload(String user, String device, String token) throws Exception {
        Socket socket = new Socket("127.0.0.1", httpPort);
        OutputStream out = socket.getOutputStream();
        out.write(("POST /v3/users/" + user + "/devices/" + device + "/firmware HTTP/1.1\r\nHost: 127.0.0.1:"
                   + httpPort + "\r\nAuthorization: Bearer " + token + "\r\nContent-Type: application/octet-stream"
                   + "\r\nContent-Length: 100000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(new byte[100]);
        out.flush();
        await(user + "'s upload reading its image").atMost(WAIT)
                .until(() -> firmware.updating(user + "/" + device));
        return socket;
    }

    /** Opens a stream as Server-Sent Events and reads up to its first sample. */
    private InputStream openSse(String path, String token) throws Exception {
        HttpResponse<InputStream> response = http.sendAsync(request(path, token).header("Accept", "text/event-stream")
                .GET().build(), HttpResponse.BodyHandlers.ofInputStream()).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(response.statusCode()).isEqualTo(200);
        BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
        String line;
        do {
            line = lines.readLine();
        } while (line != null && !line.startsWith("event:sample"));
        assertThat(line).as("a first sample").isNotNull();
        return response.body();
    }

    private Client openSocket(String path, String token) throws Exception {
        Client client = new Client();
        client.socket = http.newWebSocketBuilder().header("Authorization", "Bearer " + token)
                .buildAsync(URI.create("ws://localhost:" + httpPort + path), client)
                .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        return client;
    }

    /** A WebSocket client: its text messages, and the status and reason it was closed with. */
    static final class Client implements WebSocket.Listener {

        final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        volatile String reason;
        volatile WebSocket socket;
        private final StringBuilder text = new StringBuilder();

        String next() throws InterruptedException {
            String message = texts.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(message).as("a message within " + WAIT).isNotNull();
            return message;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                texts.add(text.toString());
                text.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String closeReason) {
            reason = closeReason;
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.completeExceptionally(error);
        }
    }
}
