package io.cameliotmp.device;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpDecodeException;
import io.cameliotmp.protocol.IotmpFrameCodec;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.protocol.PsonFormat;
import io.cameliotmp.testing.Frames;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The deadline of a frame the server started, against the device's own backpressure ({@link HandlerRunner} stops
 * reading while too many handlers are in flight): the time the device does not read is not the server's, however the
 * timer and the resume fall; a server that trickles its frame while the device reads is still cut off. The device's
 * codec on an embedded channel whose clock the test moves, so no interleaving depends on the machine's speed.
 */
class ReadingPauseFrameDeadlineTest {

    /** The device's frame deadline is its request timeout. */
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final byte[] frame = Frames.encode(IotmpMessage.run(7, "slow", null, "x".repeat(100)), Generation.GEN2);
    private EmbeddedChannel channel;

    @BeforeEach
    void startFrame() {
        channel = new EmbeddedChannel(new IotmpFrameCodec(Generation.GEN2, false, 4096, PsonFormat.DEFAULT_MAX_DEPTH,
                TIMEOUT));
        channel.freezeTime();
        feed(0, 10); // the server's frame has started: its deadline runs
    }

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    private void feed(int from, int to) {
        channel.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(frame, from, to)));
    }

    private void advanceSeconds(long seconds) {
        channel.advanceTimeBy(seconds, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
    }

    /**
     * The flake of IotmpDeviceComponentHandlerFloodTest: the deadline fell due while the device was not reading, but
     * its timer ran only after the device had resumed, before the read that would have completed the frame.
     */
    @Test
    void aDeadlineThatFellDueDuringAPauseDoesNotCloseTheConnectionAfterTheResume() {
        channel.config().setAutoRead(false);
        channel.advanceTimeBy(TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS); // due, but the loop has not run it yet

        HandlerRunner.resumeReading(channel);
        channel.runScheduledPendingTasks();
        channel.checkException();

        feed(10, frame.length);
        channel.checkException();
        assertThat((Object) channel.readInbound()).isInstanceOf(IotmpMessage.class);
    }

    @Test
    void afterAResumeTheServerHasAWholeTimeoutToFinishItsFrame() {
        advanceSeconds(3); // reading: counts
        channel.config().setAutoRead(false);
        advanceSeconds(6); // not reading: does not count

        HandlerRunner.resumeReading(channel);
        advanceSeconds(TIMEOUT.toSeconds() - 1);
        channel.checkException();

        feed(10, frame.length);
        channel.checkException();
        assertThat((Object) channel.readInbound()).isInstanceOf(IotmpMessage.class);
    }

    @Test
    void aServerThatTricklesItsFrameAfterAResumeIsStillCutOff() {
        channel.config().setAutoRead(false);
        advanceSeconds(4);
        HandlerRunner.resumeReading(channel);

        for (int second = 1; second < TIMEOUT.toSeconds(); second++) {
            feed(9 + second, 10 + second); // a byte a second: progress, but never a frame
            advanceSeconds(1);
            channel.checkException();
        }
        feed(19, 20);
        advanceSeconds(1);
        assertThatThrownBy(channel::checkException).isInstanceOf(IotmpDecodeException.class)
                .hasMessageContaining("frame not complete within " + TIMEOUT.toMillis() + " ms");
    }

    @Test
    void withoutAPauseAStalledFrameIsCutOffAtItsDeadline() {
        advanceSeconds(TIMEOUT.toSeconds() - 1);
        channel.checkException();
        advanceSeconds(1);
        assertThatThrownBy(channel::checkException).isInstanceOf(IotmpDecodeException.class)
                .hasMessageContaining("frame not complete within " + TIMEOUT.toMillis() + " ms");
    }
}
