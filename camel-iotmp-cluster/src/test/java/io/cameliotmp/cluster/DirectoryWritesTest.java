package io.cameliotmp.cluster;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.server.DeviceId;
import io.cameliotmp.server.DeviceRegistration;
import io.cameliotmp.server.DirectoryEntry;
import io.cameliotmp.server.IotmpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.cluster.ClusterNodes.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The member whose directory entry another member overwrites ends its connection of the device from the write itself.
 * Before, the overwriting member sent it a notice task per reconnect, which a device flapping between members, or a
 * slow previous holder, could pile up without a bound; no task is sent now, so the write alone must do it.
 */
class DirectoryWritesTest {

    private final ClusterNodes nodes = new ClusterNodes();

    @AfterEach
    void close() {
        nodes.close();
    }

    @Test
    void aDirectoryWriteNamingAnotherHolderEndsTheConnectionHereWithoutAnyNotice() {
        List<IotmpServer> members = nodes.start(2);
        IotmpServer previous = members.get(0);
        IotmpServer overwriting = members.get(1);
        IotmpDevice device = nodes.device(previous, "mover");
        DeviceId mover = new DeviceId("alice", "mover");
        CompletableFuture<Void> lost = new CompletableFuture<>();
        device.onDisconnected(() -> lost.complete(null));
        DeviceRegistration old = previous.registry().registration(mover).orElseThrow();

        // only the replicated write: no claim, so no connection on the overwriting member and nothing sent by it
        InfinispanCluster writer = ClusterNodes.cluster(overwriting);
        DeviceRegistration elsewhere = new DeviceRegistration(mover, old.sessionNumber() + 1, old.remoteAddress(),
                Instant.now(), old.generation(), old.keepAliveSeconds());
        writer.directoryCache().put(HolderRecord.key(mover),
                HolderRecord.of(new DirectoryEntry(writer.memberName(), elsewhere), writer.node()));

        assertThat(lost).succeedsWithin(60, TimeUnit.SECONDS);
        eventually().until(() -> previous.registry().registration(mover).isEmpty());
        // the entry is the overwriting member's: the end of the replaced connection does not remove it
        assertThat(previous.locate(mover).map(DirectoryEntry::registration)).contains(elsewhere);
    }

    @Test
    void aWriteThatKeepsTheHolderHereOrNamesAnotherDeviceEndsNothing() {
        List<IotmpServer> members = nodes.start(2);
        IotmpServer holder = members.get(0);
        nodes.device(holder, "stays");
        nodes.device(holder, "other");
        DeviceId stays = new DeviceId("alice", "stays");
        DeviceRegistration kept = holder.registry().registration(stays).orElseThrow();
        InfinispanCluster writer = ClusterNodes.cluster(members.get(1));
        InfinispanCluster here = ClusterNodes.cluster(holder);

        // rewritten with the same holder (a reconciling member's write, say): the connection stays
        writer.directoryCache().put(HolderRecord.key(stays),
                HolderRecord.of(new DirectoryEntry(here.memberName(), kept), here.node()));
        // another device moved: only its own connection ends
        DeviceId other = new DeviceId("alice", "other");
        DeviceRegistration moved = holder.registry().registration(other).orElseThrow();
        writer.directoryCache().put(HolderRecord.key(other), HolderRecord.of(new DirectoryEntry(writer.memberName(),
                new DeviceRegistration(other, moved.sessionNumber() + 1, moved.remoteAddress(), Instant.now(),
                        moved.generation(), moved.keepAliveSeconds())), writer.node()));

        eventually().until(() -> holder.registry().registration(other).isEmpty());
        assertThat(holder.registry().registration(stays)).contains(kept);
    }
}
