package io.cameliotmp.api;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.cameliotmp.device.ResourceKind;
import io.cameliotmp.test.ClientWebSocketFrames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A WebSocket client that sends nothing, not even the pong that answers the server's ping, is closed after
 * {@code websocket-idle-timeout} (1001) and counted: Tomcat has no idle timeout of its own on WebSocket connections,
 * and the server writes nothing to an idle terminal, so a client gone without a word (or one that sends the start of
 * a message and never its end) kept its place, its connection and the device's shell for ever. A client that answers
 * the pings, as browsers and WebSocket libraries do by themselves, stays however long it sends nothing else. The
 * timeout is short here, but leaves a client several seconds to answer a ping.
 */
@TestPropertySource(properties = {"camel.iotmp.api.websocket-idle-timeout=" + WebSocketIdleTimeoutTest.IDLE_SECONDS
                                  + "s", "camel.iotmp.api.max-share-per-user=1"})
class WebSocketIdleTimeoutTest extends OwnApplicationTestSupport {

    static final int IDLE_SECONDS = 9;
    private static final String SESSION = "/v3/users/demo/devices/dev-1/sessions/terminal";
    /** A stream with a sample an hour: nothing but the server's pings goes to its client. */
    private static final String STREAM = "/v3/users/demo/devices/dev-1/resources/counter/ws?interval=3600";

    @Autowired
    DeviceSessionSocket sessions;

    @Autowired
    DeviceStreamSocket streams;

    @Autowired
    ApiMetrics metrics;

    @BeforeEach
    void connectDevice() throws Exception {
        // a terminal that prints nothing, as an idle shell does, and a stream
        connect("demo", "dev-1", "secret-1", device -> {
            device.resource("$terminal/:session").handler(ResourceKind.INPUT_OUTPUT, request -> null);
            device.resource("counter").output(() -> 1);
        });
        await("sockets of other tests closed").atMost(WAIT)
                .until(() -> sessions.openSessions() == 0 && streams.openStreams() == 0);
    }

    @Test
    void aSessionClientThatSendsNothingIsPingedThenClosed() throws Exception {
        long before = sessions.idleClientsClosed();
        try (Socket silent = openSilent(SESSION)) {
            await("the session open").atMost(WAIT).until(() -> sessions.openSessions() == 1);
            // the start of a message whose end never comes (binary, FIN not set): not something heard
            silent.getOutputStream().write(ClientWebSocketFrames.frame(0x02, true,
                    "ls".getBytes(StandardCharsets.US_ASCII)));

            List<Integer> opcodes = readFramesUntilClose(silent);

            assertThat(opcodes).as("the server's ping, then its close").contains(0x9);
            assertThat(opcodes.get(opcodes.size() - 1)).as("close code").isEqualTo(1001);
            await("the session closed and counted").atMost(WAIT)
                    .until(() -> sessions.openSessions() == 0 && sessions.idleClientsClosed() == before + 1);
        }
        assertThat(meters().get("iotmp.api.sessions.idle.closed").functionCounter().count()).isEqualTo(before + 1.0);
    }

    @Test
    void aStreamClientThatSendsNothingIsClosed() throws Exception {
        long before = streams.idleClientsClosed();
        try (Socket silent = openSilent(STREAM)) {
            await("the stream open").atMost(WAIT).until(() -> streams.openStreams() == 1);

            List<Integer> opcodes = readFramesUntilClose(silent);

            assertThat(opcodes.get(opcodes.size() - 1)).as("close code").isEqualTo(1001);
            await("the stream closed and counted").atMost(WAIT)
                    .until(() -> streams.openStreams() == 0 && streams.idleClientsClosed() == before + 1);
        }
        assertThat(meters().get("iotmp.api.websocket.streams.idle.closed").functionCounter().count())
                .isEqualTo(before + 1.0);
    }

    @Test
    void clientsThatAnswerPingsStayThoughTheySendNothingElse() throws Exception {
        long sessionsBefore = sessions.idleClientsClosed();
        long streamsBefore = streams.idleClientsClosed();
        PingCounter session = new PingCounter();
        PingCounter stream = new PingCounter();
        WebSocket sessionSocket = open(SESSION, session);
        WebSocket streamSocket = open(STREAM, stream);

        // a ping comes once a third of the timeout has passed in silence: four answered pings are longer than it
        await("four pings answered").atMost(WAIT.multipliedBy(2))
                .until(() -> session.pings.get() >= 4 && stream.pings.get() >= 4);

        assertThat(session.closeCode).hasValue(0);
        assertThat(stream.closeCode).hasValue(0);
        assertThat(sessions.openSessions()).isEqualTo(1);
        assertThat(streams.openStreams()).isEqualTo(1);
        assertThat(sessions.idleClientsClosed()).isEqualTo(sessionsBefore);
        assertThat(streams.idleClientsClosed()).isEqualTo(streamsBefore);
        sessionSocket.abort();
        streamSocket.abort();
    }

    private SimpleMeterRegistry meters() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        metrics.bindTo(meters);
        return meters;
    }

    private WebSocket open(String path, PingCounter listener) throws Exception {
        return http.newWebSocketBuilder().header("Authorization", "Bearer " + ALL)
                .buildAsync(URI.create("ws://localhost:" + httpPort + path), listener)
                .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** A raw WebSocket client, upgraded, that answers nothing. */
    private Socket openSilent(String path) throws IOException {
        Socket socket = DeviceSessionSocketLimitsTest.openNotReading(httpPort, path,
                "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\n", "HTTP/1.1 101");
        socket.setSoTimeout((int) WAIT.multipliedBy(2).toMillis());
        return socket;
    }

    /**
     * The opcodes of the frames the server sends until its close frame, whose code comes last; the end of the stream
     * instead fails, and so does waiting longer than twice {@link #WAIT} (the server's pings would keep a read
     * timeout from ever passing), after which the socket is closed.
     */
    private static List<Integer> readFramesUntilClose(Socket socket) throws Exception {
        CompletableFuture<List<Integer>> frames = CompletableFuture.supplyAsync(() -> {
            try {
                return readFrames(socket.getInputStream());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        try {
            return frames.get(WAIT.multipliedBy(2).toMillis(), TimeUnit.MILLISECONDS);
        } finally {
            socket.close();
        }
    }

    private static List<Integer> readFrames(InputStream raw) throws IOException {
        DataInputStream in = new DataInputStream(raw);
        List<Integer> opcodes = new ArrayList<>();
        while (true) {
            int first = in.readUnsignedByte();
            int length = in.readUnsignedByte() & 0x7f;
            long payload = length == 126 ? in.readUnsignedShort() : length == 127 ? in.readLong() : length;
            byte[] bytes = new byte[(int) payload];
            in.readFully(bytes);
            int opcode = first & 0x0f;
            opcodes.add(opcode);
            if (opcode == 0x8) {
                opcodes.add(bytes.length >= 2 ? (bytes[0] & 0xff) << 8 | bytes[1] & 0xff : 0);
                return opcodes;
            }
        }
    }

    /** A client that reads everything and counts the pings, which Java's WebSocket answers by itself. */
    static final class PingCounter implements WebSocket.Listener {

        final AtomicInteger pings = new AtomicInteger();
        final AtomicInteger closeCode = new AtomicInteger();

        @Override
        public CompletionStage<?> onPing(WebSocket socket, ByteBuffer message) {
            pings.incrementAndGet();
            return WebSocket.Listener.super.onPing(socket, message);
        }

        @Override
        public CompletionStage<?> onClose(WebSocket socket, int statusCode, String reason) {
            closeCode.set(statusCode);
            return null;
        }
    }
}
