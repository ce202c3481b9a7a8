package io.cameliotmp.device;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.WriteBufferWaterMark;

/**
 * Bounds what a server that stops reading can make the device queue: without it a server that reads nothing but
 * keeps sending requests makes the device buffer every answer, without limit, while the connection looks healthy.
 * First in the pipeline, so it sees the bytes as they are queued for the socket (after TLS and WebSocket framing);
 * checked after each flush, since every write of the device is flushed. The same rule as the server's guard against
 * devices that stop reading ({@code DeviceConnection#write}).
 */
final class PendingWriteBound extends ChannelOutboundHandlerAdapter {

    private final ClientConnection connection;
    private final long limit;

    PendingWriteBound(ClientConnection connection, long limit) {
        this.connection = connection;
        this.limit = limit;
    }

    /**
     * The server's water marks (32 KiB low, 64 KiB high), lowered for a smaller limit, so the channel turns
     * unwritable no later than the limit is reached.
     */
    static WriteBufferWaterMark waterMark(int limit) {
        int high = Math.min(64 * 1024, limit);
        return new WriteBufferWaterMark(Math.min(32 * 1024, high / 2), high);
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        ctx.flush();
        Channel channel = ctx.channel();
        if (channel.isWritable()) {
            return; // below the high water mark: nothing to check
        }
        ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
        long pending = buffer == null ? 0 : buffer.totalPendingWriteBytes();
        if (pending > limit) {
            connection.serverStoppedReading(pending, limit);
        }
    }
}
