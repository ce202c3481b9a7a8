package io.cameliotmp.camel;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import io.cameliotmp.server.StreamSample;

/**
 * Gathers the samples of a device stream consumer into batches of at most {@code batchSize}, handed on when full or
 * when the oldest sample has waited {@code batchTimeout} (the consumer's timer calls {@link #flushIfDue}). Every
 * sample's stage completes when its batch has been processed, so the server's in-flight bound and PAUSE work on
 * batches as they do on single samples: nothing is acknowledged before the route is done with it. Batches are handed
 * on one after the other, in the order their samples arrived, so the samples of each device stay in order.
 */
final class SampleBatcher {

    /** Processes one batch; the stage completes when the route is done with it. */
    @FunctionalInterface
    interface BatchProcessor {
        CompletionStage<Void> process(List<IotmpSample> batch);
    }

    private final int batchSize;
    private final long batchTimeoutNanos;
    private final BatchProcessor processor;

    private List<IotmpSample> open = new ArrayList<>();
    private CompletableFuture<Void> openDone = new CompletableFuture<>();
    private long openedAtNanos;
    /** Completes when every batch handed on so far has been processed. */
    private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);

    SampleBatcher(int batchSize, long batchTimeoutMillis, BatchProcessor processor) {
        this.batchSize = batchSize;
        this.batchTimeoutNanos = batchTimeoutMillis * 1_000_000L;
        this.processor = processor;
    }

    /** Adds a sample; the stage completes once the batch that holds it has been processed. */
    CompletionStage<Void> add(String user, String device, StreamSample sample) {
        List<IotmpSample> full = null;
        CompletableFuture<Void> fullDone = null;
        CompletableFuture<Void> previous = null;
        CompletableFuture<Void> done;
        synchronized (this) {
            if (open.isEmpty()) {
                openedAtNanos = System.nanoTime();
            }
            open.add(new IotmpSample(user, device, sample.resource(), sample.streamId(), sample.receivedAtMillis(),
                    sample.payload()));
            done = openDone;
            if (open.size() >= batchSize) {
                full = open;
                fullDone = openDone;
                previous = cut();
            }
        }
        if (full != null) {
            handOn(previous, full, fullDone);
        }
        return done;
    }

    /** Hands on the open batch if its oldest sample has waited {@code batchTimeout}, or always when forced. */
    void flushIfDue(boolean force) {
        List<IotmpSample> due;
        CompletableFuture<Void> dueDone;
        CompletableFuture<Void> previous;
        synchronized (this) {
            if (open.isEmpty() || !force && System.nanoTime() - openedAtNanos < batchTimeoutNanos) {
                return;
            }
            due = open;
            dueDone = openDone;
            previous = cut();
        }
        handOn(previous, due, dueDone);
    }

    /**
     * Closes the open batch (the caller holds the lock and took it): a new one opens, and the closed one becomes the
     * tail, so batches are chained in the order they were cut, whichever thread hands them on first.
     *
     * @return the batch before it, which must be processed first
     */
    private CompletableFuture<Void> cut() {
        CompletableFuture<Void> previous = tail;
        tail = openDone;
        open = new ArrayList<>(batchSize);
        openDone = new CompletableFuture<>();
        return previous;
    }

    /** Processes the batch once the one before it is done; outside the lock, as the route may take its time. */
    private void handOn(CompletableFuture<Void> previous, List<IotmpSample> batch, CompletableFuture<Void> done) {
        previous.whenComplete((ignored, failure) -> processor.process(batch)
                .whenComplete((processed, error) -> done.complete(null)));
    }
}
