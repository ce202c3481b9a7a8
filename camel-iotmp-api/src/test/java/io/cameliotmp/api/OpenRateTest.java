package io.cameliotmp.api;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * How fast one user opens sessions and streams: a minute's worth at once, then one per token's time, each user its
 * own bucket, the table of users bounded. On a clock of the test's own: nothing here waits for time to pass.
 */
class OpenRateTest {

    /** Starts near the wrap of {@code nanoTime}, which the buckets must survive. */
    private final AtomicLong now = new AtomicLong(Long.MAX_VALUE - TimeUnit.SECONDS.toNanos(5));

    @Test
    void aUserOpensAMinutesWorthAtOnceThenAsTheMinuteGivesThemBack() {
        OpenRate rate = new OpenRate(6, now::get);
        for (int i = 0; i < 6; i++) {
            assertThat(rate.take("alice")).as("opening %d of the burst", i).isTrue();
        }
        assertThat(rate.take("alice")).isFalse();
        assertThat(rate.take("alice")).isFalse();
        assertThat(rate.refused()).isEqualTo(2);
        // another user has a bucket of its own
        assertThat(rate.take("bob")).isTrue();

        // one token's time (10 s) gives one back, not more
        now.addAndGet(TimeUnit.SECONDS.toNanos(10));
        assertThat(rate.take("alice")).isTrue();
        assertThat(rate.take("alice")).isFalse();

        // a whole minute fills the bucket again, and no more than that
        now.addAndGet(TimeUnit.MINUTES.toNanos(5));
        for (int i = 0; i < 6; i++) {
            assertThat(rate.take("alice")).isTrue();
        }
        assertThat(rate.take("alice")).isFalse();
        assertThat(rate.refused()).isEqualTo(4);
    }

    @Test
    void zeroIsNoBoundAndANegativeRateIsRefused() {
        OpenRate none = new OpenRate(0, now::get);
        for (int i = 0; i < 10_000; i++) {
            assertThat(none.take("alice")).isTrue();
        }
        assertThat(none.tracked()).isZero();
        assertThatThrownBy(() -> new OpenRate(-1, now::get)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("max-opens-per-user-per-minute");
    }

    @Test
    void theUsersKeptAreBoundedAndThoseBeyondShareOneBucket() {
        OpenRate rate = new OpenRate(2, now::get);
        for (int user = 0; user < OpenRate.MAX_TRACKED; user++) {
            assertThat(rate.take("user-" + user)).isTrue();
        }
        assertThat(rate.tracked()).isEqualTo(OpenRate.MAX_TRACKED);
        // beyond the table, while every bucket in it is still filling: new users share one bucket of two
        assertThat(rate.take("mallory-1")).isTrue();
        assertThat(rate.take("mallory-2")).isTrue();
        assertThat(rate.take("mallory-3")).isFalse();
        assertThat(rate.tracked()).isEqualTo(OpenRate.MAX_TRACKED);
        // a tracked user keeps its own bucket meanwhile
        assertThat(rate.take("user-0")).isTrue();
        assertThat(rate.take("user-0")).isFalse();

        // once the buckets are full again, the table forgets them and a new user gets its own
        now.addAndGet(TimeUnit.MINUTES.toNanos(2));
        assertThat(rate.take("carol")).isTrue();
        assertThat(rate.tracked()).isEqualTo(1);
        assertThat(rate.take("carol")).isTrue();
        assertThat(rate.take("carol")).isFalse();
    }
}
