package io.cameliotmp.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import io.cameliotmp.micrometer.MicrometerServerMetrics;
import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.testing.Frames;
import io.cameliotmp.testing.RawIotmpSocket;
import io.cameliotmp.testing.TestPorts;
import io.cameliotmp.testing.Waits;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.server.ProxyHeaders.v1;
import static io.cameliotmp.server.ProxyHeaders.v2;
import static io.cameliotmp.server.ProxyHeaders.v2Local;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Behind a TCP load balancer every connection comes from the balancer's address; with {@code proxyProtocol} the
 * balancer's PROXY header (v1 or v2) tells the device's, and the server registers, limits and blocks by that one.
 * Every TCP connection here comes from a loopback address standing for the balancer.
 */
class ProxyProtocolTest {

    private static final String USER = "alice";
    private static final String SECRET = "pw";
    private static final String CONNECTED = "01 02 08 01";
    private static final String PASSWORD = "changeit";

    private final MeterRegistry meters = new SimpleMeterRegistry();
    private final List<IotmpServer> servers = new ArrayList<>();
    private final List<Socket> sockets = new ArrayList<>();

    @AfterEach
    void stop() throws IOException {
        for (Socket socket : sockets) {
            socket.close();
        }
        servers.forEach(IotmpServer::stop);
    }

    private IotmpServer start(boolean proxyProtocol, Consumer<ServerLimits.Builder> limits) {
        return start(proxyProtocol, limits, null, Duration.ofMinutes(5));
    }

    private IotmpServer start(boolean proxyProtocol, Consumer<ServerLimits.Builder> limits, SslContext ssl,
                              Duration connectTimeout) {
        ServerLimits.Builder l = ServerLimits.builder().maxConnectionsPerSecond(0).maxConnectionsPerSecondPerAddress(0);
        limits.accept(l);
        IotmpServer server = new IotmpServer(IotmpServerConfig.builder()
                .host("127.0.0.1").port(TestPorts.next()).ioThreads(1).workerThreads(1)
                .connectTimeout(connectTimeout)
                .sslContext(ssl)
                .proxyProtocol(proxyProtocol)
                .authenticator(StaticAuthenticator.parse(USER + "/*=" + SECRET))
                .metrics(MicrometerServerMetrics.factory(meters))
                .limits(l.build()).build());
        server.start();
        servers.add(server);
        return server;
    }

    /** A TCP connection from the "balancer" at {@code localAddress} (any 127.x.y.z works on Linux). */
    private Socket socketFrom(String localAddress, IotmpServer server) throws IOException {
        Socket socket = new Socket();
        sockets.add(socket);
        socket.bind(new InetSocketAddress(localAddress, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", server.localAddress().getPort()));
        socket.setSoTimeout((int) Waits.WAIT.toMillis());
        return socket;
    }

    /** A connection through the balancer at 127.0.0.1 for a device at {@code source}, its v1 header sent. */
    private RawIotmpSocket proxiedV1(IotmpServer server, String source, int port) throws IOException {
        Socket socket = socketFrom("127.0.0.1", server);
        write(socket, v1(source, port));
        return new RawIotmpSocket(socket);
    }

    private static void write(Socket socket, byte[] bytes) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(bytes);
        out.flush();
    }

    private static void writeQuietly(Socket socket, byte[] bytes) {
        try {
            write(socket, bytes);
        } catch (IOException e) {
            // closed by the server already
        }
    }

    private static String connect(RawIotmpSocket socket, String device, String credential) throws IOException {
        socket.send(IotmpMessage.connect(1, USER, device, credential), Generation.GEN2);
        return socket.readFrameHex();
    }

    private static InetSocketAddress addressOf(IotmpServer server, String device) {
        return (InetSocketAddress) server.registry().registration(new DeviceId(USER, device)).orElseThrow()
                .remoteAddress();
    }

    private double refusals(String reason) {
        return meters.find("iotmp.refusals").tag("reason", reason).counters().stream()
                .mapToDouble(c -> c.count()).sum();
    }

    @Test
    void aV1HeaderGivesTheDeviceItsAddress() throws Exception {
        IotmpServer server = start(true, l -> { });
        try (RawIotmpSocket device = proxiedV1(server, "203.0.113.7", 40_001)) {
            assertThat(connect(device, "esp32", SECRET)).isEqualTo(CONNECTED);
            assertThat(addressOf(server, "esp32")).isEqualTo(new InetSocketAddress("203.0.113.7", 40_001));
            assertThat(server.registry().session(new DeviceId(USER, "esp32")).orElseThrow().toString())
                    .as("what logs show").contains("203.0.113.7");
            assertThat(server.devices(USER).get(0).remoteAddress()).as("the directory's view")
                    .isEqualTo(new InetSocketAddress("203.0.113.7", 40_001));
        }
        try (RawIotmpSocket device = proxiedV1(server, "2001:db8::17", 40_002)) {
            assertThat(connect(device, "esp33", SECRET)).isEqualTo(CONNECTED);
            assertThat(addressOf(server, "esp33")).isEqualTo(new InetSocketAddress("2001:db8::17", 40_002));
        }
    }

    @Test
    void aV2HeaderGivesTheDeviceItsAddressAndALocalOneKeepsThePeers() throws Exception {
        IotmpServer server = start(true, l -> { });
        Socket socket = socketFrom("127.0.0.1", server);
        // the header and the CONNECT in one write, as a balancer forwards what the device sent at once
        write(socket, Frames.concat(v2("198.51.100.9", 50_000, 64),
                Frames.encode(IotmpMessage.connect(1, USER, "esp32", SECRET), Generation.GEN2)));
        RawIotmpSocket device = new RawIotmpSocket(socket);
        assertThat(device.readFrameHex()).isEqualTo(CONNECTED);
        assertThat(addressOf(server, "esp32")).isEqualTo(new InetSocketAddress("198.51.100.9", 50_000));

        Socket check = socketFrom("127.0.0.3", server);
        write(check, v2Local());
        RawIotmpSocket local = new RawIotmpSocket(check);
        assertThat(connect(local, "esp33", SECRET)).isEqualTo(CONNECTED);
        assertThat(addressOf(server, "esp33").getAddress()).as("the TCP peer's")
                .isEqualTo(InetAddress.getByName("127.0.0.3"));
    }

    @Test
    void authFailuresBlockTheDevicesAddressNotTheBalancers() throws Exception {
        IotmpServer server = start(true, l -> l.maxAuthFailuresPerAddress(3));
        for (int i = 0; i < 3; i++) {
            try (RawIotmpSocket scanner = proxiedV1(server, "198.51.100.66", 41_000 + i)) {
                assertThat(connect(scanner, "guess" + i, "wrong")).isEqualTo("02 04 08 01 10 02");
            }
        }
        try (RawIotmpSocket scanner = proxiedV1(server, "198.51.100.66", 41_100)) {
            assertThat(scanner.closedWithin(Waits.WAIT)).as("the scanner's address is blocked").isTrue();
        }
        Waits.eventually().alias("the block counted").until(() -> refusals("address-blocked") == 1.0);
        try (RawIotmpSocket device = proxiedV1(server, "198.51.100.67", 41_200)) {
            assertThat(connect(device, "esp32", SECRET)).as("a device behind the same balancer")
                    .isEqualTo(CONNECTED);
        }
    }

    @Test
    void unauthenticatedConnectionsCountPerDeviceAddress() throws Exception {
        IotmpServer server = start(true,
                l -> l.maxUnauthenticatedPerAddress(2).frameReadTimeout(Duration.ofMinutes(5)));
        // each starts a CONNECT it does not finish: the codec, which sees nothing before the header is admitted,
        // reserves the frame, so the partial frames tell that each header was handled
        byte[] startedConnect = {1, 100, 0, 0, 0, 0, 0};
        Socket first = socketFrom("127.0.0.1", server);
        write(first, Frames.concat(v1("198.51.100.66", 42_001), startedConnect));
        Waits.eventually().alias("the first admitted").until(() -> server.partialFrameBytes() > 0);
        long one = server.partialFrameBytes();
        Socket second = socketFrom("127.0.0.1", server);
        write(second, Frames.concat(v1("198.51.100.66", 42_002), startedConnect));
        Waits.eventually().alias("the second admitted").until(() -> server.partialFrameBytes() == 2 * one);
        try (RawIotmpSocket third = proxiedV1(server, "198.51.100.66", 42_003)) {
            assertThat(third.closedWithin(Waits.WAIT)).as("a third from that address").isTrue();
        }
        Waits.eventually().alias("the refusal counted").until(() -> refusals("unauthenticated-per-address") == 1.0);
        try (RawIotmpSocket device = proxiedV1(server, "198.51.100.67", 42_004)) {
            assertThat(connect(device, "esp32", SECRET)).as("another device behind the balancer")
                    .isEqualTo(CONNECTED);
        }
        Waits.eventually().alias("the refused one given back").until(() -> server.unauthenticatedConnections() == 2);
    }

    @Test
    void aConnectionWithoutAValidHeaderIsClosedAndCounted() throws Exception {
        IotmpServer server = start(true, l -> { });
        // a device reaching the port directly: its CONNECT is no header, refused at its first byte (not held until
        // the connectTimeout for the end of a v1 line, though shorter than the longest one)
        Socket direct = socketFrom("127.0.0.1", server);
        writeQuietly(direct, Frames.encode(IotmpMessage.connect(1, USER, "esp32", SECRET), Generation.GEN2));
        assertThat(new RawIotmpSocket(direct).closedWithin(Waits.WAIT)).as("a CONNECT first").isTrue();
        Socket garbage = socketFrom("127.0.0.1", server);
        writeQuietly(garbage, "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(new RawIotmpSocket(garbage).closedWithin(Waits.WAIT)).as("garbage first").isTrue();
        Socket large = socketFrom("127.0.0.1", server);
        // the decoder allows the TLVs 216 bytes more (the room of UNIX socket addresses, unused by TCP ones)
        writeQuietly(large, v2("198.51.100.9", 50_000, ProxyProtocolHandler.MAX_TLV_BYTES + 217));
        assertThat(new RawIotmpSocket(large).closedWithin(Waits.WAIT)).as("TLVs over the bound").isTrue();
        Waits.eventually().alias("three refusals counted").until(() -> refusals("proxy-header") == 3.0);
        Waits.eventually().alias("nothing left").until(() -> server.unauthenticatedConnections() == 0);
        assertThat(server.registry().size()).isZero();
    }

    @Test
    void aHeaderThatNeverComesIsClosedByTheConnectTimeout() throws Exception {
        IotmpServer server = start(true, l -> { }, null, Duration.ofSeconds(2));
        Socket silent = socketFrom("127.0.0.1", server);
        write(silent, "PROXY".getBytes(StandardCharsets.US_ASCII));
        assertThat(new RawIotmpSocket(silent).closedWithin(Waits.WAIT)).isTrue();
        Waits.eventually().alias("nothing left").until(() -> server.unauthenticatedConnections() == 0);
    }

    @Test
    void tlsFollowsTheHeader() throws Exception {
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(load("tls/server.p12"), PASSWORD.toCharArray());
        IotmpServer server = start(true, l -> { },
                SslContextBuilder.forServer(keys).sslProvider(SslProvider.JDK).build(), Duration.ofMinutes(5));
        Socket socket = socketFrom("127.0.0.1", server);
        write(socket, v1("203.0.113.8", 43_000)); // in clear, before the TLS bytes, as HAProxy sends it
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(load("tls/trust.p12"));
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(socket, "127.0.0.1",
                server.localAddress().getPort(), true);
        sockets.add(tls);
        tls.startHandshake();
        RawIotmpSocket device = new RawIotmpSocket(tls);
        assertThat(connect(device, "esp32", SECRET)).isEqualTo(CONNECTED);
        assertThat(addressOf(server, "esp32")).isEqualTo(new InetSocketAddress("203.0.113.8", 43_000));
    }

    @Test
    void withoutTheOptionTheTcpPeerIsTheDevice() throws Exception {
        IotmpServer server = start(false, l -> { });
        try (RawIotmpSocket device = new RawIotmpSocket(socketFrom("127.0.0.5", server))) {
            assertThat(connect(device, "esp32", SECRET)).isEqualTo(CONNECTED);
            assertThat(addressOf(server, "esp32").getAddress()).isEqualTo(InetAddress.getByName("127.0.0.5"));
            assertThat(server.registry().session(new DeviceId(USER, "esp32")).orElseThrow().toString())
                    .contains("127.0.0.5");
        }
    }

    private static KeyStore load(String resource) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = ProxyProtocolTest.class.getResourceAsStream("/" + resource)) {
            store.load(in, PASSWORD.toCharArray());
        }
        return store;
    }
}
