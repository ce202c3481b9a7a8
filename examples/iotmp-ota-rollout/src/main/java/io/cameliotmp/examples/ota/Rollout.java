package io.cameliotmp.examples.ota;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * One rollout of one image: the plan (a canary wave, then waves) and what happened to each device. Shared by the
 * parallel updates of a wave, so every method is synchronized.
 */
public final class Rollout {

    private final String image;
    private final List<List<String>> waves;
    private final int maxFailures;
    /** Whether the first wave is the canary: with {@code canary} 0 it is an ordinary wave. */
    private final boolean canaryFirst;
    private final List<Map<String, Object>> results = new ArrayList<>();
    private int failures;
    private boolean stopped;
    private String stopReason;

    private Rollout(String image, List<List<String>> waves, int maxFailures, boolean canaryFirst) {
        this.image = image;
        this.waves = waves;
        this.maxFailures = maxFailures;
        this.canaryFirst = canaryFirst;
    }

    /**
     * Plans the rollout of {@code devices} (in this order, each once): the first {@code canary} devices alone, then
     * waves of {@code waveSize}. A device listed twice is updated once: twice, it was updated twice at the same time
     * when both fell into one batch, the second update failing on the first's, and reported and counted twice.
     */
    public static Rollout plan(String image, List<String> listed, int canary, int waveSize, int maxFailures) {
        if (canary < 0 || waveSize <= 0 || maxFailures < 0) {
            throw new IllegalArgumentException("canary >= 0, wave-size > 0 and max-failures >= 0 are required");
        }
        List<String> devices = List.copyOf(new LinkedHashSet<>(listed));
        List<List<String>> waves = new ArrayList<>();
        int first = Math.min(canary, devices.size());
        if (first > 0) {
            waves.add(List.copyOf(devices.subList(0, first)));
        }
        for (int i = first; i < devices.size(); i += waveSize) {
            waves.add(List.copyOf(devices.subList(i, Math.min(devices.size(), i + waveSize))));
        }
        return new Rollout(image, waves, maxFailures, first > 0);
    }

    /** The waves, canary first: the route splits over them one after the other. */
    public synchronized List<List<String>> waves() {
        return waves;
    }

    public synchronized boolean isStopped() {
        return stopped;
    }

    /** Records one device's report (a successful one, or the report of its failure). */
    public synchronized void record(Map<String, Object> report) {
        results.add(report);
        if (!Boolean.TRUE.equals(report.get("success"))) {
            failures++;
        }
    }

    /** Records devices that were not started because the rollout stopped. */
    public synchronized void skip(List<String> devices) {
        for (String device : devices) {
            Map<String, Object> skipped = new LinkedHashMap<>();
            skipped.put("device", device);
            skipped.put("outcome", "SKIPPED");
            skipped.put("success", false);
            results.add(skipped);
        }
    }

    /**
     * After each batch of updates that ran at once: a failed canary, or more failures than allowed, stop the rollout
     * before the next batch, of this wave or the next. Checked after each wave only, a wave went on through all its
     * batches once the threshold was passed.
     */
    public synchronized void batchDone(int wave) {
        if (stopped) {
            return;
        }
        if (wave == 0 && canaryFirst && failures > 0 && waves.size() > 1) {
            stopped = true;
            stopReason = "the canary failed";
        } else if (failures > maxFailures) {
            stopped = true;
            stopReason = failures + " devices failed, more than the " + maxFailures + " allowed";
        }
    }

    /** The report of the whole rollout: one entry per device, in the order they finished. */
    public synchronized Map<String, Object> summary() {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("image", image);
        summary.put("devices", results.size());
        summary.put("succeeded", results.stream().filter(r -> Boolean.TRUE.equals(r.get("success"))).count());
        summary.put("failed", failures);
        summary.put("skipped", results.stream().filter(r -> "SKIPPED".equals(r.get("outcome"))).count());
        summary.put("stopped", stopped);
        if (stopReason != null) {
            summary.put("stopReason", stopReason);
        }
        summary.put("results", List.copyOf(results));
        return summary;
    }
}
