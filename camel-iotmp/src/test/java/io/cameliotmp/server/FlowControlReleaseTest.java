package io.cameliotmp.server;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How deliveries end: those that end with the same stage (the samples of one batch) are released together when it
 * completes, a stage that is already done releases at once, and reading resumes once the held deliveries are gone.
 */
class FlowControlReleaseTest {

    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final InFlightBytes serverBytes = new InFlightBytes();
    private final FlowControl flow = new FlowControl(channel, 4, Long.MAX_VALUE, BackpressurePolicy.PAUSE,
            serverBytes);

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    private void deliver(CompletionStage<?> stage, long weight) {
        flow.delivered(stage, weight);
    }

    @Test
    void deliveriesSharingAStageAreHeldAndPauseReadingUntilItCompletes() {
        CompletableFuture<Void> batch = new CompletableFuture<>();
        for (int i = 0; i < 4; i++) {
            deliver(batch, 100);
        }
        assertThat(flow.inFlight()).isEqualTo(4);
        assertThat(flow.inFlightBytes()).isEqualTo(400);
        assertThat(serverBytes.total()).isEqualTo(400);
        assertThat(flow.readingPaused()).isTrue();
        // the I/O thread stops reading when the codec next asks
        assertThat(channel.config().isAutoRead()).isTrue();
        assertThat(flow.admitsFrame()).isFalse();
        assertThat(channel.config().isAutoRead()).isFalse();

        batch.complete(null);

        assertThat(flow.inFlight()).isZero();
        assertThat(flow.inFlightBytes()).isZero();
        assertThat(serverBytes.total()).isZero();
        assertThat(flow.readingPaused()).isFalse();
        assertThat(flow.admitsFrame()).isTrue();
        // and reads again by a task of its own
        channel.runPendingTasks();
        assertThat(channel.config().isAutoRead()).isTrue();

        // the same stage, now complete, releases a later delivery at once
        deliver(batch, 100);
        assertThat(flow.inFlight()).isZero();
    }

    /** Under PAUSE a paused device is read again once its backlog is down to half the bound; each pause counts once. */
    @Test
    void underPauseReadingResumesAtHalfTheBoundAndEachPauseCounts() {
        AtomicInteger pauses = new AtomicInteger();
        flow.reading(new FlowControl.Reading() {
            @Override
            public void paused() {
                pauses.incrementAndGet();
            }
        });
        List<CompletableFuture<Void>> calls = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            CompletableFuture<Void> call = new CompletableFuture<>();
            calls.add(call);
            deliver(call, 10);
        }
        assertThat(flow.admitsFrame()).as("paused at the bound").isFalse();
        flow.frameRead(10); // a frame the codec had decoded already: the pause goes on, counted once
        flow.frameHandling();
        flow.frameHandled();
        assertThat(pauses).hasValue(1);

        calls.get(0).complete(null);
        assertThat(flow.inFlight()).isEqualTo(3);
        assertThat(flow.readingPaused()).as("still paused above half").isTrue();
        assertThat(flow.admitsFrame()).isFalse();

        calls.get(1).complete(null);

        assertThat(flow.inFlight()).isEqualTo(2);
        assertThat(flow.readingPaused()).as("resumed at half").isFalse();
        channel.runPendingTasks();
        assertThat(channel.config().isAutoRead()).isTrue();

        for (int i = 0; i < 2; i++) {
            deliver(new CompletableFuture<Void>(), 10);
        }
        assertThat(flow.readingPaused()).isTrue();
        assertThat(pauses).as("each pause counted").hasValue(2);
    }

    @Test
    void eachStageReleasesOnlyItsOwnDeliveries() {
        CompletableFuture<Void> first = new CompletableFuture<>();
        CompletableFuture<Void> second = new CompletableFuture<>();
        deliver(first, 10);
        deliver(second, 20);
        deliver(first, 30); // not the latest stage: held on its own, released with first all the same
        deliver(null, 40);
        deliver(CompletableFuture.completedFuture(null), 50);
        assertThat(flow.inFlight()).isEqualTo(3);
        assertThat(flow.inFlightBytes()).isEqualTo(60);

        first.completeExceptionally(new IllegalStateException("route failed"));
        assertThat(flow.inFlight()).isEqualTo(1);
        assertThat(flow.inFlightBytes()).isEqualTo(20);

        second.complete(null);
        assertThat(flow.inFlight()).isZero();
        assertThat(flow.inFlightBytes()).isZero();
    }

    @Test
    void aMinimalStageIsHeldUntilItCompletes() {
        CompletableFuture<Void> source = new CompletableFuture<>();
        deliver(source.minimalCompletionStage(), 10);
        assertThat(flow.inFlight()).isEqualTo(1);

        source.complete(null);

        assertThat(flow.inFlight()).isZero();
    }

    /**
     * The server's total is summed over its connections: a closed connection goes on counting what its busy
     * deliveries hold, and leaves the total once they end, so the set of connections does not grow with closed ones.
     */
    @Test
    void aClosedConnectionCountsInTheServerTotalUntilItsDeliveriesEnd() {
        CompletableFuture<Void> busy = new CompletableFuture<>();
        deliver(busy, 100);
        flow.frameRead(30);
        assertThat(serverBytes.connections()).isEqualTo(1);

        channel.close();

        assertThat(serverBytes.total()).as("still held after the close").isEqualTo(130);
        flow.frameHandling();
        flow.frameHandled();
        assertThat(serverBytes.total()).isEqualTo(100);
        assertThat(serverBytes.connections()).isEqualTo(1);
        busy.complete(null);
        assertThat(serverBytes.total()).isZero();
        assertThat(serverBytes.connections()).as("done once it holds nothing").isZero();
    }

    @Test
    void aConnectionClosedHoldingNothingLeavesTheServerTotalAtOnce() {
        EmbeddedChannel other = new EmbeddedChannel();
        new FlowControl(other, 4, Long.MAX_VALUE, BackpressurePolicy.PAUSE, serverBytes).frameRead(10);
        assertThat(serverBytes.connections()).isEqualTo(2);
        assertThat(serverBytes.total()).isEqualTo(10);

        channel.close();

        assertThat(serverBytes.connections()).isEqualTo(1);
        assertThat(serverBytes.total()).isEqualTo(10);
        other.finishAndReleaseAll();
    }

    /**
     * Under DROP_SAMPLES a slow route keeps {@code maxInFlight} deliveries busy and the rest is dropped; reading that
     * paused for a burst of queued frames must resume once those frames are handled, with the deliveries still busy
     * (it waited for them before, so a device stayed unread for as long as the route was slow).
     */
    @Test
    void underDropSamplesReadingResumesOnceQueuedFramesAreHandledWhileDeliveriesStayBusy() {
        EmbeddedChannel dropChannel = new EmbeddedChannel();
        try {
            FlowControl drop = new FlowControl(dropChannel, 2, Long.MAX_VALUE, BackpressurePolicy.DROP_SAMPLES,
                    new InFlightBytes());
            drop.delivered(new CompletableFuture<Void>(), 0);
            drop.delivered(new CompletableFuture<Void>(), 0);
            assertThat(drop.dropsSamples()).isTrue();
            for (int i = 0; i < 6; i++) {
                drop.frameRead(0);
            }
            assertThat(drop.readingPaused()).as("paused at four times maxInFlight").isTrue();
            assertThat(drop.admitsFrame()).isFalse();

            for (int i = 0; i < 6; i++) {
                drop.frameHandling();
                drop.frameHandled();
            }

            assertThat(drop.readingPaused()).as("resumed with two deliveries still busy").isFalse();
            dropChannel.runPendingTasks();
            assertThat(dropChannel.config().isAutoRead()).isTrue();
            assertThat(drop.dropsSamples()).as("and still dropping").isTrue();
        } finally {
            dropChannel.finishAndReleaseAll();
        }
    }
}
