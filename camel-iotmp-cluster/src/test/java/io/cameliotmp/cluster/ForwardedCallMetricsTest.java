package io.cameliotmp.cluster;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.micrometer.MicrometerServerMetrics;
import io.cameliotmp.server.DeviceDisconnectedException;
import io.cameliotmp.server.DeviceErrorException;
import io.cameliotmp.server.DeviceId;
import io.cameliotmp.server.DeviceReply;
import io.cameliotmp.server.DeviceRequest;
import io.cameliotmp.server.DeviceRequestTimeoutException;
import io.cameliotmp.server.IotmpServer;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Each member counts and times the calls it forwards, by outcome; calls it serves for others are not its own. */
class ForwardedCallMetricsTest {

    /** Far longer than any wait below: a call that fails before it did not wait out its timeout. */
    private static final Duration LONG_TIMEOUT = Duration.ofMinutes(5);

    /** One registry per member: members on port 0 would otherwise share their meters' tags. */
    private final Map<IotmpServer, SimpleMeterRegistry> registries = new ConcurrentHashMap<>();
    private final ClusterNodes nodes = new ClusterNodes().metrics(server -> new MicrometerServerMetrics(
            registries.computeIfAbsent(server, s -> new SimpleMeterRegistry()), server));
    /** Runs the hanging devices' calls, so that the devices go on answering while one hangs. */
    private final ExecutorService handlers = Executors.newCachedThreadPool();
    /** Lets the hanging devices' calls return. */
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void close() {
        release.countDown();
        nodes.close();
        handlers.shutdownNow();
    }

    @Test
    void forwardedCallsAreCountedAndTimedByOutcomeOnTheCallingMember() throws Exception {
        List<IotmpServer> members = nodes.start(2);
        IotmpServer holder = members.get(0);
        IotmpServer caller = members.get(1);
        nodes.device(holder, "device-0");
        DeviceId device = new DeviceId("alice", "device-0");
        for (int i = 0; i < 5; i++) {
            assertThat(caller.send(device, DeviceRequest.run("temperature", null), null).get(30, TimeUnit.SECONDS)
                    .payload()).isEqualTo(21L);
        }
        assertThat(caller.send(device, DeviceRequest.run("missing", null), null)).failsWithin(30, TimeUnit.SECONDS)
                .withThrowableOfType(Exception.class).withCauseInstanceOf(DeviceErrorException.class);
        // a local call is not a forwarded one
        holder.send(device, DeviceRequest.run("temperature", null), null).get(30, TimeUnit.SECONDS);

        assertThat(caller.totals().forwardedCalls()).isEqualTo(6);
        assertThat(caller.totals().forwardedCallsFailed()).isEqualTo(1);
        assertThat(caller.totals().forwardedCallsTimedOut()).isZero();
        assertThat(holder.totals().forwardedCalls()).isZero();
        // the holder ran all seven on the device itself
        assertThat(holder.totals().requests()).isEqualTo(7);

        SimpleMeterRegistry callerMeters = registries.get(caller);
        Timer ok = callerMeters.get("iotmp.forwarded.calls").tag("outcome", "ok").timer();
        assertThat(ok.count()).isEqualTo(5);
        assertThat(ok.totalTime(TimeUnit.NANOSECONDS)).isPositive();
        assertThat(callerMeters.get("iotmp.forwarded.calls").tag("outcome", "error").timer().count()).isEqualTo(1);
        assertThat(registries.get(holder).find("iotmp.forwarded.calls").timers()).isEmpty();
    }

    /** A forwarded call the device leaves unanswered counts as timed out, in the totals and in its own timer. */
    @Test
    void aForwardedCallThatTimesOutIsCountedAsTimedOut() throws Exception {
        List<IotmpServer> members = nodes.start(2);
        IotmpServer holder = members.get(0);
        IotmpServer caller = members.get(1);
        nodes.track(nodes.hangingDevice(holder, "slow", handlers, new CountDownLatch(1), release)).start()
                .toCompletableFuture().get(30, TimeUnit.SECONDS);
        DeviceId slow = new DeviceId("alice", "slow");
        ClusterNodes.eventually().until(() -> caller.locate(slow).isPresent());

        assertThat(caller.send(slow, DeviceRequest.run("hang", null), Duration.ofMillis(300)))
                .failsWithin(30, TimeUnit.SECONDS).withThrowableOfType(Exception.class)
                .withCauseInstanceOf(DeviceRequestTimeoutException.class);
        ClusterNodes.eventually().until(() -> caller.totals().forwardedCallsTimedOut() == 1);
        assertThat(caller.totals().forwardedCallsFailed()).isZero();
        assertThat(registries.get(caller).get("iotmp.forwarded.calls").tag("outcome", "timeout").timer().count())
                .isEqualTo(1);
    }

    /**
     * The device's connection to the holder ends while a forwarded call waits for its answer: the holder answers
     * DISCONNECTED, and the call counts as failed and in the {@code disconnected} timer, nowhere else.
     */
    @Test
    void aForwardedCallWhoseDeviceDisconnectsIsCountedAsDisconnected() throws Exception {
        List<IotmpServer> members = nodes.start(2);
        IotmpServer holder = members.get(0);
        IotmpServer caller = members.get(1);
        CountDownLatch reached = new CountDownLatch(1);
        IotmpDevice device = nodes.hangingDevice(holder, "leaving", handlers, reached, release);
        device.start().toCompletableFuture().get(30, TimeUnit.SECONDS);
        DeviceId leaving = new DeviceId("alice", "leaving");
        ClusterNodes.eventually().until(() -> caller.locate(leaving).isPresent());

        CompletableFuture<DeviceReply> call = caller.send(leaving, DeviceRequest.run("hang", null), LONG_TIMEOUT);
        assertThat(reached.await(30, TimeUnit.SECONDS)).as("the call reached the device").isTrue();
        device.close();

        assertThat(call).failsWithin(30, TimeUnit.SECONDS).withThrowableOfType(Exception.class)
                .havingCause().isInstanceOf(DeviceDisconnectedException.class)
                // the holder's answer, not the caller's view of a member that left
                .withMessageNotContaining("cluster member");
        assertCountedOnceAsDisconnected(caller, holder);
    }

    /**
     * The holding member leaves the cluster while a forwarded call waits (its device still connected to it): the
     * caller fails the call itself, and counts it as it counts a device that disconnected.
     */
    @Test
    void aForwardedCallWhoseHoldingMemberLeavesIsCountedAsDisconnected() throws Exception {
        List<IotmpServer> members = nodes.start(2);
        IotmpServer holder = members.get(0);
        IotmpServer caller = members.get(1);
        CountDownLatch reached = new CountDownLatch(1);
        nodes.hangingDevice(holder, "stranded", handlers, reached, release).start().toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
        DeviceId stranded = new DeviceId("alice", "stranded");
        ClusterNodes.eventually().until(() -> caller.locate(stranded).isPresent());

        CompletableFuture<DeviceReply> call = caller.send(stranded, DeviceRequest.run("hang", null), LONG_TIMEOUT);
        assertThat(reached.await(30, TimeUnit.SECONDS)).as("the call reached the device").isTrue();
        // only the view says the holder is gone: the device stays connected to it, its call hanging
        ClusterNodes.cluster(holder).leave();

        assertThat(call).failsWithin(30, TimeUnit.SECONDS).withThrowableOfType(Exception.class)
                .havingCause().isInstanceOf(DeviceDisconnectedException.class)
                .withMessageContaining("cluster member");
        assertCountedOnceAsDisconnected(caller, holder);
    }

    /** The caller counted one forwarded call, failed and timed as {@code disconnected}; the holder counted none. */
    private void assertCountedOnceAsDisconnected(IotmpServer caller, IotmpServer holder) {
        // the call's future completes before the metrics hear of it
        ClusterNodes.eventually().until(() -> caller.totals().forwardedCalls() == 1);
        assertThat(caller.totals().forwardedCallsFailed()).isEqualTo(1);
        assertThat(caller.totals().forwardedCallsTimedOut()).isZero();
        assertThat(registries.get(caller).find("iotmp.forwarded.calls").timers())
                .singleElement().satisfies(timer -> {
                    assertThat(timer.getId().getTag("outcome")).isEqualTo("disconnected");
                    assertThat(timer.count()).isEqualTo(1);
                    assertThat(timer.totalTime(TimeUnit.NANOSECONDS)).isPositive();
                });
        assertThat(holder.totals().forwardedCalls()).isZero();
        assertThat(registries.get(holder).find("iotmp.forwarded.calls").timers()).isEmpty();
    }
}
