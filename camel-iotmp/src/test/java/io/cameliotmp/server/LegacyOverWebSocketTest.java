package io.cameliotmp.server;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;

import io.cameliotmp.protocol.legacy.LegacyFrames;
import io.cameliotmp.protocol.legacy.LegacyMessage;
import io.cameliotmp.protocol.legacy.SignalFlag;
import io.cameliotmp.testing.Frames;
import io.cameliotmp.testing.Hex;
import io.cameliotmp.testing.LoopbackSockets;
import io.cameliotmp.testing.TestPorts;
import io.cameliotmp.testing.Waits;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.server.RawWebSocket.closedWithin;
import static io.cameliotmp.server.RawWebSocket.frame;
import static io.cameliotmp.server.RawWebSocket.frameHeader;
import static io.cameliotmp.server.RawWebSocket.readFrame;
import static io.cameliotmp.server.RawWebSocket.upgrade;
import static io.cameliotmp.server.RawWebSocket.write;
import static io.cameliotmp.server.RawWebSocket.writeQuietly;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * With {@code transport=WEBSOCKET} and legacy devices enabled, the server's port tells the protocols apart by the
 * first byte inside the WebSocket frames, as on TCP (the Java device client speaks the legacy protocol over WebSocket
 * too). The WebSocket frame limits follow the login of a legacy device as they follow an IOTMP device's: small before
 * its AUTH is answered, {@code maxFrameSize} after.
 */
class LegacyOverWebSocketTest {

    private static final Duration PATIENCE = Waits.WAIT;

    private final LoopbackSockets sockets = new LoopbackSockets();
    private IotmpServer server;

    @AfterEach
    void stop() throws IOException {
        sockets.close();
        if (server != null) {
            server.stop();
        }
    }

    private void start() {
        server = new IotmpServer(IotmpServerConfig.builder()
                .host("127.0.0.1").port(TestPorts.next()).transport(Transport.WEBSOCKET)
                .connectTimeout(Duration.ofMinutes(5))
                .limits(ServerLimits.builder().maxConnectionsPerSecond(0).maxConnectionsPerSecondPerAddress(0).build())
                .legacy(new LegacyListeners(true, LegacyListeners.NONE, LegacyListeners.NONE))
                .authenticator(StaticAuthenticator.parse("alice/*=pw")).build());
        server.start();
    }

    private Socket upgraded() throws IOException {
        Socket socket = sockets.to(server.localAddress().getPort());
        assertThat(upgrade(socket)).startsWith("HTTP/1.1 101");
        return socket;
    }

    private static byte[] legacy(LegacyMessage message) {
        ByteBuf buf = Unpooled.buffer();
        try {
            LegacyFrames.encode(message, buf);
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    /**
     * Before the AUTH is answered a WebSocket frame larger than an AUTH needs is refused at its header; after it a
     * legacy device sends frames up to {@code maxFrameSize}, as an IOTMP device does. The legacy codec was told of
     * the login but the WebSocket frame decoder was not, so its first frame beyond the limit before login closed the
     * connection of a device that had logged in.
     */
    @Test
    void framesAreSmallUntilTheAuthIsAnsweredAndLargeAfter() throws Exception {
        start();
        Socket stranger = upgraded();
        write(stranger, frame(Hex.bytes("01"))); // a legacy first byte: the legacy codec is in place
        writeQuietly(stranger, frameHeader(200_000)); // the header alone, no payload
        assertThat(closedWithin(stranger, PATIENCE)).as("closed at the header").isTrue();

        Socket device = upgraded();
        write(device, frame(legacy(LegacyMessage.auth("alice", "esp32", "pw"))));
        assertThat(Hex.format(readFrame(device))).as("the AUTH's bare OK").isEqualTo("01 02 10 01");
        // a 200 KB frame of the device's own (a RUN, which devices never send: ignored), then a keep-alive
        byte[] large = legacy(LegacyMessage.of(SignalFlag.RUN, 0, null, "x".repeat(200_000)));
        write(device, frame(Frames.concat(large, Hex.bytes("02 00"))));
        assertThat(Hex.format(readFrame(device))).as("the keep-alive echoed").isEqualTo("02 00");
    }
}
