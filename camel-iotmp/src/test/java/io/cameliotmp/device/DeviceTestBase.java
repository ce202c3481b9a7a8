package io.cameliotmp.device;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.protocol.MessageType;
import org.junit.jupiter.api.AfterEach;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/** Server fixture, device bookkeeping and bounded waits shared by the device tests. */
abstract class DeviceTestBase {

    static final Duration WAIT = TestIotmpServer.WAIT;
    /** The stream id of the probe frames: one no test opens. */
    private static final int PROBE_STREAM = 0x7E7E;

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

    /**
     * Asserts that the device sends nothing within {@code quiet} of its own event loop's time: once that has passed
     * and every task the loop had due by then ran (keep-alives, samplers, anything the device scheduled or was asked
     * to do), the loop sends a probe frame, which must be the next frame the server gets. A busy machine delays the
     * probe but cannot let a frame slip in after it, as a wait on the test's clock could.
     */
    static void expectNothingSentWithin(Duration quiet, IotmpDevice device, TestIotmpServer.Connection connection)
            throws Exception {
        // connected first: the probe needs a connection, and whatever the device does on connecting is done then
        assertThat(device.awaitConnected(WAIT)).as("connected").isTrue();
        IotmpMessage probe = IotmpMessage.streamData(PROBE_STREAM, "probe");
        CompletableFuture<Void> sent = new CompletableFuture<>();
        device.eventLoop().schedule(() -> device.send(probe).whenComplete((v, e) -> {
            if (e != null) {
                sent.completeExceptionally(e);
            } else {
                sent.complete(null);
            }
        }), quiet.toMillis(), TimeUnit.MILLISECONDS);
        await(sent);
        assertThat(connection.next()).as("the next frame is the probe").isEqualTo(probe);
    }

    /**
     * Asserts that the device does not connect within {@code quiet} of its event loop's time (or ever, once that loop
     * is gone): after that, a probe socket must be the next connection the server accepts.
     */
    void expectNoConnectionWithin(Duration quiet, IotmpDevice device) throws Exception {
        if (device.eventLoop().isShuttingDown()) {
            assertThat(device.eventLoop().terminationFuture().await(WAIT.toMillis())).as("loop terminated").isTrue();
        } else {
            device.eventLoop().schedule(() -> { }, quiet.toMillis(), TimeUnit.MILLISECONDS).get(WAIT.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
        server.expectNoConnectionBeforeAProbe();
    }

    static long millisBetween(long fromNanos, long toNanos) {
        return TimeUnit.NANOSECONDS.toMillis(toNanos - fromNanos);
    }
}
