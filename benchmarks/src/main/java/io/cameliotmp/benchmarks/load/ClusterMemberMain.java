package io.cameliotmp.benchmarks.load;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.cluster.ClusterOptions;
import io.cameliotmp.cluster.InfinispanCluster;
import io.cameliotmp.server.DeviceId;
import io.cameliotmp.server.DeviceRequest;
import io.cameliotmp.server.DirectoryEntry;
import io.cameliotmp.server.IotmpServer;
import io.cameliotmp.server.IotmpServerConfig;
import io.cameliotmp.server.ServerLimits;
import io.cameliotmp.server.StaticAuthenticator;

/**
 * One cluster member of the cross-node RPC scenario ({@link ClusterRpcBench}), one per process: an
 * {@link IotmpServer} with an {@link InfinispanCluster}. Prints {@code @READY} once the view has {@code expect}
 * members, then obeys the orchestrator on standard input:
 * <pre>
 * locate USER DEVICE               waits until the directory knows the device      → @LOCATED
 * serial USER DEVICE WARMUP COUNT  serial RUN calls of the device's echo resource  → @RPC (micros)
 * holders USER PREFIX COUNT        waits until the directory knows PREFIX0 … PREFIX(COUNT-1); their holders
 *                                                                                  → @HOLDERS
 * directory USER                   the directory's entries, counted by holder     → @DIRECTORY
 * openloop USER PREFIX COUNT RATE SECONDS TIMEOUT_MS
 *                                  open-loop calls in the background ({@link OpenLoopCaller}) → @OPENLOOP
 * mem                              heap after a full GC                            → @MEM
 * quit
 * </pre>
 * A call is {@link IotmpServer#send}: local when the device is connected to this member, forwarded otherwise.
 */
public final class ClusterMemberMain {

    private ClusterMemberMain() {
    }

    public static void main(String[] a) throws Exception {
        Args args = new Args(a);
        Proto.watchdog(args.lng("maxSeconds", 1800));
        String member = args.str("member", "member-0");
        ClusterOptions options = ClusterOptions.of(args.str("cluster", "bench"), args.integer("clusterPort", 7800),
                args.str("members", "127.0.0.1:7800")).withMemberName(member).withBindAddress("127.0.0.1");
        InfinispanCluster cluster = new InfinispanCluster(options);
        IotmpServer server = new IotmpServer(IotmpServerConfig.builder().host("127.0.0.1")
                .port(args.integer("port", 25204)).nativeTransport(false)
                .authenticator(StaticAuthenticator.parse(ServerMain.USER + "/*=" + ServerMain.CREDENTIAL))
                // every simulated device comes from the load generator's one address
                .limits(ServerLimits.builder().maxConnectionsPerSecondPerAddress(0).build())
                .cluster(cluster).build());
        server.start();
        int expect = args.integer("expect", 2);
        while (cluster.members().size() < expect) {
            TimeUnit.MILLISECONDS.sleep(50);
        }
        Proto.emit("READY", Proto.map("member", member, "members", cluster.members(),
                "pid", ProcessHandle.current().pid()));
        for (String line = Proto.command(); !line.equals("quit"); line = Proto.command()) {
            String[] c = line.split(" ");
            if (c[0].equals("mem")) {
                Proto.emit("MEM", Mem.afterFullGc());
                continue;
            } else if (c[0].equals("directory")) {
                Proto.emit("DIRECTORY", directory(server, c[1]));
                continue;
            }
            DeviceId device = new DeviceId(c[1], c[2]);
            if (c[0].equals("holders")) {
                Proto.emit("HOLDERS", holders(server, c[1], c[2], Integer.parseInt(c[3])));
            } else if (c[0].equals("openloop")) {
                OpenLoopCaller caller = new OpenLoopCaller(server, c[1], c[2], Integer.parseInt(c[3]),
                        Integer.parseInt(c[4]), Integer.parseInt(c[5]), Long.parseLong(c[6]));
                Thread thread = new Thread(() -> {
                    try {
                        Proto.emit("OPENLOOP", caller.run());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, "open-loop");
                thread.start();
            } else if (c[0].equals("locate")) {
                while (server.locate(device).isEmpty()) {
                    TimeUnit.MILLISECONDS.sleep(20);
                }
                Proto.emit("LOCATED", Proto.map("holder", server.locate(device).orElseThrow().member()));
            } else if (c[0].equals("serial")) {
                serial(server, device, Integer.parseInt(c[3]), Integer.parseInt(c[4]));
            }
        }
        server.stop();
        System.exit(0);
    }

    /** Waits until every device is in the directory; which member holds each. */
    private static Map<String, String> holders(IotmpServer server, String user, String prefix, int count)
            throws InterruptedException {
        Map<String, String> holders = new TreeMap<>();
        for (int d = 0; d < count; d++) {
            DeviceId device = new DeviceId(user, prefix + d);
            Optional<DirectoryEntry> entry = server.locate(device);
            while (entry.isEmpty()) {
                TimeUnit.MILLISECONDS.sleep(20);
                entry = server.locate(device);
            }
            holders.put(device.device(), entry.get().member());
        }
        return holders;
    }

    /** The cluster-wide directory as this member reads it: how many entries, by holder. */
    private static Map<String, Object> directory(IotmpServer server, String user) {
        List<DirectoryEntry> entries = server.devices(user);
        Map<String, Long> byMember = new TreeMap<>();
        for (DirectoryEntry entry : entries) {
            byMember.merge(entry.member(), 1L, Long::sum);
        }
        return Proto.map("entries", entries.size(), "distinct",
                entries.stream().map(DirectoryEntry::deviceId).distinct().count(), "byMember", byMember);
    }

    /** Calls one after the other; latencies of the measured calls only, in microseconds. */
    private static void serial(IotmpServer server, DeviceId device, int warmup, int count) throws Exception {
        long[] nanos = new long[count];
        int failed = 0;
        for (int i = -warmup; i < count; i++) {
            long start = System.nanoTime();
            try {
                server.send(device, DeviceRequest.run("echo", ServerMain.INPUT), Duration.ofSeconds(10))
                        .get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                failed++;
            }
            if (i >= 0) {
                nanos[i] = System.nanoTime() - start;
            }
        }
        Arrays.sort(nanos);
        Proto.emit("RPC", Proto.map("count", count, "failed", failed,
                "p50", nanos[(int) (count * 0.50)] / 1000.0, "p99", nanos[(int) (count * 0.99)] / 1000.0,
                "p999", nanos[(int) (count * 0.999)] / 1000.0, "max", nanos[count - 1] / 1000.0));
    }
}
