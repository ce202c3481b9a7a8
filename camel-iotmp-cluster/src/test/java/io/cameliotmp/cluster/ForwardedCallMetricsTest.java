package io.cameliotmp.cluster;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.micrometer.MicrometerServerMetrics;
import io.cameliotmp.server.DeviceErrorException;
import io.cameliotmp.server.DeviceId;
import io.cameliotmp.server.DeviceRequest;
import io.cameliotmp.server.IotmpServer;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Each member counts and times the calls it forwards, by outcome; calls it serves for others are not its own. */
class ForwardedCallMetricsTest {

    /** One registry per member: members on port 0 would otherwise share their meters' tags. */
    private final Map<IotmpServer, SimpleMeterRegistry> registries = new ConcurrentHashMap<>();
    private final ClusterNodes nodes = new ClusterNodes().metrics(server -> new MicrometerServerMetrics(
            registries.computeIfAbsent(server, s -> new SimpleMeterRegistry()), server));

    @AfterEach
    void close() {
        nodes.close();
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
        java.util.concurrent.ExecutorService handlers = java.util.concurrent.Executors.newCachedThreadPool();
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        try {
            List<IotmpServer> members = nodes.start(2);
            IotmpServer holder = members.get(0);
            IotmpServer caller = members.get(1);
            nodes.track(nodes.hangingDevice(holder, "slow", handlers, new java.util.concurrent.CountDownLatch(1),
                    release)).start().toCompletableFuture().get(30, TimeUnit.SECONDS);
            DeviceId slow = new DeviceId("alice", "slow");
            ClusterNodes.eventually().until(() -> caller.locate(slow).isPresent());

            assertThat(caller.send(slow, DeviceRequest.run("hang", null), java.time.Duration.ofMillis(300)))
                    .failsWithin(30, TimeUnit.SECONDS).withThrowableOfType(Exception.class)
                    .withCauseInstanceOf(io.cameliotmp.server.DeviceRequestTimeoutException.class);
            ClusterNodes.eventually().until(() -> caller.totals().forwardedCallsTimedOut() == 1);
            assertThat(caller.totals().forwardedCallsFailed()).isZero();
            assertThat(registries.get(caller).get("iotmp.forwarded.calls").tag("outcome", "timeout").timer().count())
                    .isEqualTo(1);
        } finally {
            release.countDown();
            handlers.shutdownNow();
        }
    }
}
