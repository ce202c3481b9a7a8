package io.cameliotmp.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import io.cameliotmp.testing.LoopbackSockets;
import io.cameliotmp.testing.TestPorts;
import io.cameliotmp.testing.TestTls;
import io.cameliotmp.testing.Waits;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A TLS 1.3 client may ask the server for a key update with each of its own, and the server's TLS engine answers
 * each with a record of its own, written by the TLS layer, out of the session's sight. A client that sends them
 * without end and never reads made the server queue those answers without bound (0.8 bytes for each byte received)
 * until the CONNECT deadline, and after its login for as long as it liked; now the connection is closed once more
 * than {@code maxPendingWriteBytes} are queued for it, as it is for the session's own writes
 * ({@link PendingWriteBound}).
 */
class TlsKeyUpdateFloodTest {

    /** Enough for every key update to be sent many times over the bound (and the sockets' buffers). */
    private static final int MAX_KEY_UPDATES = 200_000;

    private final LoopbackSockets sockets = new LoopbackSockets();
    private IotmpServer server;

    @BeforeEach
    void start() throws Exception {
        KeyManagerFactory keys = TestTls.serverKeys();
        server = new IotmpServer(IotmpServerConfig.builder()
                .host("127.0.0.1").port(TestPorts.next()).ioThreads(1).workerThreads(1)
                .connectTimeout(Duration.ofMinutes(5))
                .limits(ServerLimits.builder().maxPendingWriteBytes(100_000).build())
                .sslContext(SslContextBuilder.forServer(keys).sslProvider(SslProvider.JDK).build())
                .authenticator(StaticAuthenticator.parse("alice/*=pw"))
                .build());
        server.start();
    }

    @AfterEach
    void stop() throws IOException {
        sockets.close();
        server.stop();
    }

    @Test
    void aClientFloodingKeyUpdatesWithoutReadingIsClosed() throws Exception {
        SSLSocket socket = client();
        int sent = 0;
        try {
            for (; sent < MAX_KEY_UPDATES; sent++) {
                socket.startHandshake(); // on TLS 1.3: a key update, asking for the server's
            }
        } catch (IOException e) {
            // the server closed the connection
        }
        Waits.eventually().alias("the connection closed by the server")
                .until(() -> server.network.channels().isEmpty());
        assertThat(sent).as("key updates sent before the close").isLessThan(MAX_KEY_UPDATES);
        assertThat(server.unauthenticatedConnections()).isZero();
        // counted by the session, on its own thread, as it learns why the connection closes
        Waits.eventually().alias("the close counted as over maxPendingWriteBytes")
                .until(() -> server.totals().pendingWritesExceeded() > 0);
        assertThat(server.totals().pendingWritesExceeded()).as("counted once").isEqualTo(1);
        assertThat(server.totals().disconnected()).as("not a device that had logged in").isZero();
    }

    private SSLSocket client() throws Exception {
        SSLContext context = TestTls.trustingClient();
        SSLSocket socket = sockets.add((SSLSocket) context.getSocketFactory().createSocket());
        socket.setReceiveBufferSize(4096); // the server's answers back up at once
        socket.connect(new InetSocketAddress("127.0.0.1", server.localAddress().getPort()));
        socket.setEnabledProtocols(new String[] {"TLSv1.3"});
        socket.setSoTimeout((int) Waits.WAIT.toMillis());
        socket.startHandshake();
        assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.3");
        return socket;
    }

}
