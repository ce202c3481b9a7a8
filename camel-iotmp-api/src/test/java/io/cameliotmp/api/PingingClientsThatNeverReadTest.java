package io.cameliotmp.api;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.cameliotmp.device.ResourceKind;
import io.cameliotmp.test.ClientWebSocketFrames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A WebSocket client that pings and never reads: Tomcat answers each ping with a pong sent blocking on the
 * connection's own thread, so once the client's buffers are full the pong holds a thread of the web server until the
 * send times out ({@code session-send-timeout}, {@code stream-send-timeout}, the sessions' blocking send timeout),
 * then the connection is closed. Such clients are counted as slow, and one client address holds at most
 * {@code max-streams-per-address} sessions and streams however many tokens it has, so the threads they can hold are
 * bounded per address as well as by the caps; another address is served meanwhile. The hostile client is a raw
 * socket on loopback (127.0.0.1) that reads nothing, the other one comes from 127.0.0.2.
 */
@TestPropertySource(properties = {
    "camel.iotmp.api.max-streams-per-address=" + PingingClientsThatNeverReadTest.PER_ADDRESS,
    "camel.iotmp.api.max-share-per-user=1", "camel.iotmp.api.session-send-timeout=3s",
    "camel.iotmp.api.stream-send-timeout=3s"})
class PingingClientsThatNeverReadTest extends OwnApplicationTestSupport {

    static final int PER_ADDRESS = 4;
    private static final String SESSION = "/v3/users/demo/devices/dev-1/sessions/terminal";
    /** A stream with a sample an hour: nothing but its first sample and the server's pings goes to its client. */
    private static final String STREAM = "/v3/users/demo/devices/dev-1/resources/counter/ws?interval=3600";
    /** A stream with a sample a second, for the client that reads. */
    private static final String READ_STREAM = "/v3/users/demo/devices/dev-1/resources/counter/ws?interval=1";
    private static final String UPGRADE = "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                                          + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";

    @Autowired
    DeviceSessionSocket sessions;

    @Autowired
    DeviceStreamSocket streams;

    @Autowired
    AddressSlots streamsPerAddress;

    @Autowired
    ApiMetrics metrics;

    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final ExecutorService pingers = Executors.newCachedThreadPool();

    @AfterEach
    void closeSockets() throws IOException {
        for (Socket socket : sockets) {
            socket.close();
        }
        pingers.shutdownNow();
    }

    @Test
    void clientsThatPingAndNeverReadAreClosedAsSlowWithinTheirAddresssBound() throws Exception {
        connect("demo", "dev-1", "secret-1", device -> {
            device.resource("$terminal/:session").handler(ResourceKind.INPUT_OUTPUT, request -> null);
            device.resource("counter").output(() -> 1);
        });
        long slowSessions = sessions.slowClientsClosed();
        long slowStreams = streams.slowClientsClosed();

        // the hostile address takes its bound: a session and three streams, sockets that read nothing
        List<Socket> hostile = new CopyOnWriteArrayList<>();
        hostile.add(upgrade("127.0.0.1", SESSION, false));
        for (int i = 1; i < PER_ADDRESS; i++) {
            hostile.add(upgrade("127.0.0.1", STREAM, false));
        }
        await("the hostile address's sessions and streams open").atMost(WAIT)
                .until(() -> sessions.openSessions() == 1 && streams.openStreams() == PER_ADDRESS - 1);
        assertThat(streamsPerAddress.heldBy("127.0.0.1")).isEqualTo(PER_ADDRESS);

        // one more of either from that address is refused as beyond a cap, whatever its user's share
        assertThat(closeCode(upgrade("127.0.0.1", STREAM, true))).isEqualTo(1013);
        assertThat(closeCode(upgrade("127.0.0.1", SESSION, true))).isEqualTo(1013);
        assertThat(refusedByAddress("websocket-streams")).isEqualTo(1.0);
        assertThat(refusedByAddress("sessions")).isEqualTo(1.0);

        // another address is served: a stream, and a call of the API
        Socket other = upgrade("127.0.0.2", READ_STREAM, true);
        assertThat(firstText(other.getInputStream())).contains("sample");
        assertThat(streams.openStreams()).isEqualTo(PER_ADDRESS);

        // the hostile sockets ping and ping, never reading a pong: each blocks a pong until the send timeout
        for (Socket socket : hostile) {
            pingers.execute(() -> pingUntilClosed(socket));
        }
        await("every pinging client closed").atMost(WAIT.multipliedBy(2))
                .until(() -> sessions.openSessions() == 0 && streams.openStreams() == 1);
        await("and counted as slow").atMost(WAIT).until(() -> sessions.slowClientsClosed() == slowSessions + 1
                                                              && streams.slowClientsClosed() == slowStreams + 3);
        SimpleMeterRegistry meters = meters();
        assertThat(meters.get("iotmp.api.sessions.slow.closed").functionCounter().count())
                .isEqualTo(slowSessions + 1.0);
        assertThat(meters.get("iotmp.api.websocket.streams.slow.closed").functionCounter().count())
                .isEqualTo(slowStreams + 3.0);
        assertThat(streamsPerAddress.heldBy("127.0.0.1")).as("the hostile address's places given back").isZero();

        // the other client was served throughout, and is still
        assertThat(get127002("/v3/users/demo/devices/dev-1")).startsWith("HTTP/1.1 200");
        assertThat(streams.openStreams()).isEqualTo(1);
        assertThat(meters.get("iotmp.api.streams.tracked.addresses").gauge().value()).isEqualTo(1.0);
        other.close();
        await("the other client's place given back").atMost(WAIT)
                .until(() -> streams.openStreams() == 0 && streamsPerAddress.trackedAddresses() == 0);
    }

    /** Pings as fast as the connection takes them, until the server closes it. */
    private static void pingUntilClosed(Socket socket) {
        byte[] ping = ClientWebSocketFrames.frame(0x89, true, new byte[125]);
        try {
            OutputStream out = socket.getOutputStream();
            while (true) {
                out.write(ping);
            }
        } catch (IOException closed) {
            // the server closed it: the end of the attack
        }
    }

    private double refusedByAddress(String kind) {
        return meters().get("iotmp.api.address.refused").tag("kind", kind).functionCounter().count();
    }

    private SimpleMeterRegistry meters() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        metrics.bindTo(meters);
        return meters;
    }

    /** A WebSocket upgraded from {@code localAddress}; one that does not read has a small receive buffer. */
    private Socket upgrade(String localAddress, String path, boolean reading) throws IOException {
        Socket socket = new Socket();
        sockets.add(socket);
        if (!reading) {
            socket.setReceiveBufferSize(1024);
        }
        socket.bind(new InetSocketAddress(localAddress, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", httpPort), (int) WAIT.toMillis());
        socket.setSoTimeout((int) WAIT.toMillis());
        socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n" + UPGRADE
                                        + "Authorization: Bearer " + ALL + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        assertThat(DeviceSessionSocketLimitsTest.readHead(socket.getInputStream())).startsWith("HTTP/1.1 101");
        return socket;
    }

    private String get127002(String path) throws IOException {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress("127.0.0.2", 0));
            socket.connect(new InetSocketAddress("127.0.0.1", httpPort), (int) WAIT.toMillis());
            socket.setSoTimeout((int) WAIT.toMillis());
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                                            + ALL + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return DeviceSessionSocketLimitsTest.readHead(socket.getInputStream());
        }
    }

    /** The close code of the first close frame the server sends, reading past its other frames. */
    private static int closeCode(Socket socket) throws IOException {
        DataInputStream in = new DataInputStream(socket.getInputStream());
        while (true) {
            Frame frame = Frame.read(in);
            if (frame.opcode == 0x8) {
                return frame.payload.length >= 2 ? (frame.payload[0] & 0xff) << 8 | frame.payload[1] & 0xff : 0;
            }
        }
    }

    /** The first text message the server sends. */
    private static String firstText(InputStream raw) throws IOException {
        DataInputStream in = new DataInputStream(raw);
        while (true) {
            Frame frame = Frame.read(in);
            if (frame.opcode == 0x1) {
                return new String(frame.payload, StandardCharsets.UTF_8);
            }
        }
    }

    /** A frame of the server's: unmasked. */
    private record Frame(int opcode, byte[] payload) {

        static Frame read(DataInputStream in) throws IOException {
            int first = in.readUnsignedByte();
            int length = in.readUnsignedByte() & 0x7f;
            long size = length == 126 ? in.readUnsignedShort() : length == 127 ? in.readLong() : length;
            byte[] payload = new byte[(int) size];
            in.readFully(payload);
            return new Frame(first & 0x0f, payload);
        }
    }
}
