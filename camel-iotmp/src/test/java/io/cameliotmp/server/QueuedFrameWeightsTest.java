package io.cameliotmp.server;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class QueuedFrameWeightsTest {

    @Test
    void weightsComeBackOldestFirstAcrossWrapAndGrowth() {
        QueuedFrameWeights weights = new QueuedFrameWeights();
        long next = 1;
        long expected = 1;
        // fill past the initial capacity while the ring's start moves, so growth copies a wrapped ring
        for (int round = 0; round < 5; round++) {
            for (int i = 0; i < 7 + round * 3; i++) {
                weights.add(next++);
            }
            for (int i = 0; i < 5; i++) {
                assertThat(weights.poll()).isEqualTo(expected++);
            }
        }
        while (expected < next) {
            assertThat(weights.poll()).isEqualTo(expected++);
        }
        assertThat(weights.poll()).as("nothing queued").isZero();
    }

    @Test
    void framesHandledOneAtATimeNeedNoArray() {
        QueuedFrameWeights weights = new QueuedFrameWeights();
        for (long w = 1; w <= 100; w++) {
            weights.add(w);
            assertThat(weights.poll()).isEqualTo(w);
        }
        assertThat(weights.holdsArray()).as("never two frames queued at once").isFalse();
        weights.add(7);
        weights.add(8);
        assertThat(weights.holdsArray()).as("two queued at once").isTrue();
        assertThat(weights.poll()).isEqualTo(7);
        assertThat(weights.poll()).isEqualTo(8);
        assertThat(weights.poll()).isZero();
    }
}
