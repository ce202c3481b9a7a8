package io.cameliotmp.server;

import java.nio.channels.ClosedChannelException;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What {@link PendingWriteBound} lets through, refuses, and leaves to the channel. */
class PendingWriteBoundTest {

    private static final int BOUND = 1000;

    /** A channel whose writes stay queued until flushed, high water mark 100 bytes. */
    private static EmbeddedChannel channel() {
        EmbeddedChannel channel = new EmbeddedChannel(new PendingWriteBound(BOUND));
        channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(50, 100));
        return channel;
    }

    private static ByteBuf bytes(int n) {
        return Unpooled.wrappedBuffer(new byte[n]);
    }

    @Test
    void writesBeyondTheBoundAreRefusedAndTheConnectionClosed() {
        EmbeddedChannel channel = channel();
        assertThat(channel.write(bytes(BOUND)).isSuccess()).as("still queued, not failed").isFalse();
        ChannelFuture over = channel.write(bytes(10));
        assertThat(over.cause()).isInstanceOf(PendingWriteBound.PendingWritesExceededException.class);
        assertThat(channel.isOpen()).isFalse();
    }

    /**
     * A closing channel has no queue any more, and Netty counts its bytes before writable as unbounded: what the
     * session wrote as the connection closed (answers failing its pending requests, say) was refused as over the
     * bound, as if the device had stopped reading (the legacy connection fuzz target found it). Such writes fail as
     * every write on a closed channel does.
     */
    @Test
    void aWriteAsTheChannelClosesFailsAsClosedNotAsOverTheBound() {
        ByteBuf late = bytes(10);
        ChannelFuture[] written = new ChannelFuture[1];
        EmbeddedChannel channel = new EmbeddedChannel(new PendingWriteBound(BOUND), new ChannelInboundHandlerAdapter() {
            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                written[0] = ctx.writeAndFlush(late);
            }
        });
        channel.close();
        assertThat(written[0].cause()).isInstanceOf(ClosedChannelException.class);
        assertThat(late.refCnt()).isZero();
    }
}
