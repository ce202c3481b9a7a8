package io.cameliotmp.cluster;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.server.DeviceId;
import io.cameliotmp.server.DeviceRequest;
import io.cameliotmp.server.DirectoryEntry;
import io.cameliotmp.server.IotmpServer;
import io.cameliotmp.test.FreePorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.cameliotmp.cluster.ClusterNodes.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The deployment of {@code examples/iotmp-cluster} as a test: Debian's HAProxy in TCP mode in front of three members,
 * devices that know only the proxy's address, calls from every member to every device, and a member stopped: its
 * devices reconnect through the proxy to the others and are callable from every survivor.
 */
class HaproxyFrontedClusterTest {

    private static final int DEVICES = 6;

    private final ClusterNodes nodes = new ClusterNodes();
    private Process haproxy;

    @TempDir
    Path dir;

    @AfterEach
    void close() throws InterruptedException {
        if (haproxy != null) {
            haproxy.destroy();
            haproxy.waitFor(30, TimeUnit.SECONDS);
        }
        nodes.close();
    }

    @Test
    void devicesBehindTheProxyAreReachableFromEveryMemberAndMoveWhenTheirMemberStops() throws Exception {
        List<IotmpServer> members = nodes.start(3);
        int proxyPort = startHaproxy(members);

        for (int i = 0; i < DEVICES; i++) {
            IotmpDevice device = IotmpDevice.builder().host("127.0.0.1").port(proxyPort)
                    .credentials("alice", "device-" + i, "s3cr3t")
                    .reconnectBackoff(Duration.ofMillis(100), Duration.ofSeconds(1)).build();
            device.resource("temperature").output(() -> 21L);
            nodes.track(device).start();
        }
        eventually().until(() -> members.stream().allMatch(m -> m.devices("alice").size() == DEVICES));
        // round robin: the proxy spread the devices over every member
        Set<String> holders = new HashSet<>();
        members.get(0).devices("alice").forEach(entry -> holders.add(entry.member()));
        assertThat(holders).containsExactlyInAnyOrder("member-0", "member-1", "member-2");
        for (IotmpServer caller : members) {
            for (int i = 0; i < DEVICES; i++) {
                assertThat(caller.send(new DeviceId("alice", "device-" + i), DeviceRequest.run("temperature", null),
                        null).get(30, TimeUnit.SECONDS).payload()).isEqualTo(21L);
            }
        }

        // member-1 goes away: its devices reconnect through the proxy, which sends them to the others
        IotmpServer stopped = members.get(1);
        stopped.stop();
        List<IotmpServer> survivors = List.of(members.get(0), members.get(2));
        eventually().until(() -> survivors.stream().allMatch(m -> m.devices("alice").size() == DEVICES
                                                                  && m.devices("alice").stream().map(
                                                                          DirectoryEntry::member).noneMatch(
                                                                                  "member-1"::equals)));
        for (IotmpServer caller : survivors) {
            for (int i = 0; i < DEVICES; i++) {
                assertThat(caller.send(new DeviceId("alice", "device-" + i), DeviceRequest.run("temperature", null),
                        null).get(30, TimeUnit.SECONDS).payload()).isEqualTo(21L);
            }
        }
    }

    /** HAProxy in TCP mode on a free port, round robin over the members' IOTMP ports, health-checked. */
    private int startHaproxy(List<IotmpServer> members) throws IOException {
        int port = FreePorts.next();
        StringBuilder config = new StringBuilder("""
                defaults
                    mode tcp
                    timeout connect 5s
                    timeout client 3m
                    timeout server 3m
                    # a connection refused by a stopped member is tried once more on another
                    retries 2
                    option redispatch
                frontend iotmp
                    bind 127.0.0.1:%d
                    default_backend members
                backend members
                    balance roundrobin
                """.formatted(port));
        for (int i = 0; i < members.size(); i++) {
            config.append("    server member-").append(i).append(" 127.0.0.1:")
                    .append(members.get(i).localAddress().getPort()).append(" check inter 200ms fall 1 rise 1\n");
        }
        Path file = Files.writeString(dir.resolve("haproxy.cfg"), config);
        try {
            haproxy = new ProcessBuilder("haproxy", "-f", file.toString(), "-db")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("haproxy.log").toFile()).start();
        } catch (IOException e) {
            throw new IllegalStateException("this test needs HAProxy on the PATH (Debian: apt-get install haproxy;"
                                            + " .ci/run installs it)", e);
        }
        eventually().until(() -> listening(port) || !haproxy.isAlive());
        assertThat(haproxy.isAlive()).as("haproxy runs; its log: %s", dir.resolve("haproxy.log")).isTrue();
        return port;
    }

    private static boolean listening(int port) {
        try (java.net.Socket socket = new java.net.Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
