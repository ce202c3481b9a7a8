package io.cameliotmp.benchmarks.load;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns one run's raw result into the numbers the tables show. */
final class Metrics {

    /** A metric: its key, what the table calls it, and whether more is better (for ratios). */
    record Def(String key, String label, boolean higherIsBetter) {
    }

    private Metrics() {
    }

    static List<Def> definitions(String scenario, Map<String, List<Map<String, Double>>> data) {
        return switch (scenario) {
            case "hold" -> List.of(
                    new Def("connected", "devices connected and authenticated", true),
                    new Def("failures", "failures (refused, failed or dropped, incl. during the hold)", false),
                    new Def("connectRate", "connect + authenticate rate (devices/s)", true),
                    new Def("connectP99ms", "handshake latency p99 (ms)", false),
                    new Def("heapPerDevice", "heap per idle device after full GC (bytes)", false),
                    new Def("rssPerDevice", "RSS growth per device (bytes)", false),
                    new Def("handshakeBytes", "bytes on the wire per device handshake", false),
                    new Def("holdBytesPerDeviceMinute", "bytes on the wire per idle device per minute", false));
            case "rpc" -> {
                List<Def> defs = new java.util.ArrayList<>(List.of(
                        new Def("serial.p50us", "serial p50 (µs)", false),
                        new Def("serial.p99us", "serial p99 (µs)", false),
                        new Def("serial.p999us", "serial p99.9 (µs)", false),
                        new Def("serial.throughput", "serial throughput (calls/s)", true),
                        new Def("serial.errors", "serial: failed calls", false),
                        new Def("serial.jitMillis", "serial: JIT compilation during the measured calls (ms)", false),
                        new Def("serial.cpuPerCallMicros", "serial: server process CPU per call (µs)", false),
                        new Def("serial.allocPerCall", "serial: allocated per call in the server (bytes)", false),
                        new Def("bytesPerCall", "bytes on the wire per call", false)));
                java.util.Set<String> rates = new java.util.TreeSet<>(java.util.Comparator.comparingInt(
                        s -> Integer.parseInt(s.substring(4))));
                data.values().forEach(runs -> runs.forEach(m -> m.keySet().stream()
                        .filter(k -> k.startsWith("rate")).forEach(k -> rates.add(k.substring(0, k.indexOf('.'))))));
                for (String r : rates) {
                    String n = r.substring(4);
                    defs.add(new Def(r + ".throughput", n + "/s open loop: achieved (calls/s)", true));
                    defs.add(new Def(r + ".p50us", n + "/s open loop: p50 (µs)", false));
                    defs.add(new Def(r + ".p99us", n + "/s open loop: p99 (µs)", false));
                    defs.add(new Def(r + ".p999us", n + "/s open loop: p99.9 (µs)", false));
                    defs.add(new Def(r + ".errors", n + "/s open loop: failed or unanswered calls", false));
                    defs.add(new Def(r + ".jitMillis",
                            n + "/s open loop: JIT compilation during the measured calls (ms)", false));
                    defs.add(new Def(r + ".cpuPerCallMicros", n + "/s open loop: server process CPU per call (µs)",
                            false));
                    defs.add(new Def(r + ".allocPerCall", n + "/s open loop: allocated per call in the server (bytes)",
                            false));
                    defs.add(new Def(r + ".longestCpuFreezeMillis",
                            n + "/s open loop: longest CPU freeze the hiccup meters saw (ms)", false));
                    defs.add(new Def(r + ".p99usNoFreeze", n + "/s open loop: p99 of the windows without one (µs)",
                            false));
                }
                yield defs;
            }
            case "ingest" -> List.of(
                    new Def("fast.rate", "samples/s at the route", true),
                    new Def("fast.lost", "samples lost (sent − counted at the route)", false),
                    new Def("fast.allocPerSample", "allocated per sample in the server, all threads (bytes)", false),
                    new Def("fast.cpuPerSample", "server CPU time per sample (ns)", false),
                    new Def("fast.bytesPerSample", "bytes on the wire per sample (device → server)", false),
                    new Def("fast.maxHeapMB", "heap used, max during the window (MB)", false),
                    new Def("fast.liveHeapMB", "heap after full GC under load (MB)", false),
                    new Def("slow.spinNanos", "10× slower route: extra busy time per sample (ns)", false),
                    new Def("slow.rate", "10× slower route: samples/s", true),
                    new Def("slow.notYetRead", "10× slower route: samples still in socket buffers at the end", false),
                    new Def("slow.lost", "10× slower route: samples lost", false),
                    new Def("slow.maxHeapMB", "10× slower route: heap used, max (MB)", false),
                    new Def("slow.liveHeapMB", "10× slower route: heap after full GC under load (MB)", false));
            case "deadpeers" -> List.of(
                    new Def("devices", "silent devices", true),
                    new Def("closed", "closed by the server", true),
                    new Def("stillOpen", "still open after the wait", false),
                    new Def("p50ms", "close after last byte, p50 (ms)", false),
                    new Def("maxms", "close after last byte, max (ms)", false),
                    new Def("limitms", "limit 1.15 × ka + 1 s (ms)", false));
            default -> List.of();
        };
    }

    /**
     * With {@code hiccupMeter=true}: the longest freeze of a CPU the meters saw in an open-loop window, and the
     * window's p99 only if it was shorter than the window's {@code cpuFreezeMillis} (not a number otherwise, so
     * the tables take the median of the other windows and say how many there were).
     */
    private static void addFreeze(Map<String, Double> m, String window, Map<String, Object> w) {
        if (!w.containsKey("longestCpuFreezeMillis")) {
            return;
        }
        double longest = Bench.num(w, "longestCpuFreezeMillis");
        m.put(window + ".longestCpuFreezeMillis", longest);
        m.put(window + ".p99usNoFreeze", longest <= Bench.num(w, "cpuFreezeMillis") ? Bench.num(w, "p99us")
                : Double.NaN);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Double> of(String scenario, Map<String, Object> r) {
        Map<String, Double> m = new LinkedHashMap<>();
        if (r.containsKey("error")) {
            return m;
        }
        switch (scenario) {
            case "hold" -> {
                Map<String, Object> c = (Map<String, Object>) r.get("connected");
                Map<String, Object> held = (Map<String, Object>) r.get("held");
                Map<String, Object> before = (Map<String, Object>) r.get("memBefore");
                Map<String, Object> after = (Map<String, Object>) r.get("memAfter");
                double n = Bench.num(c, "connected");
                double devices = Bench.num(c, "devices");
                m.put("connected", n);
                m.put("failures", Bench.num(c, "failures") + Bench.num(held, "disconnectsDuringHold"));
                m.put("connectRate", Bench.num(c, "connectRate"));
                m.put("connectP99ms", Bench.num(c, "connectP99ms"));
                m.put("heapPerDevice", (Bench.num(after, "heapUsed") - Bench.num(before, "heapUsed")) / n);
                m.put("rssPerDevice", (Bench.num(after, "rss") - Bench.num(before, "rss")) / n);
                m.put("handshakeBytes", (Bench.num(c, "bytesOut") + Bench.num(c, "bytesIn")) / n);
                double holdBytes = Bench.num(held, "bytesOut") + Bench.num(held, "bytesIn")
                                   - Bench.num(c, "bytesOut") - Bench.num(c, "bytesIn");
                m.put("holdBytesPerDeviceMinute", holdBytes / n / (Bench.num(held, "heldSeconds") / 60));
                m.put("stillConnected", Bench.num(held, "stillConnected"));
                m.put("requested", Double.isNaN(devices) ? n : devices);
            }
            case "rpc" -> {
                for (Map.Entry<String, Object> e : r.entrySet()) {
                    if (e.getValue() instanceof Map<?, ?> sub && (e.getKey().equals("serial")
                            || e.getKey().startsWith("rate"))) {
                        for (String k : List.of("p50us", "p99us", "p999us", "throughput", "errors", "maxus",
                                "jitMillis", "cpuPerCallMicros", "allocPerCall")) {
                            m.put(e.getKey() + "." + k, Bench.num((Map<String, Object>) sub, k));
                        }
                        addFreeze(m, e.getKey(), (Map<String, Object>) sub);
                    }
                }
                m.put("bytesPerCall", Bench.num(r, "bytesPerCall"));
            }
            case "ingest" -> {
                for (String phase : List.of("fast", "slow")) {
                    Map<String, Object> p = (Map<String, Object>) r.get(phase);
                    if (p == null) {
                        continue;
                    }
                    Map<String, Object> w = (Map<String, Object>) p.get("window");
                    Map<String, Object> sent = (Map<String, Object>) p.get("sent");
                    Map<String, Object> mem = (Map<String, Object>) p.get("memUnderLoad");
                    m.put(phase + ".rate", Bench.num(w, "rate"));
                    m.put(phase + ".allocPerSample", Bench.num(w, "allocatedBytes") / Bench.num(w, "samples"));
                    m.put(phase + ".cpuPerSample", Bench.num(w, "cpuNanos") / Bench.num(w, "samples"));
                    m.put(phase + ".lost", Bench.num(p, "lost"));
                    m.put(phase + ".sent", Bench.num(sent, "samplesTotal"));
                    m.put(phase + ".notYetRead", Bench.num(p, "notYetRead"));
                    m.put(phase + ".spinNanos", Bench.num(p, "spinNanos"));
                    m.put(phase + ".bytesPerSample", Bench.num(sent, "bytesOut") / Bench.num(sent, "samples"));
                    m.put(phase + ".maxHeapMB", Bench.num(w, "maxHeapUsed") / 1048576);
                    m.put(phase + ".liveHeapMB", Bench.num(mem, "heapUsed") / 1048576);
                }
            }
            case "deadpeers" -> {
                Map<String, Object> d = (Map<String, Object>) r.get("dead");
                m.put("devices", Bench.num(d, "devices"));
                m.put("closed", Bench.num(d, "closed"));
                m.put("stillOpen", Bench.num(d, "stillOpen"));
                m.put("p50ms", Bench.num(d, "closeAfterLastByteP50Ms"));
                m.put("maxms", Bench.num(d, "closeAfterLastByteMaxMs"));
                m.put("limitms", 1.15 * Bench.num(d, "ka") * 1000 + 1000);
            }
            default -> {
            }
        }
        return m;
    }
}
