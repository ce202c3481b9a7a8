package io.cameliotmp.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.device.ResourceKind;
import io.cameliotmp.test.SyntheticFile;
import org.apache.camel.CamelContext;
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
 * Clients that leave at an arbitrary moment, across the API's kinds of HTTP request: a call to a device resource
 * answered at once, one answered only when the test lets it, one with a large answer; a call with a JSON body; a file
 * upload and a file download; a device-events subscription and a resource stream (Server-Sent Events). Each client,
 * from an address of its own, sends its request whole or cut at a random byte (a body with {@code Expect:
 * 100-continue} after the server's 100), then resets its connection (SO_LINGER 0) or closes it normally: before
 * reading, as its answer starts, or after a random part of it. Moments are chosen by conditions (bytes written and
 * read, what the device has received, the answer's first byte), never by time. Afterwards nothing may be held (calls,
 * answers, timers, slots, streams, buffered bodies, connections, the device's streams and requests), nothing logged
 * above INFO, and a client that stays gets its answers.
 * <p>
 * Random but reproducible: {@code -Dresets.seed=…} runs another seed, {@code -Dresets.clients=…} more clients and
 * {@code -Dresets.lanes=…} more at a time (the lanes run at once, each client of a lane after the previous one has
 * ended: each lane's plan is the seed's, the lanes' interleaving varies). Written to find faults, it found none over
 * 8 seeds of 1,500 clients each (2026-12-06), and stays as their regression test.
 */
@TestPropertySource(properties = {"camel.component.iotmp.max-frame-size=8388608",
        "camel.iotmp.api.answer-write-timeout=10m"})
@ExtendWith(OutputCaptureExtension.class)
class ClientResetsAtAnyMomentTest extends OwnApplicationTestSupport {

    private static final long SEED = Long.getLong("resets.seed", 20261206L);
    private static final int CLIENTS = Integer.getInteger("resets.clients", 360);
    private static final int LANES = Integer.getInteger("resets.lanes", 3);
    /** Less than what the server decodes of a frame (4 MiB), far more than the sockets hold. */
    private static final int LARGE = 3 * 1024 * 1024;
    private static final int UPLOAD_SIZE = 300_000;
    private static final long DOWNLOAD_SIZE = 1024 * 1024;
    private static final SyntheticFile FILE = new SyntheticFile(DOWNLOAD_SIZE);
    private static final String DEVICE = "/v3/users/demo/devices/dev-1";

    /** The kinds of request. */
    enum Kind { NOW, HELD, LARGE, JSON, UPLOAD, DOWNLOAD, EVENTS, STREAM }

    /** How a client leaves. */
    enum Leave { RESET, CLOSE }

    @Autowired
    ConnectionsPerAddress connections;

    @Autowired
    CallsInProgress calls;

    @Autowired
    AnswerWriter answers;

    @Autowired
    FileUploads uploads;

    @Autowired
    FileDownloads downloads;

    @Autowired
    DeviceEvents events;

    @Autowired
    DeviceStreamController streams;

    @Autowired
    BodyReadBuffer bodies;

    @Autowired
    CamelContext camel;

    /** The held calls the device has received, by the client's number. */
    private final Set<Integer> heldArrived = ConcurrentHashMap.newKeySet();
    /** Lets a held call answer, by the client's number. */
    private final Map<Integer, CountDownLatch> heldReleases = new ConcurrentHashMap<>();
    /** The bytes each upload brought to the device, by the client's number. */
    private final Map<Integer, AtomicLong> uploaded = new ConcurrentHashMap<>();
    private final Map<String, Integer> uploadSessions = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> uploadAcks = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> downloadSent = new ConcurrentHashMap<>();
    private final ExecutorService handlers = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "test-device-handler");
        thread.setDaemon(true);
        return thread;
    });
    private IotmpDevice device;

    @AfterEach
    void releaseEverything() {
        heldReleases.values().forEach(CountDownLatch::countDown);
        if (device != null) {
            device.close();
        }
        handlers.shutdownNow();
    }

    @Test
    void clientsLeavingAtAnyMomentLeaveNothingHeldAndNothingLogged(CapturedOutput output) throws Exception {
        connectDevice();
        ExecutorService lanes = Executors.newFixedThreadPool(LANES);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int lane = 0; lane < LANES; lane++) {
                int own = lane;
                running.add(lanes.submit(() -> {
                    Random random = new Random(SEED * 31 + own);
                    for (int n = 0; n < CLIENTS / LANES; n++) {
                        oneClient(random, own, n);
                    }
                    return null;
                }));
            }
            for (Future<?> lane : running) {
                lane.get(5, TimeUnit.MINUTES);
            }
        } finally {
            lanes.shutdownNow();
        }

        await("nothing held for the clients that left").atMost(WAIT).untilAsserted(() -> {
            events.beatAll();
            assertThat(calls.held()).as("calls").isZero();
            assertThat(answers.sending()).as("answers being sent").isZero();
            assertThat(answers.timers()).as("answer timers").isZero();
            assertThat(uploads.running()).as("uploads").isZero();
            assertThat(downloads.running()).as("downloads").isZero();
            assertThat(events.subscribed()).as("event subscriptions").isZero();
            assertThat(streams.openStreams()).as("resource streams").isZero();
            assertThat(bodies.bytes()).as("body bytes").isZero();
            assertThat(device.isConnected()).as("the device still connected").isTrue();
            assertThat(IotmpServerHoldings.of(camel)).as("what the IOTMP server holds for the device").isEmpty();
        });
        aClientThatStaysGetsItsAnswers();
        assertThat(output.getAll()).doesNotContain(" ERROR ", " WARN ", "recycled it forcedly");
    }

    /** Client {@code n} of {@code lane}: its request, its moment, its way of leaving; returns once it has ended. */
    private void oneClient(Random random, int lane, int n) throws Exception {
        int id = lane * 10_000 + n;
        Kind kind = Kind.values()[random.nextInt(Kind.values().length)];
        boolean expectContinue = (kind == Kind.JSON || kind == Kind.UPLOAD) && random.nextInt(3) == 0;
        byte[] request = request(kind, id, random, expectContinue);
        boolean whole = random.nextInt(3) > 0;
        int cut = whole ? request.length : 1 + random.nextInt(request.length - 1);
        Leave leave = random.nextInt(4) == 0 ? Leave.CLOSE : Leave.RESET;
        boolean releaseFirst = random.nextBoolean();
        double readShare = random.nextInt(3) == 0 ? 0 : random.nextDouble();
        int uploadedBefore = random.nextInt(UPLOAD_SIZE);
        boolean leaveAsTheAnswerStarts = readShare == 0 && random.nextBoolean();
        String plan = "seed " + SEED + ", lane " + lane + ", client " + n + ": " + kind + (whole ? " whole" : " cut at "
                       + cut + " of " + request.length) + ", " + leave + ", read " + readShare
                      + (kind == Kind.HELD ? ", released first " + releaseFirst : "")
                      + (kind == Kind.UPLOAD ? ", after the device took " + uploadedBefore : "")
                      + (leaveAsTheAnswerStarts ? ", as the answer starts" : "")
                      + (expectContinue ? ", expecting 100-continue" : "");
        InetAddress local = InetAddress.getByName("127." + (10 + lane) + "." + (1 + n / 200) + "." + (1 + n % 200));
        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(8 * 1024);
            socket.bind(new InetSocketAddress(local, 0));
            socket.connect(new InetSocketAddress("127.0.0.1", httpPort), (int) WAIT.toMillis());
            socket.setSoTimeout((int) WAIT.toMillis());
            OutputStream out = socket.getOutputStream();
            boolean answered = false;
            try {
                int head = expectContinue ? Math.min(cut, headLength(request)) : cut;
                out.write(request, 0, head);
                out.flush();
                if (head < cut) {
                    // the body follows the server's 100 (Continue); a final answer instead (a refusal) ends the request
                    String interim = readUntil(socket.getInputStream(), "\r\n\r\n");
                    answered = interim == null || !interim.startsWith("HTTP/1.1 100");
                    if (!answered) {
                        out.write(request, head, cut - head);
                        out.flush();
                    }
                }
            } catch (SocketException refused) {
                // the server answered (a 503, say) and closed before the request was all written
            }
            if (whole && !answered) {
                if (kind == Kind.HELD) {
                    awaitCondition(plan, "the device has the call", () -> heldArrived.contains(id));
                    if (releaseFirst) {
                        release(id);
                    }
                } else if (kind == Kind.UPLOAD) {
                    awaitCondition(plan, "the device took " + uploadedBefore + " bytes or the upload ended",
                            () -> uploaded.computeIfAbsent(id, k -> new AtomicLong()).get() >= uploadedBefore
                                  || socketHasInput(socket));
                }
                if (kind != Kind.HELD || releaseFirst) {
                    if (leaveAsTheAnswerStarts) {
                        awaitCondition(plan, "the answer started", () -> socketHasInput(socket));
                    }
                    read(socket, kind, readShare);
                }
            }
            if (leave == Leave.RESET) {
                socket.setSoLinger(true, 0);
            } else {
                socket.shutdownOutput();
            }
        }
        release(id);
        awaitCondition(plan, "the connection of " + local + " ended", () -> {
            if (kind == Kind.EVENTS) {
                events.beatAll();
            }
            return connections.open(local) == 0;
        });
    }

    /**
     * Reads what the server sends for sure: the head of the answer, then a share of its body (a call's, a download's:
     * as long as its {@code Content-Length} says), or of a stream, its first event.
     */
    private static void read(Socket socket, Kind kind, double share) throws IOException {
        if (share == 0) {
            return;
        }
        InputStream in = socket.getInputStream();
        try {
            String head = readUntil(in, "\r\n\r\n");
            if (head == null) {
                return;
            }
            if (kind == Kind.EVENTS || kind == Kind.STREAM) {
                if (share > 0.5 && head.startsWith("HTTP/1.1 200")) {
                    readUntil(in, "\n\n");
                }
                return;
            }
            java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?i)\r\ncontent-length: *(\\d+)")
                    .matcher(head);
            if (!length.find()) {
                return;
            }
            long wanted = (long) (share * Long.parseLong(length.group(1)));
            byte[] buffer = new byte[8192];
            for (long read = 0; read < wanted; ) {
                int got = in.read(buffer, 0, (int) Math.min(buffer.length, wanted - read));
                if (got < 0) {
                    return;
                }
                read += got;
            }
        } catch (SocketException reset) {
            // the server gave the connection up (an error answer that closes it)
        }
    }

    /** What {@code in} gives up to and with {@code end}, or null if it ended before. */
    private static String readUntil(InputStream in, String end) throws IOException {
        StringBuilder text = new StringBuilder();
        while (!text.toString().endsWith(end)) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            text.append((char) b);
        }
        return text.toString();
    }

    private static boolean socketHasInput(Socket socket) {
        try {
            return socket.getInputStream().available() > 0;
        } catch (IOException closed) {
            return true;
        }
    }

    private void release(int id) {
        heldReleases.computeIfAbsent(id, k -> new CountDownLatch(1)).countDown();
    }

    private static void awaitCondition(String plan, String what, BooleanSupplier condition) {
        await(plan + ": " + what).atMost(WAIT).until(condition::getAsBoolean);
    }

    private static int headLength(byte[] request) {
        return new String(request, StandardCharsets.ISO_8859_1).indexOf("\r\n\r\n") + 4;
    }

    private byte[] request(Kind kind, int id, Random random, boolean expectContinue) {
        String auth = "Host: 127.0.0.1\r\nAuthorization: Bearer " + ALL + "\r\n"
                      + (expectContinue ? "Expect: 100-continue\r\n" : "");
        String text = switch (kind) {
            case NOW -> "GET " + DEVICE + "/resources/now HTTP/1.1\r\n" + auth + "\r\n";
            case HELD -> "GET " + DEVICE + "/resources/held/" + id + " HTTP/1.1\r\n" + auth + "\r\n";
            case LARGE -> "GET " + DEVICE + "/resources/large HTTP/1.1\r\n" + auth + "\r\n";
            case JSON -> {
                String body = "{\"value\":\"" + "j".repeat(random.nextInt(4000)) + "\"}";
                yield "POST " + DEVICE + "/resources/echo HTTP/1.1\r\n" + auth + "Content-Type: application/json\r\n"
                      + "Content-Length: " + body.length() + "\r\n\r\n" + body;
            }
            case UPLOAD -> "POST " + DEVICE + "/files/upload?path=/tmp/u" + id + ".bin HTTP/1.1\r\n" + auth
                           + "Content-Type: application/octet-stream\r\nContent-Length: " + UPLOAD_SIZE + "\r\n\r\n"
                           + "u".repeat(UPLOAD_SIZE);
            case DOWNLOAD -> "GET " + DEVICE + "/files/download?path=/tmp/d" + id + ".bin HTTP/1.1\r\n" + auth + "\r\n";
            case EVENTS -> "GET /v3/users/demo/events HTTP/1.1\r\n" + auth + "Accept: text/event-stream\r\n\r\n";
            case STREAM -> "GET " + DEVICE + "/resources/counter/stream?interval=1 HTTP/1.1\r\n" + auth
                           + "Accept: text/event-stream\r\n\r\n";
        };
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A client that stays: each kind answered as it should be. */
    private void aClientThatStaysGetsItsAnswers() throws Exception {
        assertThat(get(DEVICE + "/resources/now").text()).isEqualTo("\"now\"");
        release(999_999);
        assertThat(get(DEVICE + "/resources/held/999999").text()).isEqualTo("\"held 999999\"");
        Answer large = get(DEVICE + "/resources/large");
        assertThat(large.status()).isEqualTo(200);
        assertThat(large.bytes()).hasSize(LARGE);
        Answer echo = post(DEVICE + "/resources/echo", "application/json", "{\"value\":\"x\"}".getBytes());
        assertThat(echo.json().path("value").asText()).isEqualTo("x");
        Answer upload = post(DEVICE + "/files/upload?path=/tmp/good.bin", "application/octet-stream",
                new byte[UPLOAD_SIZE]);
        assertThat(upload.status()).isEqualTo(201);
        Answer download = get(DEVICE + "/files/download?path=/tmp/good.bin");
        assertThat(download.status()).isEqualTo(200);
        byte[] expected = new byte[(int) DOWNLOAD_SIZE];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = SyntheticFile.byteAt(i);
        }
        assertThat(Arrays.equals(download.bytes(), expected)).as("the file downloaded").isTrue();
        for (String stream : List.of("/v3/users/demo/events", DEVICE + "/resources/counter/stream?interval=1")) {
            HttpResponse<InputStream> response = http.send(request(stream).header("Accept", "text/event-stream")
                    .GET().build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                assertThat(response.statusCode()).as(stream).isEqualTo(200);
                assertThat(body.read()).as(stream + ": its first byte").isNotNegative();
            }
        }
        await("the good client's streams ended").atMost(WAIT).until(() -> {
            events.beatAll();
            return events.subscribed() == 0 && streams.openStreams() == 0;
        });
    }

    /** The device, its handlers on threads of their own: a held call waits there for the test. */
    private void connectDevice() throws Exception {
        byte[] large = new byte[LARGE];
        Arrays.fill(large, (byte) 'L');
        device = IotmpDevice.builder().host("127.0.0.1").port(iotmpPort).credentials("demo", "dev-1", "secret-1")
                .maxFrameSize(16 << 20).maxPendingWriteBytes(32 << 20).handlerExecutor(handlers).noReconnect().build();
        device.resource("now").output(() -> "now");
        device.resource("counter").output(System::nanoTime);
        device.resource("echo").inputOutput(input -> input);
        device.resource("large").handler(ResourceKind.OUTPUT, request -> large);
        device.resource("held/:id").handler(ResourceKind.OUTPUT, request -> {
            int id = Integer.parseInt(request.pathParam("id"));
            heldArrived.add(id);
            heldReleases.computeIfAbsent(id, k -> new CountDownLatch(1)).await(WAIT.toMillis(),
                    TimeUnit.MILLISECONDS);
            return "held " + id;
        });
        device.resource("$fs/upload/:session").handler(ResourceKind.INPUT_OUTPUT, request -> {
            if (request.describeMode() || !(request.input() instanceof byte[] chunk)) {
                String path = String.valueOf(((Map<?, ?>) request.parameters()).get("path"));
                if (path.startsWith("/tmp/u")) {
                    uploadSessions.put(request.path(), Integer.parseInt(path.substring(6, path.indexOf('.'))));
                }
                return null;
            }
            Integer id = uploadSessions.get(request.path());
            if (id != null) {
                uploaded.computeIfAbsent(id, k -> new AtomicLong()).addAndGet(chunk.length);
            }
            long acks = uploadAcks.computeIfAbsent(request.path(), k -> new AtomicLong()).incrementAndGet();
            request.device().stream(request.path(), Map.of("ack", acks, "bytes", chunk.length));
            return null;
        });
        device.resource("$fs/info/*path").handler(ResourceKind.OUTPUT, request -> Map.of(
                "name", "f.bin", "path", request.pathParam("path"), "type", "file", "size", DOWNLOAD_SIZE));
        device.resource("$fs/download/:session").handler(ResourceKind.INPUT_OUTPUT, request -> {
            int chunkSize = ((Number) ((Map<?, ?>) request.parameters()).get("chunk_size")).intValue();
            AtomicLong sent = downloadSent.computeIfAbsent(request.path(), k -> new AtomicLong());
            byte[] next = FILE.nextChunk(sent, chunkSize);
            if (request.describeMode()) {
                return next;
            }
            if (next != null) {
                request.device().stream(request.path(), next);
            }
            return null;
        });
        device.start().toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }
}
