package io.cameliotmp.cluster;

import java.util.concurrent.ThreadLocalRandom;

import io.cameliotmp.server.LocalDevices;

import static io.cameliotmp.cluster.ClusterNodes.eventually;

/**
 * Two members without a server, of a cluster of their own on loopback whose static discovery names both: what the
 * tests of the cluster's caches (directory, retained messages) run on.
 */
record BareMembers(InfinispanCluster a, InfinispanCluster b) {

    static BareMembers create() {
        String name = "test-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
        int portA = ClusterNodes.clusterPort();
        int portB = ClusterNodes.clusterPort();
        String members = "127.0.0.1:" + portA + ",127.0.0.1:" + portB;
        return new BareMembers(
                new InfinispanCluster(ClusterOptions.of(name, portA, members).withMemberName("member-a")),
                new InfinispanCluster(ClusterOptions.of(name, portB, members).withMemberName("member-b")));
    }

    /** Joins both, each for its local devices, and waits until each sees the other. */
    void join(LocalDevices onA, LocalDevices onB) {
        a.join(onA);
        b.join(onB);
        eventually().until(() -> a.members().size() == 2 && b.members().size() == 2);
    }

    void leave() {
        a.leave();
        b.leave();
    }
}
