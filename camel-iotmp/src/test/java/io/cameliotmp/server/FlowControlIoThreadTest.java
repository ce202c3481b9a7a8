package io.cameliotmp.server;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;

import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Samples the I/O thread delivers itself to a batching listener are counted there without the lock, and join the
 * locked counts when the read ends. What must not change: reading pauses at exactly the bound, a batch releases all
 * its samples, and whatever else is counted meanwhile is not overlooked.
 */
class FlowControlIoThreadTest {

    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final InFlightBytes serverBytes = new InFlightBytes();

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    private FlowControl flow(int maxInFlight, long maxBytes, BackpressurePolicy policy) {
        return new FlowControl(channel, maxInFlight, maxBytes, policy, serverBytes);
    }

    /** {@code samples} samples of one batch, delivered by the I/O thread. */
    private static void deliver(FlowControl flow, CompletableFuture<Void> batch, int samples, long weight) {
        for (int i = 0; i < samples; i++) {
            flow.deliveredOnIoThread(batch, weight);
        }
    }

    @Test
    void samplesOfOneReadJoinTheCountsWhenTheReadEnds() {
        FlowControl flow = flow(100, Long.MAX_VALUE, BackpressurePolicy.PAUSE);
        CompletableFuture<Void> batch = new CompletableFuture<>();
        deliver(flow, batch, 10, 10);
        // the first sample takes the lock, the others wait for the end of the read
        assertThat(flow.inFlight()).isEqualTo(1);

        flow.framesArrived();

        assertThat(flow.inFlight()).isEqualTo(10);
        assertThat(flow.inFlightBytes()).isEqualTo(100);
        assertThat(serverBytes.total()).isEqualTo(100);
        batch.complete(null);
        assertThat(flow.inFlight()).isZero();
        assertThat(flow.inFlightBytes()).isZero();
        assertThat(flow.readingPaused()).isFalse();
    }

    @Test
    void theSampleThatReachesTheBoundPausesReadingWithinTheRead() {
        FlowControl flow = flow(8, Long.MAX_VALUE, BackpressurePolicy.PAUSE);
        CompletableFuture<Void> batch = new CompletableFuture<>();
        for (int i = 0; i < 7; i++) {
            flow.deliveredOnIoThread(batch, 1);
            assertThat(flow.readingPaused()).as("sample %d", i).isFalse();
        }
        flow.deliveredOnIoThread(batch, 1);

        assertThat(flow.readingPaused()).isTrue();
        assertThat(flow.inFlight()).as("exactly the bound, counted before the read ends").isEqualTo(8);
        assertThat(flow.admitsFrame()).isFalse();

        batch.complete(null);
        assertThat(flow.inFlight()).isZero();
        assertThat(flow.admitsFrame()).isTrue();
    }

    @Test
    void theByteBoundPausesAsWell() {
        FlowControl flow = flow(1000, 100, BackpressurePolicy.PAUSE);
        CompletableFuture<Void> batch = new CompletableFuture<>();
        deliver(flow, batch, 4, 20);
        assertThat(flow.readingPaused()).isFalse();

        flow.deliveredOnIoThread(batch, 20);

        assertThat(flow.readingPaused()).isTrue();
        assertThat(flow.inFlightBytes()).isEqualTo(100);
    }

    @Test
    void samplesCountedWhileTheirBatchCompletedAreDoneAlready() {
        FlowControl flow = flow(100, Long.MAX_VALUE, BackpressurePolicy.PAUSE);
        CompletableFuture<Void> batch = new CompletableFuture<>();
        deliver(flow, batch, 3, 10);

        // the route finished the batch on its own thread before the read ended
        batch.complete(null);
        assertThat(flow.inFlight()).isZero();
        flow.framesArrived();

        assertThat(flow.inFlight()).isZero();
        assertThat(flow.inFlightBytes()).isZero();
        assertThat(serverBytes.total()).isZero();
    }

    @Test
    void aNewBatchTakesTheLockAndEachReleasesItsOwn() {
        FlowControl flow = flow(100, Long.MAX_VALUE, BackpressurePolicy.PAUSE);
        CompletableFuture<Void> first = new CompletableFuture<>();
        CompletableFuture<Void> second = new CompletableFuture<>();
        deliver(flow, first, 5, 1);
        deliver(flow, second, 3, 2);
        flow.framesArrived();
        assertThat(flow.inFlight()).isEqualTo(8);
        assertThat(flow.inFlightBytes()).isEqualTo(11);

        first.complete(null);
        assertThat(flow.inFlight()).isEqualTo(3);
        assertThat(flow.inFlightBytes()).isEqualTo(6);
        second.complete(null);
        assertThat(flow.inFlight()).isZero();
    }

    /**
     * A call the worker starts meanwhile counts towards the bound: the room the I/O thread measured before it no
     * longer holds, and the next sample takes the lock and pauses.
     */
    @Test
    void whatIsCountedElsewhereEndsTheRoomMeasuredBefore() {
        FlowControl flow = flow(4, Long.MAX_VALUE, BackpressurePolicy.PAUSE);
        CompletableFuture<Void> batch = new CompletableFuture<>();
        deliver(flow, batch, 2, 1);
        flow.deliveryStarted(1); // a call, on the worker

        flow.deliveredOnIoThread(batch, 1);

        assertThat(flow.readingPaused()).isTrue();
        assertThat(flow.inFlight()).isEqualTo(4);
        flow.deliveryEnded(1);
        batch.complete(null);
        assertThat(flow.inFlight()).isZero();
        assertThat(flow.readingPaused()).isFalse();
    }

    @Test
    void framesReadJoinTheSamplesCountedBefore() {
        FlowControl flow = flow(4, Long.MAX_VALUE, BackpressurePolicy.PAUSE);
        CompletableFuture<Void> batch = new CompletableFuture<>();
        deliver(flow, batch, 3, 1);
        assertThat(flow.readingPaused()).isFalse();

        flow.frameRead(1); // a frame for the worker: with the three samples, the bound

        assertThat(flow.inFlight()).isEqualTo(4);
        assertThat(flow.readingPaused()).isTrue();
    }

    @Test
    void underDropSamplesEachSampleIsCountedExactly() {
        FlowControl flow = flow(3, Long.MAX_VALUE, BackpressurePolicy.DROP_SAMPLES);
        CompletableFuture<Void> batch = new CompletableFuture<>();
        for (int i = 0; i < 3; i++) {
            assertThat(flow.dropsSamples()).isFalse();
            flow.deliveredOnIoThread(batch, 1);
        }
        assertThat(flow.inFlight()).isEqualTo(3);
        assertThat(flow.dropsSamples()).isTrue();
    }

    @Test
    void aCloseCountsWhatTheReadDeliveredAndTheConnectionLeavesOnceDone() {
        FlowControl flow = flow(100, Long.MAX_VALUE, BackpressurePolicy.PAUSE);
        CompletableFuture<Void> batch = new CompletableFuture<>();
        deliver(flow, batch, 2, 10);

        channel.close();

        assertThat(serverBytes.total()).isEqualTo(20);
        assertThat(serverBytes.connections()).isEqualTo(1);
        batch.complete(null);
        assertThat(serverBytes.total()).isZero();
        assertThat(serverBytes.connections()).isZero();
    }

    /**
     * The race the lock-free count must survive: batches complete on the route's thread while the I/O thread goes on
     * counting samples, some of them for a batch that has just completed. Whatever the interleaving, nothing stays
     * counted once every batch is done.
     */
    @Test
    void batchesCompletedOnAnotherThreadMeanwhileLeaveNothingCounted() throws Exception {
        FlowControl flow = flow(1_000_000, Long.MAX_VALUE, BackpressurePolicy.PAUSE);
        BlockingQueue<CompletableFuture<Void>> toComplete = new LinkedBlockingQueue<>();
        CompletableFuture<Void> end = new CompletableFuture<>();
        Thread route = new Thread(() -> {
            try {
                for (CompletableFuture<Void> batch = toComplete.take(); batch != end; batch = toComplete.take()) {
                    batch.complete(null);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "route");
        route.start();
        List<CompletableFuture<Void>> batches = new ArrayList<>();
        CompletableFuture<Void> batch = new CompletableFuture<>();
        batches.add(batch);
        for (int read = 0; read < 300; read++) {
            for (int sample = 0; sample < 500; sample++) {
                flow.deliveredOnIoThread(batch, 7);
                if (batches.size() * 37 <= read * 500 + sample) {
                    toComplete.add(batch); // handed on while its samples may still be counted
                    batch = new CompletableFuture<>();
                    batches.add(batch);
                }
            }
            flow.framesArrived();
        }
        toComplete.add(batch);
        toComplete.add(end);
        route.join(30_000);
        assertThat(route.isAlive()).isFalse();
        flow.framesArrived();

        assertThat(batches).allMatch(CompletableFuture::isDone);
        assertThat(flow.inFlight()).isZero();
        assertThat(flow.inFlightBytes()).isZero();
        assertThat(serverBytes.total()).isZero();
    }
}
