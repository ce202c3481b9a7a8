package io.cameliotmp.server;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.testing.Frames;
import io.cameliotmp.testing.Hex;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.HashedWheelTimer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The deadline of a frame the device started ({@code frameReadTimeout}) against the server's own pause in reading
 * while the authenticator decides: that time is not the device's. The device client once cut off its server when a
 * deadline that fell due during such a pause ran on the event loop just after reading was turned on again and before
 * the read that would complete the frame; here the server is held to the same rule for a device that sends its next
 * frame right behind its CONNECT. The real device pipeline on an embedded channel whose clock the test moves, so no
 * interleaving depends on the machine's speed.
 */
class ReadingResumedFrameDeadlineTest {

    private static final Duration FRAME_TIMEOUT = Duration.ofSeconds(10);

    private final HashedWheelTimer timer = new HashedWheelTimer();
    private final CompletableFuture<AuthDecision> decision = new CompletableFuture<>();
    private EmbeddedChannel channel;

    @AfterEach
    void close() {
        if (channel != null) {
            channel.finishAndReleaseAll();
        }
        timer.stop();
    }

    @Test
    void aFrameRightBehindTheConnectHasItsWholeDeadlineAfterASlowLogin() {
        IotmpServer server = EmbeddedDevicePipeline.unstartedServer(IotmpServerConfig.builder().port(0)
                .workerThreads(0).nativeTransport(false).authenticator(request -> decision)
                .limits(ServerLimits.builder().frameReadTimeout(FRAME_TIMEOUT).build()).build(), timer);
        channel = EmbeddedDevicePipeline.connect(server, UnpooledByteBufAllocator.DEFAULT);
        byte[] connect = Frames.encode(IotmpMessage.connect(1, "alice", "esp32", "s3cr3t"), Generation.GEN2);
        byte[] run = Frames.encode(IotmpMessage.run(7, "missing", null, "x".repeat(100)), Generation.GEN2);
        // the CONNECT and the start of the next frame arrive in one read, as a device that does not wait may send
        channel.writeInbound(Unpooled.wrappedBuffer(connect, Arrays.copyOfRange(run, 0, 10)));
        // due while the server does not read, but the event loop has not run the timer yet
        channel.advanceTimeBy(FRAME_TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS);

        decision.complete(AuthDecision.accept());
        channel.runPendingTasks(); // turns reading on, then runs the due timers
        assertThat(nextFrame()).as("the OK of the CONNECT").isEqualTo("01 02 08 01");
        assertThat(channel.isActive()).as("still connected after the resume").isTrue();

        channel.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(run, 10, run.length)));
        channel.runPendingTasks();
        assertThat(nextFrame()).as("the answer to the RUN, an ERROR for stream 7").startsWith("02 ")
                .contains("08 07");

        // a frame that then stalls while the server reads is still cut off at its deadline
        channel.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(run, 0, 10)));
        channel.advanceTimeBy(FRAME_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        channel.runPendingTasks();
        assertThat(channel.isActive()).as("a stalled frame closes the connection").isFalse();
    }

    private String nextFrame() {
        ByteBuf out = channel.readOutbound();
        assertThat(out).as("a frame written").isNotNull();
        try {
            return Hex.format(ByteBufUtil.getBytes(out));
        } finally {
            out.release();
        }
    }
}
