package io.cameliotmp.examples.quickstart;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The device-event log budget, on a clock the test moves. */
class LogBudgetTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final LogBudget budget = new LogBudget(20, now::get);

    private int admitted(int attempts) {
        int admitted = 0;
        for (int i = 0; i < attempts; i++) {
            admitted += budget.admit() ? 1 : 0;
        }
        return admitted;
    }

    private void advanceSeconds(double seconds) {
        now.addAndGet((long) (seconds * TimeUnit.SECONDS.toNanos(1)));
    }

    @Test
    void aBurstOfTenSecondsWorthIsLoggedThenTheRestIsCounted() {
        assertThat(admitted(10_000)).isEqualTo(200);
        assertThat(budget.takeSuppressed()).as("not before the summary interval").isZero();

        advanceSeconds(LogBudget.SUMMARY_INTERVAL_SECONDS);
        assertThat(budget.takeSuppressed()).isEqualTo(9_800);
        assertThat(budget.takeSuppressed()).as("counted once").isZero();
    }

    @Test
    void aSteadyFloodIsHeldToTheRate() {
        admitted(200); // the burst
        int admitted = 0;
        for (int second = 0; second < 60; second++) {
            advanceSeconds(1);
            admitted += admitted(1_000);
        }
        assertThat(admitted).isEqualTo(60 * 20);
    }

    @Test
    void ordinaryTrafficIsNeverSuppressed() {
        for (int i = 0; i < 1_000; i++) {
            assertThat(budget.admit()).isTrue();
            advanceSeconds(0.1);
        }
        advanceSeconds(LogBudget.SUMMARY_INTERVAL_SECONDS);
        assertThat(budget.takeSuppressed()).isZero();
    }

    @Test
    void aRateBelowOneIsRefused() {
        assertThatThrownBy(() -> new LogBudget(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
