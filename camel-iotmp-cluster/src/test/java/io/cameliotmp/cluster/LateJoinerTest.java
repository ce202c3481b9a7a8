package io.cameliotmp.cluster;

import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.device.IotmpErrorException;
import io.cameliotmp.device.ServerStream;
import io.cameliotmp.server.DeviceId;
import io.cameliotmp.server.IotmpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A member that joins after messages were retained, properties set and locks taken has them: it receives the
 * cluster's state when it joins (Infinispan's state transfer), even when the member they were made through is gone.
 */
class LateJoinerTest {

    private final ClusterNodes nodes = new ClusterNodes();

    @AfterEach
    void close() {
        nodes.close();
    }

    @Test
    void aMemberThatJoinsLaterHandsTheRetainedMessagesToItsSubscribers() throws Exception {
        List<IotmpServer> members = nodes.start(2);
        // retained through member 0: by a route, and by a device; then one is replaced and another cleared
        members.get(0).topics().publish("alice", "status", Map.of("mode", "eco"), true);
        members.get(0).topics().publish("alice", "status/old", "stale", true);
        IotmpDevice publisher = nodes.device(members.get(0), "publisher");
        ServerStream publish = publisher.openServerStream(Map.of("event", "device_topic_publish",
                "scope", "publish", "topic", "sensors/t", "retained", true), data -> { }).toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
        publish.send("21.5 C").toCompletableFuture().get(30, TimeUnit.SECONDS);
        members.get(0).topics().publish("alice", "status", Map.of("mode", "boost"), true);
        members.get(0).topics().publish("alice", "status/old", null, true);
        // member 1's copy of the cache holds the outcome (relays may arrive in any order, the cache's writes do
        // not): then the member they were published through goes away
        var replica = ClusterNodes.cluster(members.get(1)).retainedCache();
        ClusterNodes.eventually().until(() -> replica.size() == 2
                                              && replica.containsKey(ClusteredRetained.key("alice", "sensors/t"))
                                              && Map.of("mode", "boost").equals(replica.get(
                                                      ClusteredRetained.key("alice", "status")).payload()));
        publisher.close();
        members.get(0).stop();
        nodes.awaitOneView();

        IotmpServer late = nodes.extraMember("late", options -> options);
        nodes.awaitOneView();
        IotmpDevice subscriber = nodes.device(late, "subscriber");
        BlockingQueue<Object> status = new LinkedBlockingQueue<>();
        subscribe(subscriber, "status/#", status);
        BlockingQueue<Object> sensors = new LinkedBlockingQueue<>();
        subscribe(subscriber, "sensors/+", sensors);

        assertThat(status.poll(30, TimeUnit.SECONDS)).isEqualTo(Map.of("mode", "boost"));
        assertThat(sensors.poll(30, TimeUnit.SECONDS)).isEqualTo("21.5 C");
        // the cleared topic is not handed over, nor the replaced message
        late.topics().publish("alice", "status/next", "marker", false);
        assertThat(status.poll(30, TimeUnit.SECONDS)).isEqualTo("marker");
    }

    @Test
    void aMemberThatJoinsLaterSeesTheExistingPropertiesAndLocks() throws Exception {
        List<IotmpServer> members = nodes.start(1);
        IotmpDevice holder = nodes.device(members.get(0), "holder");
        holder.setProperty("threshold", Map.of("max", 30L), true).toCompletableFuture().get(30, TimeUnit.SECONDS);
        holder.lock("door", Map.of("timeout", 3600L)).toCompletableFuture().get(30, TimeUnit.SECONDS);

        IotmpServer late = nodes.extraMember("late", options -> options);
        nodes.awaitOneView();

        assertThat(late.properties().read(new DeviceId("alice", "holder"), "threshold"))
                .isEqualTo(Map.of("max", 30L));
        IotmpDevice waiter = nodes.device(late, "waiter");
        assertThat(waiter.lock("door", Map.of())).failsWithin(30, TimeUnit.SECONDS)
                .withThrowableOfType(Exception.class).withCauseInstanceOf(IotmpErrorException.class);
        // a device that moves to the new member reads its properties there
        holder.close();
        ClusterNodes.eventually().until(() -> late.locate(new DeviceId("alice", "holder")).isEmpty());
        IotmpDevice moved = nodes.device(late, "holder");
        assertThat(moved.readProperty("threshold").toCompletableFuture().get(30, TimeUnit.SECONDS))
                .isEqualTo(Map.of("max", 30L));
    }

    private static void subscribe(IotmpDevice device, String filter, BlockingQueue<Object> into) throws Exception {
        device.openServerStream(Map.of("event", "device_topic_publish", "scope", "subscribe", "topic", filter),
                into::add).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
