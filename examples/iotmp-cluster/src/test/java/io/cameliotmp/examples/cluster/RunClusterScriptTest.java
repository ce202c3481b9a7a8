package io.cameliotmp.examples.cluster;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The example as its README runs it: {@code run-cluster.sh} starts three quickstart nodes as one cluster and HAProxy in
 * front of their IOTMP ports, the simulated device connects through the proxy, and the device API of every node
 * answers for it: its registration, connected, and a RUN of its temperature, forwarded to whichever node holds it.
 * On free ports, with {@code ONCE=1} so that the script ends after the answers. Needs HAProxy on the PATH (CI
 * installs Debian's).
 */
class RunClusterScriptTest {

    /** Every port this test gave the script, so that no two of its listeners are given one port. */
    private static final Set<String> HANDED_OUT = new HashSet<>();

    @Test
    void everyNodesDeviceApiAnswersForTheDeviceThatConnectedThroughTheProxy() throws Exception {
        // the module's directory is examples/iotmp-cluster; the script runs from the repository's root
        Path root = Path.of("").toAbsolutePath().getParent().getParent();
        assertThat(root.resolve("examples/iotmp-quickstart/target/iotmp-quickstart.jar")).exists();
        Path logs = Files.createDirectories(Path.of("target", "run-cluster").toAbsolutePath());
        Path console = logs.resolve("console.txt");

        ProcessBuilder script = new ProcessBuilder("bash", "examples/iotmp-cluster/run-cluster.sh")
                .directory(root.toFile()).redirectErrorStream(true).redirectOutput(console.toFile());
        script.environment().put("HTTP_PORTS", String.join(" ", freePorts(3)));
        script.environment().put("MANAGEMENT_PORTS", String.join(" ", freePorts(3)));
        script.environment().put("IOTMP_PORTS", String.join(" ", freePorts(3)));
        script.environment().put("CLUSTER_PORTS", String.join(" ", clusterPorts(3)));
        script.environment().put("PROXY_PORT", freePorts(1).get(0));
        script.environment().put("LOGS", logs.toString());
        script.environment().put("ONCE", "1");
        script.environment().put("JAVA_OPTS", "-Xmx384m");
        Process run = script.start();
        try {
            // generous: three Spring Boot JVMs start on a loaded two-core machine
            boolean ended = run.waitFor(8, TimeUnit.MINUTES);
            String out = Files.readString(console);
            assertThat(ended).as("the script ended; its output:%n%s", out).isTrue();
            assertThat(run.exitValue()).as(out).isZero();
            List<String> lines = out.lines().toList();
            for (int n = 1; n <= 3; n++) {
                String node = "node-" + n + ": ";
                List<String> answers = lines.stream().filter(l -> l.startsWith(node)).toList();
                assertThat(answers).as(out).hasSize(2);
                assertThat(answers.get(0)).as("node-%d's registration of sim-1", n).contains("\"connected\":true");
                assertThat(answers.get(1)).as("node-%d's RUN of sim-1's temperature", n).contains("\"celsius\":");
            }
        } finally {
            run.descendants().forEach(ProcessHandle::destroy);
            run.destroy();
            run.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** Free ports, none given twice in this test: the system may hand out a port it has just handed out. */
    private static List<String> freePorts(int count) throws IOException {
        List<String> ports = new ArrayList<>();
        while (ports.size() < count) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                String port = String.valueOf(socket.getLocalPort());
                if (HANDED_OUT.add(port)) {
                    ports.add(port);
                }
            }
        }
        return ports;
    }

    /** Free cluster ports whose failure detector's port (50,000 above) is free too. */
    private static List<String> clusterPorts(int count) {
        List<String> ports = new ArrayList<>();
        while (ports.size() < count) {
            int port = ThreadLocalRandom.current().nextInt(10_000, 15_500);
            if (free(port) && free(port + 50_000) && HANDED_OUT.add(String.valueOf(port))) {
                ports.add(String.valueOf(port));
            }
        }
        return ports;
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
