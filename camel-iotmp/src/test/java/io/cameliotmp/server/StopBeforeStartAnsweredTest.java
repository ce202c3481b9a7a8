package io.cameliotmp.server;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.testing.Hex;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.HashedWheelTimer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Regression for a ServerConnectionFuzzTest finding (seed {@code regression-stop-before-start-answered}): a
 * STOP_STREAM sent while the device had not yet answered the START_STREAM of the same stream id replaced the pending
 * START_STREAM, whose future then never completed: not on the device's answer, not at its timeout, not when the
 * connection closed.
 */
class StopBeforeStartAnsweredTest {

    private static final DeviceId DEVICE = new DeviceId("alice", "esp32");

    private HashedWheelTimer timer;
    private EmbeddedChannel channel;
    private IotmpServer server;

    @BeforeEach
    void connect() {
        timer = new HashedWheelTimer();
        server = EmbeddedDevicePipeline.unstartedServer(IotmpServerConfig.builder().port(0).workerThreads(0)
                .authenticator(StaticAuthenticator.parse("alice/esp32=s3cr3t")).nativeTransport(false).build(), timer);
        channel = EmbeddedDevicePipeline.connect(server, UnpooledByteBufAllocator.DEFAULT);
        channel.writeInbound(Unpooled.wrappedBuffer(Hex.bytes(
                "03 18 08 B4 24 1A E3 85 61 6C 69 63 65 85 65 73 70 33 32 86 73 33 63 72 33 74")));
        assertThat(nextFrame()).isEqualTo("01 03 08 B4 24");
    }

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
        timer.stop();
    }

    private String nextFrame() {
        ByteBuf out = channel.readOutbound();
        try {
            return Hex.format(ByteBufUtil.getBytes(out));
        } finally {
            out.release();
        }
    }

    @Test
    void stoppingAStreamTheDeviceHasNotConfirmedFailsItsStart() {
        CompletableFuture<DeviceReply> start = server.send(DEVICE, DeviceRequest.startStream("humidity", 5000,
                sample -> CompletableFuture.completedFuture(null)), Duration.ofHours(1));
        assertThat(nextFrame()).startsWith("08 ").contains("08 01"); // START_STREAM id 1
        CompletableFuture<DeviceReply> stop = server.send(DEVICE, DeviceRequest.stopStream(1), Duration.ofHours(1));
        assertThat(nextFrame()).isEqualTo("09 02 08 01");

        assertThat(start).as("the superseded START_STREAM").isCompletedExceptionally();
        assertThatThrownBy(start::join).hasMessageContaining("START_STREAM humidity was stopped before");
        channel.writeInbound(Unpooled.wrappedBuffer(Hex.bytes("01 02 08 01")));
        assertThat(stop).isCompleted();

        // a STOP_STREAM the device refuses is named by its stream id
        CompletableFuture<DeviceReply> opened = server.send(DEVICE, DeviceRequest.startStream("humidity", 5000,
                sample -> CompletableFuture.completedFuture(null)), Duration.ofHours(1));
        assertThat(nextFrame()).startsWith("08 ").contains("08 02"); // START_STREAM id 2
        channel.writeInbound(Unpooled.wrappedBuffer(Hex.bytes("01 02 08 02")));
        assertThat(opened).isCompleted();
        CompletableFuture<DeviceReply> refused = server.send(DEVICE, DeviceRequest.stopStream(2),
                Duration.ofHours(1));
        assertThat(nextFrame()).isEqualTo("09 02 08 02");
        channel.writeInbound(Unpooled.wrappedBuffer(Hex.bytes("02 02 08 02"))); // ERROR for stream 2
        assertThatThrownBy(refused::join).hasCauseInstanceOf(DeviceErrorException.class)
                .hasMessageContaining("STOP_STREAM 2");
    }

    @Test
    void noRequestOutlivesTheConnection() throws Exception {
        CompletableFuture<DeviceReply> start = server.send(DEVICE, DeviceRequest.startStream("humidity", 5000,
                sample -> CompletableFuture.completedFuture(null)), Duration.ofHours(1));
        CompletableFuture<DeviceReply> stop = server.send(DEVICE, DeviceRequest.stopStream(1), Duration.ofHours(1));
        channel.close().await(5, TimeUnit.SECONDS);
        channel.runPendingTasks();
        assertThat(start).isDone();
        assertThat(stop).isDone();
    }
}
