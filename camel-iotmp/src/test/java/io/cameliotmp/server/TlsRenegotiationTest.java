package io.cameliotmp.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLSocket;

import io.cameliotmp.micrometer.MicrometerServerMetrics;
import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.testing.RawIotmpSocket;
import io.cameliotmp.testing.TestPorts;
import io.cameliotmp.testing.TestTls;
import io.cameliotmp.testing.Waits;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A TLS client may not make the server handshake again and again on one connection: TLS 1.2 lets a client start a new
 * handshake (renegotiation) at any time, the JDK's TLS accepts it by default, and each costs the server a signature
 * and a key exchange, counted by none of the bounds on connections. The server closes such a connection before the
 * new handshake reaches its TLS engine ({@link TlsRenegotiationGuard}); before it, a client logged in or not made the
 * server run a full handshake per round trip for as long as it liked. TLS 1.3 has no renegotiation: a client's key
 * update there keeps its connection.
 */
class TlsRenegotiationTest {

    private static final String CONNECTED = "01 02 08 01";

    private final MeterRegistry meters = new SimpleMeterRegistry();
    private IotmpServer server;

    @BeforeEach
    void start() throws Exception {
        KeyManagerFactory keys = TestTls.serverKeys();
        server = new IotmpServer(IotmpServerConfig.builder()
                .host("127.0.0.1").port(TestPorts.next()).ioThreads(1).workerThreads(1)
                .connectTimeout(Duration.ofMinutes(5))
                .sslContext(SslContextBuilder.forServer(keys).sslProvider(SslProvider.JDK).build())
                .authenticator(StaticAuthenticator.parse("alice/*=pw"))
                .metrics(MicrometerServerMetrics.factory(meters))
                .build());
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    @Test
    void aTls12ClientThatRenegotiatesIsClosed() throws Exception {
        try (SSLSocket socket = client("TLSv1.2")) {
            RawIotmpSocket device = new RawIotmpSocket(socket);
            device.send(IotmpMessage.connect(1, "alice", "esp32", "pw"), Generation.GEN2);
            assertThat(device.readFrameHex()).as("logged in over TLS 1.2").isEqualTo(CONNECTED);
            assertThat(server.registry().size()).isEqualTo(1);

            renegotiate(socket);
            sendQuietly(device, IotmpMessage.KEEP_ALIVE);
            assertClosedByTheServer(socket);
        }
        Waits.eventually().alias("the device gone").until(() -> server.registry().size() == 0);
        assertThat(refusals()).isEqualTo(1.0);
    }

    @Test
    void aTls12ClientThatRenegotiatesBeforeItsLoginIsClosed() throws Exception {
        try (SSLSocket socket = client("TLSv1.2")) {
            renegotiate(socket);
            assertClosedByTheServer(socket);
        }
        Waits.eventually().alias("the refusal counted").until(() -> refusals() == 1.0);
    }

    @Test
    void aTls13ClientKeepsItsConnectionThroughAKeyUpdate() throws Exception {
        try (SSLSocket socket = client("TLSv1.3")) {
            RawIotmpSocket device = new RawIotmpSocket(socket);
            // on TLS 1.3 a second handshake call is a key update, which travels as application data
            socket.startHandshake();
            device.send(IotmpMessage.connect(1, "alice", "esp32", "pw"), Generation.GEN2);
            assertThat(device.readFrameHex()).as("logged in after the key update").isEqualTo(CONNECTED);
            socket.startHandshake();
            device.send(IotmpMessage.KEEP_ALIVE, Generation.GEN2);
            assertThat(device.readFrameHex()).as("answered after a second key update").isEqualTo("05 00");
        }
        assertThat(refusals()).isZero();
    }

    /**
     * In an abbreviated TLS 1.2 handshake (a resumed session) the client's Finished is the handshake's last message,
     * and a client may send a new hello right behind it, in the same write. The server's handshake completes while its
     * TLS engine reads that write, and the engine went on to read the new hello in the same pass, before the guard
     * knew that the handshake was over: the server answered the renegotiation with its own hello (a full handshake
     * for a client that asks for one) and kept the connection.
     */
    @Test
    void aNewHandshakeSentWithTheFinishedOfAResumedOneIsClosed() throws Exception {
        SSLContext context = TestTls.trustingClient();
        int port = server.localAddress().getPort();
        try (SSLSocket first = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
            first.setEnabledProtocols(new String[] { "TLSv1.2" });
            first.startHandshake(); // the session the engine below resumes
        }
        SSLEngine engine = context.createSSLEngine("127.0.0.1", port);
        engine.setUseClientMode(true);
        engine.setEnabledProtocols(new String[] { "TLSv1.2" });
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout((int) Waits.WAIT.toMillis());
            ByteArrayOutputStream unsent = handshake(engine, socket);
            assertThat(unsent.size()).as("the client's Finished held back: the session was resumed").isPositive();
            engine.getSession().invalidate();
            engine.beginHandshake();
            wrap(engine, unsent);
            socket.getOutputStream().write(unsent.toByteArray()); // Finished and the new hello in one write
            socket.getOutputStream().flush();
            assertThat(new RawIotmpSocket(socket).closedWithin(Waits.WAIT)).as("closed by the server").isTrue();
        }
        Waits.eventually().alias("the refusal counted").until(() -> refusals() == 1.0);
    }

    /**
     * Runs the client's handshake over {@code socket}, sending what the engine wraps only when it waits for the server:
     * what it wrapped last, once it is done, is returned unsent.
     */
    private static ByteArrayOutputStream handshake(SSLEngine engine, Socket socket) throws IOException {
        ByteArrayOutputStream unsent = new ByteArrayOutputStream();
        ByteBuffer in = ByteBuffer.allocate(engine.getSession().getPacketBufferSize() * 4);
        ByteBuffer plain = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize() * 2);
        engine.beginHandshake();
        while (true) {
            switch (engine.getHandshakeStatus()) {
                case NEED_WRAP -> wrap(engine, unsent);
                case NEED_TASK -> {
                    for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
                        task.run();
                    }
                }
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    socket.getOutputStream().write(unsent.toByteArray());
                    socket.getOutputStream().flush();
                    unsent.reset();
                    in.flip();
                    SSLEngineResult result = engine.unwrap(in, plain);
                    in.compact();
                    if (result.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
                        int read = socket.getInputStream().read(in.array(), in.position(), in.remaining());
                        if (read < 0) {
                            throw new IOException("the server closed during the handshake");
                        }
                        in.position(in.position() + read);
                    }
                }
                default -> {
                    return unsent;
                }
            }
        }
    }

    private static void wrap(SSLEngine engine, ByteArrayOutputStream out) throws IOException {
        ByteBuffer net = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(ByteBuffer.allocate(0), net);
        out.write(net.array(), 0, net.position());
    }

    /** A new full handshake: the JDK's client sends its hello now and goes on with it as it reads. */
    private static void renegotiate(SSLSocket socket) throws IOException {
        socket.getSession().invalidate();
        socket.startHandshake();
    }

    private static void sendQuietly(RawIotmpSocket device, IotmpMessage message) {
        try {
            device.send(message, Generation.GEN2);
        } catch (IOException e) {
            // closed by the server already
        }
    }

    /**
     * The server ends the connection: the client reads its end or fails on it, rather than completing the handshake
     * and reading on (the answer to a keep-alive, or nothing until the socket's timeout).
     */
    private static void assertClosedByTheServer(SSLSocket socket) {
        int read;
        try {
            read = socket.getInputStream().read();
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the connection is still open: the new handshake was taken", e);
        } catch (IOException e) {
            return; // the server's close, seen as a reset or an alert
        }
        assertThat(read).as("what the client read after its new handshake").isEqualTo(-1);
    }

    private SSLSocket client(String protocol) throws Exception {
        SSLContext context = TestTls.trustingClient();
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1",
                server.localAddress().getPort());
        socket.setEnabledProtocols(new String[] { protocol });
        socket.setSoTimeout((int) Waits.WAIT.toMillis());
        socket.startHandshake();
        assertThat(socket.getSession().getProtocol()).isEqualTo(protocol);
        return socket;
    }

    private double refusals() {
        return meters.find("iotmp.refusals").tag("reason", "tls-renegotiation").counters().stream()
                .mapToDouble(c -> c.count()).sum();
    }

}
