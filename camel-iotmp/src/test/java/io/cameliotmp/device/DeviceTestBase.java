package io.cameliotmp.device;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.MessageType;
import org.junit.jupiter.api.AfterEach;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/** Server fixture, device bookkeeping and bounded waits shared by the device tests. */
abstract class DeviceTestBase {

    static final Duration WAIT = TestIotmpServer.WAIT;

    protected TestIotmpServer server;
    private final List<IotmpDevice> devices = new ArrayList<>();

    @AfterEach
    void closeDevicesAndServer() {
        for (IotmpDevice device : devices) {
            device.close();
            if (device.ownsEventLoop()) {
                assertThat(device.eventLoop().terminationFuture().awaitUninterruptibly(WAIT.toMillis()))
                        .as("own event loop of %s terminated", device).isTrue();
            }
        }
        devices.clear();
        if (server != null) {
            server.close();
        }
    }

    TestIotmpServer startServer(Generation generation) {
        server = TestIotmpServer.start(generation);
        return server;
    }

    TestIotmpServer startServer() {
        return startServer(Generation.GEN2);
    }

    /** A builder aimed at the fixture server, credentials of the §10 session, no reconnection. */
    IotmpDeviceBuilder deviceBuilder() {
        return IotmpDevice.builder()
                .host("127.0.0.1")
                .port(server.port())
                .generation(server.generation())
                .credentials("alice", "esp32", "s3cr3t")
                .noReconnect();
    }

    /** Closes the device after the test (and checks that its own event loop terminated). */
    IotmpDevice track(IotmpDevice device) {
        devices.add(device);
        return device;
    }

    IotmpDevice newDevice() {
        return track(deviceBuilder().build());
    }

    /** Starts the device, reads its CONNECT on the server, waits until it is connected. */
    TestIotmpServer.Connection connect(IotmpDevice device) throws Exception {
        CompletionStage<Void> started = device.start();
        TestIotmpServer.Connection connection = server.awaitConnection();
        connection.next(MessageType.CONNECT);
        await(started);
        assertThat(device.isConnected()).isTrue();
        return connection;
    }

    static <T> T await(CompletionStage<T> stage) throws Exception {
        try {
            return stage.toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("stage failed: " + e.getCause(), e.getCause());
        }
    }

    /** Waits for {@code stage} to fail and returns the cause. */
    static Throwable awaitFailure(CompletionStage<?> stage) throws Exception {
        try {
            Object value = stage.toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            return fail("expected a failure, got " + value);
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    /** Ids from {@code ids} in order, then 0x4000, 0x4001, ... (deterministic for byte vectors). */
    static IntSupplier ids(int... ids) {
        return new IntSupplier() {
            private int index;
            private int next = 0x4000;

            @Override
            public synchronized int getAsInt() {
                return index < ids.length ? ids[index++] : next++;
            }
        };
    }

    static long millisBetween(long fromNanos, long toNanos) {
        return TimeUnit.NANOSECONDS.toMillis(toNanos - fromNanos);
    }
}
