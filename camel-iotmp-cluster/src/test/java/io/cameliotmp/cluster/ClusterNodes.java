package io.cameliotmp.cluster;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.server.DeviceId;
import io.cameliotmp.server.IotmpServer;
import io.cameliotmp.server.IotmpServerConfig;
import io.cameliotmp.server.StaticAuthenticator;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

/**
 * Cluster members in this JVM on loopback, each an {@link IotmpServer} with its own {@link InfinispanCluster}, and
 * devices connected to them; closes everything it made.
 */
final class ClusterNodes implements AutoCloseable {

    static final String CREDENTIALS = "alice/*=s3cr3t";

    private final List<IotmpServer> servers = new ArrayList<>();
    private final List<IotmpDevice> devices = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();
    private final String name = "test-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
    private java.util.function.UnaryOperator<ClusterOptions> customize = java.util.function.UnaryOperator.identity();
    private io.cameliotmp.server.ServerMetrics.Factory metrics = io.cameliotmp.server.ServerMetrics.Factory.NONE;
    private java.util.function.UnaryOperator<IotmpServerConfig.Builder> server =
            java.util.function.UnaryOperator.identity();

    /** The metrics of the members started from now on. */
    ClusterNodes metrics(io.cameliotmp.server.ServerMetrics.Factory metrics) {
        this.metrics = metrics;
        return this;
    }

    /** Applies to the server configuration of the members started from now on. */
    ClusterNodes server(java.util.function.UnaryOperator<IotmpServerConfig.Builder> server) {
        this.server = server;
        return this;
    }

    /** Applies to the options of the members started from now on (TLS, for one). */
    ClusterNodes customize(java.util.function.UnaryOperator<ClusterOptions> customize) {
        this.customize = customize;
        return this;
    }

    static ConditionFactory eventually() {
        return Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50));
    }

    /** Starts {@code count} members that know each other, and waits until they all see one view. */
    List<IotmpServer> start(int count) {
        for (int i = 0; i < count; i++) {
            ports.add(clusterPort());
        }
        List<IotmpServer> started = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            started.add(member(i));
        }
        eventually().until(() -> started.stream().allMatch(s -> cluster(s).members().size() == count));
        return started;
    }

    /** A further member on a port of its own that names the others; {@code options} may change its options. */
    IotmpServer extraMember(String memberName, java.util.function.UnaryOperator<ClusterOptions> options) {
        ports.add(clusterPort());
        java.util.function.UnaryOperator<ClusterOptions> before = customize;
        customize = options;
        try {
            IotmpServer server = member(ports.size() - 1);
            return server;
        } finally {
            customize = before;
        }
    }

    /** Member {@code i} (again, if it was stopped); its cluster options name every member's port. */
    IotmpServer member(int i) {
        StringBuilder members = new StringBuilder();
        for (int port : ports) {
            members.append(members.length() == 0 ? "" : ",").append("127.0.0.1:").append(port);
        }
        ClusterOptions options = customize.apply(ClusterOptions.of(name, ports.get(i), members.toString())
                .withMemberName("member-" + i));
        IotmpServer server = new IotmpServer(this.server.apply(IotmpServerConfig.builder().host("127.0.0.1").port(0)
                .nativeTransport(false).workerThreads(2).ioThreads(1)
                .authenticator(StaticAuthenticator.parse(CREDENTIALS)).metrics(metrics)
                .cluster(new InfinispanCluster(options))).build());
        server.start();
        servers.add(server);
        return server;
    }

    static InfinispanCluster cluster(IotmpServer server) {
        return (InfinispanCluster) server.config().cluster();
    }

    /**
     * A device with a resource {@code temperature} (21) and an echo resource, connected to the server, once every
     * running member's directory has it.
     */
    IotmpDevice device(IotmpServer server, String name) {
        IotmpDevice device = connect(server, name);
        DeviceId id = new DeviceId("alice", name);
        eventually().until(() -> server.registry().registration(id)
                .map(r -> servers.stream().filter(IotmpServer::isRunning)
                        .allMatch(s -> s.locate(id).map(e -> e.registration().equals(r)).orElse(false)))
                .orElse(false));
        return device;
    }

    /** Like {@link #device}, but waits only until the server itself registered the connection. */
    IotmpDevice connect(IotmpServer server, String name) {
        IotmpDevice device = IotmpDevice.builder().host("127.0.0.1").port(server.localAddress().getPort())
                .credentials("alice", name, "s3cr3t").noReconnect().build();
        device.resource("temperature").output(() -> 21L);
        device.resource("echo").inputOutput(input -> input);
        devices.add(device);
        device.start().toCompletableFuture().join();
        DeviceId id = new DeviceId("alice", name);
        eventually().until(() -> server.registry().isConnected(id));
        return device;
    }

    /** Keeps the device to close at the end. */
    IotmpDevice track(IotmpDevice device) {
        devices.add(device);
        return device;
    }

    /**
     * A port for a member's cluster transport whose failure-detector port ({@code + 50000}) is free too; both are
     * released again before the member binds them.
     */
    static int clusterPort() {
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(10_000, 15_500);
            if (free(port) && free(port + ClusterOptions.DEFAULT_FD_PORT_OFFSET)) {
                return port;
            }
        }
        throw new IllegalStateException("no free cluster port");
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        devices.forEach(IotmpDevice::close);
        servers.forEach(IotmpServer::stop);
    }
}
