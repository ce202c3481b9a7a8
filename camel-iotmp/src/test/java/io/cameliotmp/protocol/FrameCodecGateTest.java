package io.cameliotmp.protocol;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.cameliotmp.testing.Frames;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The codec's decode gate and reading: with reading off, a read that ends with a complete frame held back asks for no
 * further read (that would read on into the codec's buffer while its reader pauses), while a read that ends in a
 * partial frame still does, as any Netty decoder (the rest of the frame is needed to go on).
 */
class FrameCodecGateTest {

    private final AtomicInteger reads = new AtomicInteger();
    private final AtomicBoolean open = new AtomicBoolean(true);
    private final IotmpFrameCodec codec = new IotmpFrameCodec(Generation.GEN2, true, 4096, 4096,
            PsonFormat.DEFAULT_MAX_DEPTH, Long.MAX_VALUE, java.time.Duration.ZERO, PartialFrameBudget.UNLIMITED);
    private final EmbeddedChannel channel = new EmbeddedChannel(new ChannelOutboundHandlerAdapter() {
        @Override
        public void read(ChannelHandlerContext ctx) throws Exception {
            reads.incrementAndGet();
            super.read(ctx);
        }
    }, codec);

    private final byte[] frame = Frames.encode(IotmpMessage.streamData(3, 21L), Generation.GEN2);

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    private void readingOff() {
        codec.decodeGate(open::get);
        channel.config().setAutoRead(false);
        reads.set(0);
    }

    @Test
    void aHeldBackFrameAsksForNoFurtherRead() {
        readingOff();
        open.set(false);

        channel.writeInbound(Unpooled.wrappedBuffer(frame));

        assertThat((Object) channel.readInbound()).isNull();
        assertThat(reads).hasValue(0);

        open.set(true);
        codec.resumeDecoding();
        channel.runPendingTasks();
        assertThat((Object) channel.readInbound()).isEqualTo(IotmpMessage.streamData(3, 21L));
    }

    @Test
    void aPartialFrameStillAsksForTheRest() {
        readingOff();

        channel.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOf(frame, frame.length - 1)));

        assertThat(reads).hasValue(1);
    }
}
