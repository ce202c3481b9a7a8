package io.cameliotmp.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.testing.Frames;
import io.cameliotmp.testing.Hex;
import io.cameliotmp.testing.TestPorts;
import io.cameliotmp.testing.Waits;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With {@code transport=WEBSOCKET}, the HTTP upgrade and Netty's WebSocket frame decoder come before the IOTMP codec
 * and its budgets: what an unauthenticated peer can make them hold is bounded like a TCP peer before login (upgrade
 * line and headers, no body, frames no larger than a CONNECT needs, the CONNECT deadline from the first byte), and
 * a device that has logged in sends frames up to {@code maxFrameSize}. Plain sockets speak the WebSocket protocol by
 * hand here so that a test can send what no well-behaved client would.
 */
class HostileWebSocketClientsTest {

    private static final Duration PATIENCE = Waits.WAIT;

    private final List<Socket> sockets = new ArrayList<>();
    private IotmpServer server;

    @AfterEach
    void stop() throws IOException {
        for (Socket socket : sockets) {
            socket.close();
        }
        if (server != null) {
            server.stop();
        }
    }

    private void start(Duration connectTimeout) {
        server = new IotmpServer(IotmpServerConfig.builder()
                .host("127.0.0.1").port(TestPorts.next()).transport(Transport.WEBSOCKET)
                .connectTimeout(connectTimeout)
                .limits(ServerLimits.builder().maxConnectionsPerSecond(0).build())
                .authenticator(StaticAuthenticator.parse("alice/*=pw")).build());
        server.start();
    }

    private Socket open() throws IOException {
        Socket socket = new Socket();
        sockets.add(socket);
        socket.connect(new InetSocketAddress("127.0.0.1", server.localAddress().getPort()));
        socket.setSoTimeout((int) PATIENCE.toMillis());
        return socket;
    }

    private static String upgradeRequest(String extraHeaders) {
        return "GET /iotmp HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
               + "Sec-WebSocket-Protocol: iotmp\r\n" + extraHeaders + "\r\n";
    }

    /** Upgrades a new connection; returns its socket once the server answered 101. */
    private Socket upgraded() throws IOException {
        Socket socket = open();
        write(socket, upgradeRequest("").getBytes(StandardCharsets.US_ASCII));
        assertThat(readHttpHead(socket)).startsWith("HTTP/1.1 101");
        return socket;
    }

    private static void write(Socket socket, byte[] bytes) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(bytes);
        out.flush();
    }

    /** Writes what it can; the server may close the connection part-way, which is what some tests want. */
    private static void writeQuietly(Socket socket, byte[] bytes) {
        try {
            write(socket, bytes);
        } catch (IOException e) {
            // closed by the server
        }
    }

    private static String readHttpHead(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    /** A client's frame header (binary, final, masked with a zero key so the payload goes as it is). */
    private static byte[] frameHeader(long payloadLength) {
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        header.write(0x82);
        if (payloadLength < 126) {
            header.write(0x80 | (int) payloadLength);
        } else if (payloadLength <= 0xFFFF) {
            header.write(0x80 | 126);
            header.write((int) (payloadLength >> 8));
            header.write((int) payloadLength);
        } else {
            header.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                header.write((int) (payloadLength >> shift));
            }
        }
        header.writeBytes(new byte[4]); // masking key 0
        return header.toByteArray();
    }

    private static byte[] frame(byte[] payload) {
        return Frames.concat(frameHeader(payload.length), payload);
    }

    /** The payload of the server's next data frame (unmasked, at most 64 KiB here). */
    private static byte[] readFrame(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        int first = in.read();
        int second = in.read();
        if (first < 0 || second < 0) {
            throw new IOException("closed");
        }
        int length = second & 0x7F;
        if (length == 126) {
            length = in.read() << 8 | in.read();
        }
        return in.readNBytes(length);
    }

    /** True once the server has closed the connection (anything it still sends is skipped). */
    private static boolean closedWithin(Socket socket, Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        InputStream in = socket.getInputStream();
        byte[] skip = new byte[8192];
        try {
            while (in.read(skip) >= 0) {
                // what the server sends before it closes: an HTTP error, a close frame
            }
            return true;
        } catch (SocketException e) {
            return true; // reset by the server
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    @Test
    void anUpgradeRequestWithHugeHeadersIsRefused() throws Exception {
        start(Duration.ofMinutes(5));
        Socket socket = open();
        writeQuietly(socket, upgradeRequest("X-Padding: " + "a".repeat(20_000) + "\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        assertThat(closedWithin(socket, PATIENCE)).isTrue();

        Socket longLine = open();
        String line = "GET /iotmp?" + "a".repeat(10_000) + " HTTP/1.1\r\n";
        writeQuietly(longLine, line.getBytes(StandardCharsets.US_ASCII));
        assertThat(closedWithin(longLine, PATIENCE)).isTrue();
        Waits.eventually().until(() -> server.unauthenticatedConnections() == 0);
    }

    @Test
    void anUpgradeRequestWithABodyIsRefused() throws Exception {
        start(Duration.ofMinutes(5));
        Socket socket = open();
        writeQuietly(socket, upgradeRequest("Content-Length: 100000\r\n").getBytes(StandardCharsets.US_ASCII));
        assertThat(readHttpHead(socket)).startsWith("HTTP/1.1 413");
        assertThat(closedWithin(socket, PATIENCE)).isTrue();
    }

    /**
     * Before login a WebSocket frame larger than a CONNECT needs is refused at its header, before its payload is
     * awaited; after login the same frame is taken.
     */
    @Test
    void framesAreSmallUntilLoginAndLargeAfter() throws Exception {
        start(Duration.ofMinutes(5));
        Socket stranger = upgraded();
        writeQuietly(stranger, frameHeader(200_000)); // the header alone, no payload
        assertThat(closedWithin(stranger, PATIENCE)).as("closed at the header").isTrue();

        Socket device = upgraded();
        write(device, frame(Frames.encode(IotmpMessage.connect(1, "alice", "esp32", "pw"), Generation.GEN2)));
        assertThat(Hex.format(readFrame(device))).isEqualTo("01 02 08 01");
        // a 200 KB frame of the device's own: a STREAM_DATA on no stream, ignored, then a keep-alive to show it lives
        byte[] large = Frames.encode(IotmpMessage.streamData(77, "x".repeat(200_000)), Generation.GEN2);
        write(device, frame(Frames.concat(large, Hex.bytes("05 00"))));
        assertThat(Hex.format(readFrame(device))).as("the keep-alive echoed").isEqualTo("05 00");
    }

    /** A peer that starts the upgrade and stalls is closed by the CONNECT deadline, without another byte. */
    @Test
    void aStalledUpgradeIsClosedByTheConnectDeadline() throws Exception {
        start(Duration.ofSeconds(2));
        Socket socket = open();
        long start = System.nanoTime();
        write(socket, "GET /iotmp HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(closedWithin(socket, PATIENCE)).isTrue();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(1900);

        Socket upgradedOnly = upgraded();
        long upgradedAt = System.nanoTime();
        write(upgradedOnly, Arrays.copyOf(frameHeader(50), 6)); // a frame started, never finished
        assertThat(closedWithin(upgradedOnly, PATIENCE)).isTrue();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - upgradedAt)).isLessThan(PATIENCE.toMillis());
        Waits.eventually().until(() -> server.unauthenticatedConnections() == 0);
    }
}
