package io.cameliotmp.benchmarks.load;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import io.cameliotmp.server.DeviceId;
import io.cameliotmp.server.DeviceRequest;
import io.cameliotmp.server.IotmpRequestException;
import io.cameliotmp.server.IotmpServer;

/**
 * Open-loop RUN calls from one cluster member ({@link ClusterMemberMain}, command {@code openloop}): calls start at a
 * fixed rate whatever the answers do (a late answer never delays the next call), round robin over the devices
 * {@code PREFIX0 … PREFIX(n-1)}, wherever they are connected. Every call ends in one of: answered, failed with a typed
 * exception (a subclass of {@link IotmpRequestException}), failed otherwise (untyped), or no outcome by the end of the
 * wait after the last call (a hang). Per device it also says when calls started succeeding again after its last
 * failure, so the orchestrator can tell how soon a killed member's devices were callable again.
 */
final class OpenLoopCaller {

    private static final byte NONE = 0;
    private static final byte OK = 1;
    private static final byte TYPED = 2;
    private static final byte UNTYPED = 3;

    private final IotmpServer server;
    private final String user;
    private final String prefix;
    private final int devices;
    private final int rate;
    private final int seconds;
    private final long timeoutMillis;

    OpenLoopCaller(IotmpServer server, String user, String prefix, int devices, int rate, int seconds,
                   long timeoutMillis) {
        this.server = server;
        this.user = user;
        this.prefix = prefix;
        this.devices = devices;
        this.rate = rate;
        this.seconds = seconds;
        this.timeoutMillis = timeoutMillis;
    }

    Map<String, Object> run() throws InterruptedException {
        int total = rate * seconds;
        long[] startedAtMillis = new long[total];
        long[] micros = new long[total];
        byte[] outcome = new byte[total];
        Map<String, LongAdder> failures = new ConcurrentHashMap<>();
        List<CompletableFuture<?>> calls = new ArrayList<>(total);
        DeviceId[] ids = new DeviceId[devices];
        for (int d = 0; d < devices; d++) {
            ids[d] = new DeviceId(user, prefix + d);
        }
        long intervalNanos = 1_000_000_000L / rate;
        long lagNanos = 0;
        long begin = System.nanoTime();
        for (int i = 0; i < total; i++) {
            long due = begin + i * intervalNanos;
            long wait = due - System.nanoTime();
            if (wait > 20_000) {
                LockSupport.parkNanos(wait);
            }
            lagNanos = Math.max(lagNanos, System.nanoTime() - due);
            int call = i;
            startedAtMillis[i] = System.currentTimeMillis();
            CompletableFuture<?> sent;
            try {
                sent = server.send(ids[i % devices], DeviceRequest.run("echo", ServerMain.INPUT),
                        Duration.ofMillis(timeoutMillis));
            } catch (RuntimeException e) {
                sent = CompletableFuture.failedFuture(e);
            }
            calls.add(sent.whenComplete((reply, failure) -> {
                micros[call] = (System.nanoTime() - due) / 1_000;
                if (failure == null) {
                    outcome[call] = OK;
                    return;
                }
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                boolean typed = cause instanceof IotmpRequestException
                                && cause.getClass() != IotmpRequestException.class;
                outcome[call] = typed ? TYPED : UNTYPED;
                failures.computeIfAbsent(cause.getClass().getSimpleName(), k -> new LongAdder()).increment();
            }));
        }
        long issuedNanos = System.nanoTime() - begin;
        try {
            CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new))
                    .get(timeoutMillis + 15_000, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // failures are counted per call; calls still without an outcome are counted below
        }
        return summary(total, startedAtMillis, micros, outcome, failures, issuedNanos, lagNanos);
    }

    private Map<String, Object> summary(int total, long[] startedAtMillis, long[] micros, byte[] outcome,
                                        Map<String, LongAdder> failures, long issuedNanos, long lagNanos) {
        long ok = 0;
        long typed = 0;
        long untyped = 0;
        long none = 0;
        long[] okMicros = new long[total];
        long[] lastFailure = new long[devices];
        int[] failuresOf = new int[devices];
        long[] firstFailure = new long[devices];
        for (int i = 0; i < total; i++) {
            byte o = outcome[i];
            if (o == OK) {
                okMicros[(int) ok++] = micros[i];
            } else if (o == NONE) {
                none++;
            } else {
                if (o == TYPED) {
                    typed++;
                } else {
                    untyped++;
                }
                int d = i % devices;
                if (failuresOf[d]++ == 0) {
                    firstFailure[d] = startedAtMillis[i];
                }
                lastFailure[d] = Math.max(lastFailure[d], startedAtMillis[i]);
            }
        }
        // per device with failures: the first call started after its last failure that was answered
        Map<String, Object> recovered = new TreeMap<>();
        for (int d = 0; d < devices; d++) {
            if (failuresOf[d] == 0) {
                continue;
            }
            long recoveredAt = 0;
            for (int i = d; i < total; i += devices) {
                if (outcome[i] == OK && startedAtMillis[i] > lastFailure[d]
                    && (recoveredAt == 0 || startedAtMillis[i] < recoveredAt)) {
                    recoveredAt = startedAtMillis[i];
                }
            }
            recovered.put(prefix + d, Map.of("failures", failuresOf[d], "firstFailureAt", firstFailure[d],
                    "lastFailureAt", lastFailure[d], "recoveredAt", recoveredAt));
        }
        long[] sorted = Arrays.copyOf(okMicros, (int) ok);
        Arrays.sort(sorted);
        Map<String, Long> byType = new TreeMap<>();
        failures.forEach((type, count) -> byType.put(type, count.sum()));
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("calls", total);
        r.put("rate", rate);
        r.put("achievedRate", Math.round(total / (issuedNanos / 1e9)));
        r.put("maxStartLagMillis", lagNanos / 1_000_000);
        r.put("ok", ok);
        r.put("typedFailures", typed);
        r.put("untypedFailures", untyped);
        r.put("noOutcome", none);
        r.put("failuresByType", byType);
        r.put("okP50Micros", percentile(sorted, 0.50));
        r.put("okP99Micros", percentile(sorted, 0.99));
        r.put("okMaxMicros", sorted.length == 0 ? 0 : sorted[sorted.length - 1]);
        r.put("devicesWithFailures", recovered);
        return r;
    }

    private static long percentile(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) (sorted.length * p))];
    }
}
