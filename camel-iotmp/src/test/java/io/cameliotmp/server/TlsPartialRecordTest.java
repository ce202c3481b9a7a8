package io.cameliotmp.server;

import java.io.OutputStream;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
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
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
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
     * Headers that Netty's {@code SslHandler} takes for a record although they are no TLS header, and whose whole
     * record it waits for before its engine refuses it: they reserve that length as a TLS record does. Read as TLS
     * headers, the handler reserved nothing for them (an SSLv2 header's first byte is no TLS content type; a DTLS
     * header's length is at bytes 11 and 12, not 3 and 4) while the engine held up to 64 KiB.
     */
    @ParameterizedTest
    @CsvSource({
        "SSLv2 2-byte header, bf ff 01 03 00, 16385",
        "SSLv2 3-byte header, 3f ff 01 00 03, 16386",
        "TLS content type and no TLS version, 16 3f ff 00 03, 5698",
        "DTLS 1.2 header, 16 fe fd 00 00 00 00 00 00 00 00 40 00, 16397",
    })
    void recordsSslHandlerWaitsForAreCountedWhateverTheirHeader(String shape, String header, int reserved)
            throws Exception {
        server = start(Transport.TCP, ServerLimits.DEFAULT_MAX_PARTIAL_FRAME_BYTES, false);
        try (Socket peer = new Socket("127.0.0.1", server.localAddress().getPort())) {
            stallInARecord(peer, ByteBufUtil.decodeHexDump(header.replace(" ", "")), 1000);
            Waits.eventually().alias(shape + " reserved").until(() -> server.partialFrameBytes() == reserved);
        }
        Waits.eventually().alias("the reservation given back").until(() -> server.partialFrameBytes() == 0);
    }

    /** An SSLv2 or DTLS header announcing more than a TLS record may hold is refused at its header. */
    @ParameterizedTest
    @ValueSource(strings = { "ff ff 01 03 00", "16 fe fd 00 00 00 00 00 00 00 00 ff ff" })
    void anSslv2OrDtlsRecordLongerThanTlsAllowsIsRefused(String header) throws Exception {
        server = start(Transport.TCP, ServerLimits.DEFAULT_MAX_PARTIAL_FRAME_BYTES, false);
        try (Socket peer = new Socket("127.0.0.1", server.localAddress().getPort())) {
            stallInARecord(peer, ByteBufUtil.decodeHexDump(header.replace(" ", "")), 1000);
            assertThat(new RawIotmpSocket(peer).closedWithin(Waits.WAIT)).as("refused").isTrue();
        }
        Waits.eventually().until(() -> refusals() == 1.0);
        assertThat(server.partialFrameBytes()).isZero();
    }

    /**
     * {@link TlsPartialRecords#recordLength} cuts records where the Netty on the class path does, for headers of
     * every shape it tells apart (TLS, TLCP, DTLS, SSLv2, no record): a Netty upgrade that cuts them otherwise fails
     * here rather than opening a gap in the budget.
     */
    @Test
    void recordsAreCutWhereNettyCutsThem() throws Exception {
        Method netty = Class.forName("io.netty.handler.ssl.SslUtils")
                .getDeclaredMethod("getEncryptedPacketLength", ByteBuf.class, int.class, boolean.class);
        netty.setAccessible(true);
        Random random = new Random(42);
        int[] firsts = { 0, 3, 19, 20, 22, 24, 25, 0x3F, 0x7F, 0x80, 0xBF, 0xFF };
        int[] versions = { 0x0300, 0x0303, 0x0101, 0xFEFF, 0xFEFD, 0xFEFC, 0xFEFE, 0x0200, 0x3FFF, 0x0000 };
        int[] lows = { 0, 1, 2, 3, 4, 0xFF };
        for (int i = 0; i < 20_000; i++) {
            byte[] header = new byte[13];
            random.nextBytes(header);
            header[0] = (byte) firsts[random.nextInt(firsts.length)];
            if (random.nextBoolean()) {
                int version = versions[random.nextInt(versions.length)];
                header[1] = (byte) (version >> 8);
                header[2] = (byte) version;
            }
            for (int at = 3; at < header.length; at++) {
                if (random.nextInt(3) == 0) {
                    header[at] = (byte) lows[random.nextInt(lows.length)];
                }
            }
            int read = 5 + random.nextInt(9);
            int expected = (int) netty.invoke(null, Unpooled.wrappedBuffer(header, 0, read), 0, true);
            assertThat(TlsPartialRecords.recordLength(header, read))
                    .as("%s, %d bytes", ByteBufUtil.hexDump(header), read).isEqualTo(expected);
        }
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
