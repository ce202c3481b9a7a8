package io.cameliotmp.api;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.device.ResourceKind;
import io.cameliotmp.test.ClientWebSocketFrames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * WebSocket clients that end their connection while the server writes to them or closes them: they reset it, send a
 * close frame, or break the protocol (Tomcat then gives the write in flight up and closes "in an unknown state"), while
 * a write is in flight, while the server closes them itself (idle, or too slow), or as their idle timeout passes. On a
 * busy stream (a sample every few milliseconds) and on byte sessions whose device prints without end, a few hundred of
 * them, a few dozen at once. Whatever the order the closes race in, each connection ends, and nothing stays held:
 * places ({@link UserSlots}, every kind), the handlers' registrations, the device's streams (as the device and the
 * IOTMP server see them), busy closer threads, gauges; no client is counted as closed twice, and no line above DEBUG
 * is logged by the API (no ERROR or WARN line at all).
 * <p>
 * The clients' pauses only spread the hostile acts over the phases of a close (a write in flight, the send timeout
 * passing, the idle timeout passing): the test passes whatever the timing, and only finds races with it. An application
 * of its own: short send and idle timeouts, and small socket buffers so that a client that reads nothing stalls its
 * writes at once.
 */
@ExtendWith(OutputCaptureExtension.class)
@TestPropertySource(properties = {"camel.iotmp.api.stream-send-timeout=1s", "camel.iotmp.api.session-send-timeout=1s",
    "camel.iotmp.api.session-send-buffer=64KB", "camel.iotmp.api.websocket-idle-timeout=3s",
    "camel.iotmp.api.max-share-per-user=1"})
@Import(DeviceSessionSocketLimitsTest.SmallSendBuffer.class)
class WebSocketCloseRaceTest extends OwnApplicationTestSupport {

    static final int CLIENTS = 240;
    static final int AT_ONCE = 40;
    private static final int FIRST_ADDRESS = 20;
    private static final int ADDRESSES = 200;
    private static final String STREAM = "/v3/users/demo/devices/dev-1/resources/counter/ws";
    private static final String SESSION = "/v3/users/demo/devices/dev-1/sessions/terminal";
    private static final String UPGRADE = "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                                          + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                          + "Sec-WebSocket-Version: 13\r\n";
    private static final byte[] CLOSE = ClientWebSocketFrames.frame(0x88, true, new byte[] {0x03, (byte) 0xE8});
    private static final List<byte[]> HOSTILE = ClientWebSocketFrames.protocolViolations();

    @Autowired
    ConnectionsPerAddress connections;

    @Autowired
    DeviceStreamSocket streams;

    @Autowired
    DeviceSessionSocket sessions;

    @Autowired
    DeviceStreamController sseStreams;

    @Autowired
    DeviceEvents events;

    @Autowired
    FileDownloads downloads;

    @Autowired
    FileUploads uploads;

    @Autowired
    FirmwareUploads firmware;

    @Autowired
    ApiMetrics metrics;

    @Autowired
    CamelContext camel;

    private final AtomicBoolean stopOutput = new AtomicBoolean();

    /** What a client does, and when. */
    enum Behaviour {
        /** Reads nothing (its writes stall), then, after a pause, resets its connection. */
        RESET_UNREAD(false),
        /** Reads nothing, then sends a close frame. */
        CLOSE_UNREAD(false),
        /** Reads nothing, then breaks the protocol. */
        HOSTILE_UNREAD(false),
        /** Reads nothing, then sends a close frame and breaks the protocol after it. */
        CLOSE_THEN_HOSTILE_UNREAD(false),
        /** Reads a few messages (writes follow each other), then resets its connection. */
        RESET_READING(true),
        /** Reads a few messages, then sends a close frame. */
        CLOSE_READING(true),
        /** Reads a few messages, then breaks the protocol. */
        HOSTILE_READING(true),
        /** Reads until the server closes it (the idle timeout: it sends nothing), then breaks the protocol. */
        HOSTILE_ON_SERVER_CLOSE(true),
        /** Reads until the server closes it, then resets its connection. */
        RESET_ON_SERVER_CLOSE(true),
        /** Reads, and sends a close frame about when its idle timeout passes. */
        CLOSE_AS_IDLE_TIMEOUT_PASSES(true);

        final boolean reads;

        Behaviour(boolean reads) {
            this.reads = reads;
        }
    }

    @AfterEach
    void stopDeviceOutput() {
        stopOutput.set(true);
    }

    @Test
    void racingClosesEndEveryConnectionAndLeaveNothingHeld(CapturedOutput output) throws Exception {
        IotmpDevice device = connect("demo", "dev-1", "secret-1", d -> d
                .resource("counter").output(System::nanoTime)
                .resource("$terminal/:session").handler(ResourceKind.INPUT_OUTPUT, request -> null));
        Thread busy = new Thread(() -> deviceOutput(device), "test-device-output");
        busy.setDaemon(true);
        busy.start();

        ExecutorService clients = Executors.newFixedThreadPool(AT_ONCE);
        Map<String, Integer> ends = new TreeMap<>();
        try {
            List<Future<String>> running = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                int client = i;
                running.add(clients.submit(() -> race(client)));
            }
            for (Future<String> end : running) {
                ends.merge(end.get(WAIT.multipliedBy(4).toMillis(), TimeUnit.MILLISECONDS), 1, Integer::sum);
            }
        } finally {
            clients.shutdownNow();
        }

        await("every client's connection ended").atMost(WAIT).until(() -> allConnectionsEnded());
        await("nothing held by the clients gone").atMost(WAIT).untilAsserted(() -> {
            assertThat(streams.openStreams()).as("streams open").isZero();
            assertThat(sessions.openSessions()).as("sessions open").isZero();
            assertThat(streams.outboundsWatched()).as("stream outbounds watched").isZero();
            assertThat(streams.streamsRegistered()).as("streams registered").isZero();
            assertThat(sessions.sessionsRegistered()).as("sessions registered").isZero();
            for (UserSlots slots : List.of(sessions.slots(), streams.slots(), sseStreams.slots(), events.slots(),
                    downloads.slots(), uploads.slots(), firmware.slots())) {
                assertThat(slots.held()).as("%s places held", slots.kind()).isZero();
                assertThat(slots.users()).as("%s users holding a place", slots.kind()).isZero();
            }
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            metrics.bindTo(meters);
            assertThat(meters.get("iotmp.api.sessions").gauge().value()).isZero();
            assertThat(meters.get("iotmp.api.websocket.streams").gauge().value()).isZero();
            assertThat(busyApiThreads()).as("closer threads busy").isEmpty();
        });
        // at once: a closed stream's cancelled timers left the queue as it closed (not when they would have been due)
        assertThat(streams.timersScheduled()).as("timers of the streams' sender queued").isLessThanOrEqualTo(1);
        stopOutput.set(true);
        busy.join(WAIT.toMillis());
        await("no stream left open on the device").atMost(WAIT).untilAsserted(() -> {
            assertThat(IotmpServerHoldings.of(camel)).as("what the IOTMP server holds for the device").isEmpty();
            // true while a stream the server opened on the resource is open on the device (an empty chunk, a value)
            assertThat(device.stream("$terminal/:session", new byte[0])).as("a terminal open on the device").isFalse();
            assertThat(device.stream("counter", 0L)).as("a stream of counter open on the device").isFalse();
        });
        // each client is closed once at most, whatever noticed it (its stalled write, its overflow, its silence)
        assertThat(streams.slowClientsClosed() + streams.idleClientsClosed()).as("stream clients closed by the server")
                .isLessThanOrEqualTo(CLIENTS / 2);
        assertThat(sessions.slowClientsClosed() + sessions.idleClientsClosed())
                .as("session clients closed by the server").isLessThanOrEqualTo(CLIENTS / 2);
        assertThat(output.getAll().lines().filter(line -> line.contains(" ERROR ") || line.contains(" WARN ")
                                                          || line.contains(" INFO ") && apiLine(line)))
                .as("lines above DEBUG; the clients ended so: %s", ends).isEmpty();
    }

    /**
     * One client: upgrades to a stream (even numbers) or a session (odd ones) from an address of its own, behaves as
     * its {@link Behaviour}, then reads until the server ends the connection; returns how it went.
     */
    private String race(int number) throws IOException {
        Random random = new Random(number);
        Behaviour behaviour = Behaviour.values()[number / 2 % Behaviour.values().length];
        String path = number % 2 == 0 ? STREAM : SESSION;
        byte[] hostile = HOSTILE.get(random.nextInt(HOSTILE.size()));
        try (Socket socket = new Socket()) {
            if (!behaviour.reads) {
                // before connecting, so that the window the server's writes fill is small
                socket.setReceiveBufferSize(1024);
            }
            socket.bind(new InetSocketAddress(address(number), 0));
            socket.connect(new InetSocketAddress("127.0.0.1", httpPort), (int) WAIT.toMillis());
            socket.setSoTimeout((int) WAIT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + httpPort + "\r\nAuthorization: Bearer " + ALL
                       + "\r\n" + UPGRADE + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
            assertThat(DeviceSessionSocketLimitsTest.readHead(in)).startsWith("HTTP/1.1 101");
            String name = behaviour + " " + (path.equals(STREAM) ? "stream" : "session");
            int serverClose = switch (behaviour) {
                case RESET_UNREAD, CLOSE_UNREAD, HOSTILE_UNREAD, CLOSE_THEN_HOSTILE_UNREAD -> {
                    // around the send timeout (1 s), when the server closes the stalled client itself
                    pause(random.nextInt(1600));
                    yield -1;
                }
                case RESET_READING, CLOSE_READING, HOSTILE_READING -> readFrames(in, 1 + random.nextInt(40), -1);
                case HOSTILE_ON_SERVER_CLOSE, RESET_ON_SERVER_CLOSE -> readFrames(in, Integer.MAX_VALUE, -1);
                case CLOSE_AS_IDLE_TIMEOUT_PASSES -> readFrames(in, Integer.MAX_VALUE,
                        System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2600 + random.nextInt(800)));
            };
            name += serverClose > 0 ? " (closed " + serverClose + " first)" : "";
            try {
                switch (behaviour) {
                    case RESET_UNREAD, RESET_READING, RESET_ON_SERVER_CLOSE -> {
                        socket.setSoLinger(true, 0);
                        socket.close();
                        return name + ": reset";
                    }
                    case CLOSE_UNREAD, CLOSE_READING, CLOSE_AS_IDLE_TIMEOUT_PASSES -> out.write(CLOSE);
                    case CLOSE_THEN_HOSTILE_UNREAD -> {
                        out.write(CLOSE);
                        out.write(hostile);
                    }
                    default -> out.write(hostile);
                }
                out.flush();
            } catch (IOException e) {
                // the server has ended the connection already
                return name + ": gone before the client acted";
            }
            return name + ": " + readUntilEnd(in, path);
        }
    }

    /**
     * Reads up to {@code frames} frames, or until {@code deadline} (by {@link System#nanoTime()}, none when -1), or the
     * server's close frame: returns its code, 0 without one.
     */
    private static int readFrames(DataInputStream in, int frames, long deadline) throws IOException {
        for (int i = 0; i < frames && (deadline == -1 || System.nanoTime() - deadline < 0); i++) {
            int first = in.readUnsignedByte();
            int length = in.readUnsignedByte() & 0x7f;
            long size = length == 126 ? in.readUnsignedShort() : length == 127 ? in.readLong() : length;
            byte[] payload = new byte[(int) size];
            in.readFully(payload);
            if ((first & 0x0f) == 0x8) {
                return payload.length >= 2 ? (payload[0] & 0xff) << 8 | payload[1] & 0xff : 1005;
            }
        }
        return 0;
    }

    /** Reads until the server ends the connection; fails when it does not, within twice {@link #WAIT}. */
    private static String readUntilEnd(InputStream in, String path) {
        long deadline = System.nanoTime() + WAIT.multipliedBy(2).toNanos();
        byte[] buffer = new byte[8192];
        try {
            while (in.read(buffer) >= 0) {
                if (System.nanoTime() - deadline > 0) {
                    throw new AssertionError(path + ": the server kept writing and did not end the connection");
                }
            }
            return "ended";
        } catch (SocketTimeoutException e) {
            throw new AssertionError(path + ": the server did not end the connection", e);
        } catch (EOFException e) {
            return "ended";
        } catch (IOException e) {
            // the server may reset the connection it gives up
            return "reset by the server";
        }
    }

    /** Whether a log line is the API's own (the test's Spring Boot start lines are not). */
    private static boolean apiLine(String line) {
        return line.contains("cameliotmp.api.") && !line.contains(WebSocketCloseRaceTest.class.getSimpleName());
    }

    /** Samples of counter and terminal output, every two milliseconds, on every stream open on the device. */
    private void deviceOutput(IotmpDevice device) {
        byte[] chunk = new byte[256];
        Arrays.fill(chunk, (byte) 'y');
        while (!stopOutput.get()) {
            device.stream("counter", System.nanoTime());
            device.stream("$terminal/:session", chunk);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
    }

    /** A pause that spreads the clients' acts over a close's phases; nothing waits for it to be long enough. */
    private static void pause(int millis) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(millis));
    }

    private static InetAddress address(int client) throws UnknownHostException {
        return InetAddress.getByName("127.0.0." + (FIRST_ADDRESS + client % ADDRESSES));
    }

    private boolean allConnectionsEnded() throws UnknownHostException {
        for (int i = 0; i < Math.min(CLIENTS, ADDRESSES); i++) {
            if (connections.open(address(i)) != 0) {
                return false;
            }
        }
        return true;
    }

    /** The API's closer threads that are running a task now (not waiting for one), with what they run. */
    private static List<String> busyApiThreads() {
        List<String> busy = new ArrayList<>();
        Thread.getAllStackTraces().forEach((thread, stack) -> {
            String name = thread.getName();
            boolean api = name.startsWith("ws-stream-closer-") || name.startsWith("api-session-closer-");
            if (api && Arrays.stream(stack).anyMatch(frame -> frame.getClassName().startsWith("io.cameliotmp"))) {
                busy.add(name + " " + Arrays.toString(stack));
            }
        });
        return busy;
    }
}
