package io.cameliotmp.server;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import io.cameliotmp.micrometer.MicrometerServerMetrics;
import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.testing.RawIotmpSocket;
import io.cameliotmp.testing.StderrCapture;
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
 * A TLS handshake that fails is counted in {@code iotmp.refusals{reason=tls-handshake}} and logged once, in a bounded,
 * rate-limited line ({@link TlsHandshakeFailures}): before, a plain device on the TLS port, a device that does not
 * trust the server's certificate or a stalled handshake left nothing but a DEBUG line per connection. A connection
 * that closes before its handshake is done is no failure. Bytes that are not TLS after the login end the session with
 * a reason of bounded length, not the hex dump of everything read with them.
 */
class TlsHandshakeFailuresTest {

    /** Far beyond every wait here: no connection of these tests is closed by it. */
    private static final Duration CONNECT_DEADLINE = Duration.ofMinutes(10);

    private final MeterRegistry meters = new SimpleMeterRegistry();
    private IotmpServer server;

    @BeforeEach
    void start() throws Exception {
        KeyManagerFactory keys = TestTls.serverKeys();
        server = new IotmpServer(IotmpServerConfig.builder()
                .host("127.0.0.1").port(TestPorts.next()).ioThreads(1).workerThreads(1)
                .connectTimeout(CONNECT_DEADLINE)
                .tlsHandshakeTimeout(Duration.ofSeconds(2))
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
    void anHttpRequestOnTheTlsPortIsAFailedHandshakeLoggedOnce() throws Exception {
        try (StderrCapture stderr = StderrCapture.start()) {
            AtomicLong lines = stderr.count(line -> line.contains("TLS handshake with"));
            AtomicLong longLines = stderr.count(line -> line.contains("TLS handshake with") && line.length() > 600);
            try (Socket socket = new Socket("127.0.0.1", port())) {
                OutputStream out = socket.getOutputStream();
                // a request long enough that its hex dump would be a line of many kilobytes
                out.write(("GET /" + "x".repeat(4000) + " HTTP/1.1\r\nHost: iot\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                assertThat(new RawIotmpSocket(socket).closedWithin(Waits.WAIT)).isTrue();
            }
            Waits.eventually().alias("the failure counted").until(() -> failures() == 1.0);
            Waits.eventually().alias("the connection gone").until(() -> server.unauthenticatedConnections() == 0);
            assertThat(lines.get()).as("lines about the handshake").isEqualTo(1);
            assertThat(longLines.get()).as("lines quoting all the client sent").isZero();
        }
    }

    @Test
    void aClientThatDoesNotTrustTheCertificateIsAFailedHandshake() throws Exception {
        SSLContext jvmTrust = SSLContext.getInstance("TLS");
        jvmTrust.init(null, null, null);
        try (SSLSocket socket = (SSLSocket) jvmTrust.getSocketFactory().createSocket("127.0.0.1", port())) {
            socket.setSoTimeout((int) Waits.WAIT.toMillis());
            socket.startHandshake();
            throw new AssertionError("the test certificate is not in the JVM's trust store");
        } catch (IOException expected) {
            // the client refused the server's certificate, and told the server with an alert
        }
        Waits.eventually().alias("the failure counted").until(() -> failures() == 1.0);
    }

    @Test
    void aStalledHandshakeIsAFailedHandshake() throws Exception {
        try (Socket silent = new Socket("127.0.0.1", port())) {
            assertThat(new RawIotmpSocket(silent).closedWithin(Waits.WAIT)).as("closed by the handshake deadline")
                    .isTrue();
        }
        Waits.eventually().alias("the failure counted").until(() -> failures() == 1.0);
    }

    @Test
    void aConnectionClosedBeforeItsHandshakeIsNoFailure() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port())) {
            Waits.eventually().until(() -> server.unauthenticatedConnections() == 1);
        }
        Waits.eventually().alias("the connection gone").until(() -> server.unauthenticatedConnections() == 0);
        // a failure would have been counted as the handshake was failed, before the connection left the count
        assertThat(failures()).isZero();
    }

    @Test
    void bytesThatAreNotTlsAfterTheLoginEndTheSessionWithABoundedReason() throws Exception {
        CompletableFuture<String> reason = new CompletableFuture<>();
        server.registry().addListener(new DeviceListener() {
            @Override
            public void onDisconnected(DeviceRegistration registration, String why) {
                reason.complete(why);
            }
        });
        try (Socket tcp = new Socket("127.0.0.1", port());
             SSLSocket tls = (SSLSocket) TestTls.trustingClient().getSocketFactory()
                     .createSocket(tcp, "localhost", port(), false)) {
            tls.setSoTimeout((int) Waits.WAIT.toMillis());
            RawIotmpSocket device = new RawIotmpSocket(tls);
            device.send(IotmpMessage.connect(1, "alice", "esp32", "pw"), Generation.GEN2);
            assertThat(device.readFrameHex()).as("logged in").isEqualTo("01 02 08 01");
            byte[] garbage = new byte[8192];
            Arrays.fill(garbage, (byte) 'A'); // 0x41: no TLS record type
            tcp.getOutputStream().write(garbage);
            tcp.getOutputStream().flush();
            String why = reason.get(Waits.WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(why).as("the reason").contains("not an SSL/TLS record");
            assertThat(why.length()).as("the reason's length").isLessThanOrEqualTo(RefusalLog.MAX_REASON_SHOWN + 32);
        }
    }

    private int port() {
        return server.localAddress().getPort();
    }

    private double failures() {
        return meters.find("iotmp.refusals").tag("reason", "tls-handshake").counters().stream()
                .mapToDouble(c -> c.count()).sum();
    }


}
