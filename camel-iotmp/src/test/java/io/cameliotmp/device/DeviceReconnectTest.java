package io.cameliotmp.device;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.protocol.MessageType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Reconnection: backoff, server drops and restarts, DISCONNECT, test hook, state after a reconnect. */
class DeviceReconnectTest extends DeviceTestBase {

    /** A Random whose jitter factor is fixed, so backoff delays are known. */
    private static Random fixedJitter(double value) {
        return new Random(42) {
            private static final long serialVersionUID = 1L;

            @Override
            public double nextDouble() {
                return value;
            }
        };
    }

    private final BlockingQueue<String> events = new LinkedBlockingQueue<>();

    private IotmpDevice reconnectingDevice(Duration initial, Duration max) {
        IotmpDevice device = track(deviceBuilder().reconnectBackoff(initial, max).build());
        device.onConnected(() -> events.add("connected"));
        device.onDisconnected(() -> events.add("disconnected"));
        return device;
    }

    private String nextEvent() throws InterruptedException {
        String event = events.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(event).as("connection event").isNotNull();
        return event;
    }

    @Test
    void backoffDelayDoublesUpToTheMaximumAndIsJittered() {
        startServer();
        IotmpDevice full = track(deviceBuilder().reconnectBackoff(Duration.ofMillis(100), Duration.ofMillis(1000))
                .random(fixedJitter(0.999999)).build());
        IotmpDevice half = track(deviceBuilder().reconnectBackoff(Duration.ofMillis(100), Duration.ofMillis(1000))
                .random(fixedJitter(0.0)).build());

        assertThat(List.of(0, 1, 2, 3, 4, 5, 60)).map(full::backoffDelayMillis)
                .containsExactly(100L, 200L, 400L, 800L, 1000L, 1000L, 1000L);
        assertThat(List.of(0, 1, 2, 3, 4)).map(half::backoffDelayMillis)
                .containsExactly(50L, 100L, 200L, 400L, 500L);
    }

    @Test
    void refusedAttemptsAreRetriedWithGrowingDelaysUpToTheMaximum() throws Exception {
        startServer();
        server.answerConnectWith(connect -> IotmpMessage.error(connect.streamId(), 2L, null));
        IotmpDevice device = track(deviceBuilder().reconnectBackoff(Duration.ofMillis(100), Duration.ofMillis(200))
                .random(fixedJitter(0.999999)).build());
        device.start();

        // ten retries: 100 ms, then 200 ms each; without the cap the tenth would come after 100 ms * 2^9 = 51.2 s
        List<Long> connects = new ArrayList<>();
        for (int attempt = 0; attempt <= 10; attempt++) {
            connects.add(server.awaitConnection().nextFrame().receivedNanos());
        }

        // each retry no sooner than its delay (a busy machine can only make them later) ...
        for (int gap = 0; gap < 10; gap++) {
            assertThat(millisBetween(connects.get(gap), connects.get(gap + 1))).as("gap %d", gap)
                    .isGreaterThanOrEqualTo(gap == 0 ? 100 : 200);
        }
        // ... and the last one well before the uncapped delay could have passed; the exact delays are the device's
        assertThat(Duration.ofNanos(connects.get(10) - connects.get(9))).isLessThan(WAIT);
        assertThat(List.of(0, 1, 2, 3, 9)).map(device::backoffDelayMillis)
                .containsExactly(100L, 200L, 200L, 200L, 200L);
        assertThat(device.isConnected()).isFalse();
    }

    @Test
    void refusedStartSucceedsOnceTheServerAccepts() throws Exception {
        startServer();
        server.answerConnectWith(connect -> IotmpMessage.error(connect.streamId(), 2L, null));
        IotmpDevice device = reconnectingDevice(Duration.ofMillis(20), Duration.ofMillis(50));
        var started = device.start();
        server.awaitConnection().awaitClosed();
        server.awaitConnection().awaitClosed();
        assertThat(started.toCompletableFuture().isDone()).isFalse();

        server.answerConnectWith(connect -> IotmpMessage.ok(connect.streamId()));

        await(started);
        assertThat(device.isConnected()).isTrue();
        assertThat(nextEvent()).isEqualTo("connected");
    }

    @Test
    void everyRefusalIsToldToTheApplicationAndTheLastOneIsKept() throws Exception {
        startServer();
        server.answerConnectWith(connect -> IotmpMessage.error(connect.streamId(), 2L, null));
        IotmpDevice device = reconnectingDevice(Duration.ofMillis(20), Duration.ofMillis(50));
        List<IotmpConnectRefusedException> refusals = new java.util.concurrent.CopyOnWriteArrayList<>();
        device.onRefused(refusals::add);
        device.start();
        server.awaitConnection().awaitClosed();
        server.awaitConnection().awaitClosed();
        io.cameliotmp.testing.Waits.eventually().until(() -> refusals.size() >= 2);
        assertThat(refusals.get(0).getMessage()).contains("2");
        assertThat(device.lastRefusal()).isNotNull();

        server.answerConnectWith(connect -> IotmpMessage.ok(connect.streamId()));
        io.cameliotmp.testing.Waits.eventually().until(device::isConnected);
        assertThat(device.lastRefusal()).as("cleared by an accepted CONNECT").isNull();
    }

    @Test
    void reconnectsWithBackoffAfterTheServerDropsTheConnection() throws Exception {
        startServer();
        IotmpDevice device = reconnectingDevice(Duration.ofMillis(200), Duration.ofSeconds(1));
        TestIotmpServer.Connection first = connect(device);
        assertThat(nextEvent()).isEqualTo("connected");

        long droppedAt = System.nanoTime();
        first.close();

        assertThat(nextEvent()).isEqualTo("disconnected");
        assertThat(device.isConnected()).isFalse();
        TestIotmpServer.Connection second = server.awaitConnection();
        TestIotmpServer.Frame connect = second.nextFrame();
        assertThat(connect.message().type()).isEqualTo(MessageType.CONNECT);
        assertThat(millisBetween(droppedAt, connect.receivedNanos())).as("jittered delay ≥ half of 200 ms")
                .isGreaterThanOrEqualTo(100);
        assertThat(nextEvent()).isEqualTo("connected");
        assertThat(device.awaitConnected(WAIT)).isTrue();
    }

    @Test
    void reconnectsAfterAServerRestartOnTheSamePort() throws Exception {
        startServer();
        IotmpDevice device = reconnectingDevice(Duration.ofMillis(50), Duration.ofMillis(200));
        connect(device);
        assertThat(nextEvent()).isEqualTo("connected");
        int port = server.port();

        server.stop();
        assertThat(nextEvent()).isEqualTo("disconnected");
        server.restart();

        assertThat(server.port()).isEqualTo(port);
        server.awaitConnection().next(MessageType.CONNECT);
        assertThat(nextEvent()).isEqualTo("connected");
        assertThat(device.isConnected()).isTrue();
    }

    @Test
    void dropConnectionClosesWithoutDisconnectAndReconnects() throws Exception {
        startServer();
        IotmpDevice device = reconnectingDevice(Duration.ofMillis(20), Duration.ofMillis(50));
        TestIotmpServer.Connection first = connect(device);

        device.faults().dropConnection();

        first.awaitClosed();
        first.expectNoFrame(Duration.ZERO); // in particular no DISCONNECT
        server.awaitConnection().next(MessageType.CONNECT);
        assertThat(device.awaitConnected(WAIT)).isTrue();
    }

    @Test
    void disconnectFromTheServerClosesAndReconnects() throws Exception {
        startServer();
        IotmpDevice device = reconnectingDevice(Duration.ofMillis(20), Duration.ofMillis(50));
        TestIotmpServer.Connection first = connect(device);

        first.sendHex("04 00");

        first.awaitClosed(); // closed by the device
        server.awaitConnection().next(MessageType.CONNECT);
    }

    @Test
    void staysDisconnectedWhenReconnectIsDisabled() throws Exception {
        startServer();
        IotmpDevice device = reconnectingDevice(Duration.ZERO, Duration.ZERO);
        TestIotmpServer.Connection only = connect(device);
        assertThat(nextEvent()).isEqualTo("connected");

        only.close();

        assertThat(nextEvent()).isEqualTo("disconnected");
        expectNoConnectionWithin(Duration.ofMillis(500), device);
        assertThat(device.isConnected()).isFalse();
    }

    @Test
    void serverStreamsOnDeviceResourcesAreGoneAfterAReconnect() throws Exception {
        startServer();
        IotmpDevice device = reconnectingDevice(Duration.ofMillis(20), Duration.ofMillis(50));
        device.resource("temperature").output(() -> Map.of("celsius", 21L));
        TestIotmpServer.Connection first = connect(device);
        first.send(IotmpMessage.startStream(5, "temperature", Map.of("interval", 60_000L)));
        first.next(MessageType.OK);
        first.next(MessageType.STREAM_DATA);
        assertThat(device.stream("temperature", Map.of("celsius", 1))).isTrue();

        first.close();
        TestIotmpServer.Connection second = server.awaitConnection();
        second.next(MessageType.CONNECT);
        assertThat(device.awaitConnected(WAIT)).isTrue();

        assertThat(device.stream("temperature", Map.of("celsius", 1))).as("the server must re-issue its streams")
                .isFalse();
        second.send(IotmpMessage.stopStream(5));
        second.expectBytes("02 02 08 05");
    }
}
