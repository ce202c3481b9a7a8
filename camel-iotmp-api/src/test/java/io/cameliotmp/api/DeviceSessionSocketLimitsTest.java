package io.cameliotmp.api;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import io.cameliotmp.device.ResourceKind;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What a session client may make the server hold: a terminal client that stops reading while its device floods output
 * must not hold the IOTMP server's shared worker threads (it is closed once its output waits beyond the limit, and
 * other sessions keep working), and concurrent handshakes do not open more than {@code max-sessions}. An application
 * of its own, with a small {@code max-sessions} and small socket buffers on the web server so that a client that does
 * not read is noticed early; hence its own IOTMP port. One user fills the whole cap here
 * ({@code max-share-per-user=1}); {@link UserShareTest} has the users' shares of it.
 */
@TestPropertySource(properties = {"camel.iotmp.api.max-sessions=" + DeviceSessionSocketLimitsTest.MAX_SESSIONS,
    "camel.iotmp.api.session-send-timeout=2s", "camel.iotmp.api.max-share-per-user=1",
    "camel.iotmp.api.session-input-buffer=16KB"})
@Import(DeviceSessionSocketLimitsTest.SmallSendBuffer.class)
class DeviceSessionSocketLimitsTest extends OwnApplicationTestSupport {

    static final int MAX_SESSIONS = 4;

    @Autowired
    DeviceSessionSocket sessions;

    @Autowired
    ApiMetrics metrics;

    private final AtomicBoolean stopFlood = new AtomicBoolean();

    @Test
    void theInputBufferIsTheProperty() {
        // SessionMessageCostTest and DeviceInputTest check what the bound does
        assertThat(sessions.inputBufferBytes()).isEqualTo(16 * 1024);
    }
    private final AtomicInteger flooded = new AtomicInteger();

    /**
     * Reads the raw stream until a WebSocket close frame with status 1008 (bytes 88 nn 03 F0) or the end of the
     * stream; the socket's read timeout fails the test if neither comes. The flood is frames of 'y', in which that
     * byte sequence does not occur.
     */
    static void awaitPolicyCloseOrEnd(InputStream in) throws IOException {
        int[] last = new int[4];
        for (int b = in.read(); b >= 0; b = in.read()) {
            System.arraycopy(last, 1, last, 0, 3);
            last[3] = b;
            if (last[0] == 0x88 && last[2] == 0x03 && last[3] == 0xF0) {
                return;
            }
        }
    }

    @TestConfiguration
    static class SmallSendBuffer {
        @Bean
        WebServerFactoryCustomizer<TomcatServletWebServerFactory> smallSocketSendBuffer() {
            return factory -> factory.addConnectorCustomizers(
                    connector -> connector.setProperty("socket.txBufSize", "16384"));
        }
    }

    @AfterEach
    void stopFlood() {
        stopFlood.set(true);
    }

    @Test
    void aTerminalClientThatDoesNotReadIsClosedWithoutHoldingAnIotmpWorker() throws Exception {
        byte[] chunk = new byte[32 * 1024];
        Arrays.fill(chunk, (byte) 'y');
        // dev-1's shell prints without end once it gets input (as `yes` would), from a thread of the device's own
        connect("demo", "dev-1", "secret-1", device -> device.resource("$terminal/:session")
                .handler(ResourceKind.INPUT_OUTPUT, request -> {
                    if (!request.describeMode() && request.input() instanceof byte[]) {
                        Thread flood = new Thread(() -> {
                            while (!stopFlood.get() && flooded.get() < 1000) {
                                try {
                                    request.device().stream(request.path(), chunk);
                                    flooded.incrementAndGet();
                                } catch (RuntimeException e) {
                                    return;
                                }
                            }
                        }, "test-flood");
                        flood.setDaemon(true);
                        flood.start();
                    }
                    return null;
                }));
        // dev-2's terminal echoes: the well-behaved session next to the flooded one
        connect("demo", "dev-2", "secret-2", device -> device.resource("$terminal/:session")
                .handler(ResourceKind.INPUT_OUTPUT, request -> {
                    if (!request.describeMode() && request.input() instanceof byte[] bytes) {
                        request.device().stream(request.path(), bytes);
                    }
                    return null;
                }));
        DeviceSessionSocketTest.Client good = new DeviceSessionSocketTest.Client();
        WebSocket goodSocket = http.newWebSocketBuilder().header("Authorization", "Bearer " + ALL)
                .buildAsync(URI.create("ws://localhost:" + httpPort + "/v3/users/demo/devices/dev-2/sessions/terminal"),
                        good)
                .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(good.texts.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).contains("\"event\":\"open\"");

        Set<String> blockedWorkers = ConcurrentHashMap.newKeySet();
        long slowBefore = sessions.slowClientsClosed();
        try (Socket slow = openNotReading("/v3/users/demo/devices/dev-1/sessions/terminal")) {
            InputStream in = slow.getInputStream();
            await("the flood has begun").atMost(WAIT).until(() -> flooded.get() > 0);
            // meanwhile, the other session answers
            goodSocket.sendBinary(ByteBuffer.wrap("date\r".getBytes(StandardCharsets.US_ASCII)), true);
            assertThat(good.bytes.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).asString(StandardCharsets.US_ASCII)
                    .isEqualTo("date\r");

            await("the client that does not read is closed, no IOTMP worker waiting for it")
                    .atMost(WAIT).pollInterval(java.time.Duration.ofMillis(20)).untilAsserted(() -> {
                        blockedWorkers.addAll(workersInWebSocketSend());
                        assertThat(blockedWorkers).as("IOTMP workers seen blocked in a WebSocket send").isEmpty();
                        assertThat(sessions.slowClientsClosed()).isEqualTo(slowBefore + 1);
                        assertThat(sessions.openSessions()).isEqualTo(1);
                    });
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            metrics.bindTo(meters);
            assertThat(meters.get("iotmp.api.sessions.slow.closed").functionCounter().count())
                    .isEqualTo(slowBefore + 1.0);

            // once what was on its way has been read, the client gets the close frame (1008) or the connection's end:
            // Tomcat ends the connection when the close frame cannot be sent within the send timeout, else after
            // waiting for the client's answer to it, which this client never sends
            awaitPolicyCloseOrEnd(new BufferedInputStream(in));
        }
        assertThat(blockedWorkers).isEmpty();
        goodSocket.sendBinary(ByteBuffer.wrap("uptime\r".getBytes(StandardCharsets.US_ASCII)), true);
        assertThat(good.bytes.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).asString(StandardCharsets.US_ASCII)
                .isEqualTo("uptime\r");
    }

    @Test
    void aClientThatReadsNothingIsClosedAfterTheSendTimeoutThoughLittleWaits() throws Exception {
        byte[] chunk = new byte[32 * 1024];
        Arrays.fill(chunk, (byte) 'z');
        // 320 KiB: more than the sockets' buffers take, less than session-send-buffer
        connect("demo", "dev-1", "secret-1", device -> device.resource("$terminal/:session")
                .handler(ResourceKind.INPUT_OUTPUT, request -> {
                    if (!request.describeMode() && request.input() instanceof byte[]) {
                        Thread burst = new Thread(() -> {
                            for (int i = 0; i < 10 && !stopFlood.get(); i++) {
                                request.device().stream(request.path(), chunk);
                            }
                        }, "test-burst");
                        burst.setDaemon(true);
                        burst.start();
                    }
                    return null;
                }));
        await("sessions of other tests closed").atMost(WAIT).until(() -> sessions.openSessions() == 0);
        long slowBefore = sessions.slowClientsClosed();
        try (Socket slow = openNotReading("/v3/users/demo/devices/dev-1/sessions/terminal")) {
            await("the client that reads nothing is closed").atMost(WAIT)
                    .until(() -> sessions.slowClientsClosed() == slowBefore + 1 && sessions.openSessions() == 0);
        }
    }

    /** A raw WebSocket client that sends "go" once open, then reads nothing. */
    private Socket openNotReading(String path) throws IOException {
        Socket slow = openNotReading(httpPort, path, "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                                                     + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                                     + "Sec-WebSocket-Version: 13\r\n", "HTTP/1.1 101");
        // one masked binary frame "go"
        OutputStream out = slow.getOutputStream();
        out.write(new byte[] {(byte) 0x82, (byte) 0x82, 1, 2, 3, 4, 'g' ^ 1, 'o' ^ 2});
        out.flush();
        return slow;
    }

    /**
     * A raw client with a small receive buffer that sends {@code GET path} with the token {@link #ALL} and
     * {@code headers} (each ending with CRLF), checks that the answer starts with {@code status} (unless null), then
     * reads nothing unless the test does.
     */
    static Socket openNotReading(int httpPort, String path, String headers, String status) throws IOException {
        Socket slow = new Socket();
        slow.setReceiveBufferSize(1024);
        slow.connect(new InetSocketAddress("127.0.0.1", httpPort));
        slow.setSoTimeout((int) WAIT.toMillis());
        OutputStream out = slow.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n" + headers
                   + "Authorization: Bearer " + ALL + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        if (status != null) {
            assertThat(readHead(slow.getInputStream())).startsWith(status);
        }
        return slow;
    }

    @Test
    void concurrentHandshakesOpenAtMostMaxSessions() throws Exception {
        connect("demo", "dev-2", "secret-2", device -> device.resource("$terminal/:session")
                .handler(ResourceKind.INPUT_OUTPUT, request -> null));
        await("sessions of other tests closed").atMost(WAIT).until(() -> sessions.openSessions() == 0);
        int handshakes = 64;
        List<DeviceSessionSocketTest.Client> clients = new ArrayList<>();
        List<CompletableFuture<WebSocket>> sockets = new ArrayList<>();
        for (int i = 0; i < handshakes; i++) {
            DeviceSessionSocketTest.Client client = new DeviceSessionSocketTest.Client();
            clients.add(client);
            sockets.add(http.newWebSocketBuilder().header("Authorization", "Bearer " + ALL)
                    .buildAsync(URI.create("ws://localhost:" + httpPort
                                           + "/v3/users/demo/devices/dev-2/sessions/terminal"), client));
        }
        CompletableFuture.allOf(sockets.toArray(CompletableFuture[]::new)).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        // each client is either opened by the device or refused with 1013
        await("every handshake answered").atMost(WAIT).until(() -> clients.stream()
                .allMatch(client -> !client.texts.isEmpty() || client.closeCode.get() != 0));
        long opened = clients.stream().filter(client -> client.closeCode.get() == 0).count();
        Map<Integer, Long> closes = clients.stream().filter(client -> client.closeCode.get() != 0)
                .collect(Collectors.groupingBy(client -> client.closeCode.get(), Collectors.counting()));
        // on a loaded machine an admitted session may be closed at once (1008: the send timeout of 2 s passed, or the
        // device did not open it in time), which frees its place for a later handshake; no more are ever open at once
        long failedAfterAdmission = closes.getOrDefault(1008, 0L);
        assertThat(closes.keySet()).as("close codes %s", closes).isSubsetOf(1013, 1008);
        assertThat(opened).as("close codes %s", closes).isLessThanOrEqualTo(MAX_SESSIONS)
                .isGreaterThanOrEqualTo(MAX_SESSIONS - failedAfterAdmission);
        assertThat(closes.getOrDefault(1013, 0L)).as("close codes %s", closes)
                .isGreaterThanOrEqualTo(handshakes - MAX_SESSIONS - failedAfterAdmission);
        await("the sessions closed after admission released").atMost(WAIT)
                .until(() -> sessions.openSessions() == opened);

        for (CompletableFuture<WebSocket> socket : sockets) {
            socket.get().abort();
        }
        await("sessions closed").atMost(WAIT).until(() -> sessions.openSessions() == 0);
    }

    /** The IOTMP worker threads now inside a web server's WebSocket send. */
    private static Set<String> workersInWebSocketSend() {
        Set<String> blocked = new java.util.HashSet<>();
        Thread.getAllStackTraces().forEach((thread, stack) -> {
            if (thread.getName().startsWith("iotmp-worker")
                && Arrays.stream(stack).anyMatch(frame -> frame.getClassName().contains("WsRemoteEndpoint"))) {
                blocked.add(thread.getName());
            }
        });
        return blocked;
    }

    /** The handshake's answer, up to its blank line. */
    static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        return head.toString();
    }
}
