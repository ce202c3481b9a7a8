package io.cameliotmp.cluster;

import java.util.concurrent.CountDownLatch;

import io.cameliotmp.server.IotmpServer;
import io.cameliotmp.server.IotmpServerConfig;
import io.cameliotmp.server.StaticAuthenticator;

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
        IotmpServer server = new IotmpServer(IotmpServerConfig.builder().host("127.0.0.1").port(0)
                .nativeTransport(false).workerThreads(2).ioThreads(1)
                .authenticator(StaticAuthenticator.parse(ClusterNodes.CREDENTIALS))
                .cluster(new InfinispanCluster(options)).build());
        server.start();
        System.out.println("READY " + server.localAddress().getPort());
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
