package io.cameliotmp.benchmarks.load;

import java.lang.management.CompilationMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Drives server-to-device calls ("a route calls a device resource") and records their latency in HdrHistogram.
 * <ul>
 * <li>serial: one call at a time; the next call is issued from the completion of the previous one, so no thread
 * hand-off of the driver is measured, only the call path;</li>
 * <li>open loop: calls are issued at fixed intended times (rate per second) whatever the answers do, and each
 * latency is measured from its intended start, so a stall shows up in the percentiles (no coordinated
 * omission).</li>
 * </ul>
 */
final class RpcDriver {

    /** One asynchronous call to device {@code device}; exactly one of the callbacks runs once. */
    interface Caller {
        void call(int device, Done done);
    }

    interface Done {
        void ok();

        void failed(Throwable cause);
    }

    /** Rounds the serial warm-up is split into (see {@link #serial}). */
    private static final int WARMUP_ROUNDS = 10;
    /** Most rounds added to the warm-up while the JIT is still compiling (see {@link #serial}). */
    private static final int MAX_EXTRA_WARMUP_ROUNDS = 100;
    /** Quiet one-second rounds in a row that end an open-loop warm-up (see {@link #openLoop}). */
    private static final int QUIET_ROUNDS_IN_A_ROW = 3;
    /** Slots of a window's {@link StallTimeline} reported: those with a call slower than this. */
    private static final long SLOW_SLOT_MILLIS = 20;

    private RpcDriver() {
    }

    /**
     * @param jitQuietMillis when above 0, the warm-up goes on, round after round of the same size, until a round
     *                       saw at most this much JIT compilation time (at most {@value #MAX_EXTRA_WARMUP_ROUNDS}
     *                       rounds more): on a slow core the compiler may still be at work after a fixed warm-up,
     *                       and the measured calls then wait for it. The result says how many warm-up calls ran.
     */
    static Map<String, Object> serial(Caller caller, int devices, int warmup, int count, long timeoutSeconds,
                                      long jitQuietMillis)
            throws InterruptedException {
        // The warm-up runs in rounds, each started from this thread like the measured run. A single round would
        // end with the first call from outside the completion chain since the JIT compiled it: a branch the JIT had
        // left out (the loop's end, "not on the connection's thread"), whose deoptimisation and recompilation of
        // the whole inlined call chain then fell into the first second of the measurement.
        for (int round = 0; round < WARMUP_ROUNDS; round++) {
            // exactly warmup calls in all, as the bytes per call are counted over warm-up and measurement together
            int calls = warmup / WARMUP_ROUNDS + (round < warmup % WARMUP_ROUNDS ? 1 : 0);
            runSerial(caller, devices, calls, new Recorder(3), timeoutSeconds);
        }
        int roundCalls = Math.max(1, warmup / WARMUP_ROUNDS);
        int extraRounds = warmUntilJitQuiet(jitQuietMillis, 1,
                () -> runSerial(caller, devices, roundCalls, new Recorder(3), timeoutSeconds));
        int warmupCalls = warmup + extraRounds * roundCalls;
        Recorder recorder = new Recorder(3);
        long compiledBefore = compilationMillis();
        // the JVM's uptime brackets the measured calls, to match them with -XX:+PrintCompilation's timestamps
        long uptimeAtStart = ManagementFactory.getRuntimeMXBean().getUptime();
        Allocation used = new Allocation();
        used.start();
        long start = System.nanoTime();
        Result r = runSerial(caller, devices, count, recorder, timeoutSeconds);
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Object> cost = used.end();
        long compiledAfter = compilationMillis();
        long uptimeAtEnd = ManagementFactory.getRuntimeMXBean().getUptime();
        Histogram h = recorder.getIntervalHistogram();
        Map<String, Object> m = summary(h, r.errors, seconds);
        putPerCall(m, cost, r.completed);
        // the JIT's threads share the server's core: what they compiled meanwhile delayed calls (-1: not known)
        m.put("jitMillis", compiledBefore >= 0 ? compiledAfter - compiledBefore : -1);
        m.put("uptimeAtStartMillis", uptimeAtStart);
        m.put("uptimeAtEndMillis", uptimeAtEnd);
        m.put("mode", "serial");
        m.put("devices", devices);
        m.put("calls", count);
        m.put("completed", r.completed);
        m.put("warmupCalls", warmupCalls);
        m.put("extraWarmupRounds", extraRounds);
        return m;
    }

    /** One more round of a warm-up. */
    private interface WarmupRound {
        void run() throws InterruptedException;
    }

    /**
     * Runs warm-up rounds until {@code quietRoundsInARow} rounds in a row each saw at most {@code jitQuietMillis} of
     * JIT compilation, or {@value #MAX_EXTRA_WARMUP_ROUNDS} rounds ran; none when {@code jitQuietMillis} is 0 or the
     * JVM does not report its compilation time. Returns how many rounds ran.
     */
    private static int warmUntilJitQuiet(long jitQuietMillis, int quietRoundsInARow, WarmupRound round)
            throws InterruptedException {
        long compiled = compilationMillis();
        if (jitQuietMillis <= 0 || compiled < 0) {
            return 0;
        }
        int rounds = 0;
        int quietRounds = 0;
        while (rounds < MAX_EXTRA_WARMUP_ROUNDS && quietRounds < quietRoundsInARow) {
            round.run();
            rounds++;
            long now = compilationMillis();
            quietRounds = now - compiled <= jitQuietMillis ? quietRounds + 1 : 0;
            compiled = now;
        }
        return rounds;
    }

    /**
     * What the server process spent per completed call over the measured calls: CPU time (its JIT and collector
     * threads included, which share the core with the calls) and bytes allocated by its Java threads. The calls'
     * latency at a fixed rate grows with the share of the core they take, so the systems' tails are read beside it.
     */
    private static void putPerCall(Map<String, Object> m, Map<String, Object> cost, long calls) {
        m.putAll(cost);
        double n = Math.max(1, calls);
        m.put("cpuPerCallMicros", ((Number) cost.get("cpuNanos")).doubleValue() / n / 1000);
        m.put("allocPerCall", ((Number) cost.get("allocatedBytes")).doubleValue() / n);
    }

    /** Milliseconds the JIT has compiled for so far, summed over its threads; -1 when the JVM does not say. */
    private static long compilationMillis() {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : -1;
    }

    /** Milliseconds the collectors have run for so far (their own accounting: pauses, for G1's young collections). */
    private static long collectionMillis() {
        long millis = 0;
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            millis += Math.max(0, collector.getCollectionTime());
        }
        return millis;
    }

    private record Result(long completed, long errors) {
    }

    private static Result runSerial(Caller caller, int devices, int count, Recorder recorder, long timeoutSeconds)
            throws InterruptedException {
        CountDownLatch finished = new CountDownLatch(1);
        AtomicLong errors = new AtomicLong();
        AtomicInteger issued = new AtomicInteger();
        Runnable[] next = new Runnable[1];
        next[0] = () -> {
            int n = issued.getAndIncrement();
            if (n >= count) {
                finished.countDown();
                return;
            }
            SlowCall event = SlowCall.ENABLED ? new SlowCall() : null;
            if (event != null) {
                event.device = n % devices;
                event.begin();
            }
            long t0 = System.nanoTime();
            caller.call(n % devices, new Done() {
                @Override
                public void ok() {
                    recorder.recordValue(System.nanoTime() - t0);
                    if (event != null) {
                        event.commit();
                    }
                    next[0].run();
                }

                @Override
                public void failed(Throwable cause) {
                    errors.incrementAndGet();
                    next[0].run();
                }
            });
        };
        next[0].run();
        if (!finished.await(timeoutSeconds, TimeUnit.SECONDS)) {
            errors.addAndGet(count - Math.min(count, issued.get()));
        }
        return new Result(Math.min(count, issued.get()), errors.get());
    }

    /**
     * @param jitQuietMillis when above 0, the warm-up goes on in rounds of one second at the same rate until
     *                       {@value #QUIET_ROUNDS_IN_A_ROW} rounds in a row saw at most this much JIT compilation time
     *                       each (at most {@value #MAX_EXTRA_WARMUP_ROUNDS} rounds more): at 10,000 calls/s the
     *                       compiler was seen at work for over a second of the ten measured, on the server's one
     *                       core, after the fixed warm-up, and also after a single quiet round
     * @param settleHeap     a full collection after the warm-up: what the server has kept since it started is then
     *                       in the old generation, as in a server that has run for a while. A young JVM copies it
     *                       from survivor space to survivor space at every young collection until it is old enough
     *                       (15 collections): several megabytes, 8 to 49 ms on the server's one core each time.
     * @param burstPerDevice when above 0, the warm-up also issues this many calls per device at once, without
     *                       pacing, and waits for them: calls that back up take branches a paced warm-up never
     *                       takes (a connection's pending requests outgrowing their first map, timer and task queues
     *                       needing a new chunk), which C2 has compiled out; the first time, in the window, it throws
     *                       the compiled chain away and compiles it again. A server that has run for a while has
     *                       taken them long ago. Calls the server refuses meanwhile are not counted.
     */
    static Map<String, Object> openLoop(Caller caller, int devices, double rate, double seconds, double warmupSeconds,
                                        long drainSeconds, long jitQuietMillis, boolean settleHeap,
                                        int burstPerDevice)
            throws InterruptedException {
        long compiledAtWarmup = compilationMillis();
        // the warm-up records into a timeline of its own too: the window's calls then take no branch it did not
        runOpenLoop(caller, devices, rate, warmupSeconds, new Recorder(3), new AtomicLong(), new AtomicLong(),
                new StallTimeline(System.nanoTime(), warmupSeconds), drainSeconds);
        WarmupRound oneSecond = () -> runOpenLoop(caller, devices, rate, 1, new Recorder(3), new AtomicLong(),
                new AtomicLong(), new StallTimeline(System.nanoTime(), 1), drainSeconds);
        if (burstPerDevice > 0) {
            // then at the rate again, so that the quiet rounds below also cover what the burst made C2 recompile
            runBurst(caller, devices, burstPerDevice * devices, drainSeconds);
            oneSecond.run();
        }
        int extraRounds = warmUntilJitQuiet(jitQuietMillis, QUIET_ROUNDS_IN_A_ROW, oneSecond);
        if (settleHeap) {
            System.gc();
        }
        Recorder recorder = new Recorder(3);
        AtomicLong errors = new AtomicLong();
        AtomicLong completed = new AtomicLong();
        long compiledBefore = compilationMillis();
        long collectedBefore = collectionMillis();
        long uptimeAtStart = ManagementFactory.getRuntimeMXBean().getUptime();
        Allocation used = new Allocation();
        used.start();
        StallTimeline timeline = new StallTimeline(System.nanoTime(), seconds);
        long[] issued = runOpenLoop(caller, devices, rate, seconds, recorder, errors, completed, timeline,
                drainSeconds);
        Map<String, Object> cost = used.end();
        long uptimeAtEnd = ManagementFactory.getRuntimeMXBean().getUptime();
        long compiledAfter = compilationMillis();
        long collectedAfter = collectionMillis();
        Histogram h = recorder.getIntervalHistogram();
        long lost = issued[0] - completed.get() - errors.get();
        Map<String, Object> m = summary(h, errors.get() + lost, issued[1] / 1e9);
        putPerCall(m, cost, completed.get());
        m.put("mode", "open-loop");
        m.put("devices", devices);
        m.put("targetRate", rate);
        m.put("calls", issued[0]);
        m.put("completed", completed.get());
        m.put("unanswered", lost);
        m.put("maxScheduleLagMicros", issued[2] / 1000);
        // the JIT's and the collector's time share the server's core with the calls (-1: not known)
        m.put("jitWarmupMillis", compiledAtWarmup >= 0 ? compiledBefore - compiledAtWarmup : -1);
        m.put("jitMillis", compiledBefore >= 0 ? compiledAfter - compiledBefore : -1);
        m.put("gcMillis", collectedAfter - collectedBefore);
        // the clock of -XX:+PrintCompilation's and -Xlog's lines, to find what ran in the window
        m.put("uptimeAtStartMillis", uptimeAtStart);
        m.put("uptimeAtEndMillis", uptimeAtEnd);
        m.put("extraWarmupRounds", extraRounds);
        m.put("settledHeap", settleHeap);
        m.put("burstPerDevice", burstPerDevice);
        m.put("monotonicAtStartNanos", timeline.startNanos());
        m.put("slowSlots", timeline.slowSlots(SLOW_SLOT_MILLIS));
        return m;
    }

    /** {@code calls} calls round robin over the devices, all issued at once; returns when all have ended. */
    private static void runBurst(Caller caller, int devices, int calls, long drainSeconds)
            throws InterruptedException {
        CountDownLatch ended = new CountDownLatch(calls);
        for (int i = 0; i < calls; i++) {
            caller.call(i % devices, new Done() {
                @Override
                public void ok() {
                    ended.countDown();
                }

                @Override
                public void failed(Throwable cause) {
                    ended.countDown();
                }
            });
        }
        ended.await(drainSeconds, TimeUnit.SECONDS);
    }

    /** Returns {issued, issuing nanos, worst lag of the issuing thread behind schedule}. */
    private static long[] runOpenLoop(Caller caller, int devices, double rate, double seconds, Recorder recorder,
                                      AtomicLong errors, AtomicLong completed, StallTimeline timeline,
                                      long drainSeconds)
            throws InterruptedException {
        long total = (long) (rate * seconds);
        double intervalNanos = 1e9 / rate;
        AtomicLong outstanding = new AtomicLong();
        long start = timeline.startNanos();
        long maxLag = 0;
        for (long i = 0; i < total; i++) {
            long intended = start + (long) (i * intervalNanos);
            long now = System.nanoTime();
            if (intended > now) {
                LockSupport.parkNanos(intended - now);
            } else {
                maxLag = Math.max(maxLag, now - intended);
            }
            outstanding.incrementAndGet();
            caller.call((int) (i % devices), new Done() {
                @Override
                public void ok() {
                    long latency = System.nanoTime() - intended;
                    recorder.recordValue(latency);
                    timeline.record(intended, latency);
                    completed.incrementAndGet();
                    outstanding.decrementAndGet();
                }

                @Override
                public void failed(Throwable cause) {
                    errors.incrementAndGet();
                    outstanding.decrementAndGet();
                }
            });
        }
        long issuing = System.nanoTime() - start;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(drainSeconds);
        while (outstanding.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        return new long[] {total, issuing, maxLag};
    }

    static Map<String, Object> summary(Histogram h, long errors, double seconds) {
        return Proto.map(
                "count", h.getTotalCount(),
                "errors", errors,
                "seconds", seconds,
                "throughput", h.getTotalCount() / seconds,
                "p50us", h.getValueAtPercentile(50) / 1000.0,
                "p90us", h.getValueAtPercentile(90) / 1000.0,
                "p99us", h.getValueAtPercentile(99) / 1000.0,
                "p999us", h.getValueAtPercentile(99.9) / 1000.0,
                "maxus", h.getMaxValue() / 1000.0,
                "meanus", h.getMean() / 1000.0);
    }
}
