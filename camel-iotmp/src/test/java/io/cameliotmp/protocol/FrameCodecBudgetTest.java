package io.cameliotmp.protocol;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.testing.Frames;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the server's codec lets a peer make it hold: the frame size before login, the server-wide budget of partial
 * frames, and the deadline of a started frame, which a timer enforces whether or not bytes arrive.
 */
class FrameCodecBudgetTest {

    private static final int BEFORE_LOGIN = 64;
    private static final int MAX = 4096;

    private static IotmpFrameCodec codec(PartialFrameBudget budget, Duration frameReadTimeout) {
        return new IotmpFrameCodec(Generation.GEN2, true, BEFORE_LOGIN, MAX, PsonFormat.DEFAULT_MAX_DEPTH,
                Long.MAX_VALUE, frameReadTimeout, budget);
    }

    /** A RUN frame whose payload is {@code size} bytes, so the frame is a little longer. */
    private static byte[] frame(int size) {
        return Frames.encode(IotmpMessage.run(1, "r", null, new byte[size]), Generation.GEN2);
    }

    private static void feed(EmbeddedChannel channel, byte[] bytes, int from, int to) {
        channel.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(bytes, from, to)));
    }

    @Test
    void beforeLoginOnlyFramesTheSizeOfAConnectAreAccepted() {
        EmbeddedChannel before = new EmbeddedChannel(codec(PartialFrameBudget.UNLIMITED, null));
        byte[] large = frame(200);
        assertThatThrownBy(() -> feed(before, large, 0, 3)).isInstanceOf(DecoderException.class)
                .hasCauseInstanceOf(IotmpFrameTooLargeException.class);
        before.finishAndReleaseAll();

        IotmpFrameCodec codec = codec(PartialFrameBudget.UNLIMITED, null);
        EmbeddedChannel after = new EmbeddedChannel(codec);
        assertThat(codec.frameLimit()).isEqualTo(BEFORE_LOGIN);
        codec.authenticated();
        assertThat(codec.frameLimit()).isEqualTo(MAX);
        feed(after, large, 0, large.length);
        assertThat((Object) after.readInbound()).isInstanceOf(IotmpMessage.class);
        after.finishAndReleaseAll();
    }

    @Test
    void partialFramesReserveTheirLengthFromOneBudgetAndAConnectionThatCannotIsRefused() {
        byte[] frame = frame(1000);
        PartialFrameBudget budget = new PartialFrameBudget(frame.length + 100);
        IotmpFrameCodec firstCodec = codec(budget, null);
        IotmpFrameCodec secondCodec = codec(budget, null);
        firstCodec.authenticated();
        secondCodec.authenticated();
        EmbeddedChannel first = new EmbeddedChannel(firstCodec);
        EmbeddedChannel second = new EmbeddedChannel(secondCodec);
        try {
            feed(first, frame, 0, 10);
            assertThat(budget.reserved()).as("the whole frame, once its header is known").isEqualTo(frame.length);
            assertThatThrownBy(() -> feed(second, frame, 0, 10)).isInstanceOf(DecoderException.class)
                    .hasMessageContaining("no room for a partial frame");
            assertThat(budget.refusals()).isEqualTo(1);
            assertThat(budget.reserved()).isEqualTo(frame.length);

            feed(first, frame, 10, frame.length);
            assertThat((Object) first.readInbound()).isInstanceOf(IotmpMessage.class);
            assertThat(budget.reserved()).as("given back when complete").isZero();

            feed(first, frame, 0, 500);
            assertThat(budget.reserved()).isEqualTo(frame.length);
        } finally {
            first.finishAndReleaseAll();
            second.finishAndReleaseAll();
        }
        assertThat(budget.reserved()).as("given back when the connection ends").isZero();
    }

    @Test
    void aFrameThatArrivesInOneReadReservesNothing() {
        PartialFrameBudget budget = new PartialFrameBudget(1);
        IotmpFrameCodec codec = codec(budget, null);
        codec.authenticated();
        EmbeddedChannel channel = new EmbeddedChannel(codec);
        byte[] frame = frame(1000);
        feed(channel, Frames.concat(frame, frame), 0, 2 * frame.length);
        assertThat((Object) channel.readInbound()).isNotNull();
        assertThat((Object) channel.readInbound()).isNotNull();
        assertThat(budget.refusals()).isZero();
        channel.finishAndReleaseAll();
    }

    @Test
    void aStalledFrameIsCutOffByTheTimerWithoutAnotherByte() {
        PartialFrameBudget budget = new PartialFrameBudget(1 << 20);
        IotmpFrameCodec codec = codec(budget, Duration.ofSeconds(2));
        EmbeddedChannel channel = new EmbeddedChannel(codec);
        channel.freezeTime();
        byte[] frame = frame(20);
        feed(channel, frame, 0, 5);
        assertThat(budget.reserved()).isPositive();

        channel.advanceTimeBy(1999, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        channel.checkException();

        channel.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThatThrownBy(channel::checkException).isInstanceOf(IotmpDecodeException.class)
                .hasMessageContaining("frame not complete within 2000 ms");
        assertThat(budget.reserved()).as("the reservation is given back at once").isZero();
        assertThat(codec.hasPartialFrame()).isFalse();

        feed(channel, frame, 5, frame.length);
        assertThat((Object) channel.readInbound()).as("nothing decoded after the failure").isNull();
        channel.finishAndReleaseAll();
    }

    @Test
    void aFrameCompletedInTimeStopsItsTimer() {
        IotmpFrameCodec codec = codec(PartialFrameBudget.UNLIMITED, Duration.ofSeconds(2));
        EmbeddedChannel channel = new EmbeddedChannel(codec);
        channel.freezeTime();
        byte[] frame = frame(20);
        feed(channel, frame, 0, 5);
        channel.advanceTimeBy(1500, TimeUnit.MILLISECONDS);
        feed(channel, frame, 5, frame.length);
        channel.advanceTimeBy(10, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        channel.checkException();
        assertThat((Object) channel.readInbound()).isInstanceOf(IotmpMessage.class);
        channel.finishAndReleaseAll();
    }

    @Test
    void whileTheServerDoesNotReadTheDeadlineStartsOver() {
        IotmpFrameCodec codec = codec(PartialFrameBudget.UNLIMITED, Duration.ofSeconds(2));
        EmbeddedChannel channel = new EmbeddedChannel(codec);
        channel.freezeTime();
        feed(channel, frame(20), 0, 5);
        channel.config().setAutoRead(false); // backpressure, or an authentication in progress
        channel.advanceTimeBy(10, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        channel.checkException();

        channel.config().setAutoRead(true);
        channel.advanceTimeBy(2, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertThatThrownBy(channel::checkException).isInstanceOf(IotmpDecodeException.class);
        channel.finishAndReleaseAll();
    }
}
