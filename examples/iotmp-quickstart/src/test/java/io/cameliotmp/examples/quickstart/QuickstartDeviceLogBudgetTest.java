package io.cameliotmp.examples.quickstart;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.device.IotmpDevice;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Lines a device causes in the quickstart's log are budgeted by kind ({@code quickstart.device-event-log-rate}, 20 a
 * second with a burst of ten seconds' worth, here as in the application) and show at most 200 characters of a value:
 * a device writing a bucket as fast as the server reads, with large values, decides neither how fast the log grows
 * nor how long its lines are. Found by the soak's legacy-after-login family: 66,000 lines of 600 bytes in 30 s.
 */
class QuickstartDeviceLogBudgetTest extends QuickstartTestSupport {

    private static final int WRITES = 1000;
    private static final int IN_FLIGHT = 50;
    private static final int RATE = 20;
    private static final int BURST = RATE * 10;

    @Test
    void bucketWritesAsFastAsTheServerReadsWriteTheirBudgetOfShortLines() throws Exception {
        IotmpDevice device = device("device-2", "secret-2", options -> { });
        device.start().toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        String value = "v".repeat(5000);
        try (LogEvents log = new LogEvents()) {
            long started = System.nanoTime();
            for (int sent = 0; sent < WRITES; sent += IN_FLIGHT) {
                List<CompletableFuture<Object>> writes = new ArrayList<>();
                for (int i = 0; i < IN_FLIGHT; i++) {
                    writes.add(device.writeBucket("flood", value, true).toCompletableFuture());
                }
                CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new))
                        .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            }
            // each write is logged (or counted) before its answer: every line there is to be is written now
            long elapsedSeconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started) + 1;

            List<String> lines = log.messagesContaining("bucket flood from demo/device-2:");
            // a token bucket admits at most its burst plus what it refilled meanwhile, however fast or slow this ran
            assertThat(lines).hasSizeLessThanOrEqualTo((int) (BURST + RATE * elapsedSeconds))
                    .isNotEmpty()
                    .allSatisfy(line -> assertThat(line).hasSizeLessThan(300).endsWith("… (5000 characters)"));
        }
    }

    /**
     * A value's line breaks are escaped in its line: a device (one of the fleet's, compromised) cannot make the
     * quickstart's log show lines of its own.
     */
    @Test
    void aValuesLineBreaksAreEscapedInItsLine() throws Exception {
        IotmpDevice device = device("device-3", "secret-3", options -> { });
        device.start().toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        String forged = "2026-12-06 12:00:00.000 ERROR 1 --- [main] forged : a line the device wrote";
        try (LogEvents log = new LogEvents()) {
            // the bucket lines share a budget with the other tests' writes: write until one is admitted
            await("a bucket line of device-3").atMost(WAIT).until(() -> {
                device.writeBucket("notes", "first\n" + forged, true).toCompletableFuture()
                        .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                return !log.messagesContaining("bucket notes from demo/device-3:").isEmpty();
            });
            assertThat(log.messagesContaining("bucket notes from demo/device-3:")).allSatisfy(line -> assertThat(line)
                    .doesNotContain("\n", "\r").endsWith("first\\n" + forged));
        }
    }

    /**
     * What was not logged is counted in the log within two summary intervals even when the flood has stopped and no
     * further event comes; the count used to wait for the next bucket write, for ever if there was none.
     */
    @Test
    void theWritesNotLoggedAreCountedOnceTheFloodStops() throws Exception {
        IotmpDevice device = device("device-2", "secret-2", options -> { });
        device.start().toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        int writes = 2 * WRITES;
        try (LogEvents log = new LogEvents()) {
            for (int sent = 0; sent < writes; sent += IN_FLIGHT) {
                List<CompletableFuture<Object>> batch = new ArrayList<>();
                for (int i = 0; i < IN_FLIGHT; i++) {
                    batch.add(device.writeBucket("stopped-flood", "v", true).toCompletableFuture());
                }
                CompletableFuture.allOf(batch.toArray(CompletableFuture[]::new))
                        .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            }
            int notLogged = writes - log.messagesContaining("bucket stopped-flood from demo/device-2:").size();
            assertThat(notLogged).isPositive();
            // counts may include earlier tests' writes, never fewer than this flood's
            await().atMost(Duration.ofSeconds(4 * LogBudget.SUMMARY_INTERVAL_SECONDS))
                    .until(() -> countedAsNotLogged(log) >= notLogged);
        }
    }

    private static long countedAsNotLogged(LogEvents log) {
        return log.messagesContaining(" bucket writes not logged in the last ").stream()
                .mapToLong(line -> Long.parseLong(line.substring(0, line.indexOf(' '))))
                .sum();
    }
}
