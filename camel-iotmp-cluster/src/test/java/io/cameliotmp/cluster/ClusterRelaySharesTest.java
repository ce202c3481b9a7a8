package io.cameliotmp.cluster;

import java.util.ArrayList;
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
import io.cameliotmp.server.StaticAuthenticator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.cluster.ClusterNodes.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each device's and each user's share of its member's relays in flight: without the device's, one device publishing
 * full frames (or publishing fast) while another member is slow took the member's whole budget, and every other
 * device's publications were refused relay meanwhile; without the user's, the many device ids one user may connect
 * (a {@code user/*} credential) took it together, each within its own share, and every other user's were refused.
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

    /**
     * The member's count holds three relays, a device's share one, alice's share two: alice's third device is refused
     * though within its own share, and bob's relay still fits.
     */
    @Test
    void theDevicesOfAUserAtItsShareOfRelaysDoNotBlockTheRelaysOfAnotherUser() throws Exception {
        List<IotmpServer> members = withBob().customize(options -> options.withMaxRelaysInFlight(3)
                .withMaxRelaysPerDevice(1).withMaxRelaysPerUser(2)).start(2);
        assertTheUserDoesNotBlockAnother(members, "small");
    }

    /**
     * The member's bytes hold three large relays, a device's share one, alice's share two: alice's third device is
     * refused though within its own share, and bob's relay still fits.
     */
    @Test
    void theDevicesOfAUserAtItsShareOfBytesDoNotBlockTheRelaysOfAnotherUser() throws Exception {
        List<IotmpServer> members = withBob().customize(options -> options.withMaxRelayBytesInFlight(19_000)
                .withMaxRelayBytesPerDevice(7_000).withMaxRelayBytesPerUser(13_000)).start(2);
        assertTheUserDoesNotBlockAnother(members, LARGE);
    }

    private void assertTheUserDoesNotBlockAnother(List<IotmpServer> members, String payload) throws Exception {
        InfinispanCluster a = ClusterNodes.cluster(members.get(0));
        BlockingQueue<Object> onB = new LinkedBlockingQueue<>();
        CountDownLatch reached = new CountDownLatch(1);
        // B's route holds every relay until the test ends it: A's relays to B wait meanwhile
        members.get(1).topics().subscribe("held/#", message -> {
            onB.add(message.user() + ":" + message.topic());
            reached.countDown();
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        ServerStream first = publisher(members.get(0), "minted-1");
        ServerStream second = publisher(members.get(0), "minted-2");
        ServerStream third = publisher(members.get(0), "minted-3");
        ServerStream bobs = publisher(members.get(0), "bob", "sensor");

        first.send(payload).toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertThat(reached.await(30, TimeUnit.SECONDS)).isTrue();
        second.send(payload).toCompletableFuture().get(30, TimeUnit.SECONDS);
        eventually().until(() -> a.relay().inFlight() == 2);
        // alice's third device has its own share free, but alice's is taken: delivered on its own member only
        third.send(payload).toCompletableFuture().get(30, TimeUnit.SECONDS);
        eventually().until(() -> a.droppedRelays() == 1);
        assertThat(a.relaysRefusedForUserShare()).isEqualTo(1);
        assertThat(a.relaysRefusedForDeviceShare()).isZero();
        assertThat(members.get(0).totals().quotaRefusals()).isEqualTo(1);
        assertThat(a.relay().bytesInFlight("alice")).isPositive();

        // without alice's share her third relay would have taken the room left: bob's would be refused
        bobs.send(payload).toCompletableFuture().get(30, TimeUnit.SECONDS);
        eventually().until(() -> a.relay().inFlight() == 3);
        assertThat(a.droppedRelays()).isEqualTo(1);

        release.countDown();
        eventually().until(() -> a.relay().inFlight() == 0 && a.relayBytesInFlight() == 0);
        List<Object> received = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            received.add(onB.poll(30, TimeUnit.SECONDS));
        }
        assertThat(received).containsExactlyInAnyOrder("alice:held/minted-1", "alice:held/minted-2",
                "bob:held/sensor");
        assertThat(onB).isEmpty();
        assertThat(a.relay().bytesInFlight("alice")).isZero();
    }

    /** The fixture, with the devices of user bob accepted besides alice's. */
    private ClusterNodes withBob() {
        return nodes.server(config -> config.authenticator(
                StaticAuthenticator.parse(ClusterNodes.CREDENTIALS + ",bob/*=s3cr3t")));
    }

    /** A device of {@code user} on that member, publishing on {@code held/<name>}. */
    private ServerStream publisher(IotmpServer member, String user, String name) throws Exception {
        IotmpDevice device = nodes.track(IotmpDevice.builder().host("127.0.0.1").port(member.localAddress().getPort())
                .credentials(user, name, "s3cr3t").noReconnect().build());
        device.start().toCompletableFuture().get(30, TimeUnit.SECONDS);
        eventually().until(() -> member.registry().isConnected(new DeviceId(user, name)));
        return publishing(device, name);
    }

    private ServerStream publisher(IotmpServer member, String name) throws Exception {
        return publishing(nodes.device(member, name), name);
    }

    private static ServerStream publishing(IotmpDevice device, String name) throws Exception {
        return device.openServerStream(Map.of("event", "device_topic_publish", "scope", "publish",
                "topic", "held/" + name), data -> { }).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
