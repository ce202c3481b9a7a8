package io.cameliotmp.benchmarks.soak;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import org.HdrHistogram.Histogram;

/**
 * The scripted soak of issue 12 against a running quickstart (started by {@code benchmarks/soak/run.sh}): an idle
 * baseline, then each attack family alone and then all of them together, each for {@code phaseSeconds}, while a good
 * device logs in twice a second and a client calls the simulated device through the REST API twenty times a second.
 * At the end of every phase, with the attack still running, it records heap after GC, direct memory, open files and
 * the log's growth, and the good users' latencies; it writes {@code soak.json} and {@code soak.md} to {@code out}.
 * <p>
 * {@code java -cp benchmarks.jar io.cameliotmp.benchmarks.soak.Soak pid=<server pid> log=<server log>
 * iotmpPort=25204 httpPort=8080 managementPort=9080 phaseSeconds=60 out=benchmarks/results}
 * ({@code managementPort} is the actuator's, where the quickstart's metrics are read)
 * <p>
 * With {@code transport=WEBSOCKET} (and {@code webSocketPath}, {@code /iotmp} by default) the server takes devices
 * over WebSocket: the good users speak WebSocket, this driver connects the healthy device itself (the quickstart's
 * simulated device speaks TCP only; {@code simulatorCredential} is its credential) and the WebSocket families run
 * by default.
 */
public final class Soak {

    /** The system property holding the device API's access token for every request of the soak. */
    static final String API_TOKEN_PROPERTY = "soak.apiToken";

    /** The {@code Authorization} header value of the soak's API requests. */
    static String authorization() {
        return "Bearer " + System.getProperty(API_TOKEN_PROPERTY, "quickstart-demo-token");
    }


    /** The targets of the "Done when". */
    private static final long HEAP_MARGIN = 50L * 1024 * 1024;
    private static final double LOG_BYTES_PER_10K = 1024 * 1024;
    private static final double LOGIN_MILLIS = 1000;
    private static final double REST_P99_MILLIS = 100;
    /** Fewer refused attempts in a phase say nothing about log bytes per 10,000 of them. */
    private static final long MIN_REFUSED = 1000;

    private Soak() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> arg = new LinkedHashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            arg.put(a.substring(0, eq), a.substring(eq + 1));
        }
        long pid = Long.parseLong(arg.get("pid"));
        Path log = Path.of(arg.get("log"));
        int iotmpPort = Integer.parseInt(arg.getOrDefault("iotmpPort", "25204"));
        int httpPort = Integer.parseInt(arg.getOrDefault("httpPort", "8080"));
        int managementPort = Integer.parseInt(arg.getOrDefault("managementPort", "9080"));
        long phaseSeconds = Long.parseLong(arg.getOrDefault("phaseSeconds", "60"));
        // the device API needs an access token: the quickstart's demo token unless told otherwise
        System.setProperty(API_TOKEN_PROPERTY, arg.getOrDefault("apiToken", "quickstart-demo-token"));
        // the server-wide budget of partial frames (maxPartialFrameBytes): what direct memory may grow by
        long directBudget = Long.parseLong(arg.getOrDefault("directBudget", String.valueOf(64L * 1024 * 1024)));
        // transport=WEBSOCKET: the server takes devices over WebSocket only (run.sh's TRANSPORT=WEBSOCKET)
        String webSocketPath = "WEBSOCKET".equals(arg.get("transport"))
                ? arg.getOrDefault("webSocketPath", "/iotmp") : null;
        List<String> families = arg.containsKey("families") ? Arrays.asList(arg.get("families").split(","))
                : webSocketPath != null ? Attacks.WEB_SOCKET_FAMILIES : Attacks.FAMILIES;
        Path out = Path.of(arg.getOrDefault("out", "benchmarks/results"));

        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        EventLoopGroup group = new NioEventLoopGroup(2);
        Probe probe = new Probe(pid, log, http, managementPort);
        List<Phase> phases = new ArrayList<>();
        try (GoodUsers good = new GoodUsers("127.0.0.1", iotmpPort, httpPort, http, group, webSocketPath,
                arg.getOrDefault("simulatorCredential", "sim-secret"))) {
            good.start();
            Attacks attacks = new Attacks("127.0.0.1", iotmpPort, httpPort, http, group,
                    webSocketPath != null ? webSocketPath : "/iotmp");

            // warm-up: the first logins and calls pay for class loading and compilation, on both sides
            Thread.sleep(Math.max(20, phaseSeconds) * 1000);
            phases.add(measure("idle", probe, good, phaseSeconds, null, probe.logBytes()));
            Phase idle = phases.get(0);
            List<List<String>> runs = new ArrayList<>();
            for (String family : families) {
                runs.add(List.of(family));
            }
            runs.add(families);
            for (List<String> run : runs) {
                String name = run.size() == 1 ? run.get(0) : "all together";
                long logBefore = probe.logBytes();
                attacks.start(run);
                Phase phase = measure(name, probe, good, phaseSeconds, idle, logBefore);
                long[] counts = attacks.stop();
                phase.attempts = counts[0];
                phase.refused = counts[1];
                phase.logBytes = probe.logBytes() - logBefore;
                phase.idleLogBytes = idle.logBytes;
                phases.add(phase);
                System.out.println(phase.line());
                if (!probe.alive()) {
                    break;
                }
            }
            phases.add(measure("idle after", probe, good, phaseSeconds, idle, probe.logBytes()));
        } finally {
            group.shutdownGracefully();
        }
        boolean oom = probe.logShowsOutOfMemory();
        write(out, phases, oom, directBudget, phaseSeconds);
    }

    /** Lets a phase run its course, then measures with the attack (if any) still running. */
    private static Phase measure(String name, Probe probe, GoodUsers good, long seconds, Phase idle, long logBefore)
            throws Exception {
        good.snapshot(); // latencies of this phase only
        Thread.sleep(seconds * 1000);
        Phase phase = new Phase(name);
        GoodUsers.Snapshot users = good.snapshot();
        phase.heap = probe.heapAfterGc();
        phase.heapDelta = idle == null ? 0 : phase.heap - idle.heap;
        phase.direct = probe.directMemory();
        phase.directDelta = idle == null ? 0 : phase.direct - idle.direct;
        phase.inflight = (long) probe.metric("iotmp.frames.inflight.bytes");
        phase.partial = (long) probe.metric("iotmp.frames.partial.bytes");
        phase.files = probe.openFiles();
        phase.logBytes = probe.logBytes() - logBefore;
        phase.logins = users.logins();
        phase.loginFailures = users.loginFailures();
        phase.calls = users.calls();
        phase.callFailures = users.callFailures();
        phase.alive = probe.alive();
        return phase;
    }

    private static void write(Path out, List<Phase> phases, boolean oom, long directBudget, long phaseSeconds)
            throws IOException {
        Files.createDirectories(out);
        StringBuilder md = new StringBuilder();
        md.append("Soak run ").append(Instant.now()).append(", ").append(phaseSeconds).append(" s per phase; ")
                .append("OutOfMemoryError in the server log: ").append(oom ? "YES" : "no").append("\n\n");
        md.append("| phase | attempts | refused | heap after GC (MB) | vs idle (MB) | direct (MB) | vs idle (MB) "
                + "| in flight (KB) "
                + "| partial frames (KB) | fds | log bytes | beyond idle, per 10k refused | login p50 / p99 / max (ms) "
                + "| failed logins | REST p50 / p99 / max (ms) | failed REST | targets |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        StringBuilder json = new StringBuilder("{\"outOfMemory\":" + oom + ",\"phaseSeconds\":" + phaseSeconds
                + ",\"phases\":[");
        for (int i = 0; i < phases.size(); i++) {
            Phase p = phases.get(i);
            md.append(p.row(directBudget, oom)).append('\n');
            json.append(i == 0 ? "" : ",").append(p.json());
        }
        json.append("]}\n");
        Files.writeString(out.resolve("soak.md"), md, StandardCharsets.UTF_8);
        Files.writeString(out.resolve("soak.json"), json, StandardCharsets.UTF_8);
        System.out.print(md);
    }

    /** What one phase measured. */
    private static final class Phase {
        final String name;
        long attempts;
        long refused;
        long heap;
        long heapDelta;
        long direct;
        long directDelta;
        long inflight;
        long partial;
        long files;
        long logBytes;
        /** What the log grew by in the idle phase (the good users' own lines): not the attack's. */
        long idleLogBytes;
        Histogram logins;
        long loginFailures;
        Histogram calls;
        long callFailures;
        boolean alive;

        Phase(String name) {
            this.name = name;
        }

        /** Log growth beyond the idle phase's, per 10,000 refused attempts; 0 with too few refusals to tell. */
        double logPer10k() {
            return refused < MIN_REFUSED ? 0 : Math.max(0, logBytes - idleLogBytes) * 10_000.0 / refused;
        }

        String targets(long directBudget, boolean oom) {
            List<String> missed = new ArrayList<>();
            if (oom || !alive) {
                missed.add("OOM/dead");
            }
            if (heapDelta > HEAP_MARGIN) {
                missed.add("heap");
            }
            if (directDelta > directBudget) {
                missed.add("direct");
            }
            if (logPer10k() > LOG_BYTES_PER_10K) {
                missed.add("log");
            }
            if (loginFailures > 0 || logins.getTotalCount() == 0
                || logins.getMaxValue() / 1000.0 > LOGIN_MILLIS) {
                missed.add("login");
            }
            if (callFailures > 0 || calls.getTotalCount() == 0
                || calls.getValueAtPercentile(99) / 1000.0 > REST_P99_MILLIS) {
                missed.add("REST");
            }
            return missed.isEmpty() ? "all met" : "not met: " + String.join(", ", missed);
        }

        String row(long directBudget, boolean oom) {
            String perTenThousand = refused < MIN_REFUSED ? "n/a" : String.format(Locale.ROOT, "%.0f", logPer10k());
            return String.format(Locale.ROOT, "| %s | %d | %d | %.1f | %+.1f | %.1f | %+.1f | %d | %d | %d | %d "
                    + "| %s | %s | %d | %s | %d | %s |", name, attempts, refused, mb(heap), mb(heapDelta), mb(direct),
                    mb(directDelta), inflight / 1024, partial / 1024, files, logBytes, perTenThousand,
                    millis(logins), loginFailures, millis(calls), callFailures, targets(directBudget, oom));
        }

        String line() {
            return String.format(Locale.ROOT, "%s: %d attempts, %d refused, heap %+.1f MB vs idle, direct %.1f MB, "
                    + "%d fds, %d log bytes, login %s ms, REST %s ms", name, attempts, refused, mb(heapDelta),
                    mb(direct), files, logBytes, millis(logins), millis(calls));
        }

        String json() {
            return String.format(Locale.ROOT, "{\"phase\":\"%s\",\"attempts\":%d,\"refused\":%d,\"heapBytes\":%d,"
                    + "\"heapDeltaBytes\":%d,\"directBytes\":%d,\"directDeltaBytes\":%d,\"inflightBytes\":%d,"
                    + "\"partialFrameBytes\":%d,"
                    + "\"openFiles\":%d,\"logBytes\":%d,\"loginMillis\":[%s],\"loginFailures\":%d,"
                    + "\"restMillis\":[%s],\"restFailures\":%d,\"alive\":%b}", name, attempts, refused, heap,
                    heapDelta, direct, directDelta, inflight, partial, files, logBytes, millisJson(logins),
                    loginFailures, millisJson(calls), callFailures, alive);
        }

        private static double mb(long bytes) {
            return bytes / (1024.0 * 1024.0);
        }

        private static String millis(Histogram h) {
            if (h.getTotalCount() == 0) {
                return "–";
            }
            return String.format(Locale.ROOT, "%.1f / %.1f / %.1f", h.getValueAtPercentile(50) / 1000.0,
                    h.getValueAtPercentile(99) / 1000.0, h.getMaxValue() / 1000.0);
        }

        private static String millisJson(Histogram h) {
            return String.format(Locale.ROOT, "%.2f,%.2f,%.2f,%d", h.getValueAtPercentile(50) / 1000.0,
                    h.getValueAtPercentile(99) / 1000.0, h.getMaxValue() / 1000.0, h.getTotalCount());
        }
    }
}
