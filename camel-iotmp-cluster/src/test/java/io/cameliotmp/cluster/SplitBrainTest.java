package io.cameliotmp.cluster;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.server.DeviceId;
import io.cameliotmp.server.DeviceRegistration;
import io.cameliotmp.server.DeviceRequest;
import io.cameliotmp.server.DirectoryEntry;
import io.cameliotmp.server.IotmpServer;
import org.jgroups.JChannel;
import org.jgroups.View;
import org.jgroups.protocols.DISCARD;
import org.jgroups.protocols.TP;
import org.jgroups.protocols.pbcast.GMS;
import org.jgroups.stack.ProtocolStack;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.cluster.ClusterNodes.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A network split with JGroups' own fault injection ({@code DISCARD}, and each side given a view of itself): both
 * sides go on with their own devices, a device connects to each side, and when the network heals the members merge
 * and exactly one connection of the device is left, the newer one.
 */
class SplitBrainTest {

    private final ClusterNodes nodes = new ClusterNodes();

    @AfterEach
    void close() {
        nodes.close();
    }

    @Test
    void aSplitBrainHealsToTheNewerConnectionOfEachDevice() throws Exception {
        List<IotmpServer> members = nodes.start(2);
        IotmpServer a = members.get(0);
        IotmpServer b = members.get(1);
        IotmpDevice onA = nodes.device(a, "split");
        DeviceId split = new DeviceId("alice", "split");
        CompletableFuture<Void> lostOnA = new CompletableFuture<>();
        onA.onDisconnected(() -> lostOnA.complete(null));

        cut(a, b);
        eventually().until(() -> ClusterNodes.cluster(a).members().size() == 1
                                 && ClusterNodes.cluster(b).members().size() == 1);
        // each side forgets the other's devices, and the device now connects to the other side as well
        eventually().until(() -> b.locate(split).isEmpty());
        nodes.connect(b, "split");
        DeviceRegistration newer = b.registry().registration(split).orElseThrow();
        assertThat(a.registry().registration(split)).isPresent();

        heal(a, b);
        eventually().until(() -> ClusterNodes.cluster(a).members().size() == 2
                                 && ClusterNodes.cluster(b).members().size() == 2);

        assertThat(lostOnA).succeedsWithin(60, TimeUnit.SECONDS);
        eventually().until(() -> a.registry().registration(split).isEmpty());
        for (IotmpServer member : members) {
            eventually().until(() -> member.locate(split).map(DirectoryEntry::registration).map(newer::equals)
                    .orElse(false));
            assertThat(member.send(split, DeviceRequest.run("temperature", null), null).get(60, TimeUnit.SECONDS)
                    .registration()).isEqualTo(newer);
        }
        assertThat(b.registry().registration(split)).contains(newer);
    }

    /**
     * The merge resolves the directory's conflicts without telling its listeners, so the member holding the older
     * connection learns of it only when it reconciles its own devices, once the directory's merged topology arrives.
     * That is noted at the merge view itself: before, it was noted on the member's housekeeping thread, behind
     * whatever that thread was doing, and when the merged topologies had all arrived by then (a busy member, a
     * large directory to sweep), the member never reconciled, and the device kept a connection on each side.
     */
    @Test
    void aMemberBusyWhenTheSidesMergeStillClosesItsOlderConnection() throws Exception {
        List<IotmpServer> members = nodes.start(2);
        IotmpServer a = members.get(0);
        IotmpServer b = members.get(1);
        IotmpDevice onA = nodes.device(a, "busy");
        DeviceId busy = new DeviceId("alice", "busy");
        CompletableFuture<Void> lostOnA = new CompletableFuture<>();
        onA.onDisconnected(() -> lostOnA.complete(null));

        cut(a, b);
        eventually().until(() -> ClusterNodes.cluster(a).members().size() == 1
                                 && ClusterNodes.cluster(b).members().size() == 1);
        eventually().until(() -> b.locate(busy).isEmpty());
        nodes.connect(b, "busy");
        DeviceRegistration newer = b.registry().registration(busy).orElseThrow();
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        for (IotmpServer member : members) {
            ClusterNodes.cluster(member).housekeeping().execute(() -> {
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }

        heal(a, b);
        try {
            // the directory's merge is over on both members (its conflicts resolved, no rebalance under way)
            eventually().until(() -> members.stream().map(ClusterNodes::cluster).allMatch(member -> {
                var topology = member.directoryCache().getAdvancedCache().getDistributionManager()
                        .getCacheTopology();
                // after the merge's own topology, whose current hash is the preferred side's, comes a rebalance
                return member.members().size() == 2 && topology.getCurrentCH().getMembers().size() == 2
                       && topology.getPhase() == org.infinispan.topology.CacheTopology.Phase.NO_REBALANCE
                       && member.lookup(busy).map(DirectoryEntry::registration).map(newer::equals).orElse(false);
            }));
        } finally {
            release.countDown();
        }

        assertThat(lostOnA).succeedsWithin(60, TimeUnit.SECONDS);
        eventually().until(() -> a.registry().registration(busy).isEmpty());
        assertThat(b.registry().registration(busy)).contains(newer);
    }

    /**
     * What each side writes to the replicated stores while split is there on both sides once they merge: a property
     * set through each side is read back through the other, and a property set on both sides ends with one value on
     * every member, not a value per member.
     */
    @Test
    void propertiesWrittenOnEitherSideOfASplitAreTheSameOnEveryMemberAfterTheMerge() throws Exception {
        List<IotmpServer> members = nodes.start(2);
        IotmpServer a = members.get(0);
        IotmpServer b = members.get(1);
        DeviceId onA = new DeviceId("alice", "left");
        DeviceId onB = new DeviceId("alice", "right");
        DeviceId both = new DeviceId("alice", "middle");

        cut(a, b);
        eventually().until(() -> ClusterNodes.cluster(a).members().size() == 1
                                 && ClusterNodes.cluster(b).members().size() == 1);
        a.properties().set(onA, "mode", "eco");
        b.properties().set(onB, "mode", "boost");
        a.properties().set(both, "mode", "from-a");
        b.properties().set(both, "mode", "from-b");

        heal(a, b);
        eventually().until(() -> ClusterNodes.cluster(a).members().size() == 2
                                 && ClusterNodes.cluster(b).members().size() == 2);

        for (IotmpServer member : members) {
            eventually().until(() -> "eco".equals(member.properties().read(onA, "mode"))
                                     && "boost".equals(member.properties().read(onB, "mode")));
        }
        eventually().until(() -> java.util.Objects.equals(a.properties().read(both, "mode"),
                b.properties().read(both, "mode")));
        assertThat(a.properties().read(both, "mode")).isIn("from-a", "from-b");
    }

    /**
     * A device's properties are one entry of the replicated cache: different properties of one device written on
     * the two sides of a split are all there after the merge. Before, the merge kept one side's entry whole, and the
     * property only the other side wrote was lost, although no side wrote it twice.
     */
    @Test
    void differentPropertiesOfOneDeviceWrittenOnEitherSideAreAllKeptAfterTheMerge() throws Exception {
        List<IotmpServer> members = nodes.start(2);
        IotmpServer a = members.get(0);
        IotmpServer b = members.get(1);
        DeviceId device = new DeviceId("alice", "both-sides");
        a.properties().set(device, "shared", "before");
        a.properties().set(device, "removed-on-a", "before");
        eventually().until(() -> "before".equals(b.properties().read(device, "removed-on-a")));

        cut(a, b);
        eventually().until(() -> ClusterNodes.cluster(a).members().size() == 1
                                 && ClusterNodes.cluster(b).members().size() == 1);
        a.properties().set(device, "mode", "eco");
        a.properties().store().write(device, "removed-on-a", null);
        b.properties().set(device, "limit", 42L);
        a.properties().set(device, "shared", "from-a");
        b.properties().set(device, "shared", "from-b");

        heal(a, b);
        eventually().until(() -> ClusterNodes.cluster(a).members().size() == 2
                                 && ClusterNodes.cluster(b).members().size() == 2);

        for (IotmpServer member : members) {
            eventually().until(() -> "eco".equals(member.properties().read(device, "mode"))
                                     && Long.valueOf(42).equals(member.properties().read(device, "limit")));
        }
        assertThat(a.properties().read(device, "shared")).isIn("from-a", "from-b")
                .isEqualTo(b.properties().read(device, "shared"));
        // a value beats a removal, as for whole entries
        assertThat(a.properties().read(device, "removed-on-a")).isEqualTo("before");
        assertThat(b.properties().read(device, "removed-on-a")).isEqualTo("before");
    }

    /** Both members drop each other's messages, and each installs a view of itself alone. */
    static void cut(IotmpServer a, IotmpServer b) throws Exception {
        cut(ClusterNodes.cluster(a).channel(), ClusterNodes.cluster(b).channel());
    }

    /** The channels of two members drop each other's messages, and each installs a view of itself alone. */
    static void cut(JChannel channelA, JChannel channelB) throws Exception {
        discard(channelA, channelB);
        discard(channelB, channelA);
        alone(channelA);
        alone(channelB);
    }

    private static void discard(JChannel channel, JChannel other) throws Exception {
        DISCARD discard = new DISCARD();
        discard.addIgnoreMember(other.getAddress());
        channel.getProtocolStack().insertProtocol(discard, ProtocolStack.Position.ABOVE, TP.class);
    }

    private static void alone(JChannel channel) {
        long next = channel.getView().getViewId().getId() + 1;
        View view = new View(channel.getAddress(), next, List.of(channel.getAddress()));
        GMS gms = channel.getProtocolStack().findProtocol(GMS.class);
        gms.installView(view);
    }

    private static void heal(IotmpServer a, IotmpServer b) {
        heal(ClusterNodes.cluster(a).channel(), ClusterNodes.cluster(b).channel());
    }

    /** The channels hear each other again; the members merge at the next discovery round. */
    static void heal(JChannel... channels) {
        for (JChannel channel : channels) {
            channel.getProtocolStack().removeProtocol(DISCARD.class);
        }
    }
}
