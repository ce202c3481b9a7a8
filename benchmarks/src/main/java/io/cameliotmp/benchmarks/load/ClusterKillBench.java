package io.cameliotmp.benchmarks.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.test.FreePorts;
import io.netty.channel.nio.NioEventLoopGroup;

/**
 * A member killed under open-loop load: three cluster members in JVMs of their own ({@link ClusterMemberMain}) behind
 * HAProxy in TCP mode (as {@code examples/iotmp-cluster} deploys them), devices (in this JVM) connected through the
 * proxy and so spread over the members, and open-loop RUN calls ({@link OpenLoopCaller}) from the two members that
 * survive, to every device, at {@code rate} calls/s in all. After {@code killAfter} seconds member A is killed
 * (SIGKILL). Reports every call's outcome (answered, typed failure, untyped failure, no outcome) and, for each device
 * that was on member A, how long after the kill calls to it from each survivor succeeded again, against the target
 * "within the device's reconnect backoff + 2 s".
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.cameliotmp.benchmarks.load.ClusterKillBench \
 *     devices=300 rate=5000 seconds=30 killAfter=10 backoffMillis=1000
 * </pre>
 * Needs {@code haproxy} on the PATH. Writes {@code benchmarks/results/cluster-kill.json} and {@code .md}.
 */
public final class ClusterKillBench {

    private static final String PREFIX = "kill-";

    private ClusterKillBench() {
    }

    public static void main(String[] a) throws Exception {
        Args args = new Args(a);
        int devices = args.integer("devices", 300);
        int rate = args.integer("rate", 5000);
        int seconds = args.integer("seconds", 30);
        int killAfter = args.integer("killAfter", 10);
        long backoffMillis = args.lng("backoffMillis", 1000);
        long timeoutMillis = args.lng("timeoutMillis", 5000);
        Path results = Path.of(args.str("results", "benchmarks/results"));
        Path logs = results.resolve("logs");
        String memberJvm = args.str("memberJvm", "");
        String load = Machine.loadAverage();
        int[] clusterPorts = {ClusterRpcBench.clusterPort(), ClusterRpcBench.clusterPort(),
            ClusterRpcBench.clusterPort()};
        int[] ports = {FreePorts.next(), FreePorts.next(), FreePorts.next()};
        String members = "127.0.0.1:" + clusterPorts[0] + ",127.0.0.1:" + clusterPorts[1] + ",127.0.0.1:"
                         + clusterPorts[2];
        List<Child> started = new ArrayList<>();
        List<IotmpDevice> fleet = new ArrayList<>();
        NioEventLoopGroup loops = new NioEventLoopGroup(2);
        Process haproxy = null;
        try {
            for (int i = 0; i < 3; i++) {
                String name = "member-" + (char) ('a' + i);
                // the cluster's view changes, with times, in the member's log
                List<String> jvm = new ArrayList<>(List.of("-Xmx1g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                        "-Dorg.slf4j.simpleLogger.log.io.cameliotmp.cluster=info",
                        "-Dorg.slf4j.simpleLogger.showDateTime=true",
                        "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS"));
                if (!memberJvm.isEmpty()) {
                    // e.g. memberJvm=-XX:StartFlightRecording=filename=/tmp/{member}.jfr,settings=profile
                    jvm.add(memberJvm.replace("{member}", name));
                }
                started.add(new Child(name, null, jvm,
                        ClusterMemberMain.class.getName(), List.of("cluster=kill-" + ProcessHandle.current().pid(),
                        "member=" + name, "clusterPort=" + clusterPorts[i], "members=" + members,
                        "port=" + ports[i], "expect=3", "maxSeconds=900"), logs.resolve("cluster-kill-" + name
                                                                                           + ".log")));
            }
            for (Child member : started) {
                member.await("READY", 120);
            }
            int proxyPort = FreePorts.next();
            haproxy = startHaproxy(proxyPort, ports, logs);
            // every connection of each device, so the first one after the kill can be told
            Map<String, List<Long>> connectedAt = new ConcurrentHashMap<>();
            for (int d = 0; d < devices; d++) {
                String name = PREFIX + d;
                IotmpDevice device = IotmpDevice.builder().host("127.0.0.1").port(proxyPort)
                        .credentials(ServerMain.USER, name, ServerMain.CREDENTIAL).eventLoopGroup(loops)
                        .reconnectBackoff(Duration.ofMillis(backoffMillis), Duration.ofMillis(backoffMillis))
                        .build();
                device.resource("echo").inputOutput(input -> input);
                device.onConnected(() -> connectedAt.computeIfAbsent(name, n -> new CopyOnWriteArrayList<>())
                        .add(System.currentTimeMillis()));
                fleet.add(device);
                device.start().toCompletableFuture().get(60, TimeUnit.SECONDS);
            }
            Child victim = started.get(0);
            Map<String, Object> before = started.get(1).call("holders " + ServerMain.USER + " " + PREFIX + " "
                                                             + devices, "HOLDERS", 300);
            List<String> onVictim = new ArrayList<>();
            before.forEach((device, member) -> {
                if ("member-a".equals(member)) {
                    onVictim.add(device);
                }
            });
            Bench.log(onVictim.size() + " of " + devices + " devices on member-a before the kill");
            String command = "openloop " + ServerMain.USER + " " + PREFIX + " " + devices + " " + rate / 2 + " "
                             + seconds + " " + timeoutMillis;
            List<Child> survivors = started.subList(1, 3);
            for (Child survivor : survivors) {
                survivor.send(command);
            }
            TimeUnit.SECONDS.sleep(killAfter);
            long killedAt = System.currentTimeMillis();
            victim.kill();
            Bench.log("killed member-a at " + killedAt + " (" + java.time.Instant.ofEpochMilli(killedAt) + ")");
            Map<String, Map<String, Object>> outcomes = new LinkedHashMap<>();
            for (Child survivor : survivors) {
                outcomes.put(survivor == survivors.get(0) ? "member-b" : "member-c",
                        survivor.await("OPENLOOP", seconds + timeoutMillis / 1000 + 120));
            }
            Map<String, Object> after = started.get(1).call("holders " + ServerMain.USER + " " + PREFIX + " "
                                                            + devices, "HOLDERS", 60);
            Map<String, Object> directoryB = started.get(1).call("directory " + ServerMain.USER, "DIRECTORY", 60);
            Map<String, Object> directoryC = started.get(2).call("directory " + ServerMain.USER, "DIRECTORY", 60);
            write(results, args, load, killedAt, backoffMillis, onVictim, connectedAt, outcomes,
                    after, directoryB, directoryC);
        } finally {
            for (IotmpDevice device : fleet) {
                device.close();
            }
            loops.shutdownGracefully();
            for (Child member : started) {
                member.close();
            }
            if (haproxy != null) {
                haproxy.destroy();
            }
        }
        System.exit(0);
    }

    @SuppressWarnings("unchecked")
    private static void write(Path results, Args args, String load, long killedAt, long backoffMillis,
                              List<String> onVictim, Map<String, List<Long>> connectedAt,
                              Map<String, Map<String, Object>> outcomes, Map<String, Object> after,
                              Map<String, Object> directoryB, Map<String, Object> directoryC) throws IOException {
        long bound = backoffMillis + 2_000;
        Map<String, Object> recovery = new TreeMap<>();
        long worstCallable = 0;
        long worstReconnect = 0;
        long worstAfterReconnect = 0;
        int unrecovered = 0;
        int reconnectsAfterKill = 0;
        for (String device : onVictim) {
            List<Long> since = connectedAt.getOrDefault(device, List.of()).stream().filter(t -> t >= killedAt)
                    .toList();
            reconnectsAfterKill += since.size();
            long reconnected = since.isEmpty() ? Long.MAX_VALUE : since.get(0) - killedAt;
            worstReconnect = Math.max(worstReconnect, reconnected);
            Map<String, Object> perCaller = new LinkedHashMap<>();
            perCaller.put("reconnectedAfterMillis", reconnected);
            perCaller.put("connectionsAfterKill", since.size());
            for (Map.Entry<String, Map<String, Object>> caller : outcomes.entrySet()) {
                Map<String, Object> failed = (Map<String, Object>) ((Map<String, Object>) caller.getValue()
                        .get("devicesWithFailures")).get(device);
                long callable = 0;
                if (failed != null) {
                    long recoveredAt = ((Number) failed.get("recoveredAt")).longValue();
                    if (recoveredAt == 0) {
                        unrecovered++;
                        callable = Long.MAX_VALUE;
                    } else {
                        callable = recoveredAt - killedAt;
                    }
                }
                perCaller.put(caller.getKey() + "CallableAfterMillis", callable);
                worstCallable = Math.max(worstCallable, callable);
                if (callable != Long.MAX_VALUE) {
                    worstAfterReconnect = Math.max(worstAfterReconnect, callable - reconnected);
                }
            }
            recovery.put(device, perCaller);
        }
        long calls = 0;
        long ok = 0;
        long typed = 0;
        long untyped = 0;
        long none = 0;
        for (Map<String, Object> o : outcomes.values()) {
            calls += ((Number) o.get("calls")).longValue();
            ok += ((Number) o.get("ok")).longValue();
            typed += ((Number) o.get("typedFailures")).longValue();
            untyped += ((Number) o.get("untypedFailures")).longValue();
            none += ((Number) o.get("noOutcome")).longValue();
        }
        long stillOnVictim = after.values().stream().filter("member-a"::equals).count();
        boolean met = none == 0 && untyped == 0 && unrecovered == 0 && worstCallable <= bound;
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("scenario", "cluster-kill");
        doc.put("args", args.asMap());
        doc.put("loadAverageAtStart", load);
        doc.put("cpus", Runtime.getRuntime().availableProcessors());
        doc.put("killedAtEpochMillis", killedAt);
        doc.put("devicesOnKilledMember", onVictim.size());
        doc.put("calls", calls);
        doc.put("answered", ok);
        doc.put("typedFailures", typed);
        doc.put("untypedFailures", untyped);
        doc.put("noOutcome", none);
        doc.put("worstReconnectAfterKillMillis", worstReconnect);
        doc.put("connectionsAfterKillOfItsDevices", reconnectsAfterKill);
        doc.put("worstCallableAfterKillMillis", worstCallable);
        doc.put("worstCallableAfterReconnectMillis", worstAfterReconnect);
        doc.put("boundMillis", bound);
        doc.put("devicesNeverCallableAgain", unrecovered);
        doc.put("devicesStillListedOnKilledMember", stillOnVictim);
        doc.put("directoryOnMemberB", directoryB);
        doc.put("directoryOnMemberC", directoryC);
        doc.put("targetMet", met);
        doc.put("callers", outcomes);
        doc.put("recovery", recovery);
        StringBuilder md = new StringBuilder("# A member killed under open-loop load\n\n");
        md.append(String.format("Three members in JVMs of their own behind HAProxy (TCP mode), %d devices through the "
                                + "proxy, open-loop RUN calls at %s calls/s from members B and C for %s s; member A "
                                + "killed (SIGKILL) after %s s. Device reconnect backoff %d ms. Load average at "
                                + "start: %s on %d CPUs.%n%n", args.integer("devices", 300), args.str("rate", "5000"),
                args.str("seconds", "30"), args.str("killAfter", "10"), backoffMillis, load,
                Runtime.getRuntime().availableProcessors()));
        md.append("| Caller | calls | answered | typed failures | untyped failures | no outcome | "
                  + "achieved rate | answered p50 / p99 (ms) | failures by type |\n"
                  + "|---|---|---|---|---|---|---|---|---|\n");
        for (Map.Entry<String, Map<String, Object>> caller : outcomes.entrySet()) {
            Map<String, Object> o = caller.getValue();
            md.append(String.format("| %s | %s | %s | %s | %s | %s | %s/s | %.1f / %.1f | %s |%n", caller.getKey(),
                    o.get("calls"), o.get("ok"), o.get("typedFailures"), o.get("untypedFailures"),
                    o.get("noOutcome"), o.get("achievedRate"), ((Number) o.get("okP50Micros")).doubleValue() / 1000,
                    ((Number) o.get("okP99Micros")).doubleValue() / 1000, o.get("failuresByType")));
        }
        md.append(String.format("%n%d devices were on member A (%d connections of theirs after the kill). After the "
                                + "kill: the slowest reconnected (through the proxy, to B or C) %d ms after it, and "
                                + "the slowest was callable again from both survivors %d ms after the kill (at most "
                                + "%d ms after its reconnection); bound (backoff + 2 s) %d ms. Devices never callable "
                                + "again: %d. Directory afterwards: "
                                + "%s entries on B, %s on C, %d still naming member A.%n%n",
                onVictim.size(), reconnectsAfterKill, worstReconnect, worstCallable, worstAfterReconnect, bound,
                unrecovered, directoryB.get("entries"), directoryC.get("entries"), stillOnVictim));
        md.append(String.format("Target (0 calls without an outcome, every failure typed, callable again within "
                                + "backoff + 2 s): %s.%n", met ? "met" : "not met"));
        ResultFiles.write(results, "cluster-kill", doc, md);
    }

    /** HAProxy in TCP mode, round robin over the members, health-checked every 200 ms (examples/iotmp-cluster). */
    private static Process startHaproxy(int port, int[] members, Path logs) throws Exception {
        StringBuilder config = new StringBuilder("""
                defaults
                    mode tcp
                    timeout connect 5s
                    timeout client 3m
                    timeout server 3m
                    retries 2
                    option redispatch
                frontend iotmp
                    bind 127.0.0.1:%d
                    default_backend members
                backend members
                    balance roundrobin
                """.formatted(port));
        for (int i = 0; i < members.length; i++) {
            config.append("    server member-").append((char) ('a' + i)).append(" 127.0.0.1:").append(members[i])
                    .append(" check inter 200ms fall 1 rise 1\n");
        }
        Files.createDirectories(logs);
        Path file = Files.writeString(Files.createTempFile("cluster-kill-haproxy", ".cfg"), config);
        file.toFile().deleteOnExit();
        Process haproxy = new ProcessBuilder("haproxy", "-f", file.toString(), "-db").redirectErrorStream(true)
                .redirectOutput(logs.resolve("cluster-kill-haproxy.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
                return haproxy;
            } catch (IOException e) {
                TimeUnit.MILLISECONDS.sleep(50);
            }
        }
        throw new IllegalStateException("haproxy did not listen on " + port);
    }
}
