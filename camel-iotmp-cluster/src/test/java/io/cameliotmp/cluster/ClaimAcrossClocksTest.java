package io.cameliotmp.cluster;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.protocol.Generation;
import io.cameliotmp.server.DeviceId;
import io.cameliotmp.server.DeviceRegistration;
import io.cameliotmp.server.DirectoryEntry;
import io.cameliotmp.server.IotmpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.cluster.ClusterNodes.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The directory keeps a device's newer connection by the connections' times, taken by each member's clock. A
 * connection made after its member saw the device's previous connection in the directory is the newer one whatever
 * the clocks read: its time is taken just after that one's when the member's clock reads earlier. Else a member
 * whose clock is behind another's refused the claim of a device that had just moved to it from that member (a
 * drain, say) and closed the device's new connection, until the old entry was gone.
 */
class ClaimAcrossClocksTest {

    private final ClusterNodes nodes = new ClusterNodes();

    @AfterEach
    void close() {
        nodes.close();
    }

    @Test
    void aConnectionMadeAfterItsMemberSawThePreviousOneIsTheNewerWhateverTheClocks() {
        List<IotmpServer> members = nodes.start(2);
        IotmpServer behind = members.get(0);
        InfinispanCluster ahead = ClusterNodes.cluster(members.get(1));
        DeviceId mover = new DeviceId("alice", "mover");
        // the device's connection on the other member, whose clock reads an hour ahead: its entry, as its claim wrote
        DeviceRegistration previous = new DeviceRegistration(mover, 1, new InetSocketAddress("127.0.0.1", 40000),
                Instant.now().plus(Duration.ofHours(1)), Generation.values()[0], 60);
        ahead.directoryCache().put(HolderRecord.key(mover),
                HolderRecord.of(new DirectoryEntry(ahead.memberName(), previous), ahead.node()));
        eventually().until(() -> behind.locate(mover).isPresent());

        IotmpDevice device = nodes.connect(behind, "mover");
        CompletableFuture<Void> lost = new CompletableFuture<>();
        device.onDisconnected(() -> lost.complete(null));
        DeviceRegistration now = behind.registry().registration(mover).orElseThrow();

        assertThat(now.connectedAt()).isAfter(previous.connectedAt());
        for (IotmpServer member : members) {
            eventually().until(() -> member.locate(mover).map(DirectoryEntry::registration).map(now::equals)
                    .orElse(false));
        }
        assertThat(lost).isNotDone();
        assertThat(behind.registry().registration(mover)).contains(now);
    }
}
