package io.cameliotmp.examples.cluster;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.cameliotmp.test.FreePorts;
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

    /** The nodes' failure detectors listen this far above their cluster ports (the cluster's default offset). */
    private static final int FD_PORT_OFFSET = 50_000;

    @Test
    void everyNodesDeviceApiAnswersForTheDeviceThatConnectedThroughTheProxy() throws Exception {
        // the module's directory is examples/iotmp-cluster; the script runs from the repository's root
        Path root = Path.of("").toAbsolutePath().getParent().getParent();
        assertThat(root.resolve("examples/iotmp-quickstart/target/iotmp-quickstart.jar")).exists();
        Path logs = Files.createDirectories(Path.of("target", "run-cluster").toAbsolutePath());
        Path console = logs.resolve("console.txt");

        ProcessBuilder script = new ProcessBuilder("bash", "examples/iotmp-cluster/run-cluster.sh")
                .directory(root.toFile()).redirectErrorStream(true).redirectOutput(console.toFile());
        // no two of the script's listeners are given one port: FreePorts never hands one out twice
        script.environment().put("HTTP_PORTS", ports(3, FreePorts::next));
        script.environment().put("MANAGEMENT_PORTS", ports(3, FreePorts::next));
        script.environment().put("IOTMP_PORTS", ports(3, FreePorts::next));
        script.environment().put("CLUSTER_PORTS", ports(3, () -> FreePorts.clusterPort(FD_PORT_OFFSET)));
        script.environment().put("PROXY_PORT", ports(1, FreePorts::next));
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
            stop(run);
        }
    }

    /**
     * Stops the script and what it started, forcibly what did not stop within 30 s: a node still starting may not end
     * on SIGTERM, and one left behind keeps its ports and a share of the machine.
     */
    private static void stop(Process run) throws InterruptedException {
        // taken while the script runs: once it has ended, what it started is no longer among its descendants
        List<ProcessHandle> started = run.descendants().toList();
        started.forEach(ProcessHandle::destroy);
        run.destroy();
        run.waitFor(30, TimeUnit.SECONDS);
        for (ProcessHandle process : started) {
            try {
                process.onExit().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                process.destroyForcibly();
            }
        }
    }

    /**
     * A node or the proxy that cannot start (here the proxy, its port taken, as 25204 may be on a developer's machine)
     * ends the script with its log: it waited for ever, silent, for a node or a device that would never come. Run from
     * the example's directory, which the script takes as well as the repository's root (there it found no jar).
     */
    @Test
    void aProxyThatCannotStartEndsTheScriptWithItsLog() throws Exception {
        Path root = Path.of("").toAbsolutePath().getParent().getParent();
        Path logs = Files.createDirectories(Path.of("target", "run-cluster-taken").toAbsolutePath());
        Path console = logs.resolve("console.txt");
        try (ServerSocket taken = new ServerSocket(FreePorts.next(), 50, InetAddress.getLoopbackAddress())) {
            ProcessBuilder script = new ProcessBuilder("bash", "run-cluster.sh")
                    .directory(root.resolve("examples/iotmp-cluster").toFile()).redirectErrorStream(true)
                    .redirectOutput(console.toFile());
            script.environment().put("HTTP_PORTS", ports(3, FreePorts::next));
            script.environment().put("MANAGEMENT_PORTS", ports(3, FreePorts::next));
            script.environment().put("IOTMP_PORTS", ports(3, FreePorts::next));
            script.environment().put("CLUSTER_PORTS", ports(3, () -> FreePorts.clusterPort(FD_PORT_OFFSET)));
            script.environment().put("PROXY_PORT", String.valueOf(taken.getLocalPort()));
            script.environment().put("LOGS", logs.toString());
            script.environment().put("ONCE", "1");
            script.environment().put("JAVA_OPTS", "-Xmx384m");
            Process run = script.start();
            try {
                // generous; the script ends as soon as it sees the proxy gone, long before the nodes are up
                boolean ended = run.waitFor(5, TimeUnit.MINUTES);
                String out = Files.readString(console);
                assertThat(ended).as("the script ended; its output:%n%s", out).isTrue();
                assertThat(run.exitValue()).as(out).isNotZero();
                assertThat(out).contains("haproxy ended; the end of " + logs.resolve("haproxy.log"))
                        .contains("cannot bind socket");
            } finally {
                stop(run);
            }
        }
    }

    /** {@code count} ports, space-separated, as the script takes them. */
    private static String ports(int count, IntSupplier port) {
        return IntStream.range(0, count).mapToObj(i -> String.valueOf(port.getAsInt()))
                .collect(Collectors.joining(" "));
    }
}
