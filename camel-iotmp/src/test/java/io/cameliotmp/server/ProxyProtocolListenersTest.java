package io.cameliotmp.server;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.time.Duration;
import java.util.function.Consumer;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import io.cameliotmp.micrometer.MicrometerServerMetrics;
import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.protocol.legacy.LegacyFrames;
import io.cameliotmp.protocol.legacy.LegacyMessage;
import io.cameliotmp.testing.Frames;
import io.cameliotmp.testing.Hex;
import io.cameliotmp.testing.LegacyVectors;
import io.cameliotmp.testing.LoopbackSockets;
import io.cameliotmp.testing.RawIotmpSocket;
import io.cameliotmp.testing.TestPorts;
import io.cameliotmp.testing.Waits;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.server.ProxyHeaders.v1;
import static io.cameliotmp.server.ProxyHeaders.v2;
import static io.cameliotmp.server.RawWebSocket.closedWithin;
import static io.cameliotmp.server.RawWebSocket.frame;
import static io.cameliotmp.server.RawWebSocket.readFrame;
import static io.cameliotmp.server.RawWebSocket.readHttpHead;
import static io.cameliotmp.server.RawWebSocket.upgrade;
import static io.cameliotmp.server.RawWebSocket.upgradeRequest;
import static io.cameliotmp.server.RawWebSocket.write;
import static io.cameliotmp.server.RawWebSocket.writeQuietly;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code proxyProtocol} on the listeners other than plain IOTMP over TCP (that one is {@link ProxyProtocolTest}'s):
 * the WebSocket transport (with and without TLS) and the legacy Thinger listeners. On each, the balancer's header
 * comes first on the wire, before TLS and before the HTTP upgrade or the legacy AUTH; the device is registered, limited
 * and blocked by the header's address; a connection without one is refused. Also: the header's bytes are bytes
 * received. Every TCP connection here comes from loopback, standing for the balancer.
 */
class ProxyProtocolListenersTest {

    private static final String USER = "alice";
    private static final String SECRET = "s3cr3t";
    private static final String PASSWORD = "changeit";
    private static final DeviceId DEVICE = new DeviceId(USER, "esp32");
    /** A legacy AUTH ["alice","esp32","s3cr3t"] and the server's answer, from the reference vectors. */
    private static final byte[] LEGACY_AUTH = LegacyVectors.row("L01").bytes();
    private static final String LEGACY_OK = Hex.format(LegacyVectors.row("L02").bytes());
    private static final String LEGACY_ERROR = Hex.format(LegacyVectors.row("L03").bytes());

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

    private void start(Consumer<IotmpServerConfig.Builder> listeners, Consumer<ServerLimits.Builder> limits) {
        ServerLimits.Builder l = ServerLimits.builder().maxConnectionsPerSecond(0).maxConnectionsPerSecondPerAddress(0);
        limits.accept(l);
        IotmpServerConfig.Builder config = IotmpServerConfig.builder()
                .host("127.0.0.1").port(TestPorts.next()).ioThreads(1).workerThreads(1).nativeTransport(false)
                .connectTimeout(Duration.ofMinutes(5)) // what is closed here is closed at once, not by this deadline
                .proxyProtocol(true)
                .authenticator(StaticAuthenticator.parse(USER + "/*=" + SECRET))
                .metrics(MicrometerServerMetrics.factory(meters))
                .limits(l.build());
        listeners.accept(config);
        server = new IotmpServer(config.build());
        server.start();
    }

    private static void webSocket(IotmpServerConfig.Builder config) {
        config.transport(Transport.WEBSOCKET);
    }

    private static void legacy(IotmpServerConfig.Builder config) {
        config.legacy(new LegacyListeners(true, 0, LegacyListeners.NONE));
    }

    /** A TCP connection from the balancer to {@code port}. */
    private Socket balancer(int port) throws IOException {
        return sockets.to(port);
    }

    /** TLS on a connection whose PROXY header was sent in clear, as HAProxy does it. */
    private SSLSocket tlsOver(Socket socket) throws Exception {
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(load("tls/trust.p12"));
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(socket, "127.0.0.1", socket.getPort(),
                true);
        sockets.add(tls);
        tls.setSoTimeout((int) Waits.WAIT.toMillis());
        tls.startHandshake();
        return tls;
    }

    private static void withTls(IotmpServerConfig.Builder config) {
        try {
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(load("tls/server.p12"), PASSWORD.toCharArray());
            config.sslContext(SslContextBuilder.forServer(keys).sslProvider(SslProvider.JDK).build());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyStore load(String resource) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = ProxyProtocolListenersTest.class.getResourceAsStream("/" + resource)) {
            store.load(in, PASSWORD.toCharArray());
        }
        return store;
    }

    private static byte[] connectFrame(String device, String credential) {
        return frame(Frames.encode(IotmpMessage.connect(1, USER, device, credential), Generation.GEN2));
    }

    private static byte[] legacyAuth(String device, String credential) {
        ByteBuf auth = Unpooled.buffer();
        try {
            LegacyFrames.encode(LegacyMessage.auth(USER, device, credential), auth);
            return ByteBufUtil.getBytes(auth);
        } finally {
            auth.release();
        }
    }

    private InetSocketAddress addressOf(DeviceId device) {
        return (InetSocketAddress) server.registry().registration(device).orElseThrow().remoteAddress();
    }

    private double refusals(String reason) {
        return meters.find("iotmp.refusals").tag("reason", reason).counters().stream()
                .mapToDouble(c -> c.count()).sum();
    }

    // --- WebSocket transport ---

    @Test
    void overWebSocketAV1HeaderThenTheUpgradeGivesTheDeviceItsAddress() throws Exception {
        start(ProxyProtocolListenersTest::webSocket, l -> { });
        Socket socket = balancer(server.localAddress().getPort());
        write(socket, v1("203.0.113.7", 40_001));
        assertThat(upgrade(socket)).startsWith("HTTP/1.1 101");
        write(socket, connectFrame("esp32", SECRET));
        assertThat(Hex.format(readFrame(socket))).isEqualTo("01 02 08 01");
        assertThat(addressOf(DEVICE)).isEqualTo(new InetSocketAddress("203.0.113.7", 40_001));
        assertThat(server.registry().session(DEVICE).orElseThrow().toString()).as("what logs show")
                .contains("203.0.113.7");
    }

    @Test
    void overWebSocketAV2HeaderTheUpgradeAndTheConnectInOneWrite() throws Exception {
        start(ProxyProtocolListenersTest::webSocket, l -> { });
        Socket socket = balancer(server.localAddress().getPort());
        write(socket, Frames.concat(v2("198.51.100.9", 50_000, 64), upgradeRequest("").getBytes(
                StandardCharsets.US_ASCII), connectFrame("esp32", SECRET)));
        assertThat(readHttpHead(socket)).startsWith("HTTP/1.1 101");
        assertThat(Hex.format(readFrame(socket))).isEqualTo("01 02 08 01");
        assertThat(addressOf(DEVICE)).isEqualTo(new InetSocketAddress("198.51.100.9", 50_000));
    }

    @Test
    void overSecureWebSocketTlsFollowsTheHeader() throws Exception {
        start(config -> {
            webSocket(config);
            withTls(config);
        }, l -> { });
        Socket socket = balancer(server.localAddress().getPort());
        write(socket, v1("203.0.113.8", 43_000));
        SSLSocket tls = tlsOver(socket);
        assertThat(upgrade(tls)).startsWith("HTTP/1.1 101");
        write(tls, connectFrame("esp32", SECRET));
        assertThat(Hex.format(readFrame(tls))).isEqualTo("01 02 08 01");
        assertThat(addressOf(DEVICE)).isEqualTo(new InetSocketAddress("203.0.113.8", 43_000));
    }

    @Test
    void overWebSocketAnUpgradeWithoutAHeaderIsRefusedAndCounted() throws Exception {
        start(ProxyProtocolListenersTest::webSocket, l -> { });
        Socket direct = balancer(server.localAddress().getPort());
        writeQuietly(direct, upgradeRequest("X-Forwarded-For: 203.0.113.9\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        assertThat(closedWithin(direct, Waits.WAIT)).isTrue();
        Waits.eventually().alias("the refusal counted").until(() -> refusals("proxy-header") == 1.0);
        Waits.eventually().alias("nothing left").until(() -> server.unauthenticatedConnections() == 0);
    }

    @Test
    void overWebSocketAuthFailuresBlockTheDevicesAddressNotTheBalancers() throws Exception {
        start(ProxyProtocolListenersTest::webSocket, l -> l.maxAuthFailuresPerAddress(3));
        for (int i = 0; i < 3; i++) {
            Socket scanner = balancer(server.localAddress().getPort());
            write(scanner, v1("198.51.100.66", 41_000 + i));
            assertThat(upgrade(scanner)).startsWith("HTTP/1.1 101");
            write(scanner, connectFrame("guess" + i, "wrong"));
            assertThat(Hex.format(readFrame(scanner))).isEqualTo("02 04 08 01 10 02");
            scanner.close();
        }
        Socket blocked = balancer(server.localAddress().getPort());
        writeQuietly(blocked, v1("198.51.100.66", 41_100));
        assertThat(closedWithin(blocked, Waits.WAIT)).as("the scanner's address is blocked").isTrue();
        Waits.eventually().alias("the block counted").until(() -> refusals("address-blocked") == 1.0);

        Socket device = balancer(server.localAddress().getPort());
        write(device, v1("198.51.100.67", 41_200));
        assertThat(upgrade(device)).startsWith("HTTP/1.1 101");
        write(device, connectFrame("esp32", SECRET));
        assertThat(Hex.format(readFrame(device))).as("a device behind the same balancer").isEqualTo("01 02 08 01");
    }

    // --- legacy Thinger listeners ---

    @Test
    void onTheLegacyListenerAHeaderThenTheAuthGivesTheDeviceItsAddress() throws Exception {
        start(ProxyProtocolListenersTest::legacy, l -> { });
        Socket socket = balancer(server.legacyAddress().getPort());
        write(socket, Frames.concat(v1("203.0.113.7", 40_001), LEGACY_AUTH));
        RawIotmpSocket device = new RawIotmpSocket(socket);
        assertThat(device.readFrameHex()).isEqualTo(LEGACY_OK);
        Waits.eventually().until(() -> server.registry().registration(DEVICE).isPresent());
        assertThat(addressOf(DEVICE)).isEqualTo(new InetSocketAddress("203.0.113.7", 40_001));
        assertThat(server.registry().registration(DEVICE).orElseThrow().generation()).isEqualTo(Generation.LEGACY);
    }

    @Test
    void onTheLegacyTlsListenerTlsFollowsTheHeader() throws Exception {
        start(config -> {
            config.legacy(new LegacyListeners(true, LegacyListeners.NONE, 0));
            withTls(config);
        }, l -> { });
        Socket socket = balancer(server.legacyTlsAddress().getPort());
        write(socket, v2("198.51.100.9", 50_000, 0));
        SSLSocket tls = tlsOver(socket);
        write(tls, LEGACY_AUTH);
        assertThat(new RawIotmpSocket(tls).readFrameHex()).isEqualTo(LEGACY_OK);
        Waits.eventually().until(() -> server.registry().registration(DEVICE).isPresent());
        assertThat(addressOf(DEVICE)).isEqualTo(new InetSocketAddress("198.51.100.9", 50_000));
    }

    @Test
    void onTheLegacyListenerAnAuthWithoutAHeaderIsRefusedAndCounted() throws Exception {
        start(ProxyProtocolListenersTest::legacy, l -> { });
        // a device past the balancer: its AUTH, shorter than a v1 line and without a line end, is refused at its
        // first byte rather than awaited as the rest of a v1 header until the connectTimeout
        Socket direct = balancer(server.legacyAddress().getPort());
        writeQuietly(direct, LEGACY_AUTH);
        assertThat(new RawIotmpSocket(direct).closedWithin(Waits.WAIT)).isTrue();
        Waits.eventually().alias("the refusal counted").until(() -> refusals("proxy-header") == 1.0);
        Waits.eventually().alias("nothing left").until(() -> server.unauthenticatedConnections() == 0);
        assertThat(server.registry().size()).isZero();
    }

    @Test
    void onTheLegacyListenerAuthFailuresBlockTheDevicesAddressNotTheBalancers() throws Exception {
        start(ProxyProtocolListenersTest::legacy, l -> l.maxAuthFailuresPerAddress(3));
        for (int i = 0; i < 3; i++) {
            // distinct devices: a scanner's guesses, not one device retrying
            Socket scanner = balancer(server.legacyAddress().getPort());
            write(scanner, Frames.concat(v1("198.51.100.66", 41_000 + i), legacyAuth("guess" + i, "wrong")));
            RawIotmpSocket refused = new RawIotmpSocket(scanner);
            assertThat(refused.readFrameHex()).isEqualTo(LEGACY_ERROR);
            assertThat(refused.closedWithin(Waits.WAIT)).isTrue();
        }
        Socket blocked = balancer(server.legacyAddress().getPort());
        writeQuietly(blocked, Frames.concat(v1("198.51.100.66", 41_100), LEGACY_AUTH));
        assertThat(new RawIotmpSocket(blocked).closedWithin(Waits.WAIT)).as("the scanner's address is blocked")
                .isTrue();
        Waits.eventually().alias("the block counted").until(() -> refusals("address-blocked") == 1.0);
        assertThat(server.registry().registration(DEVICE)).as("not even the right secret from there").isEmpty();

        Socket other = balancer(server.legacyAddress().getPort());
        write(other, Frames.concat(v1("198.51.100.67", 41_200), LEGACY_AUTH));
        assertThat(new RawIotmpSocket(other).readFrameHex()).as("a device behind the same balancer")
                .isEqualTo(LEGACY_OK);
    }

    // --- the header's bytes ---

    /** The header is read from the network like any byte: it counts in the server's and the connection's bytes in. */
    @Test
    void theHeadersBytesCountAsReceived() throws Exception {
        start(config -> { }, l -> { });
        byte[] header = v2("198.51.100.9", 50_000, 64);
        byte[] connect = Frames.encode(IotmpMessage.connect(1, USER, "esp32", SECRET), Generation.GEN2);
        Socket socket = balancer(server.localAddress().getPort());
        write(socket, header);
        write(socket, connect);
        assertThat(new RawIotmpSocket(socket).readFrameHex()).isEqualTo("01 02 08 01");
        long expected = header.length + connect.length;
        Waits.eventually().alias("the server's bytes in").until(() -> server.totals().bytesIn() == expected);
        assertThat(server.registry().session(DEVICE).orElseThrow().counters().bytesIn()).as("the connection's")
                .isEqualTo(expected);
    }
}
