package io.cameliotmp.benchmarks.load;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.cameliotmp.test.FreePorts;

/**
 * Many devices held by a cluster: {@code members} cluster members in JVMs of their own ({@link ClusterMemberMain}) and,
 * for each member, a load generator JVM ({@link LoadGenerator}, simulated gen-2 devices with keep-alives) connecting
 * {@code devicesPerMember} devices straight to it (one process per 19,000 devices: each process may open 20,000
 * files). The devices are held for {@code holdSeconds}; then every member counts the cluster-wide directory. The
 * target: every device connected and held without a failure, and every member's directory naming each device once,
 * on the member it is connected to.
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.cameliotmp.benchmarks.load.ClusterHoldBench \
 *     members=3 devicesPerMember=19000 holdSeconds=300
 * </pre>
 * Writes {@code benchmarks/results/cluster-hold.json} and {@code .md}.
 */
public final class ClusterHoldBench {

    private ClusterHoldBench() {
    }

    public static void main(String[] a) throws Exception {
        Args args = new Args(a);
        int count = args.integer("members", 3);
        int perMember = args.integer("devicesPerMember", 19_000);
        int holdSeconds = args.integer("holdSeconds", 300);
        String memberHeap = args.str("memberHeap", "2g");
        Path results = Path.of(args.str("results", "benchmarks/results"));
        Path logs = results.resolve("logs");
        String load = Machine.loadAverage();
        int[] clusterPorts = new int[count];
        int[] ports = new int[count];
        StringBuilder members = new StringBuilder();
        for (int i = 0; i < count; i++) {
            clusterPorts[i] = ClusterRpcBench.clusterPort();
            ports[i] = FreePorts.next();
            members.append(i == 0 ? "" : ",").append("127.0.0.1:").append(clusterPorts[i]);
        }
        List<Child> servers = new ArrayList<>();
        List<Child> generators = new ArrayList<>();
        long maxSeconds = holdSeconds + 1_800L;
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("scenario", "cluster-hold");
        doc.put("args", args.asMap());
        doc.put("loadAverageAtStart", load);
        doc.put("cpus", Runtime.getRuntime().availableProcessors());
        try {
            for (int i = 0; i < count; i++) {
                String name = "member-" + (char) ('a' + i);
                servers.add(new Child(name, null, List.of("-Xms" + memberHeap, "-Xmx" + memberHeap,
                        "-XX:+UseG1GC", "-Dio.netty.leakDetection.level=disabled",
                        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"), ClusterMemberMain.class.getName(),
                        List.of("cluster=hold-" + ProcessHandle.current().pid(), "member=" + name,
                                "clusterPort=" + clusterPorts[i], "members=" + members, "port=" + ports[i],
                                "expect=" + count, "maxSeconds=" + maxSeconds),
                        logs.resolve("cluster-hold-" + name + ".log")));
            }
            for (Child server : servers) {
                server.await("READY", 180);
            }
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                String prefix = "hold-" + (char) ('a' + i) + "-";
                generators.add(new Child("load-" + (char) ('a' + i), null, List.of("-Xms512m", "-Xmx1g",
                        "-XX:+UseG1GC", "-Dio.netty.leakDetection.level=disabled",
                        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"), LoadGenerator.class.getName(),
                        List.of("protocol=iotmp", "port=" + ports[i], "devices=" + perMember, "prefix=" + prefix,
                                "sources=" + args.integer("sources", 10), "threads=1", "kaEveryMillis=30000",
                                "window=" + args.integer("window", 100), "connectTimeoutSeconds=1200",
                                "maxSeconds=" + maxSeconds),
                        logs.resolve("cluster-hold-load-" + (char) ('a' + i) + ".log")));
            }
            Map<String, Object> connected = new LinkedHashMap<>();
            for (int i = 0; i < count; i++) {
                connected.put("load-" + (char) ('a' + i), generators.get(i).await("CONNECTED", 1_500));
            }
            doc.put("connected", connected);
            doc.put("connectSeconds", (System.nanoTime() - start) / 1e9);
            doc.put("directoryAfterConnect", directories(servers));
            for (Child generator : generators) {
                generator.send("hold " + holdSeconds);
            }
            Map<String, Object> held = new LinkedHashMap<>();
            for (int i = 0; i < count; i++) {
                held.put("load-" + (char) ('a' + i), generators.get(i).await("HELD", holdSeconds + 300));
            }
            doc.put("held", held);
            doc.put("directoryAfterHold", directories(servers));
            Map<String, Object> memory = new LinkedHashMap<>();
            for (int i = 0; i < count; i++) {
                memory.put("member-" + (char) ('a' + i), servers.get(i).call("mem", "MEM", 120));
            }
            doc.put("memberMemory", memory);
            write(results, doc, count, perMember, holdSeconds, load);
        } finally {
            for (Child generator : generators) {
                generator.close();
            }
            for (Child server : servers) {
                server.close();
            }
        }
        System.exit(0);
    }

    private static Map<String, Object> directories(List<Child> servers) throws InterruptedException {
        Map<String, Object> directories = new LinkedHashMap<>();
        for (int i = 0; i < servers.size(); i++) {
            directories.put("member-" + (char) ('a' + i),
                    servers.get(i).call("directory " + ServerMain.USER, "DIRECTORY", 300));
        }
        return directories;
    }

    @SuppressWarnings("unchecked")
    private static void write(Path results, Map<String, Object> doc, int count, int perMember, int holdSeconds,
                              String load) throws IOException {
        long total = (long) count * perMember;
        long failures = 0;
        long connected = 0;
        for (Object c : ((Map<String, Object>) doc.get("connected")).values()) {
            connected += ((Number) ((Map<String, Object>) c).get("connected")).longValue();
            failures += ((Number) ((Map<String, Object>) c).get("failures")).longValue();
        }
        long disconnects = 0;
        long stillConnected = 0;
        for (Object h : ((Map<String, Object>) doc.get("held")).values()) {
            disconnects += ((Number) ((Map<String, Object>) h).get("disconnectsDuringHold")).longValue();
            stillConnected += ((Number) ((Map<String, Object>) h).get("stillConnected")).longValue();
        }
        boolean directoryCorrect = true;
        StringBuilder rows = new StringBuilder();
        for (Map.Entry<String, Object> d : ((Map<String, Object>) doc.get("directoryAfterHold")).entrySet()) {
            Map<String, Object> directory = (Map<String, Object>) d.getValue();
            Map<String, Object> byMember = (Map<String, Object>) directory.get("byMember");
            boolean correct = ((Number) directory.get("entries")).longValue() == total
                              && ((Number) directory.get("distinct")).longValue() == total
                              && byMember.size() == count
                              && byMember.values().stream().allMatch(n -> ((Number) n).longValue() == perMember);
            directoryCorrect &= correct;
            rows.append(String.format("| %s | %s | %s | %s | %s |%n", d.getKey(), directory.get("entries"),
                    directory.get("distinct"), byMember, correct ? "yes" : "no"));
        }
        boolean met = connected == total && failures == 0 && disconnects == 0 && stillConnected == total
                      && directoryCorrect;
        doc.put("devices", total);
        doc.put("connectFailures", failures);
        doc.put("disconnectsDuringHold", disconnects);
        doc.put("stillConnected", stillConnected);
        doc.put("directoryCorrect", directoryCorrect);
        doc.put("targetMet", met);
        StringBuilder md = new StringBuilder("# Devices held by a cluster\n\n");
        md.append(String.format("%d members in JVMs of their own, %d devices each from a load generator JVM per "
                                + "member (%d in all), held for %d s. Load average at start: %s on %d CPUs.%n%n",
                count, perMember, total, holdSeconds, load, Runtime.getRuntime().availableProcessors()));
        md.append(String.format("Connected %d of %d in %.0f s (%d failed); during the hold %d disconnects, %d still "
                                + "connected at the end.%n%n", connected, total,
                ((Number) doc.get("connectSeconds")).doubleValue(), failures, disconnects, stillConnected));
        md.append("| Directory read on | entries | distinct devices | by holder | correct |\n|---|---|---|---|---|\n");
        md.append(rows);
        md.append(String.format("%nTarget (%d devices on %d members for %d s, 0 failures, directory correct on every "
                                + "member): %s.%n", total, count, holdSeconds, met ? "met" : "not met"));
        ResultFiles.write(results, "cluster-hold", doc, md);
    }
}
