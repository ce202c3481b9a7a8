package io.cameliotmp.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.function.UnaryOperator;

import io.cameliotmp.camel.IotmpComponent;
import io.cameliotmp.camel.IotmpConfiguration;
import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.server.DeviceId;
import io.cameliotmp.server.IotmpServer;
import io.cameliotmp.server.IotmpServerConfig;
import io.cameliotmp.server.ServerMetrics;
import io.cameliotmp.server.StaticAuthenticator;
import io.cameliotmp.test.FreePorts;
import org.apache.camel.CamelContext;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

/**
 * The cluster tests' one fixture: members in this JVM on loopback, each an {@link IotmpServer} with its own
 * {@link InfinispanCluster} or a Camel application whose iotmp component's server is the member, and devices
 * connected to them; closes everything it made.
 */
public final class ClusterNodes implements AutoCloseable {

    static final String CREDENTIALS = "alice/*=s3cr3t";

    private final List<IotmpServer> servers = new ArrayList<>();
    private final List<CamelContext> applications = new ArrayList<>();
    /** Every member this fixture started, servers and applications, by the order they joined. */
    private final List<InfinispanCluster> clusters = new ArrayList<>();
    private final List<IotmpDevice> devices = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();
    /** Cluster ports of members this fixture did not start (another JVM's), named to every member it starts. */
    private final List<Integer> outsidePorts = new ArrayList<>();
    private final String name = "test-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
    private UnaryOperator<ClusterOptions> customize = UnaryOperator.identity();
    private ServerMetrics.Factory metrics = ServerMetrics.Factory.NONE;
    private UnaryOperator<IotmpServerConfig.Builder> server =
            UnaryOperator.identity();

    /** The metrics of the members started from now on. */
    ClusterNodes metrics(ServerMetrics.Factory metrics) {
        this.metrics = metrics;
        return this;
    }

    /** Applies to the server configuration of the members started from now on. */
    ClusterNodes server(UnaryOperator<IotmpServerConfig.Builder> server) {
        this.server = server;
        return this;
    }

    /** The cluster's name, for members started elsewhere. */
    String clusterName() {
        return name;
    }

    /** A member started elsewhere on this loopback port: the members started from now on name it too. */
    ClusterNodes outsideMember(int port) {
        outsidePorts.add(port);
        return this;
    }

    /** Applies to the options of the members started from now on (TLS, for one). */
    ClusterNodes customize(UnaryOperator<ClusterOptions> customize) {
        this.customize = customize;
        return this;
    }

    /** What {@link #customize} set: the identity unless it was called. */
    UnaryOperator<ClusterOptions> customization() {
        return customize;
    }

    /** Every member this fixture started, in the order they joined. */
    List<InfinispanCluster> clusters() {
        return List.copyOf(clusters);
    }

    public static ConditionFactory eventually() {
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
        awaitOneView();
        return started;
    }

    /**
     * Starts {@code count} Camel applications, each a member with the iotmp component (on a device port of its own)
     * and the routes {@code routes} gives for its index, and waits until every member sees one view.
     */
    List<CamelContext> applications(int count, IntFunction<RoutesBuilder> routes)
            throws Exception {
        int first = ports.size();
        for (int i = 0; i < count; i++) {
            ports.add(clusterPort());
        }
        List<CamelContext> started = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            started.add(application(first + i, routes.apply(i)));
        }
        awaitOneView();
        return started;
    }

    /** Waits until every running member sees every other in its view. */
    void awaitOneView() {
        eventually().until(() -> {
            List<InfinispanCluster> joined = clusters.stream().filter(c -> !c.members().isEmpty()).toList();
            // members started elsewhere are taken to be running: this fixture waits for them to be in the view
            return joined.size() == runningMembers() && joined.stream().allMatch(c -> c.members().size()
                                                                                      == joined.size()
                                                                                         + outsidePorts.size());
        });
    }

    private long runningMembers() {
        return servers.stream().filter(IotmpServer::isRunning).count()
               + applications.stream().filter(CamelContext::isStarted).count();
    }

    /** A further member on a port of its own that names the others; {@code options} may change its options. */
    IotmpServer extraMember(String memberName, UnaryOperator<ClusterOptions> options) {
        ports.add(clusterPort());
        UnaryOperator<ClusterOptions> before = customize;
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
        InfinispanCluster cluster = new InfinispanCluster(options(i));
        IotmpServer server = new IotmpServer(this.server.apply(memberConfig(cluster).metrics(metrics)).build());
        clusters.add(cluster);
        server.start();
        servers.add(server);
        return server;
    }

    /** A member's server: on loopback, a free device port, few threads, user alice's devices, in {@code cluster}. */
    static IotmpServerConfig.Builder memberConfig(InfinispanCluster cluster) {
        return IotmpServerConfig.builder().host("127.0.0.1").port(0).nativeTransport(false).workerThreads(2)
                .ioThreads(1).authenticator(StaticAuthenticator.parse(CREDENTIALS)).cluster(cluster);
    }

    /** The options of member {@code i}: named {@code member-i}, naming every member's port known so far. */
    private ClusterOptions options(int i) {
        StringBuilder members = new StringBuilder();
        List<Integer> known = new ArrayList<>(outsidePorts);
        known.addAll(ports);
        for (int port : known) {
            members.append(members.length() == 0 ? "" : ",").append("127.0.0.1:").append(port);
        }
        return customize.apply(ClusterOptions.of(name, ports.get(i), members.toString())
                .withMemberName("member-" + i));
    }

    /**
     * Member {@code i} as a Camel application; its cluster is bound as {@code cluster} in the registry. A producer
     * route is added, since the component's server (and with it the membership) starts with its first endpoint.
     */
    private CamelContext application(int i, RoutesBuilder routes) throws Exception {
        InfinispanCluster cluster = new InfinispanCluster(options(i));
        CamelContext context = new DefaultCamelContext();
        IotmpComponent component = new IotmpComponent();
        IotmpConfiguration config = new IotmpConfiguration();
        config.setHost("127.0.0.1");
        config.setPort(FreePorts.next());
        config.setNativeTransport(false);
        config.setDeviceCredentials(CREDENTIALS);
        config.setServerCluster(cluster);
        component.setConfiguration(config);
        context.addComponent("iotmp", component);
        context.getRegistry().bind("cluster", cluster);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:cluster-fixture-devices").to("iotmp:device:alice?operation=devices");
            }
        });
        if (routes != null) {
            context.addRoutes(routes);
        }
        clusters.add(cluster);
        applications.add(context);
        context.start();
        return context;
    }

    /** The cluster of an application this fixture started. */
    static InfinispanCluster cluster(CamelContext application) {
        return application.getRegistry().lookupByNameAndType("cluster", InfinispanCluster.class);
    }

    /** The port devices connect to on an application this fixture started. */
    static int devicePort(CamelContext application) {
        return ((IotmpComponent) application.getComponent("iotmp")).getConfiguration().getPort();
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

    /**
     * A device with the resources of {@link #device} and those {@code resources} adds, connected to an application,
     * once every joined member's directory has it.
     */
    IotmpDevice device(CamelContext application, String name, Consumer<IotmpDevice> resources) {
        IotmpDevice device = build(devicePort(application), name, null);
        resources.accept(device);
        device.start().toCompletableFuture().join();
        DeviceId id = new DeviceId("alice", name);
        eventually().until(() -> clusters.stream().filter(c -> !c.members().isEmpty())
                .allMatch(c -> c.lookup(id).isPresent()));
        return device;
    }

    /** Like {@link #device}, but waits only until the server itself registered the connection. */
    IotmpDevice connect(IotmpServer server, String name) {
        IotmpDevice device = build(server.localAddress().getPort(), name, null);
        device.start().toCompletableFuture().join();
        DeviceId id = new DeviceId("alice", name);
        eventually().until(() -> server.registry().isConnected(id));
        return device;
    }

    /**
     * A device of this server, not started, that runs {@code hang} on the given executor (so the device goes on
     * answering while one runs): each run counts {@code reached} down and waits until {@code release} opens.
     */
    IotmpDevice hangingDevice(IotmpServer server, String name, ExecutorService handlers,
                              CountDownLatch reached,
                              CountDownLatch release) {
        return hangingDevice(server.localAddress().getPort(), name, handlers, reached, release);
    }

    /** Like {@link #hangingDevice(IotmpServer, String, ExecutorService, ...)}, by port. */
    IotmpDevice hangingDevice(int port, String name, ExecutorService handlers,
                              CountDownLatch reached,
                              CountDownLatch release) {
        IotmpDevice device = build(port, name, handlers);
        device.resource("hang").run(() -> {
            reached.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        return device;
    }

    /** A device of user alice with {@code temperature} (21) and {@code echo}, kept to close at the end. */
    private IotmpDevice build(int port, String name, ExecutorService handlers) {
        var builder = IotmpDevice.builder().host("127.0.0.1").port(port).credentials("alice", name, "s3cr3t")
                .noReconnect();
        if (handlers != null) {
            builder.handlerExecutor(handlers);
        }
        IotmpDevice device = builder.build();
        device.resource("temperature").output(() -> 21L);
        device.resource("echo").inputOutput(input -> input);
        devices.add(device);
        return device;
    }

    /** Keeps the device to close at the end. */
    IotmpDevice track(IotmpDevice device) {
        devices.add(device);
        return device;
    }

    /**
     * A port for a member's cluster transport whose failure-detector port is free too. A test picks all its members'
     * ports before it starts the first (each member's list names the others), so no port is handed out twice.
     */
    public static int clusterPort() {
        return FreePorts.clusterPort(ClusterOptions.DEFAULT_FD_PORT_OFFSET);
    }

    @Override
    public void close() {
        devices.forEach(IotmpDevice::close);
        servers.forEach(IotmpServer::stop);
        applications.forEach(CamelContext::stop);
    }
}
