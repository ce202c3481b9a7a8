package io.cameliotmp.benchmarks.soak;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import io.cameliotmp.test.ClientWebSocketFrames;

/**
 * The attack families against the device API's HTTP side that the bounds of 2026-12-05 answer, played with raw
 * sockets (an HTTP client library would not let a request stall in its headers or leave mid-body), each from loopback
 * addresses of its own:
 * <ul>
 * <li>{@code slow-headers}: two addresses keep 300 connections each, sending their request headers a byte a second,
 * so that Tomcat never sees a request; beyond {@code camel.iotmp.api.max-connections-per-address} (256) the server
 * closes the new ones as it accepts them (refused);</li>
 * <li>{@code stream-hogs}: one token holds as many resource streams (Server-Sent Events) and device-event
 * subscriptions as it can, 100 of each asked every round, reading nothing after the answer's head; beyond the user's
 * share of {@code max-sse-streams} and {@code max-event-streams} they are answered 503 (refused);</li>
 * <li>{@code upload-leavers}: firmware images of 4 MB announced, 256 KB sent, and the connection reset; an answer
 * the server gives before that counts as refused;</li>
 * <li>{@code api-websockets}: WebSocket clients of the API, a resource stream sampled every second and a terminal
 * session in turn, each of which sends one frame that breaks the protocol (text that is not UTF-8, a frame not
 * masked, a reserved opcode or bit, a continuation of nothing, a message beyond Tomcat's 8 KiB buffer) and reads
 * until the server closes it (refused), one after the other as fast as the server closes them. A stream's close may
 * come while a sample is being written to it, where Tomcat's close is a race of its own.</li>
 * </ul>
 * None of them may cost the good users anything, nor write to the log beyond what the soak's targets allow.
 */
final class HttpAttacks extends AttackFamilies {

    /** The families, in the order the soak runs them. */
    static final List<String> FAMILIES = List.of("slow-headers", "stream-hogs", "upload-leavers", "api-websockets");

    /** Connections each slow-headers address keeps: more than the per-address bound of 256. */
    private static final int SLOW_CONNECTIONS = 300;
    /** Streams of each kind a stream-hogs round asks for: more than the caps (64) of the quickstart. */
    private static final int HOGGED_STREAMS = 100;
    private static final int ANNOUNCED_IMAGE = 4 * 1024 * 1024;
    private static final int SENT_IMAGE = 256 * 1024;
    /** What api-websockets' clients send, one each, in turn. */
    private static final List<byte[]> HOSTILE_FRAMES = ClientWebSocketFrames.protocolViolations();

    HttpAttacks(String host, int httpPort, AtomicLong attempts, AtomicLong refused, BooleanSupplier running,
                List<AutoCloseable> resources) {
        super(host, httpPort, attempts, refused, running, resources);
    }

    /** Keeps {@value #SLOW_CONNECTIONS} connections from its address in their headers, a byte a second each. */
    void slowHeaders(int index) throws IOException {
        String from = "127.0.0." + (60 + index);
        List<Socket> open = new ArrayList<>();
        try {
            while (running.getAsBoolean()) {
                while (open.size() < SLOW_CONNECTIONS && running.getAsBoolean()) {
                    attempts.incrementAndGet();
                    try {
                        Socket socket = connect(from);
                        write(socket, "GET /v3/users/demo/devices HTTP/1.1\r\nHost: soak\r\nX-Slow: ");
                        open.add(socket);
                    } catch (IOException e) {
                        refused.incrementAndGet();
                    }
                }
                for (Iterator<Socket> it = open.iterator(); it.hasNext(); ) {
                    if (!running.getAsBoolean()) {
                        return; // the attacks' stop closes the sockets: not the server's refusals
                    }
                    Socket socket = it.next();
                    if (closed(socket)) {
                        refused.incrementAndGet();
                        it.remove();
                        socket.close();
                        continue;
                    }
                    try {
                        write(socket, "x");
                    } catch (IOException e) {
                        refused.incrementAndGet();
                        it.remove();
                        socket.close();
                    }
                }
                Attacks.pause(1000);
            }
        } finally {
            for (Socket socket : open) {
                socket.close();
            }
        }
    }

    /**
     * Asks for {@value #HOGGED_STREAMS} streams of each kind at once, holds those it is given for 20 s without reading
     * them, then asks again.
     */
    void streamHogs(int index) throws IOException {
        String from = "127.0.0." + (70 + index);
        List<Socket> asked = new ArrayList<>();
        try {
            for (int i = 0; i < HOGGED_STREAMS && running.getAsBoolean(); i++) {
                ask(from, "/v3/users/demo/devices/sim-1/resources/temperature/stream", asked);
                ask(from, "/v3/users/demo/events", asked);
            }
            for (Iterator<Socket> it = asked.iterator(); it.hasNext(); ) {
                Socket socket = it.next();
                try {
                    socket.setSoTimeout(30_000);
                    if (statusLine(socket.getInputStream()).startsWith("HTTP/1.1 200")) {
                        continue; // held, and read no further: the server's writes to it pile up in its buffers
                    }
                } catch (IOException e) {
                    // closed or reset: refused as well
                }
                refused.incrementAndGet();
                it.remove();
                socket.close();
            }
            for (int waited = 0; waited < 20 && running.getAsBoolean(); waited++) {
                Attacks.pause(1000);
            }
        } finally {
            for (Socket socket : asked) {
                socket.close();
            }
        }
    }

    private void ask(String from, String path, List<Socket> asked) throws IOException {
        attempts.incrementAndGet();
        Socket socket;
        try {
            socket = Attacks.open(resources, from, host, port, 4096); // a small window
        } catch (IOException e) {
            refused.incrementAndGet();
            return;
        }
        try {
            write(socket, "GET " + path + " HTTP/1.1\r\nHost: soak\r\nAccept: text/event-stream\r\nAuthorization: "
                          + Soak.authorization() + "\r\n\r\n");
            asked.add(socket);
        } catch (IOException e) {
            refused.incrementAndGet();
            socket.close();
        }
    }

    /** Announces a 4 MB firmware image, sends 256 KB of it and resets the connection. */
    void uploadLeavers(int index) throws IOException {
        attempts.incrementAndGet();
        try (Socket socket = connect("127.0.0." + (80 + index))) {
            write(socket, "POST /v3/users/demo/devices/sim-1/firmware HTTP/1.1\r\nHost: soak\r\nAuthorization: "
                          + Soak.authorization() + "\r\nContent-Type: application/octet-stream\r\nContent-Length: "
                          + ANNOUNCED_IMAGE + "\r\n\r\n");
            byte[] chunk = new byte[16 * 1024];
            for (int sent = 0; sent < SENT_IMAGE; sent += chunk.length) {
                socket.getOutputStream().write(chunk);
            }
            socket.getOutputStream().flush();
            if (answered(socket)) {
                refused.incrementAndGet();
            }
            socket.setSoLinger(true, 0); // the close sends RST: a client that vanished mid-image
        } catch (IOException e) {
            refused.incrementAndGet(); // the server closed before the 256 KB were written
        }
    }

    /** One WebSocket client after the other, each breaking the protocol once and read until the server closes it. */
    void apiWebSockets(int index) throws IOException {
        String from = "127.0.0." + (90 + index);
        for (int round = 0; running.getAsBoolean(); round++) {
            attempts.incrementAndGet();
            String path = round % 2 == 0 ? "/v3/users/demo/devices/sim-1/resources/temperature/ws?interval=1"
                    : "/v3/users/demo/devices/sim-1/sessions/terminal";
            try (Socket socket = connect(from)) {
                socket.setSoTimeout(30_000);
                write(socket, "GET " + path + " HTTP/1.1\r\nHost: soak\r\nAuthorization: " + Soak.authorization()
                              + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
                              + "dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
                InputStream in = socket.getInputStream();
                if (statusLine(in).startsWith("HTTP/1.1 101")) {
                    Attacks.write(socket, HOSTILE_FRAMES.get(round / 2 % HOSTILE_FRAMES.size()));
                }
                in.transferTo(OutputStream.nullOutputStream());
                refused.incrementAndGet();
            } catch (SocketTimeoutException e) {
                // the server kept the client for 30 s: not refused, and the soak's report shows it
            } catch (IOException e) {
                refused.incrementAndGet(); // reset
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    private Socket connect(String from) throws IOException {
        return Attacks.open(resources, from, host, port, 0);
    }

    private static void write(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
    }

    /** Whether the server has closed the connection (read end of stream, or a reset), without waiting. */
    private static boolean closed(Socket socket) {
        try {
            socket.setSoTimeout(1);
            return socket.getInputStream().read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /** Whether the server answered (or closed) already, without waiting. */
    private static boolean answered(Socket socket) {
        try {
            socket.setSoTimeout(1);
            socket.getInputStream().read();
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private static String statusLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
            line.append((char) b);
        }
        return line.toString();
    }
}
