package io.cameliotmp.api.access;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The failure limiter on a clock of the test's own: no waiting. */
class AuthFailureLimiterTest {

    private final AtomicLong now = new AtomicLong(1_000);

    @Test
    void anAddressIsBlockedAfterItsFailuresUntilTheWindowEnds() {
        AuthFailureLimiter limiter = new AuthFailureLimiter(3, Duration.ofSeconds(60), 100, now::get);

        limiter.failed("a");
        limiter.failed("a");
        assertThat(limiter.blockedForSeconds("a")).isZero();
        limiter.failed("a");
        assertThat(limiter.blockedForSeconds("a")).isEqualTo(60);
        assertThat(limiter.blockedForSeconds("b")).isZero();

        now.addAndGet(Duration.ofSeconds(59).toNanos());
        assertThat(limiter.blockedForSeconds("a")).isEqualTo(1);
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        assertThat(limiter.blockedForSeconds("a")).isZero();
        assertThat(limiter.tracked()).isZero();
    }

    @Test
    void addressesBeyondTheBoundAreCountedTogether() {
        AuthFailureLimiter limiter = new AuthFailureLimiter(2, Duration.ofSeconds(60), 2, now::get);

        limiter.failed("a");
        limiter.failed("b");
        limiter.failed("c");
        limiter.failed("d");

        assertThat(limiter.tracked()).isEqualTo(3);
        assertThat(limiter.blockedForSeconds("e")).isPositive();
        assertThat(limiter.blockedForSeconds("a")).isZero();

        now.addAndGet(Duration.ofSeconds(60).toNanos());
        limiter.failed("f");
        assertThat(limiter.tracked()).isEqualTo(1);
        assertThat(limiter.blockedForSeconds("e")).isZero();
    }
}
