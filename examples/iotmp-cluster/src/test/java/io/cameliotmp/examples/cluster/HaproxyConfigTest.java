package io.cameliotmp.examples.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpServer;
import io.cameliotmp.test.FreePorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The example's {@code haproxy.cfg} as {@code run-cluster.sh} runs it (its ports replaced by free ones), in front of
 * three stand-in nodes of this test: each accepts connections and writes its letter. No quickstart JVM: it checks the
 * proxy's configuration only, in seconds. Needs HAProxy on the PATH (CI installs Debian's), as
 * {@link RunClusterScriptTest} does.
 */
class HaproxyConfigTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private final List<Node> nodes = new ArrayList<>();
    private final List<Socket> devices = new CopyOnWriteArrayList<>();
    private Process haproxy;
    private int statsPort;

    @AfterEach
    void stop() throws Exception {
        for (Socket device : devices) {
            device.close();
        }
        if (haproxy != null) {
            haproxy.destroy();
            haproxy.waitFor(30, TimeUnit.SECONDS);
        }
        for (Node node : nodes) {
            node.close();
        }
    }

    /**
     * A node that dies (kill -9: its port refuses connections) is still up for HAProxy until its health checks fail
     * (seconds), and with {@code balance leastconn} it is the node with the fewest connections: every device it held
     * reconnects to it first. Without {@code option redispatch} HAProxy retried that node alone and then closed the
     * device's connection, three seconds later, and the device started its reconnect backoff over; now the retry
     * goes to a node that is alive.
     */
    @Test
    void aDeviceReconnectingWhileItsDeadNodeIsStillUpForTheProxyLandsOnALiveNode() throws Exception {
        int proxyPort = startProxy();
        // one device on each of two nodes (leastconn: the second goes to a node without any); the third node is the
        // one with the fewest connections. The first connects once HAProxy listens.
        String first = await().atMost(WAIT).ignoreExceptions().until(() -> connectDevice(proxyPort),
                node -> !node.equals("closed"));
        String second = connectDevice(proxyPort);
        assertThat(Set.of(first, second)).as("leastconn spreads the first two devices").hasSize(2);
        Node idle = nodes.stream().filter(n -> !n.name.equals(first) && !n.name.equals(second)).findFirst()
                .orElseThrow();

        idle.close(); // the node dies; HAProxy's checks notice only after `fall` failed checks, seconds later

        assertThat(connectDevice(proxyPort)).as("the node a device reconnecting through the proxy lands on")
                .isIn(first, second);
    }

    /**
     * A node that is frozen (a long GC pause, kill -STOP) still has its IOTMP port accept connections, in the kernel:
     * HAProxy's TCP check passed and, with {@code balance leastconn}, sent it every new device, each waiting for
     * nothing. The checks go to the node's actuator, which does not answer, so the proxy takes the node out.
     */
    @Test
    void aNodeWhoseHealthNoLongerAnswersTakesNoNewDevice() throws Exception {
        int proxyPort = startProxy();
        String first = await().atMost(WAIT).ignoreExceptions().until(() -> connectDevice(proxyPort),
                node -> !node.equals("closed"));
        String second = connectDevice(proxyPort);
        Node frozen = nodes.stream().filter(n -> !n.name.equals(first) && !n.name.equals(second)).findFirst()
                .orElseThrow();
        await().atMost(WAIT).until(() -> "UP".equals(serverStatus(frozen.name)));

        frozen.freeze(); // its IOTMP port still accepts; its actuator answers nothing from now on

        await().atMost(WAIT).until(() -> "DOWN".equals(serverStatus(frozen.name)));
        assertThat(connectDevice(proxyPort)).as("the node with the fewest connections is out").isIn(first, second);
    }

    /**
     * A device may announce a keep-alive of up to 1800 s (the range the server takes), and a quiet device sends nothing
     * else: the proxy's client and server timeouts are longer than that times the server's tolerance (1.15), so that
     * the server decides when a quiet device is gone. With 3 minutes the proxy cut every device announcing more than
     * 180 s, every 3 minutes.
     */
    @Test
    void theProxyNeverCutsADeviceThatKeepsItsKeepAlive() throws IOException {
        Duration longestSilence = Duration.ofSeconds(1800).multipliedBy(115).dividedBy(100);
        List<String> lines = Files.readAllLines(Path.of("haproxy.cfg"));
        for (String side : List.of("client", "server")) {
            String timeout = lines.stream().map(String::trim).filter(l -> l.startsWith("timeout " + side + " "))
                    .map(l -> l.substring(("timeout " + side + " ").length()).trim()).findFirst().orElseThrow();
            assertThat(haproxyTime(timeout)).as("timeout %s %s", side, timeout).isGreaterThan(longestSilence);
        }
    }

    /** A time as HAProxy reads it: a number and a unit (ms if none). */
    private static Duration haproxyTime(String time) {
        Matcher m = Pattern.compile("(\\d+)(us|ms|s|m|h|d)?").matcher(time);
        assertThat(m.matches()).as(time).isTrue();
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2) == null ? "ms" : m.group(2)) {
            case "us" -> Duration.ofNanos(n * 1000);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> Duration.ofMillis(n);
        };
    }

    /** Starts three stand-in nodes and HAProxy with the example's configuration; returns the proxy's port. */
    private int startProxy() throws IOException {
        int proxyPort = FreePorts.next();
        // the module's directory is examples/iotmp-cluster, where haproxy.cfg is
        String config = Files.readString(Path.of("haproxy.cfg")).replace("127.0.0.1:25204", "127.0.0.1:" + proxyPort);
        for (int n = 1; n <= 3; n++) {
            Node node = new Node("node-" + n, FreePorts.next(), FreePorts.next());
            nodes.add(node);
            config = config.replace("127.0.0.1:2530" + n, "127.0.0.1:" + node.server.getLocalPort())
                    .replace("check port 908" + n + " ", "check port " + node.health.getAddress().getPort() + " ");
        }
        // the test's own addition: HAProxy's runtime API, to read what its checks decided
        statsPort = FreePorts.next();
        config = config.replaceFirst("(?m)^global\\n", "global\n    stats socket ipv4@127.0.0.1:" + statsPort + "\n");
        Path cfg = Files.createDirectories(Path.of("target", "haproxy-config-test")).resolve("haproxy.cfg");
        Files.writeString(cfg, config);
        haproxy = new ProcessBuilder("haproxy", "-f", cfg.toString(), "-db").redirectErrorStream(true)
                .redirectOutput(cfg.resolveSibling("haproxy.log").toFile()).start();
        return proxyPort;
    }

    /** A device connection through the proxy, kept open; the node it reached, or "closed" if the proxy closed it. */
    private String connectDevice(int proxyPort) throws IOException {
        Socket device = new Socket(InetAddress.getLoopbackAddress(), proxyPort);
        devices.add(device);
        device.setSoTimeout((int) WAIT.toMillis());
        int node = device.getInputStream().read();
        return node < 0 ? "closed" : "node-" + (char) node;
    }

    /** The status HAProxy's checks gave a node ("UP", "DOWN", ...), from its runtime API's CSV statistics. */
    private String serverStatus(String node) throws IOException {
        try (Socket stats = new Socket(InetAddress.getLoopbackAddress(), statsPort)) {
            stats.setSoTimeout((int) WAIT.toMillis());
            stats.getOutputStream().write("show stat\n".getBytes(StandardCharsets.US_ASCII));
            stats.getOutputStream().flush();
            List<String> lines = new String(stats.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).lines()
                    .toList();
            int status = List.of(lines.get(0).substring(2).split(",")).indexOf("status");
            return lines.stream().filter(l -> l.startsWith("nodes," + node + ",")).map(l -> l.split(",")[status])
                    .findFirst().orElseThrow();
        }
    }

    /**
     * A stand-in node: accepts connections, writes its number, keeps them; its actuator answers the proxy's health
     * checks with 200 until frozen.
     */
    private static final class Node implements AutoCloseable {
        private final String name;
        private final ServerSocket server;
        private final List<Socket> accepted = new CopyOnWriteArrayList<>();
        private final CountDownLatch closed = new CountDownLatch(1);
        private final HttpServer health;
        private final CountDownLatch thawed = new CountDownLatch(1);
        private volatile boolean dying;
        private volatile boolean frozen;

        Node(String name, int port, int healthPort) throws IOException {
            this.name = name;
            this.server = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
            this.health = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), healthPort), 50);
            health.setExecutor(Executors.newCachedThreadPool(r -> {
                Thread thread = new Thread(r, name + "-health");
                thread.setDaemon(true);
                return thread;
            }));
            health.createContext("/actuator/health", exchange -> {
                if (frozen) {
                    try {
                        thawed.await(); // a frozen JVM answers nothing
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                byte[] up = "{\"status\":\"UP\"}".getBytes(StandardCharsets.US_ASCII);
                exchange.sendResponseHeaders(200, up.length);
                exchange.getResponseBody().write(up);
                exchange.close();
            });
            health.start();
            // accept() returns now and then to see whether the node is to die: closed from another thread while a
            // thread waits in accept(), the socket went on listening until that accept() returned, with a connection
            server.setSoTimeout(50);
            Thread acceptor = new Thread(this::accept, name);
            acceptor.setDaemon(true);
            acceptor.start();
        }

        private void accept() {
            try {
                while (!dying) {
                    try {
                        Socket connection = server.accept();
                        accepted.add(connection);
                        connection.getOutputStream().write(name.charAt(name.length() - 1));
                        connection.getOutputStream().flush();
                    } catch (SocketTimeoutException e) {
                        // time to look at dying again
                    } catch (IOException e) {
                        // a health check that went away before its letter: nothing to keep
                    }
                }
                server.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                closed.countDown();
            }
        }

        /** From now on the node's actuator answers nothing, as a frozen JVM's; its IOTMP port still accepts. */
        void freeze() {
            frozen = true;
        }

        /** Stops listening, as a killed node's ports do: a connection to it is refused from now on. */
        @Override
        public void close() throws IOException {
            thawed.countDown();
            health.stop(0);
            dying = true;
            try {
                assertThat(closed.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as(name + " stopped listening").isTrue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            for (Socket connection : accepted) {
                connection.close();
            }
        }
    }
}
