package io.cameliotmp.api;

import java.net.URI;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A resource stream over WebSocket ignores what its client sends, binary messages included, as documented. Before,
 * a binary message closed the stream with 1003 (the text handler's default), on the web server's thread and with a
 * blocking close, bounded only by the send timeout for a client that does not read.
 */
class StreamSocketIgnoresWhatTheClientSendsTest extends ApiTestSupport {

    private final AtomicInteger reads = new AtomicInteger();

    @Autowired
    DeviceStreamSocket streams;

    @Test
    void aBinaryMessageLeavesTheStreamOpen() throws Exception {
        connect("demo", "dev-1", "secret-1", device -> device.resource("counter").output(reads::incrementAndGet));
        Client client = new Client();
        WebSocket socket = http.newWebSocketBuilder().header("Authorization", "Bearer " + ALL)
                .buildAsync(URI.create("ws://localhost:" + httpPort
                        + "/v3/users/demo/devices/dev-1/resources/counter/ws?interval=1"), client)
                .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(client.texts.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).contains("\"event\":\"sample\"");

        socket.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}), true).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        socket.sendText("and some text", true).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        // the server reads a client's frames in order: the pong to this ping comes after the messages were handled
        socket.sendPing(ByteBuffer.wrap("after".getBytes(StandardCharsets.US_ASCII)))
                .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        await("the pong, or the close").atMost(WAIT).until(() -> client.pongs.get() > 0 || client.closeCode.get() != 0);

        assertThat(client.closeCode.get()).as("close code").isZero();
        assertThat(client.texts.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).contains("\"event\":\"sample\"");
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        await("stream closed").atMost(WAIT).until(() -> streams.openStreams() == 0);
    }

    /** Collects what the server sends. */
    private static final class Client implements WebSocket.Listener {

        final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
        final AtomicInteger pongs = new AtomicInteger();
        final AtomicInteger closeCode = new AtomicInteger();
        private final StringBuilder text = new StringBuilder();

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
        public CompletionStage<?> onPong(WebSocket socket, ByteBuffer message) {
            pongs.incrementAndGet();
            socket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket socket, int statusCode, String reason) {
            closeCode.set(statusCode);
            return null;
        }
    }
}
