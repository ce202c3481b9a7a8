package io.cameliotmp.server;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.protocol.MessageType;
import io.cameliotmp.testing.RawIotmpSocket;
import io.cameliotmp.testing.TestPorts;
import io.cameliotmp.testing.Waits;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A device's answer whose body does not decode (here: nested deeper than {@code maxPsonDepth}, as a value beyond
 * {@code maxDecodedFrameBytes} would be) fails its call when it arrives, with {@link MalformedAnswerException}; it used
 * to be dropped, and the call waited out its timeout for an answer that had come (the request timeout here is far
 * longer than the test waits). The device stays connected, and an answer it sends right after is taken.
 */
class MalformedAnswerTest {

    private static final DeviceId DEVICE = new DeviceId("alice", "esp32");
    /** Far beyond any wait of this test: only the answer can end a call here. */
    private static final Duration LONG = Duration.ofMinutes(10);

    private IotmpServer server;
    private RawIotmpSocket device;

    @BeforeEach
    void start() throws Exception {
        server = new IotmpServer(IotmpServerConfig.builder()
                .host("127.0.0.1").port(TestPorts.next()).ioThreads(1).workerThreads(1)
                .authenticator(StaticAuthenticator.parse("alice/*=pw")).build());
        server.start();
        device = RawIotmpSocket.connect(server.localAddress().getPort(), "alice", "esp32", "pw");
        Waits.eventually().until(() -> server.registry().registration(DEVICE).isPresent());
    }

    @AfterEach
    void stop() throws Exception {
        device.close();
        server.stop();
    }

    /** A value nested one level deeper than the server decodes. */
    private static Object tooDeep() {
        Object value = "bottom";
        for (int i = 0; i <= IotmpServerConfig.DEFAULT_MAX_PSON_DEPTH; i++) {
            value = List.of(value);
        }
        return value;
    }

    @Test
    void anUnreadableOkFailsItsCallAtOnce() throws Exception {
        CompletableFuture<DeviceReply> call = server.send(DEVICE, DeviceRequest.run("sensor", null), LONG);
        IotmpMessage run = device.readUntil(MessageType.RUN, Generation.GEN2);
        device.send(IotmpMessage.ok(run.streamId(), tooDeep()), Generation.GEN2);

        assertThatThrownBy(() -> call.get(Waits.WAIT.toMillis(), TimeUnit.MILLISECONDS))
                .hasCauseInstanceOf(MalformedAnswerException.class)
                .hasMessageContaining("RUN sensor").hasMessageContaining("nested too deeply");

        // still connected, and the next answer is taken
        CompletableFuture<DeviceReply> next = server.send(DEVICE, DeviceRequest.run("sensor", null), LONG);
        IotmpMessage again = device.readUntil(MessageType.RUN, Generation.GEN2);
        device.send(IotmpMessage.ok(again.streamId(), 21L), Generation.GEN2);
        assertThat(next.get(Waits.WAIT.toMillis(), TimeUnit.MILLISECONDS).payload()).isEqualTo(21L);
    }

    @Test
    void anUnreadableErrorFailsItsCallAtOnce() throws Exception {
        CompletableFuture<DeviceReply> call = server.send(DEVICE, DeviceRequest.describe("sensor"), LONG);
        IotmpMessage describe = device.readUntil(MessageType.DESCRIBE, Generation.GEN2);
        device.send(IotmpMessage.error(describe.streamId(), 500L, tooDeep()), Generation.GEN2);

        assertThatThrownBy(() -> call.get(Waits.WAIT.toMillis(), TimeUnit.MILLISECONDS))
                .hasCauseInstanceOf(MalformedAnswerException.class);
        assertThat(server.registry().registration(DEVICE)).isPresent();
    }

    @Test
    void aStreamWhoseUnreadableOkMayHaveOpenedItIsStopped() throws Exception {
        CompletableFuture<DeviceReply> start = server.send(DEVICE,
                DeviceRequest.startStream("sensor", 1000, sample -> CompletableFuture.completedFuture(null)), LONG);
        IotmpMessage startStream = device.readUntil(MessageType.START_STREAM, Generation.GEN2);
        device.send(IotmpMessage.ok(startStream.streamId(), tooDeep()), Generation.GEN2);

        assertThatThrownBy(() -> start.get(Waits.WAIT.toMillis(), TimeUnit.MILLISECONDS))
                .hasCauseInstanceOf(MalformedAnswerException.class);
        assertThat(device.readUntil(MessageType.STOP_STREAM, Generation.GEN2).streamId())
                .as("the server stops what the device may have opened").isEqualTo(startStream.streamId());
    }
}
