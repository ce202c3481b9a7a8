package io.cameliotmp.cluster;

import java.util.List;

import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.server.DeviceId;
import io.cameliotmp.server.IotmpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.cluster.ClusterNodes.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A claim or a release that the directory's cache refuses (in production a write timing out while a member is
 * suspected; here a test interceptor on one member's cache) is made up for once a write of that member succeeds
 * again. Before, a failed release left the device listed as connected to the member until it connected again, and a
 * failed claim left it unreachable from the other members for as long.
 */
class DirectoryRepairTest {

    private final ClusterNodes nodes = new ClusterNodes();

    @AfterEach
    void close() {
        nodes.close();
    }

    @Test
    void aReleaseThatFailedIsMadeUpForByTheNextWriteThatSucceeds() {
        List<IotmpServer> members = nodes.start(2);
        IotmpServer holder = members.get(0);
        IotmpServer other = members.get(1);
        IotmpDevice gone = nodes.device(holder, "gone");
        DeviceId goneId = new DeviceId("alice", "gone");
        FailingWrites failing = FailingWrites.on(ClusterNodes.cluster(holder).directoryCache());

        failing.keys.add(HolderRecord.key(goneId));
        gone.close();
        eventually().until(() -> failing.refused.get() > 0 && holder.registry().registration(goneId).isEmpty());
        assertThat(other.locate(goneId)).as("the release failed").isPresent();

        failing.keys.clear();
        nodes.device(holder, "next");
        eventually().until(() -> other.locate(goneId).isEmpty() && holder.locate(goneId).isEmpty());
    }

    @Test
    void aClaimThatFailedIsMadeUpForByTheNextWriteThatSucceeds() {
        List<IotmpServer> members = nodes.start(2);
        IotmpServer holder = members.get(0);
        IotmpServer other = members.get(1);
        DeviceId lateId = new DeviceId("alice", "late");
        FailingWrites failing = FailingWrites.on(ClusterNodes.cluster(holder).directoryCache());

        failing.keys.add(HolderRecord.key(lateId));
        nodes.connect(holder, "late");
        eventually().until(() -> failing.refused.get() > 0);
        assertThat(other.locate(lateId)).as("the claim failed").isEmpty();

        failing.keys.clear();
        nodes.device(holder, "next");
        eventually().until(() -> other.locate(lateId).map(entry -> entry.registration()
                .equals(holder.registry().registration(lateId).orElse(null))).orElse(false));
    }
}
