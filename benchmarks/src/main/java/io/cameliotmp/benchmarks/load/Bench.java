package io.cameliotmp.benchmarks.load;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * The orchestrator: runs one scenario against each system, {@code runs} times (systems interleaved within each
 * run), each time in fresh processes: the server under test pinned to {@code serverCpus}, the load generator to
 * {@code loadCpus}. Writes every raw result to {@code results/SCENARIO.json}, the tables (median and min–max of the
 * runs, ratios) to {@code results/SCENARIO.md} and the charts to {@code charts/SCENARIO*.png}.
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.cameliotmp.benchmarks.load.Bench scenario=rpc runs=5
 * </pre>
 */
public final class Bench {

    private final Args args;
    private final String scenario;
    private final Path out;
    private final Path logs;
    private final String serverCpus;
    private final String loadCpus;
    private int portSeq;
    private HiccupMeters hiccupMeters;

    private Bench(Args args) {
        this.args = args;
        this.scenario = args.str("scenario", "rpc");
        this.out = Path.of(args.str("out", "benchmarks/results"));
        this.logs = out.resolve("logs");
        this.serverCpus = args.str("serverCpus", "0");
        this.loadCpus = args.str("loadCpus", "1");
        this.portSeq = args.integer("basePort", 26000);
    }

    static void log(String s) {
        System.out.println("[" + Instant.now() + "] " + s);
        System.out.flush();
    }

    public static void main(String[] a) throws Exception {
        Args args = new Args(a);
        new Bench(args).run();
        System.exit(0);
    }

    private List<String> defaultSystems() {
        return switch (scenario) {
            case "hold", "deadpeers" -> List.of("camel", "raw", "mqtt");
            // camel-batch: one exchange per 1000 samples; raw-decode: the baseline that also builds each sample
            case "ingest" -> List.of("camel", "camel-io", "camel-batch", "raw", "raw-decode", "mqtt", "coap");
            default -> List.of("camel", "camel-io", "raw", "mqtt", "coap");
        };
    }

    private void run() throws Exception {
        List<String> systems = args.has("systems") ? Arrays.asList(args.str("systems", "").split(","))
                : defaultSystems();
        int runs = args.integer("runs", 5);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("scenario", scenario);
        doc.put("parameters", parameters());
        doc.put("machine", Machine.describe(serverCpus, loadCpus));
        Map<String, List<Map<String, Object>>> raw = new LinkedHashMap<>();
        Map<String, List<Map<String, Double>>> metrics = new LinkedHashMap<>();
        if (Boolean.parseBoolean(args.str("hiccupMeter", "false"))) {
            hiccupMeters = new HiccupMeters(logs, serverCpus, loadCpus);
        }
        for (int r = 1; r <= runs; r++) {
            for (String system : systems) {
                log("== " + scenario + " run " + r + "/" + runs + " " + system + "  (load " + Machine.loadAverage()
                    + ")");
                Map<String, Object> result;
                try {
                    result = once(system, r);
                } catch (Exception e) {
                    log("FAILED " + system + " run " + r + ": " + e);
                    result = Proto.map("error", String.valueOf(e));
                }
                result.put("loadAverageAfter", Machine.loadAverage());
                raw.computeIfAbsent(system, k -> new ArrayList<>()).add(result);
                Map<String, Double> m = Metrics.of(scenario, result);
                metrics.computeIfAbsent(system, k -> new ArrayList<>()).add(m);
                log(system + " run " + r + ": " + m);
            }
        }
        if (hiccupMeters != null) {
            hiccupMeters.close();
        }
        doc.put("runs", raw);
        doc.put("metrics", metrics);
        Files.createDirectories(out);
        String name = args.str("name", scenario);
        Proto.JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.resolve(name + ".json").toFile(),
                doc);
        String md = Report.markdown(scenario, metrics, parameters());
        Files.writeString(out.resolve(name + ".md"), md);
        Charts.render(scenario, name, metrics, Path.of(args.str("charts", "docs/performance")));
        System.out.println(md);
    }

    private Map<String, Object> parameters() {
        Map<String, Object> p = new LinkedHashMap<>(args.asMap());
        p.putIfAbsent("scenario", scenario);
        p.putIfAbsent("runs", args.integer("runs", 5));
        p.putIfAbsent("serverCpus", serverCpus);
        p.putIfAbsent("loadCpus", loadCpus);
        return p;
    }

    private int nextPort() {
        return portSeq++;
    }

    private Child server(String system, int port, int run, String... extra) throws Exception {
        return serverPhase(system, port, run, "", extra);
    }

    private Child serverPhase(String system, int port, int run, String phase, String... extra) throws Exception {
        List<String> jvm = new ArrayList<>(List.of("-Xms2g", "-Xmx2g", "-XX:+UseG1GC",
                "-Dio.netty.leakDetection.level=disabled", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                // Moquette logs a WARN for every QoS 0 message it drops; millions of log lines would cost it CPU
                "-Dorg.slf4j.simpleLogger.log.io.moquette=error"));
        jvm.addAll(extraJvm("serverJvm", system, run));
        List<String> a = new ArrayList<>(List.of("system=" + system, "scenario=" + scenario, "port=" + port,
                "devices=" + args.integer("devices", defaultDevices()), "sources=" + args.integer("sources", 10),
                "workerThreads=" + args.integer("workerThreads", 16), "maxSeconds=" + (holdSeconds() + 1800)));
        a.addAll(Arrays.asList(extra));
        Child c = new Child(system + "-server", serverCpus, jvm, ServerMain.class.getName(), a,
                logs.resolve(scenario + phase + "-" + system + "-run" + run + "-server.log"));
        c.await("READY", 60);
        return c;
    }

    private Child load(String system, int port, int run, String... extra) throws Exception {
        return loadPhase(system, port, run, "", extra);
    }

    private Child loadPhase(String system, int port, int run, String phase, String... extra) throws Exception {
        List<String> jvm = new ArrayList<>(List.of("-Xms1g", "-Xmx2g", "-XX:+UseG1GC",
                "-Dio.netty.leakDetection.level=disabled", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"));
        jvm.addAll(extraJvm("loadJvm", system, run));
        String protocol = system.startsWith("camel") || system.startsWith("raw") ? "iotmp" : system;
        List<String> a = new ArrayList<>(List.of("protocol=" + protocol, "port=" + port,
                "devices=" + args.integer("devices", defaultDevices()), "sources=" + args.integer("sources", 10),
                "threads=" + args.integer("loadThreads", 1), "maxSeconds=" + (holdSeconds() + 1800)));
        a.addAll(Arrays.asList(extra));
        return new Child(protocol + "-load", loadCpus, jvm, LoadGenerator.class.getName(), a,
                logs.resolve(scenario + phase + "-" + system + "-run" + run + "-load.log"));
    }

    /**
     * JVM options given as argument {@code name}: {@code serverJvm} for the server, {@code loadJvm} for the device
     * simulator (e.g. to log its collections); {@code {system}} and {@code {run}} in them are replaced.
     */
    private List<String> extraJvm(String name, String system, int run) {
        String options = args.str(name, "");
        return options.isBlank() ? List.of()
                : Arrays.asList(options.replace("{system}", system).replace("{run}", String.valueOf(run))
                        .split("\\s+"));
    }

    private int defaultDevices() {
        return switch (scenario) {
            case "hold" -> 19000;
            case "deadpeers" -> 1000;
            default -> 100;
        };
    }

    private int holdSeconds() {
        return args.integer("holdSeconds", 300);
    }

    private Map<String, Object> once(String system, int run) throws Exception {
        int port = nextPort();
        return switch (scenario) {
            case "hold" -> hold(system, port, run);
            case "rpc" -> rpc(system, port, run);
            case "ingest" -> ingest(system, port, run);
            case "deadpeers" -> deadPeers(system, port, run);
            default -> throw new IllegalArgumentException("scenario " + scenario);
        };
    }

    private Map<String, Object> hold(String system, int port, int run) throws Exception {
        Map<String, Object> r = new LinkedHashMap<>();
        try (Child server = server(system, port, run)) {
            r.put("memBefore", server.call("mem", "MEM", 60));
            try (Child load = load(system, port, run, "kaEveryMillis=" + args.integer("kaEveryMillis", 30000),
                    "window=" + args.integer("window", 200))) {
                r.put("connected", load.await("CONNECTED", 900));
                r.put("memConnected", server.call("mem", "MEM", 120));
                r.put("held", load.call("hold " + holdSeconds(), "HELD", holdSeconds() + 120));
                r.put("memAfter", server.call("mem", "MEM", 120));
            }
        }
        return r;
    }

    private Map<String, Object> rpc(String system, int port, int run) throws Exception {
        Map<String, Object> r = new LinkedHashMap<>();
        int devices = args.integer("devices", 100);
        int serialCalls = args.integer("serialCalls", 50000);
        // on one server core the JIT compiles Camel's path for longer than raw Netty's: a short warm-up left
        // compilations competing with the measured calls and put them into camel-iotmp's p99
        int serialWarmup = args.integer("serialWarmup", 50000);
        // 0: exactly serialWarmup calls; above 0: more rounds while the JIT compiled longer than this per round
        long jitQuietMillis = args.lng("jitQuietMillis", 0);
        double seconds = args.dbl("rateSeconds", 10);
        double warm = args.dbl("rateWarmupSeconds", 2);
        // 0: exactly rateWarmupSeconds; above 0: one-second rounds more until three in a row compiled at most this
        long rateJitQuietMillis = args.lng("rateJitQuietMillis", 0);
        // true: a full collection before each open-loop measurement (RpcDriver.openLoop says why)
        boolean rateSettleHeap = Boolean.parseBoolean(args.str("rateSettleHeap", "false"));
        // above 0: the open-loop warm-up also issues this many calls per device at once (RpcDriver.openLoop says why)
        int rateWarmupBurst = args.integer("rateWarmupBurst", 0);
        List<String> extra = new ArrayList<>();
        if (system.equals("coap")) {
            extra.add("devicePort=" + (27000 + (port % 10) * 2000));
        }
        List<String> serverExtra = new ArrayList<>(extra);
        serverExtra.addAll(routeWork());
        try (Child server = server(system, port, run, serverExtra.toArray(String[]::new));
             Child load = load(system, port, run, extra.toArray(String[]::new))) {
            r.put("connected", load.await("CONNECTED", 120));
            Thread.sleep(500);
            Map<String, Object> s0 = load.call("stats", "STATS", 30);
            Map<String, Object> serial = server.call("rpc serial 1 " + serialWarmup + " " + serialCalls + " "
                                                     + jitQuietMillis, "RPC", 600);
            r.put("serial", serial);
            Map<String, Object> s1 = load.call("stats", "STATS", 30);
            // the warm-up may have gone on past serialWarmup until the JIT was quiet: count the calls it made
            double calls = serialCalls + num(serial, "warmupCalls");
            r.put("bytesPerCall", (num(s1, "bytesOut") - num(s0, "bytesOut") + num(s1, "bytesIn")
                                   - num(s0, "bytesIn")) / calls);
            for (String rate : args.str("rates", "1000,5000,10000,20000").split(",")) {
                Map<String, Object> window = server.call("rpc rate " + devices + " " + rate + " " + seconds + " "
                                                         + warm + " " + rateJitQuietMillis + " " + rateSettleHeap
                                                         + " " + rateWarmupBurst, "RPC",
                        (long) (seconds + warm) + 60 + (rateJitQuietMillis > 0 ? 200 : 0));
                if (hiccupMeters != null) {
                    // one second past the window: the answers to its last calls
                    hiccupMeters.annotate(window, 1, args.dbl("freezeMillis", 25));
                }
                r.put("rate" + rate, window);
            }
        }
        return r;
    }

    private Map<String, Object> ingest(String system, int port, int run) throws Exception {
        Map<String, Object> r = new LinkedHashMap<>();
        Map<String, Object> fast = ingestOnce(system, port, run, 0);
        r.put("fast", fast);
        // the slower route costs 9 × the whole per-sample cost just measured on top: the path becomes 10× slower
        String slow = args.str("slowSpinNanos", "auto");
        if (!slow.equals("0") && Arrays.asList(args.str("slowSystems", "camel,raw").split(",")).contains(system)) {
            @SuppressWarnings("unchecked")
            double rate = num((Map<String, Object>) fast.get("window"), "rate");
            long spin = slow.equals("auto") ? (long) (9e9 / rate) : Long.parseLong(slow);
            Map<String, Object> s = ingestOnce(system, nextPort(), run, spin);
            s.put("spinNanos", spin);
            r.put("slow", s);
        }
        return r;
    }

    private Map<String, Object> ingestOnce(String system, int port, int run, long spinNanos) throws Exception {
        Map<String, Object> r = new LinkedHashMap<>();
        double seconds = args.dbl("ingestSeconds", 12);
        double window = args.dbl("windowSeconds", 8);
        String phase = spinNanos > 0 ? "-slow" : "";
        List<String> work = spinNanos > 0 ? List.of("spinNanos=" + spinNanos) : routeWork();
        List<String> serverArgs = new ArrayList<>(work);
        serverArgs.add("batchSize=" + args.integer("batchSize", 1000));
        serverArgs.add("batchTimeout=" + args.lng("batchTimeout", 100));
        serverArgs.add("maxInFlight=" + args.integer("maxInFlight", 0));
        try (Child server = serverPhase(system, port, run, phase, serverArgs.toArray(String[]::new));
             Child load = loadPhase(system, port, run, phase, "batch=" + args.integer("batch", 32),
                     "coapWindow=" + args.integer("coapWindow", 8), "ingestRate=" + args.dbl("ingestRate", 0))) {
            r.put("connected", load.await("CONNECTED", 120));
            Thread.sleep(1000);
            load.send("go " + seconds);
            Thread.sleep((long) ((seconds - window) / 2 * 1000));
            r.put("window", server.call("window " + window, "WINDOW", (long) window + 30));
            r.put("memUnderLoad", server.call("mem", "MEM", 60));
            Map<String, Object> sent = load.await("SENT", (long) seconds + 60);
            r.put("sent", sent);
            // drain what is still buffered (Netty, kernel socket buffers): until the route's count has reached what
            // was sent, or has not moved for 3 s, or the drain budget is spent
            long target = ((Number) sent.get("samplesTotal")).longValue();
            long drainStart = System.nanoTime();
            // a slow route drains the kernel's socket buffers at its own pace (minutes): there the server's own
            // counters tell what was read and not delivered
            double budget = spinNanos > 0 ? args.dbl("slowDrainSeconds", 5) : args.dbl("drainSeconds", 60);
            long deadline = drainStart + (long) (budget * 1e9);
            long previous = -1;
            long lastMove = System.nanoTime();
            long received = 0;
            while (System.nanoTime() < deadline) {
                received = ((Number) server.call("count", "COUNT", 30).get("samples")).longValue();
                if (received >= target) {
                    break;
                }
                if (received != previous) {
                    previous = received;
                    lastMove = System.nanoTime();
                } else if (System.nanoTime() - lastMove > 3_000_000_000L) {
                    break;
                }
                Thread.sleep(250);
            }
            r.put("drainSeconds", (System.nanoTime() - drainStart) / 1e9);
            Map<String, Object> last = server.call("count", "COUNT", 30);
            r.put("countersAtEnd", last);
            r.put("received", received);
            long sentTotal = ((Number) sent.get("samplesTotal")).longValue();
            if (last.get("serverSamplesIn") instanceof Number in && received < sentTotal) {
                // camel-iotmp: what the server read and did not hand to the route (dropped or lost), apart from the
                // samples still in flight; what it had not read yet is still in the kernel's socket buffers (TCP
                // back-pressure), not lost
                long read = in.longValue();
                long inFlight = ((Number) last.get("serverInFlight")).longValue();
                r.put("notYetRead", sentTotal - read);
                r.put("lost", Math.max(0, read - ((Number) last.get("samples")).longValue() - inFlight));
            } else {
                r.put("lost", sentTotal - received);
            }
        }
        return r;
    }

    /**
     * The route's own work per RPC call or per ingested sample (the fast ingest phase): {@code routeSpinNanos} of
     * busy CPU, {@code routeParkNanos} of blocking wait (as for a database or a remote call). Default: none.
     */
    private List<String> routeWork() {
        return List.of("spinNanos=" + args.lng("routeSpinNanos", 0), "parkNanos=" + args.lng("routeParkNanos", 0));
    }

    private Map<String, Object> deadPeers(String system, int port, int run) throws Exception {
        Map<String, Object> r = new LinkedHashMap<>();
        int ka = args.integer("ka", 2);
        try (Child server = server(system, port, run);
             Child load = load(system, port, run, "ka=" + ka, "kaEveryMillis=" + (ka * 1000 / 2))) {
            r.put("connected", load.await("CONNECTED", 120));
            Thread.sleep(1500);
            r.put("dead", load.call("silence " + args.integer("waitSeconds", 15), "DEAD", 60));
        }
        return r;
    }

    static double num(Map<String, Object> m, String key) {
        Object v = m == null ? null : m.get(key);
        return v instanceof Number n ? n.doubleValue() : Double.NaN;
    }
}
