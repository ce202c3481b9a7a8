package io.cameliotmp.cluster;

import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.device.ServerStream;
import io.cameliotmp.server.IotmpServer;
import io.cameliotmp.server.QuotaExceededException;
import io.cameliotmp.server.TopicMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Topics and server events across members: a publication on any member reaches subscribers on every member. */
class ClusterTopicsTest {

    private final ClusterNodes nodes = new ClusterNodes();

    @AfterEach
    void close() {
        nodes.close();
    }

    @Test
    void publicationsReachDeviceAndRouteSubscribersOnEveryMemberOnce() throws Exception {
        List<IotmpServer> members = nodes.start(3);
        IotmpDevice onA = nodes.device(members.get(0), "listener");
        BlockingQueue<Object> commands = new LinkedBlockingQueue<>();
        subscribe(onA, "cmd/#", commands);
        BlockingQueue<TopicMessage> onC = new LinkedBlockingQueue<>();
        BlockingQueue<TopicMessage> onAToo = new LinkedBlockingQueue<>();
        members.get(2).topics().subscribe("sensors/+", onC::add);
        members.get(0).topics().subscribe("sensors/+", onAToo::add);

        // a route on B publishes; the device on A receives it
        members.get(1).topics().publish("alice", "cmd/reboot", "now", false);
        assertThat(commands.poll(30, TimeUnit.SECONDS)).isEqualTo("now");

        // a device on A publishes; routes on C and on A itself receive it, each once
        IotmpDevice publisher = nodes.device(members.get(0), "publisher");
        ServerStream publish = publisher.openServerStream(Map.of("event", "device_topic_publish",
                "scope", "publish", "topic", "sensors/t"), data -> { }).toCompletableFuture().get(30, TimeUnit.SECONDS);
        publish.send("21.5 C").toCompletableFuture().get(30, TimeUnit.SECONDS);
        TopicMessage relayed = onC.poll(30, TimeUnit.SECONDS);
        assertThat(relayed).isNotNull();
        assertThat(relayed.topic()).isEqualTo("sensors/t");
        assertThat(relayed.payload()).isEqualTo("21.5 C");
        assertThat(relayed.user()).isEqualTo("alice");
        assertThat(relayed.publisher().device()).isEqualTo("publisher");
        assertThat(onAToo.poll(30, TimeUnit.SECONDS)).extracting(TopicMessage::payload).isEqualTo("21.5 C");

        // what follows each queue's first message is the next publication, never a copy of the first
        publish.send("22 C").toCompletableFuture().get(30, TimeUnit.SECONDS);
        members.get(2).topics().publish("alice", "cmd/stop", "later", false);
        assertThat(onC.poll(30, TimeUnit.SECONDS)).extracting(TopicMessage::payload).isEqualTo("22 C");
        assertThat(onAToo.poll(30, TimeUnit.SECONDS)).extracting(TopicMessage::payload).isEqualTo("22 C");
        assertThat(commands.poll(30, TimeUnit.SECONDS)).isEqualTo("later");
    }

    @Test
    void aRetainedMessageReachesASubscriberThatJoinsOnAnotherMember() throws Exception {
        List<IotmpServer> members = nodes.start(2);
        // B keeps a relayed retained message before it hands it to its routes: once this route has it, B retains it
        BlockingQueue<TopicMessage> arrivedOnB = new LinkedBlockingQueue<>();
        members.get(1).topics().subscribe("status", arrivedOnB::add);
        members.get(0).topics().publish("alice", "status", Map.of("mode", "eco"), true);
        assertThat(arrivedOnB.poll(30, TimeUnit.SECONDS)).isNotNull();

        IotmpDevice onB = nodes.device(members.get(1), "late");
        BlockingQueue<Object> status = new LinkedBlockingQueue<>();
        subscribe(onB, "status", status);
        assertThat(status.poll(30, TimeUnit.SECONDS)).isEqualTo(Map.of("mode", "eco"));

        // a null retained payload clears it on every member
        members.get(0).topics().publish("alice", "status", null, true);
        assertThat(arrivedOnB.poll(30, TimeUnit.SECONDS)).isNotNull();
        BlockingQueue<Object> after = new LinkedBlockingQueue<>();
        IotmpDevice another = nodes.device(members.get(1), "later");
        subscribe(another, "status", after);
        members.get(1).topics().publish("alice", "status", "fresh", false);
        assertThat(after.poll(30, TimeUnit.SECONDS)).isEqualTo("fresh");
    }

    @Test
    void aServerEventRaisedOnOneMemberReachesDevicesOnTheOthers() throws Exception {
        List<IotmpServer> members = nodes.start(2);
        IotmpDevice onA = nodes.device(members.get(0), "updater");
        BlockingQueue<Object> firmware = new LinkedBlockingQueue<>();
        onA.openServerStream(Map.of("event", "firmware"), firmware::add).toCompletableFuture()
                .get(30, TimeUnit.SECONDS);

        members.get(1).topics().raise("alice", "firmware", Map.of("version", "2.0"));

        assertThat(firmware.poll(30, TimeUnit.SECONDS)).isEqualTo(Map.of("version", "2.0"));
    }

    @Test
    void relaysWaitingForTheOtherMembersAreBoundedAndARouteBeyondTheBoundIsRefused() throws Exception {
        List<IotmpServer> members = nodes.customize(options -> options.withMaxRelaysInFlight(1)).start(2);
        InfinispanCluster a = ClusterNodes.cluster(members.get(0));
        HeldRelays held = new HeldRelays(members, "slow");
        BlockingQueue<Object> onA = held.onA;
        BlockingQueue<Object> onB = held.onB;
        try {
            members.get(0).topics().publish("alice", "slow", "first", false);
            assertThat(held.reached.await(30, TimeUnit.SECONDS)).isTrue();
            // the first relay waits on B's route: the second finds no room and is refused, not queued
            assertThatThrownBy(() -> members.get(0).topics().publish("alice", "slow", "second", false))
                    .isInstanceOfSatisfying(QuotaExceededException.class, e -> assertThat(e.quota())
                            .isEqualTo(QuotaExceededException.Quota.CLUSTER_RELAYS))
                    .hasMessageContaining("maxRelaysInFlight");
            assertThatThrownBy(() -> members.get(0).topics().raise("alice", "firmware", "2.0"))
                    .isInstanceOf(QuotaExceededException.class);
            assertThat(a.droppedRelays()).isEqualTo(2);
            assertThat(members.get(0).totals().quotaRefusals()).isEqualTo(2);
        } finally {
            held.release.countDown();
        }
        ClusterNodes.eventually().until(() -> a.relay().inFlight() == 0);
        members.get(0).topics().publish("alice", "slow", "third", false);
        assertThat(onB.poll(30, TimeUnit.SECONDS)).isEqualTo("first");
        assertThat(onB.poll(30, TimeUnit.SECONDS)).isEqualTo("third");
        // the refused publication was delivered on its own member only
        assertThat(onA).containsExactly("first", "second", "third");
        assertThat(a.droppedRelays()).isEqualTo(2);
    }

    /**
     * The count of relays alone let a device's large publications make a member hold maxRelaysInFlight frames for a
     * slow member: the bytes the relays carry are bounded too, for routes' and devices' publications alike.
     */
    @Test
    void theBytesOfRelaysWaitingForTheOtherMembersAreBounded() throws Exception {
        List<IotmpServer> members = nodes.customize(options -> options.withMaxRelayBytesInFlight(10_000)).start(2);
        InfinispanCluster a = ClusterNodes.cluster(members.get(0));
        HeldRelays held = new HeldRelays(members, "big");
        BlockingQueue<Object> onA = held.onA;
        BlockingQueue<Object> onB = held.onB;
        String large = "x".repeat(6_000);
        IotmpDevice publisher = nodes.device(members.get(0), "publisher");
        ServerStream publish = publisher.openServerStream(Map.of("event", "device_topic_publish",
                "scope", "publish", "topic", "big"), data -> { }).toCompletableFuture().get(30, TimeUnit.SECONDS);
        try {
            members.get(0).topics().publish("alice", "big", large, false);
            assertThat(held.reached.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(a.relayBytesInFlight()).isGreaterThan(6_000).isLessThanOrEqualTo(10_000);
            // one relay of 6,000 bytes waits on B's route: another does not fit in 10,000 bytes, though one relay
            // is far below maxRelaysInFlight
            assertThatThrownBy(() -> members.get(0).topics().publish("alice", "big", large, false))
                    .isInstanceOfSatisfying(QuotaExceededException.class, e -> assertThat(e.quota())
                            .isEqualTo(QuotaExceededException.Quota.CLUSTER_RELAYS))
                    .hasMessageContaining("maxRelayBytesInFlight");
            // a device's large publication is delivered on its own member only, and counted
            publish.send(large).toCompletableFuture().get(30, TimeUnit.SECONDS);
            ClusterNodes.eventually().until(() -> a.droppedRelays() == 2);
            assertThat(members.get(0).totals().quotaRefusals()).isEqualTo(2);
            // a small one still fits
            members.get(0).topics().publish("alice", "big", "small", false);
        } finally {
            held.release.countDown();
        }
        ClusterNodes.eventually().until(() -> a.relay().inFlight() == 0 && a.relayBytesInFlight() == 0);
        assertThat(onB.poll(30, TimeUnit.SECONDS)).isEqualTo(large);
        assertThat(onB.poll(30, TimeUnit.SECONDS)).isEqualTo("small");
        assertThat(onB).isEmpty();
        ClusterNodes.eventually().until(() -> onA.size() == 4);
        assertThat(onA).containsExactly(large, large, large, "small");
    }

    /**
     * While the cluster's cache of retained messages fails, each retained publication's write for later members
     * fails: counted, and logged once, not a WARN line (with the publisher's topic) per publication.
     */
    @Test
    void failingWritesOfRetainedMessagesForLaterMembersAreCountedAndLoggedOnce() throws Exception {
        List<IotmpServer> members = nodes.start(2);
        InfinispanCluster a = ClusterNodes.cluster(members.get(0));
        a.retainedCache().stop();
        java.io.PrintStream err = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(new java.io.OutputStream() {
            @Override
            public void write(int b) {
                err.write(b);
                synchronized (captured) {
                    captured.write(b);
                }
            }
        }, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            for (int i = 0; i < 50; i++) {
                members.get(0).topics().publish("alice", "status/" + i, "on", true);
            }
            ClusterNodes.eventually().until(() -> a.failedRetainedWrites() == 50);
        } finally {
            System.setErr(err);
        }
        String log;
        synchronized (captured) {
            log = captured.toString(java.nio.charset.StandardCharsets.UTF_8);
        }
        assertThat(log.lines()
                .filter(line -> line.contains("could not keep the retained message")).count()).isEqualTo(1);
    }

    private static void subscribe(IotmpDevice device, String filter, BlockingQueue<Object> into) throws Exception {
        device.openServerStream(Map.of("event", "device_topic_publish", "scope", "subscribe", "topic", filter),
                into::add).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    /**
     * Routes on {@code topic} of both members: A's takes every message, B's holds the first until {@link #release},
     * so that A's relays to B wait meanwhile.
     */
    private static final class HeldRelays {
        final java.util.concurrent.CountDownLatch reached = new java.util.concurrent.CountDownLatch(1);
        final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        final BlockingQueue<Object> onA = new LinkedBlockingQueue<>();
        final BlockingQueue<Object> onB = new LinkedBlockingQueue<>();

        HeldRelays(List<IotmpServer> members, String topic) {
            members.get(0).topics().subscribe(topic, message -> onA.add(message.payload()));
            members.get(1).topics().subscribe(topic, message -> {
                onB.add(message.payload());
                reached.countDown();
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
    }
}
