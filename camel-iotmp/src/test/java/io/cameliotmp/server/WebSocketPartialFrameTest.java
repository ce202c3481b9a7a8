package io.cameliotmp.server;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import io.cameliotmp.micrometer.MicrometerServerMetrics;
import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.protocol.MessageType;
import io.cameliotmp.testing.Frames;
import io.cameliotmp.testing.Hex;
import io.cameliotmp.testing.LoopbackSockets;
import io.cameliotmp.testing.TestPorts;
import io.cameliotmp.testing.Waits;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.server.RawWebSocket.BINARY;
import static io.cameliotmp.server.RawWebSocket.CONTINUATION;
import static io.cameliotmp.server.RawWebSocket.PING;
import static io.cameliotmp.server.RawWebSocket.PONG;
import static io.cameliotmp.server.RawWebSocket.frame;
import static io.cameliotmp.server.RawWebSocket.frameHeader;
import static io.cameliotmp.server.RawWebSocket.readAnyFrame;
import static io.cameliotmp.server.RawWebSocket.readFrame;
import static io.cameliotmp.server.RawWebSocket.upgrade;
import static io.cameliotmp.server.RawWebSocket.write;
import static io.cameliotmp.server.RawWebSocket.writeQuietly;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * After login over WebSocket, Netty's frame decoder buffers a frame of up to {@code maxFrameSize} + 16 bytes before
 * the IOTMP codec sees a byte: such a frame counts against {@code maxPartialFrameBytes} like a partial IOTMP frame on
 * TCP, and a frame or fragmented message that does not complete within {@code frameReadTimeout} closes the
 * connection, whether or not bytes keep arriving. Frames that are merely large, cut into many TCP segments, or
 * fragmented, still arrive whole. Plain sockets speak WebSocket by hand so that a test can trickle and stall.
 */
class WebSocketPartialFrameTest {

    private static final String USER = "alice";
    private static final String SECRET = "pw";
    private static final byte[] KEEP_ALIVE = Hex.bytes("05 00");

    private final MeterRegistry meters = new SimpleMeterRegistry();
    private final LoopbackSockets sockets = new LoopbackSockets();
    private IotmpServer server;

    @AfterEach
    void stop() throws IOException {
        sockets.close();
        if (server != null) {
            server.stop();
        }
    }

    private void start(Consumer<ServerLimits.Builder> limits) {
        ServerLimits.Builder builder = ServerLimits.builder().maxConnectionsPerSecond(0)
                .maxConnectionsPerSecondPerAddress(0).maxUnauthenticatedPerAddress(0);
        limits.accept(builder);
        server = new IotmpServer(IotmpServerConfig.builder()
                .host("127.0.0.1").port(TestPorts.next()).transport(Transport.WEBSOCKET)
                .ioThreads(2).workerThreads(2)
                // long, so that only the limit under test closes connections
                .connectTimeout(Duration.ofMinutes(5))
                .metrics(MicrometerServerMetrics.factory(meters))
                .limits(builder.build())
                .authenticator(StaticAuthenticator.parse(USER + "/*=" + SECRET)).build());
        server.start();
    }

    private Socket upgraded() throws IOException {
        Socket socket = sockets.to(server.localAddress().getPort());
        assertThat(upgrade(socket)).startsWith("HTTP/1.1 101");
        return socket;
    }

    /** A connection whose device has logged in, with a keep-alive of ten minutes so that only frame limits close it. */
    private Socket device(String id) throws IOException {
        Socket socket = upgraded();
        write(socket, frame(connect(id)));
        assertThat(Hex.format(readFrame(socket))).as(id + " logs in").isEqualTo("01 02 08 01");
        return socket;
    }

    private static byte[] connect(String id) {
        return Frames.encode(IotmpMessage.of(MessageType.CONNECT, 1, Map.of("ka", 600), List.of(USER, id, SECRET),
                null), Generation.GEN2);
    }

    /** A STREAM_DATA on no stream (ignored by the server) of about {@code size} bytes, then a keep-alive. */
    private static byte[] largeThenKeepAlive(int size) {
        byte[] large = Frames.encode(IotmpMessage.streamData(77, "x".repeat(size)), Generation.GEN2);
        return Frames.concat(large, KEEP_ALIVE);
    }

    /** Completes when the server closes the socket; reads (and drops) what it sends until then. */
    private static CompletableFuture<Void> closing(Socket socket) throws IOException {
        socket.setSoTimeout(0);
        InputStream in = socket.getInputStream();
        return CompletableFuture.runAsync(() -> {
            byte[] skip = new byte[1024];
            try {
                while (in.read(skip) >= 0) {
                    // a close frame, if any
                }
            } catch (IOException e) {
                // reset or closed: closed either way
            }
        });
    }

    private double counter(String name, String tag, String value) {
        return meters.find(name).tag(tag, value).counters().stream().mapToDouble(c -> c.count()).sum();
    }

    /**
     * A device that starts a large WebSocket frame and trickles its payload a byte at a time, which keeps any idle
     * timer quiet, is closed by {@code frameReadTimeout} long before its frame could complete or its keep-alive (ten
     * minutes) run out; its reservation is given back.
     */
    @Test
    void aTricklingFrameAfterLoginIsClosedByFrameReadTimeout() throws Exception {
        start(l -> l.frameReadTimeout(Duration.ofSeconds(1)));
        Socket device = device("esp32");
        int payload = 100_000;
        long started = System.nanoTime();
        write(device, frameHeader(payload));
        CompletableFuture<Void> closed = closing(device);
        AtomicInteger trickled = new AtomicInteger();
        Waits.eventually().pollInterval(Duration.ofMillis(20)).until(() -> {
            if (!closed.isDone()) {
                writeQuietly(device, new byte[] {'x'});
                trickled.incrementAndGet();
            }
            return closed.isDone();
        });
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).as("not before the deadline")
                .isGreaterThanOrEqualTo(900);
        assertThat(trickled.get()).as("bytes kept arriving, and the frame was far from complete").isPositive()
                .isLessThan(payload);
        Waits.eventually().until(() -> server.partialFrameBytes() == 0 && server.registry().size() == 0);
    }

    /**
     * A fragmented message whose fragments each arrive whole, but whose final fragment never comes, is closed by the
     * same deadline: the message, not each frame, must be complete in time.
     */
    @Test
    void aTricklingFragmentedMessageIsClosedByFrameReadTimeout() throws Exception {
        start(l -> l.frameReadTimeout(Duration.ofSeconds(1)));
        Socket device = device("esp32");
        long started = System.nanoTime();
        write(device, frame(BINARY, false, new byte[0]));
        CompletableFuture<Void> closed = closing(device);
        Waits.eventually().pollInterval(Duration.ofMillis(20)).until(() -> {
            if (!closed.isDone()) {
                // a whole IOTMP keep-alive per fragment: the IOTMP codec holds nothing, only the message is open
                writeQuietly(device, frame(CONTINUATION, false, KEEP_ALIVE));
            }
            return closed.isDone();
        });
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isGreaterThanOrEqualTo(900);
        Waits.eventually().until(() -> server.partialFrameBytes() == 0 && server.registry().size() == 0);
    }

    /**
     * Devices that each hold a large partial WebSocket frame share {@code maxPartialFrameBytes} with every other
     * partial frame: those that fit are held (and shown by the gauge), the others are closed and counted as refusals.
     */
    @Test
    void largePartialFramesAfterLoginStayWithinTheBudget() throws Exception {
        long budget = 1024 * 1024;
        start(l -> l.maxPartialFrameBytes(budget).frameReadTimeout(Duration.ofMinutes(5)));
        int devices = 10;
        int payload = 200_000;
        long frameLength = frameHeader(payload).length + payload;
        List<Socket> holders = new ArrayList<>();
        for (int i = 0; i < devices; i++) {
            holders.add(device("esp32-" + i));
        }
        double refusedBefore = counter("iotmp.refusals", "reason", "partial-frame-budget");
        for (Socket holder : holders) {
            writeQuietly(holder, Frames.concat(frameHeader(payload), new byte[payload / 2]));
        }
        long fit = budget / frameLength;
        Waits.eventually().until(() -> server.partialFrameBytes() / frameLength
                + counter("iotmp.refusals", "reason", "partial-frame-budget") - refusedBefore == devices);
        assertThat(server.partialFrameBytes()).isEqualTo(fit * frameLength).isLessThanOrEqualTo(budget);
        assertThat(meters.find("iotmp.frames.partial.bytes").gauge().value()).isEqualTo((double) fit * frameLength);
        Waits.eventually().alias("the refused ones closed").until(() -> server.registry().size() == fit);

        for (Socket holder : holders) {
            holder.close();
        }
        Waits.eventually().until(() -> server.partialFrameBytes() == 0 && server.registry().size() == 0);
    }

    /**
     * A large frame that arrives in many small TCP segments is reserved while it is partial and delivered whole once
     * complete, after which its reservation is given back.
     */
    @Test
    void aLargeFrameInManySegmentsStillArrives() throws Exception {
        start(l -> l.frameReadTimeout(Duration.ofMinutes(5)));
        Socket device = device("esp32");
        byte[] wsFrame = frame(largeThenKeepAlive(200_000));
        int half = wsFrame.length / 2;
        for (int i = 0; i < half; i += 1000) {
            write(device, Arrays.copyOfRange(wsFrame, i, Math.min(half, i + 1000)));
        }
        Waits.eventually().alias("the partial frame is reserved")
                .until(() -> server.partialFrameBytes() == wsFrame.length);
        for (int i = half; i < wsFrame.length; i += 1000) {
            write(device, Arrays.copyOfRange(wsFrame, i, Math.min(wsFrame.length, i + 1000)));
        }
        assertThat(Hex.format(readFrame(device))).as("the keep-alive after the large frame").isEqualTo("05 00");
        Waits.eventually().until(() -> server.partialFrameBytes() == 0);
    }

    /**
     * Fragmented messages (a first frame without FIN, then continuation frames, with a ping between fragments) are
     * read as the byte stream they carry, before login (a CONNECT in three fragments) and after (a large one).
     */
    @Test
    void fragmentedMessagesStillWork() throws Exception {
        start(l -> l.frameReadTimeout(Duration.ofMinutes(5)));
        Socket device = upgraded();
        byte[] connect = connect("esp32");
        write(device, Frames.concat(frame(BINARY, false, Arrays.copyOfRange(connect, 0, 3)),
                frame(CONTINUATION, false, Arrays.copyOfRange(connect, 3, 10)),
                frame(CONTINUATION, true, Arrays.copyOfRange(connect, 10, connect.length))));
        assertThat(Hex.format(readFrame(device))).as("logged in").isEqualTo("01 02 08 01");

        byte[] message = largeThenKeepAlive(200_000);
        int[] cuts = {0, 60_000, 120_001, 150_000, message.length};
        for (int i = 0; i + 1 < cuts.length; i++) {
            byte[] fragment = Arrays.copyOfRange(message, cuts[i], cuts[i + 1]);
            write(device, frame(i == 0 ? BINARY : CONTINUATION, i + 2 == cuts.length, fragment));
            if (i == 1) {
                write(device, frame(PING, true, Hex.bytes("2A")));
            }
        }
        RawWebSocket.Frame pong = readAnyFrame(device);
        assertThat(pong.opcode()).isEqualTo(PONG);
        assertThat(Hex.format(pong.payload())).isEqualTo("2A");
        assertThat(Hex.format(readFrame(device))).as("the keep-alive at the message's end").isEqualTo("05 00");
        Waits.eventually().until(() -> server.partialFrameBytes() == 0);
    }

    /**
     * A device that sends its CONNECT and, without waiting for the OK, the start of its next frame: the frame decoder
     * is replaced at login, but only once that frame is complete, so the frame is read whole and larger frames are
     * taken after it.
     */
    @Test
    void aFrameStartedBeforeTheOkIsReadWhole() throws Exception {
        start(l -> l.frameReadTimeout(Duration.ofMinutes(5)));
        Socket device = upgraded();
        byte[] next = frame(KEEP_ALIVE);
        write(device, Frames.concat(frame(connect("esp32")), Arrays.copyOf(next, next.length - 1)));
        assertThat(Hex.format(readFrame(device))).as("logged in").isEqualTo("01 02 08 01");
        write(device, Arrays.copyOfRange(next, next.length - 1, next.length));
        assertThat(Hex.format(readFrame(device))).as("the frame started before the OK").isEqualTo("05 00");
        write(device, frame(largeThenKeepAlive(200_000)));
        assertThat(Hex.format(readFrame(device))).as("a large frame after it").isEqualTo("05 00");
    }
}
