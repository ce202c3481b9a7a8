package io.cameliotmp.server;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLSocket;

import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.testing.RawIotmpSocket;
import io.cameliotmp.testing.TestPorts;
import io.cameliotmp.testing.TestTls;
import io.cameliotmp.testing.Waits;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * How TLS connections end, as evidence: a device's {@code close_notify} ends its session at once (not at its
 * keep-alive deadline), a TLS client on a plain port is closed at its first bytes (not at the CONNECT deadline), and a
 * connection still in its handshake counts against {@code maxUnauthenticatedPerAddress} from its acceptance.
 * Both servers' CONNECT deadlines lie far beyond every wait here.
 */
class TlsConnectionEndsTest {

    private static final Duration CONNECT_DEADLINE = Duration.ofMinutes(10);

    private IotmpServer tls;
    private IotmpServer plain;

    @BeforeEach
    void start() throws Exception {
        KeyManagerFactory keys = TestTls.serverKeys();
        tls = server(IotmpServerConfig.builder()
                .sslContext(SslContextBuilder.forServer(keys).sslProvider(SslProvider.JDK).build()));
        plain = server(IotmpServerConfig.builder());
    }

    private static IotmpServer server(IotmpServerConfig.Builder builder) {
        IotmpServer server = new IotmpServer(builder.host("127.0.0.1").port(TestPorts.next()).ioThreads(1)
                .workerThreads(1).connectTimeout(CONNECT_DEADLINE)
                .authenticator(StaticAuthenticator.parse("alice/*=pw")).build());
        server.start();
        return server;
    }

    @AfterEach
    void stop() {
        tls.stop();
        plain.stop();
    }

    @ParameterizedTest
    @ValueSource(strings = { "TLSv1.3", "TLSv1.2" })
    void aCloseNotifyEndsTheSession(String protocol) throws Exception {
        CompletableFuture<String> disconnected = new CompletableFuture<>();
        tls.registry().addListener(new DeviceListener() {
            @Override
            public void onDisconnected(DeviceRegistration registration, String reason) {
                disconnected.complete(reason);
            }
        });
        try (SSLSocket socket = (SSLSocket) TestTls.trustingClient().getSocketFactory().createSocket("127.0.0.1",
                tls.localAddress().getPort())) {
            socket.setEnabledProtocols(new String[] { protocol });
            socket.setSoTimeout((int) Waits.WAIT.toMillis());
            RawIotmpSocket device = new RawIotmpSocket(socket);
            device.send(IotmpMessage.connect(1, "alice", "esp32", "pw"), Generation.GEN2);
            assertThat(device.readFrameHex()).as("logged in").isEqualTo("01 02 08 01");
            socket.shutdownOutput(); // close_notify, the TCP connection kept open
            disconnected.get(Waits.WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(tls.registry().size()).isZero();
        }
    }

    @Test
    void aTlsClientOnAPlainPortIsClosedAtItsFirstBytes() throws Exception {
        try (SSLSocket socket = (SSLSocket) TestTls.trustingClient().getSocketFactory().createSocket("127.0.0.1",
                plain.localAddress().getPort())) {
            socket.setSoTimeout((int) Waits.WAIT.toMillis());
            // the server reads the ClientHello as frames that are no CONNECT and closes; a timeout would mean it
            // waited for its CONNECT deadline
            assertThatThrownBy(socket::startHandshake).isInstanceOf(IOException.class)
                    .isNotInstanceOf(java.net.SocketTimeoutException.class);
        }
        Waits.eventually().until(() -> plain.unauthenticatedConnections() == 0);
    }

    @Test
    void connectionsStillInTheirHandshakeCountAsUnauthenticated() throws Exception {
        KeyManagerFactory keys = TestTls.serverKeys();
        IotmpServer limited = server(IotmpServerConfig.builder()
                .sslContext(SslContextBuilder.forServer(keys).sslProvider(SslProvider.JDK).build())
                .tlsHandshakeTimeout(CONNECT_DEADLINE)
                .limits(ServerLimits.builder().maxConnectionsPerSecond(0).maxConnectionsPerSecondPerAddress(0)
                        .maxUnauthenticatedPerAddress(2).build()));
        try (Socket first = new Socket("127.0.0.1", limited.localAddress().getPort());
             Socket second = new Socket("127.0.0.1", limited.localAddress().getPort())) {
            Waits.eventually().until(() -> limited.unauthenticatedConnections() == 2);
            try (Socket third = new Socket("127.0.0.1", limited.localAddress().getPort())) {
                assertThat(new RawIotmpSocket(third).closedWithin(Waits.WAIT)).as("the third refused").isTrue();
            }
            assertThat(limited.unauthenticatedConnections()).isEqualTo(2);
        } finally {
            limited.stop();
        }
    }


}
