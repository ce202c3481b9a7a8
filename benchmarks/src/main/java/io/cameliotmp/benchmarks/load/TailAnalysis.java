package io.cameliotmp.benchmarks.load;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the slow serial RPC calls went: reads a JFR recording of a server taken with {@code -Dbench.slowCalls=true}
 * and, for every {@link SlowCall}, what else the JVM did while it was in flight: a GC pause
 * ({@code jdk.GCPhasePause}), a safepoint ({@code jdk.SafepointBegin}), a JIT compilation ({@code jdk.Compilation},
 * which on a one-core server takes the core from the call's threads). Calls that overlap none of these waited for
 * something the JVM does not record: most often the CPU (other processes, the scheduler's hand-offs between the
 * call's threads). Also prints the machine's CPU load ({@code jdk.CPULoad}) while the slow calls happened.
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.cameliotmp.benchmarks.load.TailAnalysis recording.jfr
 * </pre>
 * The recording needs compilations of any length: {@code -XX:StartFlightRecording:settings=profile,
 * jdk.Compilation#threshold=0ms,filename=…} (the profile records only compilations above 100 ms).
 */
public final class TailAnalysis {

    private record Span(Instant start, Instant end, String what) {
        boolean overlaps(Span o) {
            return start.isBefore(o.end) && o.start.isBefore(end);
        }

        long micros() {
            return Duration.between(start, end).toNanos() / 1000;
        }
    }

    private TailAnalysis() {
    }

    public static void main(String[] a) throws Exception {
        List<Span> slow = new ArrayList<>();
        List<Span> gc = new ArrayList<>();
        List<Span> safepoints = new ArrayList<>();
        List<Span> compilations = new ArrayList<>();
        List<RecordedEvent> cpu = new ArrayList<>();
        Map<String, Integer> threads = new TreeMap<>();
        for (RecordedEvent e : RecordingFile.readAllEvents(Path.of(a[0]))) {
            String type = e.getEventType().getName();
            Span span = new Span(e.getStartTime(), e.getEndTime(), type);
            switch (type) {
                case SlowCall.NAME -> {
                    slow.add(span);
                    String thread = e.getThread() == null ? "?" : e.getThread().getJavaName();
                    threads.merge(thread.replaceAll("\\d+$", "N"), 1, Integer::sum);
                }
                case "jdk.GCPhasePause" -> gc.add(span);
                case "jdk.SafepointBegin" -> safepoints.add(span);
                case "jdk.Compilation" -> compilations.add(span);
                case "jdk.CPULoad" -> cpu.add(e);
                default -> {
                }
            }
        }
        if (slow.isEmpty()) {
            System.out.println("no slow calls recorded (was -Dbench.slowCalls=true set?)");
            return;
        }
        slow.sort((x, y) -> x.start.compareTo(y.start));
        Instant first = slow.get(0).start;
        Instant last = slow.get(slow.size() - 1).end;
        int withGc = 0;
        int withSafepoint = 0;
        int withCompilation = 0;
        int none = 0;
        long microsNone = 0;
        long microsAll = 0;
        List<Long> latencies = new ArrayList<>();
        for (Span call : slow) {
            boolean g = gc.stream().anyMatch(call::overlaps);
            boolean s = safepoints.stream().anyMatch(call::overlaps);
            boolean c = compilations.stream().anyMatch(call::overlaps);
            withGc += g ? 1 : 0;
            withSafepoint += s ? 1 : 0;
            withCompilation += c ? 1 : 0;
            if (!g && !s && !c) {
                none++;
                microsNone += call.micros();
            }
            microsAll += call.micros();
            latencies.add(call.micros());
        }
        latencies.sort(null);
        System.out.printf(Locale.ROOT, "slow calls (>= threshold): %d over %.1f s; latency µs median %d, max %d%n",
                slow.size(), Duration.between(first, last).toMillis() / 1000.0, latencies.get(latencies.size() / 2),
                latencies.get(latencies.size() - 1));
        System.out.printf(Locale.ROOT, "  overlapping a GC pause:        %d%n", withGc);
        System.out.printf(Locale.ROOT, "  overlapping a safepoint:       %d%n", withSafepoint);
        System.out.printf(Locale.ROOT, "  overlapping a JIT compilation: %d%n", withCompilation);
        System.out.printf(Locale.ROOT, "  none of these:                 %d (%.0f %% of the slow calls' time)%n", none,
                100.0 * microsNone / microsAll);
        System.out.println("  completed on threads: " + threads);
        long pausesInWindow = gc.stream().filter(p -> !p.end.isBefore(first) && !p.start.isAfter(last)).count();
        long compilationsInWindow = compilations.stream()
                .filter(p -> !p.end.isBefore(first) && !p.start.isAfter(last)).count();
        System.out.printf(Locale.ROOT, "  in that time: %d GC pause phases, %d compilations%n", pausesInWindow,
                compilationsInWindow);
        double jvm = 0;
        double machine = 0;
        int n = 0;
        for (RecordedEvent e : cpu) {
            if (!e.getStartTime().isBefore(first) && !e.getStartTime().isAfter(last)) {
                jvm += e.getFloat("jvmUser") + e.getFloat("jvmSystem");
                machine += e.getFloat("machineTotal");
                n++;
            }
        }
        if (n > 0) {
            System.out.printf(Locale.ROOT, "  CPU load meanwhile (of all CPUs): this JVM %.0f %%, machine %.0f %%%n",
                    100 * jvm / n, 100 * machine / n);
        }
    }
}
