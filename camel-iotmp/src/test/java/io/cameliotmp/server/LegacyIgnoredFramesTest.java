package io.cameliotmp.server;

import java.util.List;

import io.cameliotmp.micrometer.MicrometerServerMetrics;
import io.cameliotmp.protocol.legacy.LegacyFrames;
import io.cameliotmp.protocol.legacy.LegacyMessage;
import io.cameliotmp.protocol.legacy.SignalFlag;
import io.cameliotmp.testing.Hex;
import io.cameliotmp.testing.LegacyVectors;
import io.cameliotmp.testing.RawIotmpSocket;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.testing.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Frames a legacy device sends after its AUTH was answered that the server ignores (flags no device sends towards an
 * open session, answers nobody waits for, frames of unknown types) were only logged at DEBUG; they are counted, by the
 * server ({@code iotmp.legacy.frames.ignored}, {@link ServerTotals#legacyFramesIgnored()}) and by the connection
 * ({@link SessionCounters#legacyFramesIgnored()}), as an IOTMP session's malformed frames are.
 */
class LegacyIgnoredFramesTest {

    private static final DeviceId DEVICE = new DeviceId("alice", "esp32");

    private final MeterRegistry meters = new SimpleMeterRegistry();
    private IotmpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    private static String hex(LegacyMessage message) {
        ByteBuf buf = Unpooled.buffer();
        LegacyFrames.encode(message, buf);
        try {
            return Hex.format(buf);
        } finally {
            buf.release();
        }
    }

    @Test
    void framesIgnoredAfterTheAuthAreCountedByServerAndConnection() throws Exception {
        server = new IotmpServer(IotmpServerConfig.builder().host("127.0.0.1").port(0).nativeTransport(false)
                .metrics(MicrometerServerMetrics.factory(meters))
                .authenticator(StaticAuthenticator.parse("alice/esp32=s3cr3t"))
                .legacy(new LegacyListeners(true, 0, LegacyListeners.NONE)).build());
        server.start();
        try (RawIotmpSocket device = new RawIotmpSocket(server.legacyAddress().getPort())) {
            device.sendHex(Hex.format(LegacyVectors.row("L01").bytes()));
            assertThat(device.readFrameHex()).isEqualTo(Hex.format(LegacyVectors.row("L02").bytes()));
            eventually().until(() -> server.registry().session(DEVICE).isPresent());

            device.sendHex(hex(LegacyMessage.of(SignalFlag.RUN, 5, List.of("led"), null))); // devices never run
            device.sendHex(hex(LegacyMessage.of(SignalFlag.REQUEST_OK, 77, null, null))); // nobody waits for it
            device.sendHex("03 02 08 01"); // a type the legacy protocol does not have
            device.sendHex("02 00");
            assertThat(device.readFrameHex()).as("the keep-alive behind them answered").isEqualTo("02 00");

            eventually().until(() -> server.totals().legacyFramesIgnored() == 3);
            assertThat(meters.get("iotmp.legacy.frames.ignored").counter().count()).isEqualTo(3.0);
            assertThat(server.registry().session(DEVICE).orElseThrow().counters().legacyFramesIgnored())
                    .isEqualTo(3);
        }
    }
}
