package io.cameliotmp.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.cameliotmp.protocol.PartialFrameBudget;
import io.cameliotmp.testing.Frames;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.server.RawWebSocket.BINARY;
import static io.cameliotmp.server.RawWebSocket.CONTINUATION;
import static io.cameliotmp.server.RawWebSocket.frame;
import static io.cameliotmp.server.RawWebSocket.frameHeader;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link WebSocketFrameMeter} before Netty's frame decoder on an {@link EmbeddedChannel}: every read is exactly the
 * bytes a test writes, and time moves only when the test moves it.
 */
class WebSocketFrameMeterTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final int SMALL = 100;
    private static final int LARGE = 10_000;

    private final PartialFrameBudget budget = new PartialFrameBudget(1 << 20);
    private final WebSocketFrameMeter meter = new WebSocketFrameMeter(budget, TIMEOUT, SMALL, "wsdecoder");
    private final EmbeddedChannel channel = new EmbeddedChannel();

    WebSocketFrameMeterTest() {
        channel.freezeTime();
        channel.pipeline().addLast(WebSocketFrameMeter.NAME, meter);
        channel.pipeline().addLast("wsdecoder", decoder(SMALL));
    }

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    private static WebSocket13FrameDecoder decoder(int maxPayload) {
        return new WebSocket13FrameDecoder(WebSocketDecoderConfig.newBuilder().maxFramePayloadLength(maxPayload)
                .allowExtensions(false).build());
    }

    private void read(byte[] bytes) {
        channel.writeInbound(Unpooled.wrappedBuffer(bytes));
    }

    /** The payloads of the frames the decoder passed on, in order. */
    private List<Integer> payloadLengths() {
        List<Integer> lengths = new ArrayList<>();
        for (Object frame = channel.readInbound(); frame != null; frame = channel.readInbound()) {
            ByteBuf content = ((WebSocketFrame) frame).content();
            lengths.add(ByteBufUtil.getBytes(content).length);
            ((WebSocketFrame) frame).release();
        }
        return lengths;
    }

    private void advance(Duration duration) {
        channel.advanceTimeBy(duration.toNanos(), TimeUnit.NANOSECONDS);
        channel.runScheduledPendingTasks();
    }

    @Test
    void aFrameInOneReadReservesNothingAndAPartialOneItsWholeLength() {
        read(frame(new byte[50]));
        assertThat(budget.reserved()).isZero();
        assertThat(payloadLengths()).containsExactly(50);

        byte[] next = frame(new byte[80]);
        read(Arrays.copyOf(next, 10));
        assertThat(budget.reserved()).as("header and payload").isEqualTo(next.length);
        read(Arrays.copyOfRange(next, 10, next.length));
        assertThat(budget.reserved()).isZero();
        assertThat(payloadLengths()).containsExactly(80);

        read(Arrays.copyOf(frameHeader(80), 3)); // not even the whole header: nothing to reserve yet
        assertThat(budget.reserved()).isZero();
    }

    @Test
    void aFrameThatDoesNotFitTheBudgetClosesTheConnection() {
        PartialFrameBudget tight = new PartialFrameBudget(50);
        EmbeddedChannel other = new EmbeddedChannel();
        other.pipeline().addLast(new WebSocketFrameMeter(tight, TIMEOUT, SMALL, "wsdecoder"));
        other.pipeline().addLast("wsdecoder", decoder(SMALL));
        assertThatThrownBy(() -> other.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOf(frame(new byte[80]), 20))))
                .hasMessageContaining("no room for a partial WebSocket frame of 86 bytes");
        assertThat(other.isActive()).isFalse();
        assertThat(tight.reserved()).isZero();
        assertThat(tight.refusals()).isEqualTo(1);
        other.finishAndReleaseAll();
    }

    @Test
    void aTricklingFrameIsClosedByTheDeadlineWhateverArrives() {
        read(Arrays.copyOf(frame(new byte[80]), 10));
        for (int i = 0; i < 9; i++) {
            advance(TIMEOUT.dividedBy(10));
            read(new byte[1]);
        }
        assertThat(channel.isActive()).isTrue();
        advance(TIMEOUT.dividedBy(10));
        assertThat(channel.isActive()).as("closed at the deadline, bytes or not").isFalse();
        assertThat(budget.reserved()).isZero();
        assertThatThrownBy(channel::checkException).hasMessageContaining("WebSocket frame not complete within");
    }

    @Test
    void aFragmentedMessageMustEndWithinTheDeadline() {
        read(frame(BINARY, false, new byte[10]));
        advance(TIMEOUT.dividedBy(2));
        read(frame(CONTINUATION, false, new byte[10])); // complete fragments do not restart it
        advance(TIMEOUT.dividedBy(2));
        assertThat(channel.isActive()).isFalse();
        assertThatThrownBy(channel::checkException).hasMessageContaining("WebSocket message not complete within");
    }

    @Test
    void aMessageThatEndsInTimeStopsTheDeadline() {
        read(frame(BINARY, false, new byte[10]));
        advance(TIMEOUT.dividedBy(2));
        read(frame(CONTINUATION, true, new byte[10]));
        advance(TIMEOUT.multipliedBy(2));
        assertThat(channel.isActive()).isTrue();
        assertThat(payloadLengths()).containsExactly(10, 10);
    }

    @Test
    void whileTheServerDoesNotReadTheDeadlineStartsOver() {
        read(Arrays.copyOf(frame(new byte[80]), 10));
        channel.config().setAutoRead(false);
        advance(TIMEOUT);
        advance(TIMEOUT);
        assertThat(channel.isActive()).isTrue();
        channel.config().setAutoRead(true);
        advance(TIMEOUT);
        assertThat(channel.isActive()).isFalse();
        assertThatThrownBy(channel::checkException).hasMessageContaining("not complete within");
    }

    @Test
    void betweenFramesTheDecoderIsReplacedAtOnce() {
        AtomicInteger swaps = new AtomicInteger();
        read(frame(new byte[60]));
        meter.afterLogin(LARGE, () -> swapDecoder(swaps));
        assertThat(swaps).hasValue(1);
        read(frame(new byte[5_000]));
        assertThat(payloadLengths()).containsExactly(60, 5_000);
    }

    @Test
    void theDecoderIsReplacedOnceTheFrameUnderWayIsComplete() {
        AtomicInteger swaps = new AtomicInteger();
        byte[] started = frame(new byte[60]);
        read(Arrays.copyOf(started, 20));
        meter.afterLogin(LARGE, () -> swapDecoder(swaps));
        assertThat(swaps).as("not in the middle of a frame").hasValue(0);
        // the rest of that frame and, in the same read, a frame only the new decoder takes
        read(Frames.concat(Arrays.copyOfRange(started, 20, started.length), frame(new byte[5_000])));
        assertThat(swaps).hasValue(1);
        assertThat(payloadLengths()).containsExactly(60, 5_000);
        assertThat(budget.reserved()).isZero();
    }

    @Test
    void theDecoderIsReplacedOnceTheFragmentedMessageEnds() {
        AtomicInteger swaps = new AtomicInteger();
        read(frame(BINARY, false, new byte[5]));
        meter.afterLogin(LARGE, () -> swapDecoder(swaps));
        assertThat(swaps).as("not inside a fragmented message, which a new decoder would refuse").hasValue(0);
        read(Frames.concat(frame(CONTINUATION, true, new byte[5]), frame(new byte[5_000])));
        assertThat(swaps).hasValue(1);
        assertThat(payloadLengths()).containsExactly(5, 5, 5_000);
    }

    @Test
    void aHeaderAboveTheLimitIsLeftToTheDecoderAndNothingIsReserved() {
        assertThatThrownBy(() -> read(Frames.concat(frameHeader(SMALL + 1), new byte[20])))
                .hasMessageContaining("Max frame length");
        assertThat(budget.reserved()).as("never reserved beyond the limit").isZero();
        assertThat(channel.isActive()).as("the decoder refused it and closed").isFalse();
    }

    private void swapDecoder(AtomicInteger swaps) {
        swaps.incrementAndGet();
        channel.pipeline().replace("wsdecoder", "wsdecoder", decoder(LARGE));
    }
}
