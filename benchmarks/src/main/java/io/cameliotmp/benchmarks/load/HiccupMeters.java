package io.cameliotmp.benchmarks.load;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * One {@link HiccupMeter} per CPU the benchmark pins its processes to, for the whole of a {@link Bench} run, and
 * what they saw during an open-loop window: on this machine a virtual CPU is now and then not run for about 100 ms
 * (seen by the meter pinned to it, an unrelated process, at the moment the window's calls stalled), and at
 * 10,000 calls/s such a freeze alone holds the window's 1 % slowest calls, whatever the server is.
 */
final class HiccupMeters implements AutoCloseable {

    /** Wake-ups later than this are kept: a busy CPU wakes a sleeping meter within a few milliseconds. */
    private static final long THRESHOLD_MICROS = 3000;

    private final Map<String, Child> meters = new LinkedHashMap<>();

    HiccupMeters(Path logs, String... cpuLists) throws Exception {
        TreeSet<String> cpus = new TreeSet<>();
        for (String list : cpuLists) {
            cpus.addAll(cpus(list));
        }
        for (String cpu : cpus) {
            Child meter = new Child("hiccup-cpu" + cpu, cpu, List.of("-Xmx16m", "-XX:+UseSerialGC"),
                    HiccupMeter.class.getName(), List.of(String.valueOf(THRESHOLD_MICROS)),
                    logs.resolve("hiccup-cpu" + cpu + ".log"));
            meter.await("READY", 60);
            meters.put(cpu, meter);
        }
    }

    /** "0", "0,2", "0-3" → the CPU numbers. */
    static List<String> cpus(String list) {
        List<String> cpus = new ArrayList<>();
        for (String part : list.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            int dash = p.indexOf('-');
            if (dash < 0) {
                cpus.add(p);
            } else {
                for (int c = Integer.parseInt(p.substring(0, dash)); c <= Integer.parseInt(p.substring(dash + 1));
                     c++) {
                    cpus.add(String.valueOf(c));
                }
            }
        }
        return cpus;
    }

    /**
     * Adds to an open-loop window's result what the meters saw from its start until {@code afterSeconds} past its
     * end (its last calls' answers): {@code cpuFreezes}, per CPU the late wake-ups as {ms into the window, ms late},
     * {@code longestCpuFreezeMillis}, and {@code cpuFreezeMillis}, the lateness above which a wake-up counts as a
     * freeze of the CPU (see {@link Metrics}).
     */
    @SuppressWarnings("unchecked")
    void annotate(Map<String, Object> window, double afterSeconds, double freezeMillis) throws InterruptedException {
        long start = ((Number) window.get("monotonicAtStartNanos")).longValue();
        long end = start + (long) ((Bench.num(window, "seconds") + afterSeconds) * 1e9);
        Map<String, Object> perCpu = new LinkedHashMap<>();
        double longest = 0;
        for (Map.Entry<String, Child> e : meters.entrySet()) {
            Map<String, Object> seen = e.getValue().call("freezes " + start + " " + end, "FREEZES", 30);
            List<double[]> events = new ArrayList<>();
            for (List<Number> ev : (List<List<Number>>) seen.get("events")) {
                events.add(new double[] {(ev.get(0).longValue() - start) / 1e6, ev.get(1).longValue() / 1e6});
            }
            perCpu.put(e.getKey(), events);
            longest = Math.max(longest, Bench.num(seen, "longestMillis"));
        }
        window.put("cpuFreezes", perCpu);
        window.put("longestCpuFreezeMillis", longest);
        window.put("cpuFreezeMillis", freezeMillis);
    }

    @Override
    public void close() throws InterruptedException {
        for (Child meter : meters.values()) {
            meter.close();
        }
    }
}
