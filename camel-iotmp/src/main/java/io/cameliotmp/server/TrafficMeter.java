package io.cameliotmp.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

/**
 * Counts the bytes on the wire of every connection, for the server's metrics and for the connection's own counters
 * (found through a channel attribute, so one meter serves every connection); first in the pipeline, so TLS and
 * WebSocket bytes count too, and so does a PROXY protocol header ({@code proxyProtocol}): its bytes were read from
 * the network like any other.
 */
@ChannelHandler.Sharable
final class TrafficMeter extends ChannelDuplexHandler {

    private final ServerMetrics metrics;

    TrafficMeter(ServerMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        long size = sizeOf(msg);
        metrics.bytesReceived(size);
        ConnectionCounters counters = ctx.channel().attr(ConnectionCounters.KEY).get();
        if (counters != null) {
            counters.add(ConnectionCounters.BYTES_IN, size);
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        long size = sizeOf(msg);
        metrics.bytesSent(size);
        ConnectionCounters counters = ctx.channel().attr(ConnectionCounters.KEY).get();
        if (counters != null) {
            counters.add(ConnectionCounters.BYTES_OUT, size);
        }
        ctx.write(msg, promise);
    }

    private static long sizeOf(Object msg) {
        if (msg instanceof ByteBuf buf) {
            return buf.readableBytes();
        }
        return msg instanceof ByteBufHolder holder ? holder.content().readableBytes() : 0;
    }
}
