package io.cameliotmp.server;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.testing.Frames;
import io.cameliotmp.testing.Hex;
import io.cameliotmp.testing.LoopbackSockets;
import io.cameliotmp.testing.TestPorts;
import io.cameliotmp.testing.Waits;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static io.cameliotmp.server.RawWebSocket.frameHeader;
import static io.cameliotmp.server.RawWebSocket.readFrame;
import static io.cameliotmp.server.RawWebSocket.readHttpHead;
import static io.cameliotmp.server.RawWebSocket.upgradeRequest;
import static io.cameliotmp.server.RawWebSocket.write;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A CONNECT sent in the same write as the upgrade request, when the server's 101 is not written at once (here a
 * handler of the application's own defers every write by a task of the event loop, as a traffic shaper does; a full
 * send buffer does the same). Netty removes the HTTP codec, which holds the CONNECT's bytes, only once the 101 is
 * written: meanwhile the codec read them as HTTP, and a line feed among the masked bytes made a "request line" of
 * what came before it, gone. The server now keeps what follows the request's head until the handshake is complete.
 */
class WebSocketSlowUpgradeTest {

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

    /** Writes, and flushes, one event loop task later than asked. */
    private static final class SlowWrites extends ChannelOutboundHandlerAdapter {
        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            ctx.executor().execute(() -> ctx.write(msg, promise));
        }

        @Override
        public void flush(ChannelHandlerContext ctx) {
            ctx.executor().execute(ctx::flush);
        }
    }

    /**
     * @param firstKeyByte the masking key's first byte: {@code 0x09} masks the CONNECT's type (3) into a line feed
     */
    @ParameterizedTest(name = "key starting {0}")
    @ValueSource(ints = {0x09, 0x37})
    void aConnectPipelinedAfterTheUpgradeRequestIsReadWhenThe101IsWrittenLate(int firstKeyByte) throws Exception {
        server = new IotmpServer(IotmpServerConfig.builder()
                .host("127.0.0.1").port(TestPorts.next()).transport(Transport.WEBSOCKET)
                .connectTimeout(Duration.ofMinutes(5))
                .limits(ServerLimits.builder().maxConnectionsPerSecond(0).maxConnectionsPerSecondPerAddress(0).build())
                .channelInitializer((channel, pipeline) -> {
                    pipeline.addDefaults();
                    channel.pipeline().addFirst("slow-writes", new SlowWrites());
                })
                .authenticator(StaticAuthenticator.parse("alice/*=pw")).build());
        server.start();
        Socket socket = sockets.to(server.localAddress().getPort());
        byte[] payload = Frames.encode(IotmpMessage.connect(1, "alice", "esp32", "pw"), Generation.GEN2);
        byte[] key = {(byte) firstKeyByte, 0x41, 0x41, 0x41};
        byte[] header = frameHeader(payload.length);
        System.arraycopy(key, 0, header, header.length - 4, 4);
        byte[] masked = payload.clone();
        for (int i = 0; i < masked.length; i++) {
            masked[i] ^= key[i % 4];
        }
        write(socket, Frames.concat(upgradeRequest("").getBytes(StandardCharsets.US_ASCII), header, masked));
        socket.setSoTimeout((int) PATIENCE.toMillis());
        assertThat(readHttpHead(socket)).startsWith("HTTP/1.1 101");
        assertThat(Hex.format(readFrame(socket))).as("the CONNECT answered").isEqualTo("01 02 08 01");
    }
}
