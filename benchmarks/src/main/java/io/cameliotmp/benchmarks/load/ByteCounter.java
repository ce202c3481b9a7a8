package io.cameliotmp.benchmarks.load;

import java.util.concurrent.atomic.LongAdder;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

/** Counts the application bytes a device sends and receives (TCP or UDP payload, without IP/TCP/UDP headers). */
@ChannelHandler.Sharable
final class ByteCounter extends ChannelDuplexHandler {

    final LongAdder in = new LongAdder();
    final LongAdder out = new LongAdder();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        in.add(size(msg));
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        out.add(size(msg));
        ctx.write(msg, promise);
    }

    private static long size(Object msg) {
        if (msg instanceof ByteBuf b) {
            return b.readableBytes();
        }
        if (msg instanceof ByteBufHolder h) {
            return h.content().readableBytes();
        }
        return 0;
    }
}
