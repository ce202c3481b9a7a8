package io.cameliotmp.server;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.testing.Frames;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.util.HashedWheelTimer;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.server.RawWebSocket.PING;
import static io.cameliotmp.server.RawWebSocket.PONG;
import static io.cameliotmp.server.RawWebSocket.frame;
import static io.cameliotmp.server.RawWebSocket.upgradeRequest;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A WebSocket peer's pings and pongs against the server's pause in reading: while the server does not read (here: its
 * authenticator has not decided), a ping or pong must not make it read on, else a peer that puts one in every read
 * keeps the server reading while every frame it sends piles up undecoded. The real device pipeline of a WebSocket
 * server on an embedded channel, whose reads the test counts.
 */
class WebSocketControlFramesTest {

    private final HashedWheelTimer timer = new HashedWheelTimer();
    private final CompletableFuture<AuthDecision> decision = new CompletableFuture<>();
    private final AtomicInteger reads = new AtomicInteger();
    private EmbeddedChannel channel;

    @AfterEach
    void close() {
        if (channel != null) {
            channel.finishAndReleaseAll();
        }
        timer.stop();
    }

    /** An upgraded WebSocket connection of a server whose authenticator answers with {@link #decision}. */
    private void upgraded() {
        IotmpServer server = new IotmpServer(IotmpServerConfig.builder().port(0).transport(Transport.WEBSOCKET)
                .workerThreads(0).nativeTransport(false).authenticator(request -> decision).build());
        server.network.timer = timer;
        channel = new EmbeddedChannel(false, false);
        channel.config().setAllocator(UnpooledByteBufAllocator.DEFAULT);
        server.initDeviceChannel(channel);
        channel.pipeline().addFirst(new ChannelOutboundHandlerAdapter() {
            @Override
            public void read(ChannelHandlerContext ctx) {
                reads.incrementAndGet();
                ctx.read();
            }
        });
        try {
            channel.register();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        channel.writeInbound(Unpooled.wrappedBuffer(upgradeRequest("").getBytes(StandardCharsets.US_ASCII)));
        channel.runPendingTasks();
        assertThat(outbound()).startsWith("HTTP/1.1 101");
    }

    @Test
    void pingsAndPongsDoNotMakeThePausedServerReadOn() {
        upgraded();
        byte[] connect = Frames.encode(IotmpMessage.connect(1, "alice", "esp32", "pw"), Generation.GEN2);
        reads.set(0);
        // the CONNECT pauses reading until the authenticator decides; the ping and pong came in the same read
        channel.writeInbound(Unpooled.wrappedBuffer(frame(connect), frame(PING, true, new byte[] {1, 2}),
                frame(PONG, true, new byte[3])));
        channel.runPendingTasks();

        assertThat(channel.config().isAutoRead()).as("reading paused for the authenticator").isFalse();
        assertThat(reads).as("reads asked for while paused").hasValue(0);
        assertThat(outbound()).as("the ping answered").isEqualTo(pong(1, 2));
        assertThat(channel.isActive()).isTrue();
    }

    @Test
    void aPingIsDroppedWhileTheConnectionIsNotWritable() {
        upgraded();
        channel.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
        channel.writeInbound(Unpooled.wrappedBuffer(frame(PING, true, new byte[] {1, 2})));
        channel.runPendingTasks();
        assertThat((Object) channel.readOutbound()).as("no pong queued").isNull();

        channel.unsafe().outboundBuffer().setUserDefinedWritability(1, true);
        channel.writeInbound(Unpooled.wrappedBuffer(frame(PING, true, new byte[] {3})));
        channel.runPendingTasks();
        assertThat(outbound()).as("the next ping answered").isEqualTo(pong(3));
    }

    /** Each ping dropped is counted, and only those: a peer that pings and does not read shows in the metrics. */
    @Test
    void eachPingDroppedIsCounted() {
        AtomicInteger unanswered = new AtomicInteger();
        EmbeddedChannel control = new EmbeddedChannel(new WebSocketControlFrames(unanswered::incrementAndGet));
        try {
            control.writeInbound(new PingWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {1})));
            assertThat(unanswered).as("a ping answered").hasValue(0);

            control.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
            control.writeInbound(new PingWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {2})));
            control.writeInbound(new PingWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {3})));
            assertThat(unanswered).as("pings dropped while not writable").hasValue(2);

            control.unsafe().outboundBuffer().setUserDefinedWritability(1, true);
            control.writeOutbound(new CloseWebSocketFrame());
            control.writeInbound(new PingWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {4})));
            assertThat(unanswered).as("a ping after the close frame").hasValue(3);
        } finally {
            control.finishAndReleaseAll();
        }
    }

    /** A server's pong with a short payload, in hex. */
    private static String pong(int... payload) {
        ByteBuf frame = Unpooled.buffer().writeByte(0x8A).writeByte(payload.length);
        for (int b : payload) {
            frame.writeByte(b);
        }
        return ByteBufUtil.hexDump(frame);
    }

    /** What the server wrote since the last call: the 101 as text, frames as hex. */
    private String outbound() {
        StringBuilder written = new StringBuilder();
        for (Object out = channel.readOutbound(); out != null; out = channel.readOutbound()) {
            ByteBuf bytes = (ByteBuf) out;
            written.append(bytes.getByte(bytes.readerIndex()) == 'H'
                    ? bytes.toString(StandardCharsets.US_ASCII) : ByteBufUtil.hexDump(bytes));
            ReferenceCountUtil.release(out);
        }
        return written.toString();
    }
}
