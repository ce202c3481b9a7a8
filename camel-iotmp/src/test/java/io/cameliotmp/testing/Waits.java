package io.cameliotmp.testing;

import java.time.Duration;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

/**
 * Bounded waits for tests that run on loaded machines: wait for a condition, never for a time, and give up only after
 * {@link #WAIT}, long enough that a busy machine never reaches it while a broken build still fails in bounded time.
 */
public final class Waits {

    /** Upper bound of every wait for something that is expected to happen. */
    public static final Duration WAIT = Duration.ofSeconds(30);

    private Waits() {
    }

    /** Awaitility bounded by {@link #WAIT}, polling often so a test waits no longer than its condition needs. */
    public static ConditionFactory eventually() {
        return Awaitility.await().atMost(WAIT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10));
    }
}
