package io.cameliotmp.benchmarks.load;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** PNG charts of the medians, rendered with XChart. */
final class Charts {

    private Charts() {
    }

    static void render(String scenario, String name, Map<String, List<Map<String, Double>>> data, Path dir)
            throws Exception {
        System.setProperty("java.awt.headless", "true");
        Files.createDirectories(dir);
        switch (scenario) {
            case "hold" -> {
                bars(dir.resolve(name + "-memory.png"), "Memory per idle device (median)", "bytes", data,
                        List.of("heapPerDevice", "rssPerDevice"), List.of("heap after full GC", "RSS growth"));
                bars(dir.resolve(name + "-connect-rate.png"), "Connect + authenticate rate (median)", "devices/s",
                        data, List.of("connectRate"), List.of("devices/s"));
            }
            case "rpc" -> {
                bars(dir.resolve(name + "-serial.png"), "Serial RPC through a route: latency (median of runs)", "µs",
                        data, List.of("serial.p50us", "serial.p99us", "serial.p999us"),
                        List.of("p50", "p99", "p99.9"));
                openLoop(dir.resolve(name + "-open-loop-p99.png"), data);
            }
            case "ingest" -> {
                bars(dir.resolve(name + "-rate.png"), "Ingest: samples/s at the route (median)", "samples/s", data,
                        List.of("fast.rate"), List.of("samples/s"));
                bars(dir.resolve(name + "-alloc.png"), "Ingest: server allocation and CPU per sample (median)",
                        "bytes / ns", data, List.of("fast.allocPerSample", "fast.cpuPerSample"),
                        List.of("bytes allocated per sample", "CPU ns per sample"));
                if (data.values().stream().anyMatch(l -> l.stream().anyMatch(m -> m.containsKey("slow.rate")))) {
                    bars(dir.resolve(name + "-slow-heap.png"), "Ingest into a 10× slower route: heap (median)", "MB",
                            data, List.of("fast.liveHeapMB", "slow.liveHeapMB", "slow.maxHeapMB"),
                            List.of("live heap, fast route", "live heap, slow route", "max heap used, slow route"));
                }
            }
            case "deadpeers" -> bars(dir.resolve(name + "-close-time.png"),
                    "Dead peers (ka = 2 s): close after the last byte (median)", "ms", data,
                    List.of("p50ms", "maxms", "limitms"), List.of("p50", "max", "limit 1.15 × ka + 1 s"));
            default -> {
            }
        }
    }

    private static void bars(Path file, String title, String yTitle, Map<String, List<Map<String, Double>>> data,
                             List<String> keys, List<String> seriesNames) throws Exception {
        CategoryChart chart = new CategoryChartBuilder().width(900).height(500).title(title).yAxisTitle(yTitle)
                .build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setLabelsVisible(true);
        chart.getStyler().setLabelsFontColorAutomaticEnabled(false);
        chart.getStyler().setDecimalPattern("#,##0.#");
        boolean any = false;
        for (int i = 0; i < keys.size(); i++) {
            List<String> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (Map.Entry<String, List<Map<String, Double>>> e : data.entrySet()) {
                double[] st = Report.stats(e.getValue(), keys.get(i));
                xs.add(Report.label(e.getKey()));
                ys.add(st == null ? 0.0 : st[0]);
                any |= st != null;
            }
            chart.addSeries(seriesNames.get(i), xs, ys);
        }
        if (any) {
            BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
        }
    }

    private static void openLoop(Path file, Map<String, List<Map<String, Double>>> data) throws Exception {
        XYChart chart = new XYChartBuilder().width(900).height(500)
                .title("Open-loop RPC: p99 latency vs offered rate (median of runs)")
                .xAxisTitle("offered calls/s").yAxisTitle("p99 (µs, log)").build();
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        boolean any = false;
        for (Map.Entry<String, List<Map<String, Double>>> e : data.entrySet()) {
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            java.util.TreeSet<Integer> rates = new java.util.TreeSet<>();
            e.getValue().forEach(m -> m.keySet().stream().filter(k -> k.startsWith("rate") && k.endsWith(".p99us"))
                    .forEach(k -> rates.add(Integer.parseInt(k.substring(4, k.indexOf('.'))))));
            for (int r : rates) {
                double[] st = Report.stats(e.getValue(), "rate" + r + ".p99us");
                if (st != null && st[0] > 0) {
                    xs.add((double) r);
                    ys.add(st[0]);
                }
            }
            if (!xs.isEmpty()) {
                chart.addSeries(Report.label(e.getKey()), xs, ys).setMarker(SeriesMarkers.CIRCLE);
                any = true;
            }
        }
        if (any) {
            BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
        }
    }
}
