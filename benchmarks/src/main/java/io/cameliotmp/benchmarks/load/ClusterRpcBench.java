package io.cameliotmp.benchmarks.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.cluster.ClusterOptions;
import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.test.FreePorts;

/**
 * Cross-node against local serial RPC: two cluster members in separate JVMs on loopback ({@link ClusterMemberMain}),
 * one device connected to member A (in this JVM), and the same serial calls made from member A (local) and from
 * member B (forwarded to A), alternating which goes first in each run. Reports the medians over the runs of each
 * side's p50 and p99 and their ratios, against the target "cross-node p50 ≤ 2× local p50, p99 ≤ 2× local p99".
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.cameliotmp.benchmarks.load.ClusterRpcBench runs=5 count=20000
 * </pre>
 * Writes {@code benchmarks/results/cluster-rpc.json} and {@code .md}.
 */
public final class ClusterRpcBench {

    private ClusterRpcBench() {
    }

    public static void main(String[] a) throws Exception {
        Args args = new Args(a);
        int runs = args.integer("runs", 5);
        int warmup = args.integer("warmup", 5000);
        int count = args.integer("count", 20000);
        Path results = Path.of(args.str("results", "benchmarks/results"));
        String memberJvm = args.str("memberJvm", "");
        int[] clusterPorts = {clusterPort(), clusterPort()};
        int[] ports = {FreePorts.next(), FreePorts.next()};
        String members = "127.0.0.1:" + clusterPorts[0] + ",127.0.0.1:" + clusterPorts[1];
        String load = Machine.loadAverage();
        List<Member> started = new ArrayList<>();
        IotmpDevice device = null;
        try {
            for (int i = 0; i < 2; i++) {
                String name = "member-" + (char) ('a' + i);
                List<String> command = new ArrayList<>(List.of("java", "-Xmx512m"));
                if (!memberJvm.isEmpty()) {
                    // e.g. memberJvm=-XX:StartFlightRecording=filename=/tmp/{member}.jfr,settings=profile
                    command.add(memberJvm.replace("{member}", name));
                }
                command.addAll(List.of("-cp", System.getProperty("java.class.path"),
                        ClusterMemberMain.class.getName(), "cluster=bench-" + ProcessHandle.current().pid(),
                        "member=" + name, "clusterPort=" + clusterPorts[i], "members=" + members,
                        "port=" + ports[i], "expect=2"));
                started.add(new Member(name, command));
            }
            for (Member m : started) {
                m.await("READY");
            }
            Member local = started.get(0);
            Member remote = started.get(1);
            device = IotmpDevice.builder().host("127.0.0.1").port(ports[0])
                    .credentials(ServerMain.USER, "dev-1", ServerMain.CREDENTIAL).build();
            device.resource("echo").inputOutput(input -> input);
            device.start().toCompletableFuture().get(60, TimeUnit.SECONDS);
            for (Member m : started) {
                m.send("locate " + ServerMain.USER + " dev-1");
                Bench.log(m.name + " sees the device on " + m.await("LOCATED").get("holder"));
            }
            List<Map<String, Object>> localRuns = new ArrayList<>();
            List<Map<String, Object>> remoteRuns = new ArrayList<>();
            String command = "serial " + ServerMain.USER + " dev-1 " + warmup + " " + count;
            for (int r = 0; r < runs; r++) {
                Member first = r % 2 == 0 ? local : remote;
                Member second = first == local ? remote : local;
                for (Member m : List.of(first, second)) {
                    m.send(command);
                    Map<String, Object> rpc = m.await("RPC");
                    (m == local ? localRuns : remoteRuns).add(rpc);
                    Bench.log("run " + (r + 1) + "/" + runs + " " + (m == local ? "local " : "remote") + " " + rpc);
                }
            }
            write(results, runs, warmup, count, load, localRuns, remoteRuns);
        } finally {
            if (device != null) {
                device.close();
            }
            for (Member m : started) {
                m.quit();
            }
        }
        System.exit(0);
    }

    private static void write(Path results, int runs, int warmup, int count, String load,
                              List<Map<String, Object>> localRuns, List<Map<String, Object>> remoteRuns)
            throws IOException {
        double localP50 = median(localRuns, "p50");
        double localP99 = median(localRuns, "p99");
        double remoteP50 = median(remoteRuns, "p50");
        double remoteP99 = median(remoteRuns, "p99");
        double p50Ratio = remoteP50 / localP50;
        double p99Ratio = remoteP99 / localP99;
        boolean met = p50Ratio <= 2 && p99Ratio <= 2;
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("scenario", "cluster-rpc");
        doc.put("runs", runs);
        doc.put("warmup", warmup);
        doc.put("callsPerRun", count);
        doc.put("loadAverageAtStart", load);
        doc.put("cpus", Runtime.getRuntime().availableProcessors());
        doc.put("local", localRuns);
        doc.put("crossNode", remoteRuns);
        doc.put("medianMicros", Map.of("localP50", localP50, "localP99", localP99, "crossNodeP50", remoteP50,
                "crossNodeP99", remoteP99));
        doc.put("p50Ratio", p50Ratio);
        doc.put("p99Ratio", p99Ratio);
        doc.put("targetMet", met);
        StringBuilder md = new StringBuilder();
        md.append("# Cross-node against local serial RPC\n\n");
        md.append(String.format("Two members in separate JVMs on loopback, one device on member A; %d serial RUN "
                                + "calls per run after %d of warm-up, %d runs, medians over the runs. Load average "
                                + "at start: %s on %d CPUs.%n%n", count, warmup, runs, load,
                Runtime.getRuntime().availableProcessors()));
        md.append("| Calls from | p50 (µs) | p99 (µs) | failed |\n|---|---|---|---|\n");
        md.append(String.format("| member A (local) | %.0f | %.0f | %d |%n", localP50, localP99,
                failed(localRuns)));
        md.append(String.format("| member B (cross-node) | %.0f | %.0f | %d |%n", remoteP50, remoteP99,
                failed(remoteRuns)));
        md.append(String.format("%nRatios: p50 %.2f×, p99 %.2f×. Target (p50 ≤ 2×, p99 ≤ 2×): %s.%n", p50Ratio,
                p99Ratio, met ? "met" : "not met"));
        ResultFiles.write(results, "cluster-rpc", doc, md);
    }

    private static double median(List<Map<String, Object>> runs, String key) {
        double[] v = runs.stream().mapToDouble(m -> ((Number) m.get(key)).doubleValue()).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static long failed(List<Map<String, Object>> runs) {
        return runs.stream().mapToLong(m -> ((Number) m.get("failed")).longValue()).sum();
    }

    /** A free port for a member, with its failure detector's port (the default offset) free too. */
    static int clusterPort() {
        return FreePorts.clusterPort(ClusterOptions.DEFAULT_FD_PORT_OFFSET);
    }

    /** A member process: commands on its standard input, {@code @TAG {json}} results on its standard output. */
    private static final class Member {
        private final String name;
        private final Process process;
        private final PrintWriter in;
        private final BufferedReader out;

        Member(String name, List<String> command) throws IOException {
            this.name = name;
            this.process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            this.in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
            this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        }

        void send(String command) {
            in.println(command);
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> await(String tag) throws IOException {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                if (line.startsWith("@" + tag + " ")) {
                    return Proto.JSON.readValue(line.substring(tag.length() + 2), Map.class);
                }
            }
            throw new IOException(name + " ended before @" + tag);
        }

        void quit() throws InterruptedException {
            send("quit");
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
