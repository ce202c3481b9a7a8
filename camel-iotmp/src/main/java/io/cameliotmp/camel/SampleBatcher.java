package io.cameliotmp.camel;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Gathers the samples of a device stream consumer into batches of at most {@code batchSize}, handed on when full or
 * when the oldest sample has waited {@code batchTimeout} (the consumer's timer calls {@link #flushIfDue}). Every
 * sample's stage completes when its batch has been processed, so the server's in-flight bound and PAUSE work on
 * batches as they do on single samples: nothing is acknowledged before the route is done with it. Batches are handed
 * on one after the other, in the order their samples arrived, so the samples of each device stay in order.
 * <p>
 * Adding a sample never runs the route: full batches are processed on the {@code delivery} executor, so the server
 * may add samples from its I/O threads (see {@code StreamListener.acceptsSamplesOnIoThread}).
 */
final class SampleBatcher {

    /** Processes one batch; the stage completes when the route is done with it. */
    @FunctionalInterface
    interface BatchProcessor {
        CompletionStage<Void> process(List<IotmpSample> batch);
    }

    /** The least a new batch is sized for, so that a few samples after a small batch do not grow it step by step. */
    private static final int MIN_CAPACITY = 16;

    private final int batchSize;
    private final long batchTimeoutNanos;
    private final BatchProcessor processor;
    private final Executor delivery;

    private List<IotmpSample> open = new ArrayList<>();
    private CompletableFuture<Void> openDone = new CompletableFuture<>();
    private long openedAtNanos;
    /** The batches of the batcher before this one (see the constructor). */
    private final CompletableFuture<Void> earlier;
    /** Completes when every batch handed on so far, and every earlier batcher's, has been processed. */
    private CompletableFuture<Void> tail;
    private final AtomicInteger waiting = new AtomicInteger();
    private final Unfinished unfinished = new Unfinished();
    /** After {@link #close()}: no batch is open any more, each sample is handed on by itself. */
    private boolean closed;

    /**
     * @param delivery where batches are processed; once it refuses tasks (the consumer stopping), the thread that
     *                 hands a batch on processes it
     */
    SampleBatcher(int batchSize, long batchTimeoutMillis, BatchProcessor processor, Executor delivery) {
        this(batchSize, batchTimeoutMillis, processor, delivery, CompletableFuture.completedFuture(null));
    }

    /**
     * @param earlier completes when the batches of the batcher before this one on the route are processed: this one's
     *                first batch is handed on only then, so batches stay one after the other across a restart
     */
    SampleBatcher(int batchSize, long batchTimeoutMillis, BatchProcessor processor, Executor delivery,
                  CompletableFuture<Void> earlier) {
        this.batchSize = batchSize;
        this.batchTimeoutNanos = batchTimeoutMillis * 1_000_000L;
        this.processor = processor;
        this.delivery = delivery;
        this.earlier = earlier;
        this.tail = earlier;
    }

    /** Whether the batches of the batcher before this one are still being processed: this one's wait for them. */
    boolean waitsForEarlierBatches() {
        return !earlier.isDone();
    }

    /** Adds a sample; the stage completes once the batch that holds it has been processed. */
    CompletionStage<Void> add(IotmpSample sample) {
        List<IotmpSample> full = null;
        CompletableFuture<Void> fullDone = null;
        CompletableFuture<Void> previous = null;
        CompletableFuture<Void> done;
        synchronized (this) {
            if (open.isEmpty()) {
                openedAtNanos = System.nanoTime();
            }
            open.add(sample);
            done = openDone;
            // once closed, each sample is a batch of its own: no timer or stop would hand an open batch on, and the
            // sample's stage, which holds the device's in-flight place, would never complete
            if (closed || open.size() >= batchSize) {
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
        // sized like the batch just cut, not to batchSize: full batches get batchSize as before, while a batch cut by
        // its timeout no longer holds an array of batchSize places in the route, and a batchSize near
        // Integer.MAX_VALUE (batches cut by time alone) no longer fails the cut with an OutOfMemoryError
        open = new ArrayList<>(Math.min(batchSize, Math.max(MIN_CAPACITY, open.size())));
        openDone = new CompletableFuture<>();
        return previous;
    }

    /** Batches cut and not handed to the processor yet: they wait for the batch before them, or for the executor. */
    int waitingBatches() {
        return waiting.get();
    }

    /** Batches handed on and not processed yet, in the route or waiting for the one before them. */
    Unfinished unfinished() {
        return unfinished;
    }

    /** Processes the batch once the one before it is done, on the delivery executor. */
    private void handOn(CompletableFuture<Void> previous, List<IotmpSample> batch, CompletableFuture<Void> done) {
        waiting.incrementAndGet();
        Unfinished counts = unfinished;
        int samples = batch.size();
        counts.handedOn(samples);
        done.whenComplete((processed, failure) -> counts.processed(samples));
        previous.whenComplete((ignored, failure) -> {
            Runnable process = () -> process(batch, done);
            try {
                delivery.execute(process);
            } catch (RejectedExecutionException e) {
                process.run();
            }
        });
    }

    /**
     * Hands on the open batch now and opens no other: a sample added later is handed on by itself at once. The stage
     * completes once every batch handed on so far has been processed.
     */
    CompletableFuture<Void> close() {
        synchronized (this) {
            closed = true;
        }
        // a sample added meanwhile joins the open batch and cuts it: still handed on, in order
        flushIfDue(true);
        synchronized (this) {
            return tail;
        }
    }

    private void process(List<IotmpSample> batch, CompletableFuture<Void> done) {
        waiting.decrementAndGet();
        try {
            processor.process(batch).whenComplete((processed, error) -> done.complete(null));
        } catch (RuntimeException e) {
            // the samples are released whatever happened, or the devices would stay paused for good
            done.complete(null);
            throw e;
        }
    }

    /**
     * Batches handed on and their samples, not processed yet: what a stop that gives up on them leaves behind. Apart
     * from the batcher, so that whoever keeps it to tell of them later does not keep the consumer too.
     */
    static final class Unfinished {
        private final AtomicInteger batches = new AtomicInteger();
        private final AtomicLong samples = new AtomicLong();

        void handedOn(int batchSamples) {
            batches.incrementAndGet();
            samples.addAndGet(batchSamples);
        }

        void processed(int batchSamples) {
            batches.decrementAndGet();
            samples.addAndGet(-batchSamples);
        }

        @Override
        public String toString() {
            return batches.get() + " batch(es) of " + samples.get() + " sample(s)";
        }
    }
}
