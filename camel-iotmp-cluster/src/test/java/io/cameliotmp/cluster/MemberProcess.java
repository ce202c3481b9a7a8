package io.cameliotmp.cluster;

import java.util.concurrent.CountDownLatch;

import io.cameliotmp.server.IotmpServer;

/**
 * A cluster member in a JVM of its own, for tests that kill it: starts a server in the cluster the arguments name and
 * prints {@code READY <device port>} once it has joined. Runs until killed.
 *
 * <p>Arguments: cluster name, member name, cluster port, members ({@code host:port,...}).
 */
public final class MemberProcess {

    private MemberProcess() {
    }

    public static void main(String[] args) throws InterruptedException {
        ClusterOptions options = ClusterOptions.of(args[0], Integer.parseInt(args[2]), args[3]).withMemberName(args[1]);
        IotmpServer server = new IotmpServer(ClusterNodes.memberConfig(new InfinispanCluster(options)).build());
        server.start();
        System.out.println("READY " + server.localAddress().getPort());
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
