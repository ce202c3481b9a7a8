package io.cameliotmp.benchmarks.load;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Markdown tables: per metric and system the median of the runs with min–max, then camel-iotmp's ratios. */
final class Report {

    private Report() {
    }

    /** Median, min, max of a metric over the runs of one system; null when no run has it. */
    static double[] stats(List<Map<String, Double>> runs, String key) {
        List<Double> v = new ArrayList<>();
        for (Map<String, Double> m : runs) {
            Double d = m.get(key);
            if (d != null && !d.isNaN()) {
                v.add(d);
            }
        }
        if (v.isEmpty()) {
            return null;
        }
        Collections.sort(v);
        int n = v.size();
        double median = n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
        return new double[] {median, v.get(0), v.get(n - 1), n};
    }

    static String fmt(double v) {
        double a = Math.abs(v);
        if (a >= 100_000) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (a >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }

    static String markdown(String scenario, Map<String, List<Map<String, Double>>> data, Map<String, Object> params) {
        List<String> systems = new ArrayList<>(data.keySet());
        StringBuilder s = new StringBuilder();
        s.append("Parameters: `").append(params).append("`\n\n");
        s.append("| metric |");
        systems.forEach(sys -> s.append(' ').append(label(sys)).append(" |"));
        // ratio columns: camel-iotmp against each system that is not camel-iotmp, and each variant of camel-iotmp
        // (workerThreads=0, batches, …) against the raw Netty baselines
        List<String[]> pairs = new ArrayList<>();
        for (String base : systems) {
            if (!base.startsWith("camel")) {
                continue;
            }
            for (String other : systems) {
                if (!other.startsWith("camel") && (base.equals("camel") || other.startsWith("raw"))) {
                    pairs.add(new String[] {base, other});
                }
            }
        }
        List<String> peers = pairs.stream().map(p -> p[1]).toList();
        boolean ratios = !pairs.isEmpty();
        if (ratios) {
            pairs.forEach(p -> s.append(' ').append(label(p[0])).append(" ÷ ").append(label(p[1])).append(" |"));
        }
        s.append("\n|---|");
        systems.forEach(sys -> s.append("---|"));
        if (ratios) {
            peers.forEach(p -> s.append("---|"));
        }
        s.append('\n');
        for (Metrics.Def def : Metrics.definitions(scenario, data)) {
            boolean any = systems.stream().anyMatch(sys -> stats(data.get(sys), def.key()) != null);
            if (!any) {
                continue;
            }
            s.append("| ").append(def.label()).append(" |");
            for (String sys : systems) {
                double[] st = stats(data.get(sys), def.key());
                if (st == null) {
                    s.append(" n/a |");
                    continue;
                }
                s.append(' ').append(fmt(st[0]));
                if (st[1] != st[2]) {
                    s.append(" (").append(fmt(st[1])).append("–").append(fmt(st[2])).append(')');
                }
                // a row some runs do not have (a filtered metric): how many runs its median is of
                int runs = data.get(sys).size();
                if (st[3] < runs) {
                    s.append(" [").append((int) st[3]).append(" of ").append(runs).append(']');
                }
                s.append(" |");
            }
            if (ratios) {
                for (String[] pair : pairs) {
                    double[] c = stats(data.get(pair[0]), def.key());
                    double[] o = stats(data.get(pair[1]), def.key());
                    if (c == null || o == null || o[0] == 0 || c[0] == 0) {
                        s.append(" |");
                    } else {
                        s.append(' ').append(String.format(Locale.ROOT, "%.2f", c[0] / o[0])).append(" |");
                    }
                }
            }
            s.append('\n');
        }
        s.append("\nCells: median of the runs (min–max); runs per system: ");
        systems.forEach(sys -> s.append(label(sys)).append(' ').append(data.get(sys).size()).append("; "));
        s.append("ratios are of the medians (for \"higher is better\" rows a ratio above 1 favours camel-iotmp, for"
                 + " the others below 1).\n");
        return s.toString();
    }

    static String label(String system) {
        return switch (system) {
            case "camel" -> "camel-iotmp";
            case "camel-io" -> "camel-iotmp (workerThreads=0)";
            case "camel-batch" -> "camel-iotmp (batchSize=1000)";
            case "raw" -> "raw Netty IOTMP";
            case "raw-decode" -> "raw Netty IOTMP, decoding";
            case "mqtt" -> "MQTT (Paho + Moquette)";
            case "coap" -> "CoAP (Camel CoAP)";
            default -> system.startsWith("camel-io") ? "camel-iotmp (workerThreads=0, ioThreads="
                    + system.substring(8) + ")"
                    : system.startsWith("camel-w") ? "camel-iotmp (workerThreads=" + system.substring(7) + ")"
                    : system;
        };
    }
}
