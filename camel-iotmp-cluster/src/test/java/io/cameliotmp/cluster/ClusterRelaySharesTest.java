package io.cameliotmp.cluster;

import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.device.ServerStream;
import io.cameliotmp.server.DeviceId;
import io.cameliotmp.server.IotmpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.cluster.ClusterNodes.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each device's share of its member's relays in flight: without it, one device publishing full frames (or publishing
 * fast) while another member is slow took the member's whole budget, and every other device's publications were
 * refused relay meanwhile.
 */
class ClusterRelaySharesTest {

    private static final String LARGE = "x".repeat(6_000);

    private final ClusterNodes nodes = new ClusterNodes();
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void close() {
        release.countDown();
        nodes.close();
    }

    /** The member's bytes hold two large relays; the hog's share holds one, so the other device's still fits. */
    @Test
    void aDeviceAtItsShareOfBytesDoesNotBlockTheRelaysOfAnother() throws Exception {
        List<IotmpServer> members = nodes.customize(options -> options.withMaxRelayBytesInFlight(16_000)
                .withMaxRelayBytesPerDevice(7_000)).start(2);
        assertTheHogDoesNotBlockTheOther(members, LARGE);
    }

    /** The member's count is two relays; the hog's share one, so the other device's still fits. */
    @Test
    void aDeviceAtItsShareOfRelaysDoesNotBlockTheRelaysOfAnother() throws Exception {
        List<IotmpServer> members = nodes.customize(options -> options.withMaxRelaysInFlight(2)
                .withMaxRelaysPerDevice(1)).start(2);
        assertTheHogDoesNotBlockTheOther(members, "small");
    }

    private void assertTheHogDoesNotBlockTheOther(List<IotmpServer> members, String payload) throws Exception {
        InfinispanCluster a = ClusterNodes.cluster(members.get(0));
        BlockingQueue<Object> onB = new LinkedBlockingQueue<>();
        CountDownLatch reached = new CountDownLatch(1);
        // B's route holds every relay until the test ends it: A's relays to B wait meanwhile
        members.get(1).topics().subscribe("held/#", message -> {
            onB.add(message.payload());
            reached.countDown();
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        ServerStream hog = publisher(members.get(0), "hog");
        ServerStream other = publisher(members.get(0), "other");

        hog.send(payload).toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertThat(reached.await(30, TimeUnit.SECONDS)).isTrue();
        // the hog's next publication is beyond its share: delivered on its own member only, and counted
        hog.send(payload).toCompletableFuture().get(30, TimeUnit.SECONDS);
        eventually().until(() -> a.droppedRelays() == 1);
        assertThat(a.relaysRefusedForDeviceShare()).isEqualTo(1);
        assertThat(members.get(0).totals().quotaRefusals()).isEqualTo(1);
        assertThat(a.relay().bytesInFlight(new DeviceId("alice", "hog"))).isPositive();

        // without the share the hog's second relay would have taken the room left: the other's would be refused
        other.send(payload).toCompletableFuture().get(30, TimeUnit.SECONDS);
        eventually().until(() -> a.relay().inFlight() == 2);
        assertThat(a.droppedRelays()).isEqualTo(1);

        release.countDown();
        eventually().until(() -> a.relay().inFlight() == 0 && a.relayBytesInFlight() == 0);
        assertThat(onB.poll(30, TimeUnit.SECONDS)).isEqualTo(payload);
        assertThat(onB.poll(30, TimeUnit.SECONDS)).isEqualTo(payload);
        assertThat(onB).isEmpty();
        assertThat(a.relay().bytesInFlight(new DeviceId("alice", "hog"))).isZero();
    }

    private ServerStream publisher(IotmpServer member, String name) throws Exception {
        IotmpDevice device = nodes.device(member, name);
        return device.openServerStream(Map.of("event", "device_topic_publish", "scope", "publish",
                "topic", "held/" + name), data -> { }).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
