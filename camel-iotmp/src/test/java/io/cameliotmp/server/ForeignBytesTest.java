package io.cameliotmp.server;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import io.cameliotmp.micrometer.MicrometerServerMetrics;
import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.testing.Frames;
import io.cameliotmp.testing.Hex;
import io.cameliotmp.testing.RawIotmpSocket;
import io.cameliotmp.testing.StderrCapture;
import io.cameliotmp.testing.TestPorts;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A peer whose first bytes are not the protocol's (a balancer's PROXY header on a port without {@code proxyProtocol},
 * an HTTP client, a scanner) used to have them read as frames of unknown types, skipped, and stayed connected until
 * the CONNECT deadline, counted nowhere. It is refused at its first frame's type, logged within the refusal log's
 * rate with what it is, and counted; with legacy devices enabled the protocol detector does the same at the first
 * byte. A logged-in device's frames of unknown types are still skipped.
 */
class ForeignBytesTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String PROXY_LINE = "PROXY TCP4 192.0.2.1 192.0.2.2 40000 4443\r\n";

    private final MeterRegistry meters = new SimpleMeterRegistry();
    private final List<IotmpServer> servers = new ArrayList<>();

    @AfterEach
    void stop() {
        servers.forEach(IotmpServer::stop);
    }

    private IotmpServer start(boolean legacy) {
        IotmpServer server = new IotmpServer(IotmpServerConfig.builder()
                .host("127.0.0.1").port(TestPorts.next()).ioThreads(1).workerThreads(1)
                // far beyond the test's patience: only the refusal can close the connection in time
                .connectTimeout(Duration.ofMinutes(10))
                .limits(ServerLimits.builder().frameReadTimeout(Duration.ofMinutes(10)).build())
                .authenticator(StaticAuthenticator.parse("alice/*=pw"))
                .legacy(new LegacyListeners(legacy, 0, LegacyListeners.NONE))
                .metrics(MicrometerServerMetrics.factory(meters)).build());
        server.start();
        servers.add(server);
        return server;
    }

    private double refusals() {
        return meters.find("iotmp.refusals").tag("reason", "not-iotmp").counters().stream()
                .mapToDouble(c -> c.count()).sum();
    }

    /** Sends {@code bytes} on a new connection; true when the server closes it within the patience. */
    private static boolean closedAfter(IotmpServer server, byte[] bytes) throws IOException {
        try (RawIotmpSocket socket = new RawIotmpSocket(new Socket("127.0.0.1", server.localAddress().getPort()))) {
            socket.sendHex(Hex.format(bytes));
            return socket.closedWithin(PATIENCE);
        }
    }

    @ParameterizedTest(name = "legacy enabled: {0}")
    @ValueSource(booleans = {false, true})
    void aProxyHeaderOnAPortWithoutProxyProtocolIsRefusedAtOnceSaidAndCounted(boolean legacy) throws Exception {
        IotmpServer server = start(legacy);
        byte[] connect = Frames.encode(IotmpMessage.connect(1, "alice", "d1", "pw"), Generation.GEN2);
        try (StderrCapture log = StderrCapture.start()) {
            AtomicLong said = log.count(line -> line.contains("Refusing connection from")
                    && line.contains("not IOTMP: a PROXY protocol header on a port without proxyProtocol"));
            assertThat(closedAfter(server, Frames.concat(PROXY_LINE.getBytes(StandardCharsets.US_ASCII), connect)))
                    .as("closed long before connectTimeout").isTrue();
            await().atMost(PATIENCE).until(() -> refusals() == 1.0 && said.get() == 1);
        }
        await().atMost(PATIENCE).until(() -> server.unauthenticatedConnections() == 0);
    }

    @ParameterizedTest(name = "legacy enabled: {0}")
    @ValueSource(booleans = {false, true})
    void anHttpRequestIsRefusedAsOne(boolean legacy) throws Exception {
        IotmpServer server = start(legacy);
        try (StderrCapture log = StderrCapture.start()) {
            AtomicLong said = log.count(line -> line.contains("not IOTMP: an HTTP request (GET)"));
            assertThat(closedAfter(server, "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII)))
                    .isTrue();
            await().atMost(PATIENCE).until(() -> refusals() == 1.0 && said.get() == 1);
        }
    }

    /**
     * A first known frame that is no CONNECT closed the connection, said and counted nowhere: a TLS ClientHello on a
     * plain port reads as a skipped frame of type 22 and an OK.
     */
    @Test
    void aFirstFrameThatIsNoConnectIsRefusedSaidAndCounted() throws Exception {
        IotmpServer server = start(false);
        try (StderrCapture log = StderrCapture.start()) {
            AtomicLong said = log.count(line -> line.contains("Refusing connection from")
                    && line.contains("not IOTMP: sent KEEP_ALIVE before CONNECT"));
            assertThat(closedAfter(server, Hex.bytes("05 00"))).isTrue();
            await().atMost(PATIENCE).until(() -> refusals() == 1.0 && said.get() == 1);
        }
    }

    /** A few unknown frames before the CONNECT are skipped, as the references do; more than 64 bytes are not. */
    @Test
    void unknownFramesBeforeTheConnectAreSkippedWithinTheBudgetOnly() throws Exception {
        IotmpServer server = start(false);
        byte[] connect = Frames.encode(IotmpMessage.connect(1, "alice", "d1", "pw"), Generation.GEN2);
        byte[] sixteen = Hex.bytes("0B 02 08 01 ".repeat(ForeignBytes.MAX_SKIPPED / 4));
        try (RawIotmpSocket device = new RawIotmpSocket(new Socket("127.0.0.1", server.localAddress().getPort()))) {
            device.sendHex(Hex.format(Frames.concat(sixteen, connect)));
            assertThat(device.readFrameHex()).as("64 bytes skipped, the CONNECT answered").isEqualTo("01 02 08 01");
        }
        assertThat(closedAfter(server, Frames.concat(sixteen, Hex.bytes("0B 00"), connect))).isTrue();
        await().atMost(PATIENCE).until(() -> refusals() == 1.0);
    }

    /** What the server still skips: a logged-in device's frames of unknown types, as the references do. */
    @Test
    void aLoggedInDevicesFramesOfUnknownTypesAreStillSkipped() throws Exception {
        IotmpServer server = start(false);
        try (RawIotmpSocket device = RawIotmpSocket.connect(server.localAddress().getPort(), "alice", "d1", "pw")) {
            device.sendHex("0B 02 08 01 50 52 " + "00 ".repeat(82) + "05 00");
            assertThat(device.readFrameHex()).as("the keep-alive after them answered").isEqualTo("05 00");
        }
        assertThat(refusals()).isZero();
    }

    @Test
    void theReasonNamesTheCommonCases() {
        assertThat(ForeignBytes.whatIs("POST /x".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo("an HTTP request (POST)");
        assertThat(ForeignBytes.whatIs(Hex.bytes("0D 0A 0D 0A 00 0D 0A 51 55 49 54 0A 21 11")))
                .isEqualTo("a PROXY protocol header on a port without proxyProtocol");
        assertThat(ForeignBytes.whatIs(Hex.bytes("16 03 01 02 00 01")))
                .isEqualTo("a TLS handshake on a port without TLS");
        assertThat(ForeignBytes.whatIs("SSH-2.0-x".getBytes(StandardCharsets.US_ASCII))).isEqualTo("an SSH client");
        assertThat(ForeignBytes.whatIs(Hex.bytes("7F 00 FF 01 02 03 04 05 06 07")))
                .isEqualTo("first bytes 7f 00 ff 01 02 03 04 05");
    }
}
