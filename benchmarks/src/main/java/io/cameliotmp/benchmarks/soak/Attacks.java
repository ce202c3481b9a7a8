package io.cameliotmp.benchmarks.soak;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpFrames;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.protocol.MessageType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;

/**
 * The attack families of issue 12, each a loop on threads of its own from a loopback address of its own (Linux routes
 * all of 127.0.0.0/8 to lo), so that per-address limits meet them the way they would meet distinct attackers. Each
 * counts its attempts and how many of them the server refused (closed, answered ERROR or an HTTP error).
 */
final class Attacks {

    /** The attack families, in the order the soak runs them. */
    static final List<String> FAMILIES = List.of("huge-ids", "bad-ka", "partial-frames", "after-login",
            "stalled-frame", "lockout", "http", "slow-headers", "stream-hogs", "upload-leavers", "api-websockets",
            "legacy-new-ids", "legacy-after-login", "legacy-partial");
    /** The families against a server with {@code transport=WEBSOCKET}, in the order the soak runs them. */
    static final List<String> WEB_SOCKET_FAMILIES = List.of("ws-trickle", "ws-partial-frames");
    /** The user of the WebSocket families' devices: the soak accepts any device of it ({@code wsattack/*}). */
    static final String WS_USER = "wsattack";
    static final String WS_CREDENTIAL = "attack-ws";

    private final String host;
    private final int iotmpPort;
    private final int httpPort;
    private final HttpClient http;
    private final EventLoopGroup group;
    private final String webSocketPath;
    private final AtomicLong attempts = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final List<Thread> threads = new ArrayList<>();
    private final List<AutoCloseable> resources = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean running;
    private final HttpAttacks httpAttacks;
    private final LegacyAttacks legacyAttacks;
    /** What the IOTMP families share with the others: the loop that holds stalled connections. */
    private final AttackFamilies iotmpFamilies;

    Attacks(String host, int iotmpPort, int httpPort, HttpClient http, EventLoopGroup group) {
        this(host, iotmpPort, httpPort, http, group, "/iotmp");
    }

    /** @param webSocketPath the server's WebSocket path, for the WebSocket families */
    Attacks(String host, int iotmpPort, int httpPort, HttpClient http, EventLoopGroup group, String webSocketPath) {
        this.webSocketPath = webSocketPath;
        this.host = host;
        this.iotmpPort = iotmpPort;
        this.httpPort = httpPort;
        this.http = http;
        this.group = group;
        this.httpAttacks = new HttpAttacks(host, httpPort, attempts, refused, () -> running, resources);
        this.legacyAttacks = new LegacyAttacks(host, iotmpPort, attempts, refused, () -> running, resources);
        this.iotmpFamilies = new AttackFamilies(host, iotmpPort, attempts, refused, () -> running, resources);
    }

    /** Starts the given families; they run until {@link #stop()}. */
    void start(List<String> families) {
        running = true;
        for (String family : families) {
            switch (family) {
                case "huge-ids" -> spawn(family, 2, this::hugeIds);
                case "bad-ka" -> spawn(family, 2, this::badKeepAlive);
                case "partial-frames" -> spawn(family, 1, this::partialFrames);
                case "after-login" -> spawn(family, 1, this::afterLogin);
                // one connection: the device has one credential, and a second login would replace the first
                case "stalled-frame" -> spawn(family, 1, this::stalledFrame);
                case "lockout" -> spawn(family, 2, this::lockout);
                case "http" -> spawn(family, 8, this::httpAbuse);
                case "slow-headers" -> spawn(family, 2, httpAttacks::slowHeaders);
                case "stream-hogs" -> spawn(family, 1, httpAttacks::streamHogs);
                case "upload-leavers" -> spawn(family, 2, httpAttacks::uploadLeavers);
                case "api-websockets" -> spawn(family, 2, httpAttacks::apiWebSockets);
                case "legacy-new-ids" -> spawn(family, 2, legacyAttacks::newIds);
                case "legacy-after-login" -> spawn(family, 1, legacyAttacks::afterLogin);
                case "legacy-partial" -> spawn(family, 1, legacyAttacks::partial);
                case "ws-trickle" -> spawn(family, 2, this::webSocketTrickle);
                case "ws-partial-frames" -> spawn(family, 1, this::webSocketPartialFrames);
                default -> throw new IllegalArgumentException("unknown attack family " + family);
            }
        }
    }

    /** Stops every family; returns {attempts, refused} since the start, and resets them. */
    long[] stop() throws Exception {
        running = false;
        synchronized (resources) {
            for (AutoCloseable resource : resources) {
                try {
                    resource.close();
                } catch (Exception e) {
                    // already closed by the server
                }
            }
            resources.clear();
        }
        for (Thread thread : threads) {
            thread.join(60_000);
        }
        threads.clear();
        return new long[] {attempts.getAndSet(0), refused.getAndSet(0)};
    }

    private interface Loop {
        void run(int index) throws Exception;
    }

    private void spawn(String family, int count, Loop loop) {
        for (int i = 0; i < count; i++) {
            int index = i;
            Thread thread = new Thread(() -> {
                while (running) {
                    try {
                        loop.run(index);
                    } catch (Exception e) {
                        pause(10); // the server closed on us, or refused the connection: go on
                    }
                }
            }, "attack-" + family + "-" + i);
            threads.add(thread);
            thread.start();
        }
    }

    // ---------------------------------------------------------------- the families

    /** CONNECTs with a 120,000-character device id, and failed CONNECTs with ever new 128-character ids. */
    private void hugeIds(int index) throws IOException {
        String id = index == 0 ? "d".repeat(120_000) : randomId(128);
        attempt(index == 0 ? "127.0.0.2" : "127.0.0.3",
                frame(IotmpMessage.connect(1, "demo", id, "wrong-secret")));
    }

    /** CONNECTs with a keep-alive out of range and long (128-character) names. */
    private void badKeepAlive(int index) throws IOException {
        attempt("127.0.0." + (4 + index), frame(IotmpMessage.of(MessageType.CONNECT, 1, Map.of("ka", 100_000),
                List.of(randomId(128), randomId(128), "secret"), null)));
    }

    /**
     * A thousand connections from ten addresses, each starting a 4,000-byte CONNECT and stalling (held until the
     * CONNECT deadline or the frame deadline closes them, then opened again), and connections announcing a frame just
     * under {@code maxFrameSize} before login.
     */
    private void partialFrames(int index) throws Exception {
        byte[] partial = new byte[3003];
        partial[0] = 1;
        partial[1] = (byte) 0xA0;
        partial[2] = 0x1F; // CONNECT of 4,000 bytes
        byte[] nearlyMax = {1, (byte) 0xA0, (byte) 0xC5, 0x0F, 0, 0, 0, 0}; // CONNECT of 254,624 bytes
        iotmpFamilies.holdStalled(1000, place -> "127.0.0." + (10 + place % 10),
                place -> place % 50 == 0 ? nearlyMax : partial);
    }

    /**
     * A logged-in device using the server's services beyond its quotas: ever new properties (ERROR 429 past the
     * quota), frames of empty PSON maps that would expand seventy-fold on the heap (dropped as malformed), and a
     * flood of keep-alives.
     */
    private void afterLogin(int index) throws Exception {
        IotmpDevice device = IotmpDevice.builder().host(host).port(iotmpPort)
                .credentials("demo", "attacker-1", "attack-1").localAddress("127.0.0.30").eventLoopGroup(group)
                .noReconnect().requestTimeout(Duration.ofSeconds(30)).build();
        resources.add(device);
        try {
            device.start().toCompletableFuture().get(30, TimeUnit.SECONDS);
            IotmpMessage bomb = IotmpMessage.run(0, "echo", null, Collections.nCopies(200_000, Map.of()));
            int n = 0;
            while (running && device.isConnected()) {
                attempts.incrementAndGet();
                CompletableFuture<Object> set = device.setProperty("p" + n++, "x".repeat(500), true)
                        .toCompletableFuture();
                try {
                    set.get(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    refused.incrementAndGet();
                }
                if (n % 10 == 0) {
                    attempts.incrementAndGet();
                    refused.incrementAndGet(); // a malformed frame is dropped and counted, without an answer
                    device.send(bomb).toCompletableFuture().get(30, TimeUnit.SECONDS);
                    for (int k = 0; k < 1000; k++) {
                        device.send(IotmpMessage.of(MessageType.KEEP_ALIVE, 0, null, null, null));
                    }
                }
            }
        } finally {
            device.close();
        }
    }

    /** Logs in, starts a frame and stalls: the frame deadline closes the connection, and it starts over. */
    private void stalledFrame(int index) throws IOException {
        try (Socket socket = socket("127.0.0.31")) {
            attempts.incrementAndGet();
            write(socket, frame(IotmpMessage.of(MessageType.CONNECT, 1, Map.of("ka", 1800),
                    List.of("demo", "attacker-2", "attack-2"), null)));
            write(socket, new byte[] {6, 0x7F, 8});
            if (closedWithin(socket, Duration.ofMinutes(5))) {
                refused.incrementAndGet();
            }
        }
    }

    /** Wrong secrets for a good device, from an address of its own: blocks that device there, not elsewhere. */
    private void lockout(int index) throws IOException {
        attempt("127.0.0." + (40 + index), frame(IotmpMessage.connect(1, "demo", "device-1", "guess-" + randomId(8))));
    }

    /**
     * The HTTP side: a 0.3 MB body, a body that is not UTF-8, JSON with trailing garbage, and calls to a device that
     * is connected and never answers (each one waits for the request timeout).
     */
    private void httpAbuse(int index) throws Exception {
        if (index == 0) {
            muteDevice();
            return;
        }
        URI base = URI.create("http://" + host + ":" + httpPort + "/v3/users/demo/devices/");
        HttpRequest request = switch (index % 4) {
            case 1 -> post(base.resolve("sim-1/resources/echo"), new byte[300_000]);
            case 2 -> post(base.resolve("sim-1/resources/echo"), new byte[] {'"', (byte) 0xC3, (byte) 0x28, '"'});
            case 3 -> post(base.resolve("sim-1/resources/echo"), "{\"a\":1} xyz".getBytes());
            default -> HttpRequest.newBuilder(base.resolve("mute-1/resources/temperature"))
                    .header("Authorization", Soak.authorization()).timeout(Duration.ofMinutes(2)).build();
        };
        attempts.incrementAndGet();
        HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() >= 400) {
            refused.incrementAndGet();
        }
    }

    /** A device that logs in and then answers nothing, for {@link #httpAbuse}; it reads so as not to be cut off. */
    private void muteDevice() throws IOException {
        try (Socket socket = socket("127.0.0.50")) {
            write(socket, frame(IotmpMessage.of(MessageType.CONNECT, 1, Map.of("ka", 1800),
                    List.of("demo", "mute-1", "mute-1"), null)));
            InputStream in = socket.getInputStream();
            socket.setSoTimeout(1000);
            byte[] sink = new byte[8192];
            while (running) {
                try {
                    if (in.read(sink) < 0) {
                        return;
                    }
                } catch (java.net.SocketTimeoutException e) {
                    // nothing to read: stay silent
                }
            }
        }
    }

    // ---------------------------------------------------------------- the WebSocket families

    /**
     * A device logged in over WebSocket starts a 100,000-byte WebSocket frame and trickles it a byte every 100 ms, so
     * that it never looks idle: {@code frameReadTimeout} closes it (30 s by default), and it starts over.
     */
    private void webSocketTrickle(int index) throws IOException {
        try (Socket socket = socket("127.0.0." + (32 + index))) {
            attempts.incrementAndGet();
            webSocketLogin(socket, "trickle-" + index);
            write(socket, WebSocketFrames.start(100_000, 0));
            socket.setSoTimeout(100);
            InputStream in = socket.getInputStream();
            byte[] sink = new byte[1024];
            while (running) {
                try {
                    write(socket, new byte[] {'x'});
                    if (in.read(sink) < 0) {
                        refused.incrementAndGet();
                        return;
                    }
                } catch (java.net.SocketTimeoutException e) {
                    // nothing from the server: trickle on
                } catch (IOException e) {
                    refused.incrementAndGet(); // reset by the server
                    return;
                }
            }
        }
    }

    /**
     * Four hundred devices logged in over WebSocket from ten addresses, each holding half of a 200,000-byte WebSocket
     * frame (80 MB announced, more than the 64 MiB partial-frame budget): those that fit are held until
     * {@code frameReadTimeout}, the others closed at once; closed ones log in again and start over.
     */
    private void webSocketPartialFrames(int index) throws Exception {
        int connections = 400;
        int payload = 200_000;
        byte[] start = WebSocketFrames.start(payload, payload / 2);
        SocketChannel[] open = new SocketChannel[connections];
        ByteBuffer sink = ByteBuffer.allocate(4096);
        while (running) {
            for (int i = 0; i < connections && running; i++) {
                SocketChannel channel = open[i];
                if (channel != null) {
                    sink.clear();
                    int read;
                    try {
                        read = channel.read(sink);
                    } catch (IOException e) {
                        read = -1;
                    }
                    if (read >= 0) {
                        continue;
                    }
                    channel.close();
                    refused.incrementAndGet();
                    open[i] = null;
                }
                channel = SocketChannel.open();
                resources.add(channel);
                attempts.incrementAndGet();
                try {
                    channel.bind(new InetSocketAddress("127.0.0." + (60 + i % 10), 0));
                    channel.connect(new InetSocketAddress(host, iotmpPort));
                    Socket socket = channel.socket();
                    socket.setSoTimeout(30_000);
                    webSocketLogin(socket, "partial-" + i);
                    channel.write(ByteBuffer.wrap(start));
                    channel.configureBlocking(false);
                    open[i] = channel;
                } catch (IOException e) {
                    refused.incrementAndGet();
                    channel.close();
                }
            }
            pause(200);
        }
        for (SocketChannel channel : open) {
            if (channel != null) {
                channel.close();
            }
        }
    }

    /** The HTTP upgrade, then a CONNECT (keep-alive 30 minutes) answered OK, else an IOException. */
    private void webSocketLogin(Socket socket, String device) throws IOException {
        write(socket, ("GET " + webSocketPath + " HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: websocket\r\n"
                       + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                       + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: iotmp\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (head.indexOf("\r\n\r\n") < 0) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed during the upgrade");
            }
            head.append((char) b);
        }
        if (!head.toString().startsWith("HTTP/1.1 101")) {
            throw new IOException("upgrade refused: " + head.substring(0, head.indexOf("\r\n")));
        }
        byte[] connect = frame(IotmpMessage.of(MessageType.CONNECT, 1, Map.of("ka", 1800),
                List.of(WS_USER, device, WS_CREDENTIAL), null));
        write(socket, WebSocketFrames.frame(connect));
        // the OK: a small binary frame, 01 02 08 01
        int first = in.read();
        int length = in.read();
        if (first != 0x82 || length != 4 || in.readNBytes(4)[0] != 1) {
            throw new IOException("login refused");
        }
    }

    // ---------------------------------------------------------------- helpers

    /** One connection that sends its bytes and waits to be closed or answered: a refused attempt either way. */
    private void attempt(String from, byte[] bytes) throws IOException {
        attempts.incrementAndGet();
        try (Socket socket = socket(from)) {
            try {
                write(socket, bytes);
            } catch (IOException e) {
                refused.incrementAndGet(); // closed before all was written
                return;
            }
            if (closedWithin(socket, Duration.ofSeconds(60))) {
                refused.incrementAndGet();
            }
        } catch (IOException e) {
            refused.incrementAndGet(); // closed at once
        }
    }

    private Socket socket(String from) throws IOException {
        return open(resources, from, host, iotmpPort, 0);
    }

    /**
     * A connection from the loopback address {@code from} to {@code host:port}, closed at the attacks' stop (it joins
     * {@code resources}) or at once if it cannot be made; {@code receiveBuffer} bytes of receive window, or the
     * system's when 0.
     */
    static Socket open(List<AutoCloseable> resources, String from, String host, int port, int receiveBuffer)
            throws IOException {
        Socket socket = new Socket();
        resources.add(socket);
        try {
            if (receiveBuffer > 0) {
                socket.setReceiveBufferSize(receiveBuffer); // before connecting: the window is agreed then
            }
            socket.bind(new InetSocketAddress(from, 0));
            socket.connect(new InetSocketAddress(host, port), 10_000);
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    static void write(Socket socket, byte[] bytes) throws IOException {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
    }

    private static boolean closedWithin(Socket socket, Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        byte[] sink = new byte[8192];
        try {
            while (socket.getInputStream().read(sink) >= 0) {
                // the server's ERROR, if any
            }
            return true;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    private static HttpRequest post(URI uri, byte[] body) {
        return HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .header("Authorization", Soak.authorization()).timeout(Duration.ofMinutes(2))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    }

    private static byte[] frame(IotmpMessage message) {
        ByteBuf buf = Unpooled.buffer();
        IotmpFrames.encode(message, Generation.GEN2, buf);
        byte[] bytes = new byte[buf.readableBytes()];
        buf.readBytes(bytes);
        return bytes;
    }

    private static String randomId(int length) {
        Random random = new Random();
        StringBuilder id = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            id.append((char) ('a' + random.nextInt(26)));
        }
        return id.toString();
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
