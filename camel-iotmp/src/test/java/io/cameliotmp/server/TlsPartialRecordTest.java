package io.cameliotmp.server;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLSocket;

import io.cameliotmp.micrometer.MicrometerServerMetrics;
import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.protocol.MessageType;
import io.cameliotmp.testing.RawIotmpSocket;
import io.cameliotmp.testing.TestPorts;
import io.cameliotmp.testing.TestTls;
import io.cameliotmp.testing.Waits;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the TLS engine holds of a record that has started to arrive counts against {@code maxPartialFrameBytes}, as a
 * partial IOTMP frame does ({@link TlsPartialRecords}): before, a peer that sent a record's header and most of its
 * body and stalled made the server hold up to a record per connection outside every byte bound, on every TLS listener
 * (TCP, WebSocket, legacy). Every deadline of the servers here lies far beyond every wait, so a connection that closes
 * was closed for its record.
 */
class TlsPartialRecordTest {

    private static final Duration DEADLINE = Duration.ofMinutes(10);
    /** A handshake record's header announcing 16 KiB of body. */
    private static final byte[] HEADER_16K = { 22, 3, 3, 0x40, 0x00 };
    private static final int RESERVED_16K = 5 + 16384;

    private final MeterRegistry meters = new SimpleMeterRegistry();
    private IotmpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "tcp", "websocket", "legacy" })
    void aStalledPartialRecordIsCountedUntilItsConnectionCloses(String listener) throws Exception {
        server = start(listener.equals("websocket") ? Transport.WEBSOCKET : Transport.TCP,
                ServerLimits.DEFAULT_MAX_PARTIAL_FRAME_BYTES, listener.equals("legacy"));
        InetSocketAddress address = listener.equals("legacy") ? server.legacyTlsAddress() : server.localAddress();
        try (Socket peer = new Socket(address.getAddress(), address.getPort())) {
            stallInARecord(peer, HEADER_16K, 1000);
            Waits.eventually().alias("the partial record reserved")
                    .until(() -> server.partialFrameBytes() == RESERVED_16K);
        }
        Waits.eventually().alias("the reservation given back").until(() -> server.partialFrameBytes() == 0);
    }

    @Test
    void aPartialRecordBeyondTheBudgetIsRefused() throws Exception {
        server = start(Transport.TCP, RESERVED_16K + 1000, false);
        int port = server.localAddress().getPort();
        try (Socket first = new Socket("127.0.0.1", port)) {
            stallInARecord(first, HEADER_16K, 1000);
            Waits.eventually().until(() -> server.partialFrameBytes() == RESERVED_16K);
            try (Socket second = new Socket("127.0.0.1", port)) {
                stallInARecord(second, HEADER_16K, 1000);
                assertThat(new RawIotmpSocket(second).closedWithin(Waits.WAIT)).as("the second refused").isTrue();
            }
            assertThat(refusals()).isEqualTo(1.0);
            assertThat(server.partialFrameBytes()).as("the first still holds its record").isEqualTo(RESERVED_16K);
        }
        Waits.eventually().until(() -> server.partialFrameBytes() == 0);
    }

    @Test
    void aRecordLongerThanTlsAllowsIsRefused() throws Exception {
        server = start(Transport.TCP, ServerLimits.DEFAULT_MAX_PARTIAL_FRAME_BYTES, false);
        int tooLong = TlsPartialRecords.MAX_RECORD_LENGTH + 1;
        try (Socket peer = new Socket("127.0.0.1", server.localAddress().getPort())) {
            stallInARecord(peer, new byte[] { 22, 3, 3, (byte) (tooLong >> 8), (byte) tooLong }, 1000);
            assertThat(new RawIotmpSocket(peer).closedWithin(Waits.WAIT)).as("refused").isTrue();
        }
        Waits.eventually().until(() -> refusals() == 1.0);
        assertThat(server.partialFrameBytes()).isZero();
    }

    /**
     * A device whose frames span many records logs in and answers a call with a frame of 200 KB, over TLS 1.3 and
     * 1.2, with a budget that holds the frame and one record but not the frame's records together: each record gives
     * its reservation back when complete.
     */
    @ParameterizedTest
    @ValueSource(strings = { "TLSv1.3", "TLSv1.2" })
    void devicesWithLargeFramesAreUnaffected(String protocol) throws Exception {
        int payloadBytes = 200_000;
        server = start(Transport.TCP, payloadBytes + 2L * RESERVED_16K + 8192, false);
        try (SSLSocket socket = (SSLSocket) TestTls.trustingClient().getSocketFactory().createSocket("127.0.0.1",
                server.localAddress().getPort())) {
            socket.setEnabledProtocols(new String[] { protocol });
            RawIotmpSocket device = new RawIotmpSocket(socket);
            device.send(IotmpMessage.connect(1, "alice", "esp32", "pw"), Generation.GEN2);
            assertThat(device.readFrameHex()).as("logged in").isEqualTo("01 02 08 01");
            for (int call = 0; call < 3; call++) {
                CompletableFuture<DeviceReply> reply = server.send(new DeviceId("alice", "esp32"),
                        DeviceRequest.run("big", null), DEADLINE);
                IotmpMessage run = device.readUntil(MessageType.RUN, Generation.GEN2);
                byte[] payload = new byte[payloadBytes];
                Arrays.fill(payload, (byte) call);
                device.send(IotmpMessage.ok(run.streamId(), payload), Generation.GEN2);
                assertThat((byte[]) reply.get(Waits.WAIT.toMillis(), TimeUnit.MILLISECONDS).payload())
                        .as("the large answer arrived whole").isEqualTo(payload);
            }
            assertThat(refusals()).isZero();
        }
        Waits.eventually().until(() -> server.partialFrameBytes() == 0);
    }

    /** Sends a record header and {@code bodyBytes} of its body, and nothing more. */
    private static void stallInARecord(Socket peer, byte[] header, int bodyBytes) throws Exception {
        OutputStream out = peer.getOutputStream();
        out.write(header);
        out.write(new byte[bodyBytes]);
        out.flush();
    }

    private IotmpServer start(Transport transport, long maxPartialFrameBytes, boolean legacy) throws Exception {
        KeyManagerFactory keys = TestTls.serverKeys();
        IotmpServer started = new IotmpServer(IotmpServerConfig.builder()
                .host("127.0.0.1").port(TestPorts.next()).ioThreads(1).workerThreads(1)
                .transport(transport)
                .legacy(new LegacyListeners(legacy, LegacyListeners.NONE, legacy ? 0 : LegacyListeners.NONE))
                .connectTimeout(DEADLINE).tlsHandshakeTimeout(DEADLINE).requestTimeout(DEADLINE)
                .sslContext(SslContextBuilder.forServer(keys).sslProvider(SslProvider.JDK).build())
                .authenticator(StaticAuthenticator.parse("alice/*=pw"))
                .limits(ServerLimits.builder().maxConnectionsPerSecond(0).maxConnectionsPerSecondPerAddress(0)
                        .maxPartialFrameBytes(maxPartialFrameBytes).build())
                .metrics(MicrometerServerMetrics.factory(meters))
                .build());
        started.start();
        return started;
    }

    private double refusals() {
        return meters.find("iotmp.refusals").tag("reason", "partial-frame-budget").counters().stream()
                .mapToDouble(c -> c.count()).sum();
    }


}
