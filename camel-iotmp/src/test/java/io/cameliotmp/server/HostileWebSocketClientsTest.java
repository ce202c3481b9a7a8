package io.cameliotmp.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.testing.Frames;
import io.cameliotmp.testing.Hex;
import io.cameliotmp.testing.LoopbackSockets;
import io.cameliotmp.testing.TestPorts;
import io.cameliotmp.testing.Waits;
import io.netty.channel.Channel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.server.RawWebSocket.closedWithin;
import static io.cameliotmp.server.RawWebSocket.frame;
import static io.cameliotmp.server.RawWebSocket.frameHeader;
import static io.cameliotmp.server.RawWebSocket.readFrame;
import static io.cameliotmp.server.RawWebSocket.readHttpHead;
import static io.cameliotmp.server.RawWebSocket.upgrade;
import static io.cameliotmp.server.RawWebSocket.upgradeRequest;
import static io.cameliotmp.server.RawWebSocket.write;
import static io.cameliotmp.server.RawWebSocket.writeQuietly;
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

    private final LoopbackSockets sockets = new LoopbackSockets();
    private IotmpServer server;

    @AfterEach
    void stop() throws IOException {
        sockets.close();
        if (server != null) {
            server.stop();
        }
    }

    private void start(Duration connectTimeout) {
        server = new IotmpServer(IotmpServerConfig.builder()
                .host("127.0.0.1").port(TestPorts.next()).transport(Transport.WEBSOCKET)
                .connectTimeout(connectTimeout)
                .limits(ServerLimits.builder().maxConnectionsPerSecond(0).maxConnectionsPerSecondPerAddress(0).build())
                .authenticator(StaticAuthenticator.parse("alice/*=pw")).build());
        server.start();
    }

    private Socket open() throws IOException {
        return sockets.to(server.localAddress().getPort());
    }

    /** Upgrades a new connection; returns its socket once the server answered 101. */
    private Socket upgraded() throws IOException {
        Socket socket = open();
        assertThat(upgrade(socket)).startsWith("HTTP/1.1 101");
        return socket;
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

    /**
     * A peer that floods pings and never reads its pongs cannot make the server queue them: a pong is only written
     * while the connection is writable, and is dropped otherwise (RFC 6455 §5.5.3 lets an endpoint answer only the
     * latest of several pings). Netty's own handler writes every pong, so the server held each ping's size again for
     * as long as the peer did not read, up to the CONNECT deadline (and without end after login).
     */
    @Test
    void aPingFloodFromAPeerThatDoesNotReadQueuesNoPongs() throws Exception {
        start(Duration.ofMinutes(5));
        Socket socket = new Socket();
        sockets.add(socket);
        socket.setReceiveBufferSize(4096); // the pongs back up at once
        socket.connect(new InetSocketAddress("127.0.0.1", server.localAddress().getPort()));
        assertThat(upgrade(socket)).startsWith("HTTP/1.1 101");
        byte[] ping = frame(RawWebSocket.PING, true, new byte[125]);
        ByteArrayOutputStream chunk = new ByteArrayOutputStream();
        while (chunk.size() < 1 << 20) {
            chunk.writeBytes(ping);
        }
        long before = server.totals().bytesIn();
        int chunks = 8;
        for (int i = 0; i < chunks; i++) {
            write(socket, chunk.toByteArray());
        }
        long flood = (long) chunks * chunk.size();
        // every ping read, so every pong the server was going to write is written or dropped
        Waits.eventually().until(() -> server.totals().bytesIn() - before >= flood);
        Channel connection = server.network.channels().iterator().next();
        assertThat(connection.isActive()).isTrue();
        assertThat(connection.bytesBeforeWritable()).as("bytes the server queues for the peer")
                .isLessThan(1 << 20);
        // far more pongs than the peer's socket and the server's send buffer hold: most pings went unanswered
        assertThat(server.totals().webSocketPingsUnanswered()).as("pings dropped, counted").isPositive();
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

    /**
     * What RFC 6455 forbids a client (an unmasked frame, a control frame above 125 bytes, a close code no endpoint may
     * send, a continuation outside a fragmented message, another upgrade request on the upgraded connection, which
     * reads as a frame with reserved bits, a frame above the limit) closes the connection at once, rather than waiting
     * for the CONNECT deadline; each is counted as a WebSocket protocol violation.
     */
    @Test
    void framesTheProtocolForbidsCloseTheConnection() throws Exception {
        start(Duration.ofMinutes(5));
        byte[][] forbidden = {
            {(byte) 0x82, 2, 5, 0}, // binary, unmasked
            frame(RawWebSocket.PING, true, new byte[126]),
            frame(0x8, true, new byte[] {0x03, (byte) 0xE7}), // close, code 999
            frame(RawWebSocket.CONTINUATION, true, new byte[] {5, 0}),
            upgradeRequest("").getBytes(StandardCharsets.US_ASCII),
            frameHeader(1 << 20), // far above what a frame may carry before login: refused at its header
        };
        for (byte[] bytes : forbidden) {
            Socket socket = upgraded();
            writeQuietly(socket, bytes);
            assertThat(closedWithin(socket, PATIENCE)).as(Hex.format(Arrays.copyOf(bytes, 2))).isTrue();
        }
        Waits.eventually().until(() -> server.unauthenticatedConnections() == 0);
        // each one a violation the server counts, one per connection
        Waits.eventually().until(() -> server.totals().webSocketProtocolViolations() == forbidden.length);
    }

    /**
     * A CONNECT frame sent in the same write as the upgrade request, before the 101, is read by the WebSocket frame
     * decoder. The HTTP codec passed it on behind the decoder, to the IOTMP codec as raw frame bytes: masked with a
     * key other than zero (as every client masks) it read as garbage, and the device waited out its CONNECT deadline.
     */
    @Test
    void aConnectPipelinedAfterTheUpgradeRequestIsRead() throws Exception {
        start(Duration.ofMinutes(5));
        Socket socket = open();
        byte[] payload = Frames.encode(IotmpMessage.connect(1, "alice", "esp32", "pw"), Generation.GEN2);
        byte[] key = {0x37, (byte) 0xFA, 0x21, 0x3D};
        byte[] connect = frameHeader(payload.length);
        System.arraycopy(key, 0, connect, connect.length - 4, 4);
        byte[] masked = payload.clone();
        for (int i = 0; i < masked.length; i++) {
            masked[i] ^= key[i % 4];
        }
        connect = Frames.concat(connect, masked);
        write(socket, Frames.concat(upgradeRequest("").getBytes(StandardCharsets.US_ASCII), connect));
        assertThat(readHttpHead(socket)).startsWith("HTTP/1.1 101");
        socket.setSoTimeout((int) PATIENCE.toMillis());
        assertThat(Hex.format(readFrame(socket))).isEqualTo("01 02 08 01");
    }
}
