package io.cameliotmp.server;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The pace of a drain never exceeds the rate asked for, and a drain always makes progress. */
class ServerDrainTest {

    @Test
    void batchesNeverExceedTheRate() {
        for (int rate : new int[] {1, 3, 7, 10, 15, 99, 100, 101, 1000, 12_345}) {
            long tick = ServerDrain.tickMillis(rate);
            int perTick = ServerDrain.perTick(rate, tick);
            assertThat(tick).as("tick of %d/s", rate).isGreaterThanOrEqualTo(ServerDrain.MIN_TICK_MILLIS);
            assertThat(perTick).as("batch of %d/s", rate).isPositive();
            assertThat(perTick * 1000.0 / tick).as("rate of %d/s", rate).isLessThanOrEqualTo(rate)
                    .isGreaterThanOrEqualTo(rate / 2.0);
        }
    }

    @Test
    void aRateMustBePositive() {
        assertThatThrownBy(() -> new ServerDrain(new DeviceRegistry(), 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anEmptyServerIsDrainedAtTheFirstBatch() {
        ServerDrain drain = new ServerDrain(new DeviceRegistry(), 10);
        drain.tick();
        assertThat(drain.drained()).isCompleted();
    }
}
