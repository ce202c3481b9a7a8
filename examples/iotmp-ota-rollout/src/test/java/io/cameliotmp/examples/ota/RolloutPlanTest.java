package io.cameliotmp.examples.ota;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The plan of a rollout and when it stops, without devices. */
class RolloutPlanTest {

    @Test
    void aDeviceListedTwiceIsUpdatedOnce() {
        Rollout rollout = Rollout.plan("image.bin", List.of("a", "b", "a", "c", "b"), 1, 2, 0);

        assertThat(rollout.waves()).containsExactly(List.of("a"), List.of("b", "c"));
    }

    @Test
    void withoutACanaryTheFirstWaveToleratesFailuresAsEveryOtherDoes() {
        Rollout rollout = Rollout.plan("image.bin", List.of("a", "b", "c", "d"), 0, 2, 1);
        assertThat(rollout.waves()).containsExactly(List.of("a", "b"), List.of("c", "d"));

        rollout.record(report("a", false));
        rollout.record(report("b", true));
        rollout.batchDone(0);

        // one failure, max-failures 1: the first wave is no canary, so the rollout goes on
        assertThat(rollout.isStopped()).isFalse();
        assertThat(rollout.summary()).doesNotContainKey("stopReason");
    }

    @Test
    void aFailedCanaryStopsTheRollout() {
        Rollout rollout = Rollout.plan("image.bin", List.of("a", "b", "c"), 1, 2, 5);

        rollout.record(report("a", false));
        rollout.batchDone(0);

        assertThat(rollout.isStopped()).isTrue();
        assertThat(rollout.summary()).containsEntry("stopReason", "the canary failed");
    }

    @Test
    void tooManyFailuresStopTheRolloutAfterTheBatchThatReachedThem() {
        Rollout rollout = Rollout.plan("image.bin", List.of("a", "b", "c", "d", "e"), 1, 4, 1);
        rollout.record(report("a", true));
        rollout.batchDone(0);

        rollout.record(report("b", false));
        rollout.record(report("c", false));
        rollout.batchDone(1);

        assertThat(rollout.isStopped()).isTrue();
        assertThat(rollout.summary()).containsEntry("stopReason", "2 devices failed, more than the 1 allowed");
    }

    private static Map<String, Object> report(String device, boolean success) {
        return Map.of("device", device, "outcome", success ? "UPDATED" : "FAILED", "success", success);
    }
}
