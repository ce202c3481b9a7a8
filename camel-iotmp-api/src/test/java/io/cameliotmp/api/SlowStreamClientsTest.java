package io.cameliotmp.api;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import io.cameliotmp.device.IotmpDevice;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Stream clients that stop reading (raw sockets with a small receive buffer that never read, while large samples or
 * events fill the sockets' buffers) must not delay the other clients of the same kind of stream: the normal client
 * keeps receiving while the slow ones are stuck, and the slow ones are closed after {@code stream-send-timeout} and
 * counted. Resource streams as Server-Sent Events and over WebSocket, and device events. An application of its own
 * with a short send timeout and small socket buffers on the web server (as {@link DeviceSessionSocketLimitsTest});
 * hence its own IOTMP port.
 */
@TestPropertySource(properties = "camel.iotmp.api.stream-send-timeout=" + SlowStreamClientsTest.SEND_TIMEOUT)
@Import(DeviceSessionSocketLimitsTest.SmallSendBuffer.class)
class SlowStreamClientsTest extends OwnApplicationTestSupport {

    /**
     * Long enough that the normal client gets its items well before the slow ones are closed, even on a loaded
     * machine; shorter than WebSocket's own write timeout (20 s), which would otherwise close the slow clients. (A
     * Server-Sent Events connection gets this one as its write timeout: the stuck writes fail after it too.)
     */
    static final String SEND_TIMEOUT = "10s";
    /** More clients that stop reading than the shared sender threads there were (two). */
    private static final int SLOW_CLIENTS = 3;
    /** Samples or events pushed to fill the slow clients' socket buffers: 64 of 8 KiB, many times the buffers. */
    private static final int FILLING = 64;
    private static final String PAD = "x".repeat(8 * 1024);
    private static final String BIG = "/v3/users/demo/devices/dev-1/resources/big/";

    @Autowired
    DeviceStreamController sseStreams;

    @Autowired
    DeviceStreamSocket socketStreams;

    @Autowired
    DeviceEvents events;

    @Autowired
    ApiMetrics metrics;

    @Autowired
    CamelContext camel;

    private final List<AutoCloseable> open = new ArrayList<>();
    private volatile String bigValue = "0:";

    @AfterEach
    void closeClients() throws Exception {
        for (AutoCloseable client : open) {
            client.close();
        }
        open.clear();
    }

    @Test
    void slowSseClientsDoNotDelayTheOthersAndAreClosed() throws Exception {
        IotmpDevice device = connect("demo", "dev-1", "secret-1", d -> d.resource("big").output(() -> bigValue));
        BlockingQueue<JsonNode> normal = readEvents(BIG + "stream", "sample");
        List<Socket> slow = new ArrayList<>();
        for (int i = 0; i < SLOW_CLIENTS; i++) {
            // the answer's head comes with the first sample
            slow.add(notReading(BIG + "stream", "Accept: text/event-stream\r\n", null));
        }
        await("all streams open").atMost(WAIT).until(() -> sseStreams.openStreams() == 1 + SLOW_CLIENTS);

        proveIndependence(normal, seq -> push(device, seq), sseStreams::openStreams, sseStreams::slowClientsClosed);
        assertThat(counted("iotmp.api.sse.streams.slow.closed")).isEqualTo(SLOW_CLIENTS);

        // once the client takes the write that was stuck, the response ends, and the stream's place is free
        for (Socket client : slow) {
            awaitChunkedEndOrEnd(client.getInputStream());
        }
        await("only the normal stream open").atMost(WAIT).until(() -> sseStreams.openStreams() == 1);
    }

    @Test
    void slowWebSocketClientsDoNotDelayTheOthersAndAreClosed() throws Exception {
        IotmpDevice device = connect("demo", "dev-1", "secret-1", d -> d.resource("big").output(() -> bigValue));
        DeviceStreamSocketTest.Stream normalSocket = new DeviceStreamSocketTest.Stream();
        normalSocket.socket = http.newWebSocketBuilder().header("Authorization", "Bearer " + ALL)
                .buildAsync(URI.create("ws://localhost:" + httpPort + BIG + "ws"), normalSocket)
                .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        open.add(() -> normalSocket.socket.abort());
        BlockingQueue<JsonNode> normal = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try {
                while (true) {
                    JsonNode message = normalSocket.next();
                    normal.add(message.path("data"));
                }
            } catch (Exception | AssertionError e) {
                // the test ended
            }
        }, "normal-ws-client");
        reader.setDaemon(true);
        reader.start();
        List<Socket> slow = new ArrayList<>();
        for (int i = 0; i < SLOW_CLIENTS; i++) {
            slow.add(notReading(BIG + "ws", "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                                            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                            + "Sec-WebSocket-Version: 13\r\n", "HTTP/1.1 101"));
        }
        await("all streams open").atMost(WAIT).until(() -> socketStreams.openStreams() == 1 + SLOW_CLIENTS);

        proveIndependence(normal, seq -> push(device, seq), socketStreams::openStreams,
                socketStreams::slowClientsClosed);
        assertThat(counted("iotmp.api.websocket.streams.slow.closed")).isEqualTo(SLOW_CLIENTS);
        await("only the normal stream open").atMost(WAIT).until(() -> socketStreams.openStreams() == 1);
        for (Socket client : slow) {
            DeviceSessionSocketLimitsTest.awaitPolicyCloseOrEnd(client.getInputStream());
        }
    }

    @Test
    void slowEventSubscribersDoNotDelayTheOthersAndAreClosed() throws Exception {
        await("subscriptions of other tests ended").atMost(WAIT).until(() -> {
            events.beatAll();
            return events.subscribed() == 0;
        });
        BlockingQueue<JsonNode> normal = readEvents("/v3/users/demo/events", "connected");
        List<Socket> slow = new ArrayList<>();
        for (int i = 0; i < SLOW_CLIENTS; i++) {
            slow.add(notReading("/v3/users/demo/events", "Accept: text/event-stream\r\n", "HTTP/1.1 200"));
        }
        await("all subscribed").atMost(WAIT).until(() -> events.subscribed() == 1 + SLOW_CLIENTS);

        proveIndependence(normal, this::publish, events::subscribed, events::slowClientsClosed);
        assertThat(counted("iotmp.api.event.streams.slow.closed")).isEqualTo(SLOW_CLIENTS);

        for (Socket client : slow) {
            awaitChunkedEndOrEnd(client.getInputStream());
        }
        await("only the normal subscriber left").atMost(WAIT).until(() -> events.subscribed() == 1);
    }

    /**
     * Pushes {@link #FILLING} large items (each numbered in its {@code seq}), which the slow clients cannot take: the
     * normal client gets the last of them and more while the slow ones are stuck (still open, none closed: the web
     * server's own write timeout, which would free a thread held by a slow client, has not passed either); then the
     * slow ones are closed and counted.
     *
     * @param push        pushes the item numbered so; false when it went nowhere (the stream is not open at the device
     *                    yet)
     * @param openClients how many clients are open
     */
    private void proveIndependence(BlockingQueue<JsonNode> normal, IntPredicate push, IntSupplier openClients,
                                   Supplier<Long> slowClosed) throws InterruptedException {
        await("the normal client gets a first item").atMost(WAIT).until(() -> push.test(0) && !normal.isEmpty());
        for (int seq = 1; seq <= FILLING; seq++) {
            assertThat(push.test(seq)).isTrue();
        }
        awaitSeq(normal, FILLING);
        // the slow clients are stuck now, the normal one still gets what comes
        assertThat(push.test(FILLING + 1)).isTrue();
        awaitSeq(normal, FILLING + 1);
        assertThat(slowClosed.get()).as("slow clients closed").isZero();
        assertThat(openClients.getAsInt()).as("clients open").isEqualTo(1 + SLOW_CLIENTS);

        await("the slow clients closed").atMost(WAIT).until(() -> slowClosed.get() == SLOW_CLIENTS);
        assertThat(push.test(FILLING + 2)).isTrue();
        awaitSeq(normal, FILLING + 2);
    }

    /** Takes items until the one numbered {@code seq}; the normal client may lose older ones, never the latest. */
    private static void awaitSeq(BlockingQueue<JsonNode> items, int seq) throws InterruptedException {
        while (true) {
            JsonNode item = items.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(item).as("item " + seq + " within " + WAIT).isNotNull();
            if (seq(item) >= seq) {
                return;
            }
        }
    }

    private static int seq(JsonNode item) {
        if (item.has("seq")) {
            return item.path("seq").asInt();
        }
        // a sample: its value is "seq:padding"
        String value = item.path("value").asText();
        return Integer.parseInt(value.substring(0, value.indexOf(':')));
    }

    /** A change of the device's resource {@code big}, numbered {@code seq}, on its on-change streams. */
    private boolean push(IotmpDevice device, int seq) {
        bigValue = seq + ":" + PAD;
        return device.streamChanged("big", bigValue);
    }

    /** Publishes a device event of the server numbered {@code seq}. */
    private boolean publish(int seq) {
        events.publish(deviceEvent(camel, seq, PAD));
        return true;
    }

    /** A client that never reads (not even the answer's head, when {@code status} is null), closed after the test. */
    private Socket notReading(String path, String headers, String status) throws IOException {
        Socket socket = DeviceSessionSocketLimitsTest.openNotReading(httpPort, path, headers, status);
        open.add(socket);
        return socket;
    }

    /**
     * A normal client of Server-Sent Events: the data of each event named {@code event}, read as it comes. The
     * answer's head may come only with the first event.
     */
    private BlockingQueue<JsonNode> readEvents(String path, String event) {
        CompletableFuture<HttpResponse<InputStream>> answer = http.sendAsync(request(path)
                .header("Accept", "text/event-stream").GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        open.add(() -> {
            if (!answer.cancel(true) && !answer.isCompletedExceptionally()) {
                answer.join().body().close();
            }
        });
        BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try {
                HttpResponse<InputStream> response = answer.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                assertThat(response.statusCode()).isEqualTo(200);
                BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(),
                        StandardCharsets.UTF_8));
                String name = null;
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    if (line.startsWith("event:")) {
                        name = line.substring("event:".length());
                    } else if (line.startsWith("data:") && event.equals(name)) {
                        received.add(JSON.readTree(line.substring("data:".length())));
                    }
                }
            } catch (Exception | AssertionError e) {
                // closed by the test; or no answer, which the test notices as no events
            }
        }, "normal-sse-client");
        reader.setDaemon(true);
        reader.start();
        return received;
    }

    private double counted(String counter) {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        metrics.bindTo(meters);
        return meters.get(counter).functionCounter().count();
    }

    /**
     * Reads the raw response until its last chunk ({@code 0} CRLF CRLF, which SSE's LF-separated text cannot hold)
     * or the end of the connection (its stuck write timed out: the server closed it), a reset included; the socket's
     * read timeout fails the test if none comes.
     */
    private static void awaitChunkedEndOrEnd(InputStream raw) throws IOException {
        InputStream in = new java.io.BufferedInputStream(raw);
        byte[] end = "\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        int matched = 0;
        try {
            for (int b = in.read(); b >= 0; b = in.read()) {
                matched = b == end[matched] ? matched + 1 : b == end[0] ? 1 : 0;
                if (matched == end.length) {
                    return;
                }
            }
        } catch (java.net.SocketException reset) {
            // closed with data unread: an end too
        }
    }
}
