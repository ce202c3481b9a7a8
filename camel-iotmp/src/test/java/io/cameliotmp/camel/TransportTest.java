package io.cameliotmp.camel;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.security.KeyStore;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.device.IotmpDeviceBuilder;
import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpFrames;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.testing.RawIotmpSocket;
import io.cameliotmp.testing.TestPorts;
import io.cameliotmp.testing.Waits;
import io.cameliotmp.testing.WebSocketTestConnection;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.ssl.SslContextBuilder;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.support.jsse.KeyManagersParameters;
import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.TrustManagersParameters;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** TLS, TLS with client certificates, WebSocket and WebSocket over TLS, each on its own server. */
class TransportTest extends CamelTestSupport {

    private static final String PASSWORD = "changeit";
    private static final String CONNECT_OK = "01 03 08 B4 24";

    /** The TLS handshake deadline of the server on {@link #handshakeDeadlinePort}. */
    private static final Duration HANDSHAKE_DEADLINE = Duration.ofSeconds(3);
    /** That server's CONNECT deadline: far beyond every wait of this test, so it cannot close a connection here. */
    private static final Duration CONNECT_DEADLINE = Duration.ofMinutes(10);

    private final int tlsPort = TestPorts.next();
    private final int handshakeDeadlinePort = TestPorts.next();
    private final int mutualTlsPort = TestPorts.next();
    private final int wsPort = TestPorts.next();
    private final int wssPort = TestPorts.next();

    @BindToRegistry("tls")
    private final SSLContextParameters tls = serverTls();

    private static SSLContextParameters serverTls() {
        KeyStoreParameters keys = new KeyStoreParameters();
        keys.setResource("tls/server.p12");
        keys.setPassword(PASSWORD);
        keys.setType("PKCS12");
        KeyManagersParameters keyManagers = new KeyManagersParameters();
        keyManagers.setKeyStore(keys);
        keyManagers.setKeyPassword(PASSWORD);
        KeyStoreParameters trust = new KeyStoreParameters();
        trust.setResource("tls/trust.p12");
        trust.setPassword(PASSWORD);
        trust.setType("PKCS12");
        TrustManagersParameters trustManagers = new TrustManagersParameters();
        trustManagers.setKeyStore(trust);
        SSLContextParameters parameters = new SSLContextParameters();
        parameters.setKeyManagers(keyManagers);
        parameters.setTrustManagers(trustManagers);
        return parameters;
    }

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext context = super.createCamelContext();
        IotmpConfiguration config = context.getComponent("iotmp", IotmpComponent.class).getConfiguration();
        config.setHost("127.0.0.1");
        config.setDeviceCredentials("alice/esp32=s3cr3t");
        return context;
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("iotmp:server:echo?port=" + tlsPort + "&sslContextParameters=#tls").setBody(simple("tls ${body}"));
                from("iotmp:server:echo?port=" + handshakeDeadlinePort + "&sslContextParameters=#tls"
                     + "&tlsHandshakeTimeout=" + HANDSHAKE_DEADLINE.toMillis()
                     + "&connectTimeout=" + CONNECT_DEADLINE.toMillis())
                        .setBody(simple("never called"));
                from("iotmp:server:echo?port=" + mutualTlsPort + "&sslContextParameters=#tls&clientAuth=REQUIRE")
                        .setBody(simple("mtls ${body}"));
                from("iotmp:server:echo?port=" + wsPort + "&transport=WEBSOCKET").setBody(simple("ws ${body}"));
                from("iotmp:server:echo?port=" + wssPort + "&transport=WEBSOCKET&sslContextParameters=#tls")
                        .setBody(simple("wss ${body}"));
            }
        };
    }

    private static KeyStore load(String resource) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = TransportTest.class.getResourceAsStream("/" + resource)) {
            store.load(in, PASSWORD.toCharArray());
        }
        return store;
    }

    private static SSLContext deviceTls(boolean withCertificate) throws Exception {
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(load("tls/trust.p12"));
        KeyManagerFactory keys = null;
        if (withCertificate) {
            keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(load("tls/device.p12"), PASSWORD.toCharArray());
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys == null ? null : keys.getKeyManagers(), trust.getTrustManagers(), null);
        return context;
    }

    private static RawIotmpSocket tlsDevice(int port, boolean withCertificate) throws Exception {
        SSLSocket socket = (SSLSocket) deviceTls(withCertificate).getSocketFactory().createSocket("127.0.0.1", port);
        socket.setSoTimeout((int) Waits.WAIT.toMillis());
        socket.startHandshake();
        return new RawIotmpSocket(socket);
    }

    private static void connectAndEcho(RawIotmpSocket device, String expectedAnswer) throws IOException {
        device.send(IotmpMessage.connect(0x1234, "alice", "esp32", "s3cr3t"), Generation.GEN2);
        assertThat(device.readFrameHex()).isEqualTo(CONNECT_OK);
        device.send(IotmpMessage.run(9, "echo", null, "hi"), Generation.GEN2);
        assertThat(device.readMessage(Generation.GEN2)).isEqualTo(IotmpMessage.ok(9, expectedAnswer));
    }

    @Test
    void tlsDeviceConnectsAndCalls() throws Exception {
        try (RawIotmpSocket device = tlsDevice(tlsPort, false)) {
            connectAndEcho(device, "tls hi");
        }
    }

    @Test
    void clientCertificateIsRequiredWhenConfigured() throws Exception {
        try (RawIotmpSocket device = tlsDevice(mutualTlsPort, true)) {
            connectAndEcho(device, "mtls hi");
        }
        assertThatThrownBy(() -> {
            try (RawIotmpSocket device = tlsDevice(mutualTlsPort, false)) {
                // TLS 1.3 reports a missing certificate only on the first read
                device.send(IotmpMessage.connect(0x1234, "alice", "esp32", "s3cr3t"), Generation.GEN2);
                device.readFrameHex();
            }
        }).isInstanceOf(IOException.class);
    }

    @Test
    void tlsHandshakeHasADeadline() throws Exception {
        // A client that connects and never sends its ClientHello. Nothing but a deadline can end that connection, and
        // of that server's two deadlines the CONNECT one (10 min) lies beyond this wait: a close within the wait is
        // the handshake deadline's, and one before HANDSHAKE_DEADLINE would be something else.
        long connecting = System.nanoTime();
        try (RawIotmpSocket silent = new RawIotmpSocket(new Socket("127.0.0.1", handshakeDeadlinePort))) {
            assertThat(silent.closedWithin(Waits.WAIT)).as("closed by the handshake deadline").isTrue();
        }
        assertThat(Duration.ofNanos(System.nanoTime() - connecting)).as("not before the handshake deadline")
                .isGreaterThanOrEqualTo(HANDSHAKE_DEADLINE);
    }

    private static byte[] frame(IotmpMessage message) {
        ByteBuf buf = Unpooled.buffer();
        try {
            IotmpFrames.encode(message, Generation.GEN2, buf);
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    @Test
    void webSocketReadsTextFramesAsOneByteStream() throws Exception {
        try (WebSocketTestConnection ws = new WebSocketTestConnection(
                URI.create("ws://127.0.0.1:" + wsPort + "/iotmp"), null)) {
            assertThat(ws.subprotocol()).isEqualTo("iotmp");
            RawIotmpSocket device = new RawIotmpSocket(ws);
            // the CONNECT in 3-byte text frames (the reference client's frame type, any boundaries)
            ws.sendFramed(frame(IotmpMessage.connect(0x1234, "alice", "esp32", "s3cr3t")), 3);
            assertThat(device.readFrameHex()).isEqualTo(CONNECT_OK);
            // a RUN and a KEEP_ALIVE in one binary frame
            ws.useBinaryFrames();
            byte[] run = frame(IotmpMessage.run(9, "echo", null, "hi"));
            byte[] both = java.util.Arrays.copyOf(run, run.length + 2);
            both[run.length] = 0x05;
            ws.sendFramed(both, both.length);
            assertThat(device.readMessage(Generation.GEN2)).isEqualTo(IotmpMessage.ok(9, "ws hi"));
            assertThat(device.readFrameHex()).isEqualTo("05 00");
        }
    }

    @Test
    void webSocketOverTls() throws Exception {
        io.netty.handler.ssl.SslContext client = SslContextBuilder.forClient()
                .trustManager(trustFactory()).build();
        try (WebSocketTestConnection ws = new WebSocketTestConnection(
                URI.create("wss://localhost:" + wssPort + "/iotmp"), client)) {
            connectAndEcho(new RawIotmpSocket(ws), "wss hi");
        }
    }

    private static Object echoThroughDevice(IotmpDeviceBuilder builder) throws Exception {
        IotmpDevice device = builder.host("localhost").credentials("alice", "esp32", "s3cr3t").noReconnect().build();
        try {
            device.start().toCompletableFuture().get(Waits.WAIT.toMillis(), TimeUnit.MILLISECONDS);
            return device.runServerResource("echo", "hi").toCompletableFuture()
                    .get(Waits.WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } finally {
            device.close();
        }
    }

    @Test
    void deviceClientSpeaksTlsWebSocketAndBoth() throws Exception {
        io.netty.handler.ssl.SslContext trusting = SslContextBuilder.forClient().trustManager(trustFactory()).build();
        assertThat(echoThroughDevice(IotmpDevice.builder().port(tlsPort).tls(trusting))).isEqualTo("tls hi");
        assertThat(echoThroughDevice(IotmpDevice.builder().port(wsPort).webSocket("/iotmp", true)))
                .isEqualTo("ws hi");
        assertThat(echoThroughDevice(IotmpDevice.builder().port(wssPort).tls(trusting).webSocket("/iotmp", false)))
                .isEqualTo("wss hi");
    }

    @Test
    void deviceClientRefusesAnUntrustedServerCertificate() throws Exception {
        io.netty.handler.ssl.SslContext defaultTrust = SslContextBuilder.forClient().build();
        IotmpDevice device = IotmpDevice.builder().host("localhost").port(tlsPort).tls(defaultTrust)
                .credentials("alice", "esp32", "s3cr3t").noReconnect().build();
        try {
            assertThat(device.start().toCompletableFuture()).failsWithin(Waits.WAIT);
        } finally {
            device.close();
        }
    }

    private static TrustManagerFactory trustFactory() throws Exception {
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(load("tls/trust.p12"));
        return trust;
    }
}
