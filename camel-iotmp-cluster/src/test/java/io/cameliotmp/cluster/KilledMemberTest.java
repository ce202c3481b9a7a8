package io.cameliotmp.cluster;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.server.DeviceDisconnectedException;
import io.cameliotmp.server.DeviceId;
import io.cameliotmp.server.DeviceReply;
import io.cameliotmp.server.DeviceRequest;
import io.cameliotmp.server.IotmpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.cluster.ClusterNodes.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A member in a JVM of its own is killed (SIGKILL, no goodbye) while calls to its device are in flight: the calls fail
 * at once with {@link DeviceDisconnectedException}, not at their five-minute timeout, and its device leaves the
 * directory of the survivors.
 */
class KilledMemberTest {

    private final ClusterNodes nodes = new ClusterNodes();
    private final ExecutorService handlers = Executors.newCachedThreadPool();
    private final CountDownLatch never = new CountDownLatch(1);
    private Process member;

    @AfterEach
    void close() {
        never.countDown();
        if (member != null) {
            member.destroyForcibly();
        }
        nodes.close();
        handlers.shutdownNow();
    }

    @Test
    void callsToAKilledMemberFailAtOnceAndItsDevicesLeaveTheDirectory() throws Exception {
        List<IotmpServer> survivors = nodes.start(2);
        int port = ClusterNodes.clusterPort();
        StringBuilder members = new StringBuilder("127.0.0.1:" + port);
        for (IotmpServer survivor : survivors) {
            members.append(",127.0.0.1:").append(ClusterNodes.cluster(survivor).options().port());
        }
        String cluster = ClusterNodes.cluster(survivors.get(0)).options().name();
        member = memberProcess(cluster, port, members.toString());
        killWithCallsInFlight(survivors, readyPort(member));
    }

    /**
     * The same when the killed member is the coordinator (it started first, so it is the oldest of the view): the
     * member that becomes coordinator removes the dead one's devices, as the coordinator does for any other member.
     */
    @Test
    void whenTheKilledMemberWasTheCoordinatorTheNewCoordinatorCleansUp() throws Exception {
        int port = ClusterNodes.clusterPort();
        member = memberProcess(nodes.clusterName(), port, "127.0.0.1:" + port);
        int devicePort = readyPort(member);
        List<IotmpServer> survivors = nodes.outsideMember(port).start(2);
        eventually().until(() -> survivors.stream().allMatch(s -> ClusterNodes.cluster(s).members().size() == 3));
        assertThat(ClusterNodes.cluster(survivors.get(0)).members().get(0)).as("the coordinator")
                .isEqualTo("separate");
        killWithCallsInFlight(survivors, devicePort);
    }

    private static Process memberProcess(String cluster, int port, String members) throws java.io.IOException {
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), MemberProcess.class.getName(),
                cluster, "separate", String.valueOf(port), members)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    /** A device on the member process, two calls from the survivors hanging in it, then SIGKILL. */
    private void killWithCallsInFlight(List<IotmpServer> survivors, int devicePort) throws Exception {
        eventually().until(() -> survivors.stream().allMatch(s -> ClusterNodes.cluster(s).members().size() == 3));

        CountDownLatch reached = new CountDownLatch(2);
        nodes.hangingDevice(devicePort, "far", handlers, reached, never).start().toCompletableFuture().join();
        DeviceId far = new DeviceId("alice", "far");
        eventually().until(() -> survivors.stream().allMatch(s -> s.locate(far).isPresent()));

        Duration longTimeout = Duration.ofMinutes(5);
        CompletableFuture<DeviceReply> first = survivors.get(0).send(far, DeviceRequest.run("hang", null),
                longTimeout);
        CompletableFuture<DeviceReply> second = survivors.get(1).send(far, DeviceRequest.run("hang", null),
                longTimeout);
        assertThat(reached.await(60, TimeUnit.SECONDS)).isTrue();

        member.destroyForcibly();

        for (CompletableFuture<DeviceReply> call : List.of(first, second)) {
            assertThat(call).failsWithin(60, TimeUnit.SECONDS).withThrowableOfType(Exception.class)
                    .withCauseInstanceOf(DeviceDisconnectedException.class);
        }
        eventually().until(() -> survivors.stream().allMatch(s -> s.locate(far).isEmpty()
                                                                  && ClusterNodes.cluster(s).members().size() == 2));
    }

    private static int readyPort(Process process) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
        CompletableFuture<Integer> ready = CompletableFuture.supplyAsync(() -> {
            try {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    if (line.startsWith("READY ")) {
                        return Integer.parseInt(line.substring("READY ".length()).trim());
                    }
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            throw new IllegalStateException("the member process ended before it was ready");
        });
        return ready.get(120, TimeUnit.SECONDS);
    }
}
