package io.cameliotmp.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.server.DeviceId;
import io.cameliotmp.server.DeviceRequest;
import io.cameliotmp.server.IotmpServer;
import io.cameliotmp.server.StreamListener;
import io.cameliotmp.server.StreamSample;
import io.cameliotmp.server.TopicMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.cluster.ClusterNodes.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A sample relayed to the member whose route opened the stream holds none of that member's Infinispan threads while
 * the route works on it. Before, it held one of Infinispan's blocking threads until the route was done, since the
 * task's return was the acknowledgement back to the holder: relayed streams into routes that block took every
 * thread of that pool (150), and whatever else needed it on the member waited for them, here a publication another
 * member relayed. The holder still counts a sample in flight until the route is done with it.
 */
class SlowRelayedRoutesTest {

    /** Devices on the holder, each with {@link #STREAMS_PER_DEVICE} streams: more than Infinispan's 150 threads. */
    private static final int DEVICES = 3;
    /** Below a device's {@code maxInFlight} (64): every stream's first sample is relayed at once. */
    private static final int STREAMS_PER_DEVICE = 55;

    private final ClusterNodes nodes = new ClusterNodes();

    @AfterEach
    void close() {
        nodes.close();
    }

    @Test
    void relayedSamplesIntoBlockedRoutesLeaveTheMembersClusterThreadsFree() throws Exception {
        List<IotmpServer> members = nodes.start(2);
        IotmpServer caller = members.get(0);
        IotmpServer holder = members.get(1);
        CountDownLatch release = new CountDownLatch(1);
        StreamListener blocking = sample -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return CompletableFuture.completedFuture(null);
        };
        try {
            List<DeviceId> sensors = new ArrayList<>();
            for (int d = 0; d < DEVICES; d++) {
                nodes.device(holder, "sensor-" + d);
                sensors.add(new DeviceId("alice", "sensor-" + d));
            }
            for (DeviceId sensor : sensors) {
                for (int s = 0; s < STREAMS_PER_DEVICE; s++) {
                    caller.send(sensor, DeviceRequest.startStream("echo", 0, blocking), null)
                            .get(60, TimeUnit.SECONDS);
                }
            }
            // every stream's first sample went to the caller, whose route has not finished with any of them
            eventually().until(() -> sensors.stream().allMatch(sensor -> inFlight(holder, sensor)
                                                                         == STREAMS_PER_DEVICE));
            BlockingQueue<TopicMessage> alerts = new LinkedBlockingQueue<>();
            caller.topics().subscribe("alerts", alerts::add);

            holder.topics().publish("alice", "alerts", "fire", false);

            assertThat(alerts.poll(60, TimeUnit.SECONDS)).extracting(TopicMessage::payload).isEqualTo("fire");
            assertThat(sensors).allMatch(sensor -> inFlight(holder, sensor) == STREAMS_PER_DEVICE);
        } finally {
            release.countDown();
        }
        eventually().until(() -> inFlight(holder, new DeviceId("alice", "sensor-0")) == 0);
    }

    @Test
    void aRelayedSampleARouteNeverFinishesIsAcknowledgedAfterTheWaitAndTheStreamGoesOn() throws Exception {
        List<IotmpServer> members = nodes.start(2);
        IotmpServer caller = members.get(0);
        IotmpServer holder = members.get(1);
        ClusterNodes.cluster(caller).calls().relayHandlingWait(java.time.Duration.ofSeconds(2));
        var device = nodes.device(holder, "sensor");
        DeviceId sensor = new DeviceId("alice", "sensor");
        BlockingQueue<Object> samples = new LinkedBlockingQueue<>();
        CompletableFuture<Void> never = new CompletableFuture<>();
        StreamListener stuckOnTheFirst = new StreamListener() {
            @Override
            public CompletionStage<Void> onSample(StreamSample sample) {
                samples.add(String.valueOf(sample.payload()));
                return samples.size() == 1 ? never : CompletableFuture.completedFuture(null);
            }
        };
        caller.send(sensor, DeviceRequest.startStream("echo", 0, stuckOnTheFirst), null).get(60, TimeUnit.SECONDS);
        assertThat(samples.poll(60, TimeUnit.SECONDS)).isNotNull();

        // acknowledged once the wait is over, though the route never finished it
        eventually().until(() -> inFlight(holder, sensor) == 0);
        device.stream("echo", "second");
        assertThat(samples.poll(60, TimeUnit.SECONDS)).isEqualTo("second");
        assertThat(never).isNotDone();
    }

    @Test
    void aCallerOfAnEarlierVersionGetsTheRelaysAsTasks() throws Exception {
        List<IotmpServer> members = nodes.start(2);
        IotmpServer caller = members.get(0);
        IotmpServer holder = members.get(1);
        // it reads a relay on the call channel as a forwarded call, and fails on it
        ClusterNodes.cluster(caller).calls().readRelaysAsCalls();
        var device = nodes.device(holder, "sensor");
        DeviceId sensor = new DeviceId("alice", "sensor");
        BlockingQueue<Object> samples = new LinkedBlockingQueue<>();
        StreamListener listener = sample -> {
            samples.add(String.valueOf(sample.payload()));
            return CompletableFuture.completedFuture(null);
        };
        caller.send(sensor, DeviceRequest.startStream("echo", 0, listener), null).get(60, TimeUnit.SECONDS);
        assertThat(samples.poll(60, TimeUnit.SECONDS)).isNotNull();

        device.stream("echo", "second");

        assertThat(samples.poll(60, TimeUnit.SECONDS)).isEqualTo("second");
        eventually().until(() -> inFlight(holder, sensor) == 0);
    }

    private static int inFlight(IotmpServer server, DeviceId device) {
        return server.registry().session(device).orElseThrow().counters().inFlight();
    }
}
