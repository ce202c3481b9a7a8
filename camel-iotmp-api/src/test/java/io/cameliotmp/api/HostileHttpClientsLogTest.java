package io.cameliotmp.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.device.ResourceKind;
import io.cameliotmp.test.ClientWebSocketFrames;
import io.cameliotmp.test.SyntheticFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * HTTP clients that leave at the worst moment or send what no client should may not make the server write a log line
 * above DEBUG per request: a peer could fill the log. Each client is a raw socket from an address of its own
 * (127.0.0.x), so that the end of its connection can be waited for on the server's own count; every test ends with
 * the captured output free of ERROR and WARN lines. The server waits for the device's answers longer than any test
 * holds the device back (a request that timed out would write its failure to a client in the middle of a test), and
 * the web server longer than the server waits.
 */
@ExtendWith(OutputCaptureExtension.class)
@TestPropertySource(properties = {"camel.component.iotmp.request-timeout=5m", "spring.mvc.async.request-timeout=6m"})
class HostileHttpClientsLogTest extends OwnApplicationTestSupport {

    private static final String DEVICE = "/v3/users/demo/devices/dev-1";
    private static final String JSON_CALL = "POST " + DEVICE + "/resources/echo";
    private static final String UPGRADE = "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                                          + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                          + "Sec-WebSocket-Version: 13\r\n";

    @Autowired
    ConnectionsPerAddress connections;

    @Autowired
    FileDownloads downloads;

    @Autowired
    FileUploads uploads;

    @Autowired
    DeviceStreamController sseStreams;

    @Autowired
    DeviceStreamSocket socketStreams;

    @Autowired
    DeviceSessionSocket sessions;

    @Autowired
    DeviceEvents events;

    /** Holds the device's answers for {@code slow} (or its whole loop) until the test lets them go. */
    private final CountDownLatch slowDevice = new CountDownLatch(1);
    private final List<Socket> clients = new ArrayList<>();
    private int nextAddress = 20;

    @AfterEach
    void closeClients() throws IOException {
        slowDevice.countDown();
        for (Socket client : clients) {
            client.close();
        }
    }

    @Test
    void clientsThatLeaveMidRequestLeaveNoErrorInTheLog(CapturedOutput output) throws Exception {
        connectDevice();
        for (String token : new String[] {ALL, null}) {
            // (a) mid-body of a JSON call
            Socket midBody = client();
            write(midBody, head(JSON_CALL, token, "Content-Type: application/json\r\nContent-Length: 1000\r\n"),
                    "{\"in\": ");
            leave(midBody);
            // (b) the answer still pending: the device is slow
            Socket pending = client();
            write(pending, head("GET " + DEVICE + "/resources/slow", token, ""), "");
            leave(pending);
            // (d) mid-upload
            Socket midUpload = client();
            write(midUpload, head("POST " + DEVICE + "/files/upload?path=/tmp/x.bin", token,
                    "Content-Type: application/octet-stream\r\nContent-Length: 100000\r\n"), "x".repeat(100));
            leave(midUpload);
        }
        slowDevice.countDown();
        // (c) mid-download, once the file arrives
        Socket midDownload = client();
        write(midDownload, head("GET " + DEVICE + "/files/download?path=/var/big.bin", ALL, ""), "");
        assertThat(readSome(midDownload.getInputStream(), 64 * 1024)).startsWith("HTTP/1.1 200");
        leave(midDownload);

        awaitAllGone();
        await("uploads and downloads ended").atMost(WAIT)
                .until(() -> uploads.running() == 0 && downloads.running() == 0);
        assertNoErrorOrWarning(output);
    }

    @Test
    void streamClientsThatLeaveLeaveNoErrorInTheLog(CapturedOutput output) throws Exception {
        connectDevice();
        // (e) mid-stream of Server-Sent Events, and of a device-events subscription (one that leaves while its
        // subscription opens: ClientsLeavingAsTheirResponseStartsTest)
        Socket sse = client();
        // (the answer's head may come only with the first sample)
        write(sse, head("GET " + DEVICE + "/resources/counter/stream", ALL, "Accept: text/event-stream\r\n"), "");
        Socket subscription = client();
        write(subscription, head("GET /v3/users/demo/events", ALL, "Accept: text/event-stream\r\n"), "");
        await("the stream and the subscription open").atMost(WAIT)
                .until(() -> sseStreams.openStreams() >= 1 && events.subscribed() >= 1);
        leave(sse);
        awaitGone(sse);
        leave(subscription);
        awaitGone(subscription);
        // (f) WebSocket stream and session, closed without a close frame
        String upgrade = "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                         + "Sec-WebSocket-Version: 13\r\n";
        Socket stream = client();
        write(stream, head("GET " + DEVICE + "/resources/counter/ws", ALL, upgrade), "");
        Socket session = client();
        write(session, head("GET " + DEVICE + "/sessions/terminal", ALL, upgrade), "");
        assertThat(DeviceSessionSocketLimitsTest.readHead(stream.getInputStream())).startsWith("HTTP/1.1 101");
        assertThat(DeviceSessionSocketLimitsTest.readHead(session.getInputStream())).startsWith("HTTP/1.1 101");
        await("the socket stream and session open").atMost(WAIT)
                .until(() -> socketStreams.openStreams() >= 1 && sessions.openSessions() >= 1);
        leave(stream);
        awaitGone(stream);
        leave(session);
        awaitGone(session);

        awaitAllGone();
        await("streams, sessions and subscriptions ended").atMost(WAIT).until(() -> {
            events.beatAll();
            return sseStreams.openStreams() == 0 && socketStreams.openStreams() == 0
                   && sessions.openSessions() == 0 && events.subscribed() == 0;
        });
        assertNoErrorOrWarning(output);
    }

    @Test
    void malformedRequestsAreAnsweredAndLeaveNoErrorInTheLog(CapturedOutput output) throws Exception {
        connectDevice();
        String json = "Content-Type: application/json\r\n";
        List<String> answers = new ArrayList<>();
        for (String token : new String[] {ALL, null}) {
            answers.add(exchange(JSON_CALL, token, json + "Content-Length: 7\r\n", "{\"in\": "));
            // JSON of another shape than the device's: the echo takes any, so this one may even be a 200
            answers.add(exchange(JSON_CALL, token, json + "Content-Length: 9\r\n", "[1, 2, 3]"));
            answers.add(exchange("PUT " + DEVICE + "/resources/echo", token, json + "Content-Length: 2\r\n", "]]"));
            answers.add(exchange("GET " + DEVICE + "/resources/%zz%", token, "", ""));
            // Tomcat logs the first such header at INFO, the others at DEBUG (its own limit on these lines)
            answers.add(exchange("GET " + DEVICE + "/resources/echo", token, "X-Long: " + "a".repeat(20_000)
                                                                              + "\r\n", ""));
            for (String method : new String[] {"PATCH", "TRACE", "FOO", "DELETE"}) {
                answers.add(exchange(method + " " + DEVICE + "/resources/echo", token, "", ""));
            }
            answers.add(exchange(JSON_CALL, token, json + "Content-Length: abc\r\n", "{}"));
            answers.add(exchange(JSON_CALL, token, json + "Content-Length: -5\r\n", "{}"));
            answers.add(exchange(JSON_CALL, token, json + "Content-Length: 2\r\nContent-Length: 3\r\n", "{}"));
            // a chunked body that ends early: the client stops sending, its half is closed
            answers.add(exchange(JSON_CALL, token, json + "Transfer-Encoding: chunked\r\n", "10\r\n{\"in\""));
            // a chunk whose size is not a number: Tomcat used to answer such a call, left unanswered, with a 500
            String badChunk = exchange(JSON_CALL, token, json + "Transfer-Encoding: chunked\r\n",
                    "zz\r\n{}\r\n0\r\n\r\n");
            assertThat(badChunk).contains(token == null ? " 401 " : " 400 ");
            answers.add(badChunk);
        }
        for (String authorization : new String[] {"Bearer", "Bearer ", "Basic !!!", "Bearer \u0001\u0002",
            "Bearer " + "t".repeat(6000), "Negotiate abc", ""}) {
            answers.add(exchange("GET " + DEVICE + "/resources/echo", null, "Authorization: " + authorization
                                                                             + "\r\n", ""));
        }
        awaitAllGone();
        assertThat(answers).as("every malformed request answered, none with a server error")
                .allSatisfy(answer -> assertThat(answer).matches("(?s).* -> (HTTP/1\\.1 [24]\\d\\d.*|<closed>)"));
        assertNoErrorOrWarning(output);
    }

    @Test
    void hostileWebSocketClientsAreClosedAndLeaveNoErrorInTheLog(CapturedOutput output) throws Exception {
        IotmpDevice device = connectDevice();
        // the device's loop held (its answers and its handlers run on it): the sessions' and the streams'
        // START_STREAMs wait behind it, unanswered, so that nothing is written to a client while it breaks the
        // protocol. When a client does so while a write to it completes, Tomcat gives the write up and its close
        // frame may be lost or garbled (WsHttpUpgradeHandler closes "in an unknown state", or Spring's 4500 for the
        // failed write comes first). A handler that holds back its own run is not enough: the device answers a
        // START_STREAM with OK before it runs the handler for the first sample, and the session's "open" event then
        // raced the client's frame (a clean-clone run got 4500 for the first session)
        CountDownLatch held = new CountDownLatch(1);
        device.eventLoop().execute(() -> {
            held.countDown();
            holdBack();
        });
        assertThat(held.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        String session = "GET " + DEVICE + "/sessions/terminal";
        String stream = "GET " + DEVICE + "/resources/slow/ws";
        List<byte[]> hostileFrames = ClientWebSocketFrames.protocolViolations();
        List<String> closes = new ArrayList<>();
        for (String path : new String[] {session, stream}) {
            // a malformed escape in the query, which Tomcat's handshake cannot make a URI of: refused before it
            assertThat(exchange(path + "?interval=%zz", ALL, UPGRADE, "")).endsWith(" 400 ");
            // escaped bytes that are not UTF-8: the handler cannot decode them
            closes.add(webSocket(path + "?interval=%C3%28", new byte[0]));
            for (byte[] hostile : hostileFrames) {
                closes.add(webSocket(path, hostile));
            }
        }
        // the same frames on a stream that writes all the time: whatever close frame Tomcat manages, each connection
        // ends, and its stream with it
        slowDevice.countDown();
        for (byte[] hostile : hostileFrames) {
            webSocketUntilClosed("GET " + DEVICE + "/resources/counter/ws", hostile);
        }
        awaitAllGone();
        await("sessions and streams ended").atMost(WAIT)
                .until(() -> sessions.openSessions() == 0 && socketStreams.openStreams() == 0);
        assertThat(closes).as("each closed with a code that names the client's fault")
                .allSatisfy(close -> assertThat(close).matches(".* -> (1002|1003|1007|1009)"));
        assertNoErrorOrWarning(output);
    }

    /**
     * Upgrades a connection of its own with {@code requestLine}, sends {@code frames} and reads what the server sends
     * until its close frame: the request line and the close code, or {@code <closed>}.
     */
    private String webSocket(String requestLine, byte[] frames) throws IOException {
        try (Socket socket = client()) {
            write(socket, head(requestLine, ALL, UPGRADE), "");
            assertThat(DeviceSessionSocketLimitsTest.readHead(socket.getInputStream())).startsWith("HTTP/1.1 101");
            socket.getOutputStream().write(frames);
            java.io.DataInputStream in = new java.io.DataInputStream(socket.getInputStream());
            try {
                while (true) {
                    int first = in.readUnsignedByte();
                    int length = in.readUnsignedByte() & 0x7f;
                    byte[] payload = new byte[length == 126 ? in.readUnsignedShort() : length];
                    in.readFully(payload);
                    if ((first & 0x0f) == 0x8) {
                        return requestLine + " -> " + ((payload[0] & 0xff) << 8 | payload[1] & 0xff);
                    }
                }
            } catch (java.io.EOFException e) {
                return requestLine + " -> <closed>";
            }
        }
    }

    /** Upgrades a connection of its own with {@code requestLine}, sends {@code frames} and reads until the end. */
    private void webSocketUntilClosed(String requestLine, byte[] frames) throws IOException {
        try (Socket socket = client()) {
            write(socket, head(requestLine, ALL, UPGRADE), "");
            assertThat(DeviceSessionSocketLimitsTest.readHead(socket.getInputStream())).startsWith("HTTP/1.1 101");
            socket.getOutputStream().write(frames);
            try {
                socket.getInputStream().transferTo(OutputStream.nullOutputStream());
            } catch (java.net.SocketTimeoutException e) {
                throw new AssertionError(requestLine + ": the server did not close the connection", e);
            } catch (IOException reset) {
                // the server may reset the connection it gives up
            }
        }
    }

    /** Holds the device (its handlers run on its loop) until the test lets it go; true once it does. */
    private boolean holdBack() {
        try {
            return slowDevice.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private IotmpDevice connectDevice() throws Exception {
        long size = 64L * 1024 * 1024;
        SyntheticFile file = new SyntheticFile(size);
        AtomicLong sent = new AtomicLong();
        return connect("demo", "dev-1", "secret-1", device -> device
                .resource("echo").inputOutput(input -> input)
                .resource("counter").output(System::nanoTime)
                .resource("slow").output(this::holdBack)
                .resource("$terminal/:session").handler(ResourceKind.INPUT_OUTPUT, request -> holdBack() ? null : null)
                .resource("$fs/upload/:session").handler(ResourceKind.INPUT_OUTPUT, request -> null)
                .resource("$fs/info/*path").handler(ResourceKind.OUTPUT, request -> Map.of(
                        "name", "big.bin", "path", request.pathParam("path"), "type", "file", "size", size))
                .resource("$fs/download/:session").handler(ResourceKind.INPUT_OUTPUT, request -> {
                    int chunkSize = ((Number) ((Map<?, ?>) request.parameters()).get("chunk_size")).intValue();
                    if (request.describeMode()) {
                        return file.nextChunk(sent, chunkSize);
                    }
                    byte[] next = file.nextChunk(sent, chunkSize);
                    if (next != null) {
                        request.device().stream(request.path(), next);
                    }
                    return null;
                }));
    }

    /** A raw client from an address of its own, closed after the test. */
    private Socket client() throws IOException {
        Socket socket = new Socket();
        clients.add(socket);
        socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0." + nextAddress++), 0));
        socket.connect(new InetSocketAddress("127.0.0.1", httpPort), (int) WAIT.toMillis());
        socket.setSoTimeout((int) WAIT.toMillis());
        return socket;
    }

    private String head(String requestLine, String token, String headers) {
        return requestLine + " HTTP/1.1\r\nHost: 127.0.0.1:" + httpPort + "\r\n"
               + (token == null ? "" : "Authorization: Bearer " + token + "\r\n") + headers + "\r\n";
    }

    private static void write(Socket socket, String head, String body) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(head.getBytes(StandardCharsets.ISO_8859_1));
        out.write(body.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** Sends a request, half-closes, and reads the answer to its end: its status line, or {@code <closed>}. */
    private String exchange(String requestLine, String token, String headers, String body) throws IOException {
        try (Socket socket = client()) {
            write(socket, head(requestLine, token, headers), body);
            socket.shutdownOutput();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            try {
                socket.getInputStream().transferTo(answer);
            } catch (IOException reset) {
                // the server may reset what it refuses; what came before counts
            }
            String text = answer.toString(StandardCharsets.ISO_8859_1);
            int end = text.indexOf('\r');
            return requestLine + " -> " + (text.isEmpty() ? "<closed>" : end < 0 ? text : text.substring(0, end));
        }
    }

    /** Up to {@code max} bytes of what the server sent, at least one. */
    private static String readSome(InputStream in, int max) throws IOException {
        byte[] buffer = new byte[max];
        int read = in.read(buffer);
        return read < 0 ? "" : new String(buffer, 0, read, StandardCharsets.ISO_8859_1);
    }

    /** Closes at once, with a reset: a client that is simply gone. */
    private static void leave(Socket socket) throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    private void awaitGone(Socket left) {
        InetAddress address = left.getLocalAddress();
        await("the connection of " + address + " ended").atMost(WAIT).until(() -> connections.open(address) == 0);
    }

    private void awaitAllGone() throws IOException {
        List<InetAddress> used = new ArrayList<>();
        for (int i = 20; i < nextAddress; i++) {
            used.add(InetAddress.getByName("127.0.0." + i));
        }
        await("every hostile client's connection ended").atMost(WAIT.multipliedBy(2))
                .until(() -> used.stream().allMatch(address -> connections.open(address) == 0));
    }

    private static void assertNoErrorOrWarning(CapturedOutput output) {
        assertThat(output.getAll().lines().filter(line -> line.contains(" ERROR ") || line.contains(" WARN ")))
                .isEmpty();
        // Tomcat's INFO line with a stack trace, once per request, for a request whose connection failed as it went
        // asynchronous (see ClientsLeavingAsTheirResponseStartsTest)
        assertThat(output.getAll()).doesNotContain("recycled it forcedly");
    }
}
