package io.cameliotmp.camel;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/**
 * A batching stream consumer closes its batcher when it stops, after its subscription: the open batch goes to the
 * route. The server may still hand it a sample it was delivering as the subscription closed; in a batch opened after
 * the close, which no timer and no stop would ever hand on, that sample was lost and its stage never completed, so the
 * device's in-flight place it held was never given back. After the close each sample is handed on by itself, after
 * the batches before it.
 */
class SampleBatcherTest {

    private final List<List<Object>> processed = new CopyOnWriteArrayList<>();
    private final SampleBatcher batcher = new SampleBatcher(4, 600_000, this::process, Runnable::run);

    private CompletionStage<Void> process(List<IotmpSample> batch) {
        processed.add(batch.stream().map(IotmpSample::payload).toList());
        return CompletableFuture.completedFuture(null);
    }

    private static IotmpSample sample(Object payload) {
        return new IotmpSample("alice", "esp32", "temperature", 1, 0, payload);
    }

    @Test
    void closingHandsOnTheOpenBatch() throws Exception {
        CompletionStage<Void> first = batcher.add(sample(1));
        assertThat(processed).isEmpty();

        assertThat(batcher.close()).isCompleted();
        assertThat(first.toCompletableFuture()).isCompleted();
        assertThat(processed).containsExactly(List.of(1));
    }

    @Test
    void aSampleAddedAfterTheCloseIsHandedOnByItselfAndItsStageCompletes() {
        batcher.add(sample(1));
        batcher.close();

        CompletionStage<Void> late = batcher.add(sample(2));

        assertThat(late.toCompletableFuture()).as("the late sample's place is given back").isCompleted();
        assertThat(processed).containsExactly(List.of(1), List.of(2));
    }

    /**
     * A batchSize near Integer.MAX_VALUE batches by time alone. Each new batch was sized to batchSize, so the first cut
     * failed with an OutOfMemoryError: on the timeout timer it killed the timer, and the open batch, whose samples
     * hold their devices' in-flight places, was never handed on.
     */
    @Test
    void aBatchSizeOfIntegerMaxValueBatchesByTime() {
        SampleBatcher byTime = new SampleBatcher(Integer.MAX_VALUE, 600_000, this::process, Runnable::run);
        List<CompletionStage<Void>> stages = new ArrayList<>();
        // caught here: an OutOfMemoryError that escaped would end the test JVM, not fail this test
        assertThatCode(() -> {
            stages.add(byTime.add(sample(1)));
            byTime.flushIfDue(true);
            stages.add(byTime.add(sample(2)));
            byTime.flushIfDue(true);
        }).doesNotThrowAnyException();

        assertThat(stages).allSatisfy(stage -> assertThat(stage.toCompletableFuture()).isCompleted());
        assertThat(processed).containsExactly(List.of(1), List.of(2));
    }

    @Test
    void aSampleAddedAfterTheCloseWaitsForTheBatchesBeforeIt() {
        CompletableFuture<Void> routeDone = new CompletableFuture<>();
        List<List<Object>> order = new CopyOnWriteArrayList<>();
        SampleBatcher slow = new SampleBatcher(4, 600_000, batch -> {
            order.add(batch.stream().map(IotmpSample::payload).toList());
            return batch.get(0).payload().equals(1) ? routeDone : CompletableFuture.completedFuture(null);
        }, Runnable::run);
        slow.add(sample(1));
        CompletableFuture<Void> closed = slow.close();

        CompletionStage<Void> late = slow.add(sample(2));
        assertThat(order).as("not before the batch the route still holds").containsExactly(List.of(1));

        routeDone.complete(null);
        assertThat(closed).isCompleted();
        assertThat(late.toCompletableFuture()).isCompleted();
        assertThat(order).containsExactly(List.of(1), List.of(2));
    }
}
