package io.cameliotmp.api;

import java.net.URI;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.device.ResourceKind;
import io.cameliotmp.device.ResourceRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** A terminal session over WebSocket with a device whose {@code $terminal} echoes what it is sent. */
class DeviceSessionSocketTest extends ApiTestSupport {

    /** What the device's terminal was sent, with the session's parameters. */
    private final BlockingQueue<ResourceRequest> typed = new LinkedBlockingQueue<>();

    @Autowired
    DeviceSessionSocket sessions;

    /** The device whose terminal echoes. */
    private IotmpDevice echo;

    @BeforeEach
    void connectEchoingTerminal() throws Exception {
        echo = connect("demo", "dev-2", "secret-2", device -> device.resource("$terminal/:session")
                .handler(ResourceKind.INPUT_OUTPUT, request -> {
                    if (request.describeMode()) {
                        return null;
                    }
                    if (request.input() instanceof byte[] bytes) {
                        typed.add(request);
                        // what a shell's echo does: the typed bytes come back on the session's stream
                        request.device().stream(request.path(), bytes);
                    }
                    return null;
                }));
    }

    @Test
    void bytesTypedComeBackFromTheDeviceAndClosingEndsTheDeviceStream() throws Exception {
        Client client = new Client();
        WebSocket socket = http.newWebSocketBuilder().header("Authorization", "Bearer " + ALL)
                .buildAsync(ws("/v3/users/demo/devices/dev-2/sessions/terminal?cols=100&rows=30"), client)
                .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);

        assertThat(client.texts.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).contains("\"event\":\"open\"");
        assertThat(sessions.openSessions()).isEqualTo(1);

        socket.sendBinary(ByteBuffer.wrap("ls -l\r".getBytes(StandardCharsets.US_ASCII)), true);
        ResourceRequest input = typed.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(input).isNotNull();
        assertThat(input.parameters()).isEqualTo(Map.of("cols", 100L, "rows", 30L));
        assertThat(input.path()).startsWith("$terminal/");
        assertThat(new String(client.bytes.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS), StandardCharsets.US_ASCII))
                .isEqualTo("ls -l\r");

        socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        await("session closed").atMost(WAIT).until(() -> sessions.openSessions() == 0);
    }

    @Test
    void manySmallMessagesReachTheDeviceWholeAndInOrderThoseSentBeforeTheOpenFirst() throws Exception {
        await("sessions of other tests closed").atMost(WAIT).until(() -> sessions.openSessions() == 0);
        // the device reads nothing (its START_STREAM included) until released: the first messages wait for the open
        CountDownLatch release = holdEventLoop(echo);
        java.io.ByteArrayOutputStream sent = new java.io.ByteArrayOutputStream();
        Client client = new Client();
        WebSocket socket;
        try {
            socket = http.newWebSocketBuilder().header("Authorization", "Bearer " + ALL)
                    .buildAsync(ws("/v3/users/demo/devices/dev-2/sessions/terminal"), client)
                    .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            sendOneByteMessages(socket, sent, 0, 300);
        } finally {
            release.countDown();
        }
        assertThat(client.texts.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).contains("\"event\":\"open\"");
        sendOneByteMessages(socket, sent, 300, 3000);

        // the terminal echoes what it gets: all of it, in the order typed
        java.io.ByteArrayOutputStream echoed = new java.io.ByteArrayOutputStream();
        while (echoed.size() < sent.size()) {
            byte[] chunk = client.bytes.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(chunk).as("echoed so far: %d of %d bytes", echoed.size(), sent.size()).isNotNull();
            echoed.writeBytes(chunk);
        }
        assertThat(echoed.toString(StandardCharsets.US_ASCII)).isEqualTo(sent.toString(StandardCharsets.US_ASCII));
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        await("session closed").atMost(WAIT).until(() -> sessions.openSessions() == 0);
    }

    /** Holds the device's event loop until the latch returned is counted down: it reads nothing meanwhile. */
    private static CountDownLatch holdEventLoop(IotmpDevice device) throws InterruptedException {
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        device.eventLoop().execute(() -> {
            held.countDown();
            try {
                release.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(held.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        return release;
    }

    /** Sends the messages {@code from} to {@code to}, one byte each (a letter), each after the previous. */
    private static void sendOneByteMessages(WebSocket socket, java.io.ByteArrayOutputStream sent, int from, int to)
            throws Exception {
        for (int i = from; i < to; i++) {
            byte[] letter = {(byte) ('a' + i % 26)};
            sent.writeBytes(letter);
            socket.sendBinary(ByteBuffer.wrap(letter), true).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Test
    void aClientThatLeavesBeforeTheDeviceOpenedItsSessionLeavesNoStreamOpenOnTheDevice() throws Exception {
        CountDownLatch startedOnDevice = new CountDownLatch(1);
        IotmpDevice device = connect("demo", "dev-1", "secret-1", d -> d.resource("$terminal/:session")
                .handler(ResourceKind.INPUT_OUTPUT, request -> {
                    // a stream's start reads the resource once, without input
                    if (request.describeMode() && request.path().startsWith("$terminal/")) {
                        startedOnDevice.countDown();
                    }
                    return null;
                }));
        await("sessions of other tests closed").atMost(WAIT).until(() -> sessions.openSessions() == 0);
        // the device reads nothing (its START_STREAM included) until released: as one far away would answer late
        CountDownLatch release = holdEventLoop(device);
        try {
            WebSocket socket = http.newWebSocketBuilder().header("Authorization", "Bearer " + ALL)
                    .buildAsync(ws("/v3/users/demo/devices/dev-1/sessions/terminal"), new Client())
                    .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            await("session admitted").atMost(WAIT).until(() -> sessions.openSessions() == 1);
            socket.abort();
            await("session closed").atMost(WAIT).until(() -> sessions.openSessions() == 0);
        } finally {
            release.countDown();
        }
        assertThat(startedOnDevice.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("the device opened it").isTrue();
        // an empty chunk on every stream open on the resource (none should be): true while one is
        await("the server stopped the stream the device opened for the client gone").atMost(WAIT)
                .until(() -> !device.stream("$terminal/:session", new byte[0]));
    }

    @Test
    void aSessionNeedsATokenWithTheSessionAction() {
        assertThatThrownBy(() -> http.newWebSocketBuilder()
                .buildAsync(ws("/v3/users/demo/devices/dev-2/sessions/terminal"), new Client()).join())
                .isInstanceOf(CompletionException.class)
                .cause().isInstanceOfSatisfying(WebSocketHandshakeException.class,
                        e -> assertThat(e.getResponse().statusCode()).isEqualTo(401));
        assertThatThrownBy(() -> http.newWebSocketBuilder()
                .buildAsync(ws("/v3/users/demo/devices/dev-2/sessions/terminal?authorization=test-token-reader"),
                        new Client()).join())
                .cause().isInstanceOfSatisfying(WebSocketHandshakeException.class,
                        e -> assertThat(e.getResponse().statusCode()).isEqualTo(403));
    }

    private URI ws(String path) {
        return URI.create("ws://localhost:" + httpPort + path);
    }

    /** Collects what the server sends. */
    static final class Client implements WebSocket.Listener {

        final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
        final BlockingQueue<byte[]> bytes = new LinkedBlockingQueue<>();
        /** The server's close code, 0 while open. */
        final java.util.concurrent.atomic.AtomicInteger closeCode = new java.util.concurrent.atomic.AtomicInteger();
        private final StringBuilder text = new StringBuilder();
        private java.io.ByteArrayOutputStream binary = new java.io.ByteArrayOutputStream();

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                texts.add(text.toString());
                text.setLength(0);
            }
            socket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket socket, int statusCode, String reason) {
            closeCode.set(statusCode);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket socket, ByteBuffer data, boolean last) {
            byte[] chunk = new byte[data.remaining()];
            data.get(chunk);
            binary.writeBytes(chunk);
            if (last) {
                bytes.add(binary.toByteArray());
                binary = new java.io.ByteArrayOutputStream();
            }
            socket.request(1);
            return null;
        }
    }
}
