package io.cameliotmp.benchmarks.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Says whether a CPU was taken from everything on it: a thread sleeps one millisecond at a time and keeps every
 * wake-up that came more than {@code thresholdMicros} late, with its time on {@link System#nanoTime()}'s clock
 * ({@code CLOCK_MONOTONIC} on Linux, the clock of {@link StallTimeline}). A stall of a benchmark's process that a
 * meter pinned to the same CPU also saw was the machine's (the hypervisor not running the virtual CPU, the kernel);
 * one the meter did not see was the process's own. It is a separate process so that the measured JVMs' collections
 * and safepoints do not stop it, and it allocates nothing in its loop, so it has no collections of its own.
 * <p>
 * {@link Bench} starts one per CPU with {@code hiccupMeter=true} and speaks {@link Proto}'s line protocol to it:
 * {@code freezes FROM TO} (nanoseconds on that clock) answers {@code @FREEZES} with the late wake-ups in between.
 * Every late wake-up is also printed as a log line ({@code nanos lateMicros}). With {@code alone} it runs without
 * the orchestrator, until SIGTERM, and then prints its summary:
 * <pre>
 * taskset -c 1 java -Xmx16m -cp benchmarks.jar io.cameliotmp.benchmarks.load.HiccupMeter 3000 alone &gt; cpu1.log
 * </pre>
 */
public final class HiccupMeter {

    /** Late wake-ups kept for queries: hours of a busy machine at a few per second. */
    private static final int MAX_KEPT = 100_000;

    private final long thresholdNanos;
    private final long[] at = new long[MAX_KEPT];
    private final long[] lateNanos = new long[MAX_KEPT];
    private int kept;
    private long wakeups;
    private long longestNanos;

    private HiccupMeter(long thresholdNanos) {
        this.thresholdNanos = thresholdNanos;
    }

    public static void main(String[] a) throws InterruptedException {
        HiccupMeter meter = new HiccupMeter(TimeUnit.MICROSECONDS.toNanos(a.length > 0 ? Long.parseLong(a[0]) : 3000));
        Thread measuring = new Thread(meter::measure, "hiccup-meter");
        measuring.setDaemon(true);
        measuring.start();
        if (a.length > 1 && a[1].equals("alone")) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> Proto.emit("SUMMARY", meter.summary())));
            measuring.join();
            return;
        }
        Proto.emit("READY", Map.of());
        for (String command = Proto.command(); !command.equals("quit"); command = Proto.command()) {
            String[] c = command.split("\\s+");
            if (c[0].equals("freezes") && c.length == 3) {
                Proto.emit("FREEZES", meter.between(Long.parseLong(c[1]), Long.parseLong(c[2])));
            } else {
                Proto.emit("ERROR", Map.of("command", command));
            }
        }
        Proto.emit("SUMMARY", meter.summary());
    }

    private void measure() {
        long previous = System.nanoTime();
        while (true) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            long late = now - previous - 1_000_000L;
            previous = now;
            synchronized (this) {
                wakeups++;
                longestNanos = Math.max(longestNanos, late);
                if (late > thresholdNanos && kept < MAX_KEPT) {
                    at[kept] = now;
                    lateNanos[kept++] = late;
                }
            }
            if (late > thresholdNanos) {
                System.out.println(now + " " + late / 1000);
            }
        }
    }

    /** The late wake-ups between two times: each as {time, late by} in nanoseconds, and the longest in ms. */
    private synchronized Map<String, Object> between(long from, long to) {
        List<long[]> events = new ArrayList<>();
        long longest = 0;
        for (int i = 0; i < kept; i++) {
            if (at[i] >= from && at[i] <= to) {
                events.add(new long[] {at[i], lateNanos[i]});
                longest = Math.max(longest, lateNanos[i]);
            }
        }
        return Proto.map("events", events, "longestMillis", longest / 1e6);
    }

    private synchronized Map<String, Object> summary() {
        return Proto.map("wakeups", wakeups, "longestMillis", longestNanos / 1e6, "kept", kept);
    }
}
