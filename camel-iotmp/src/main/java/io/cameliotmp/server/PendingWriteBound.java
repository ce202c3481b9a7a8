package io.cameliotmp.server;

import java.io.IOException;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;

/**
 * Closes a connection whose peer does not read once more than {@code maxPendingWriteBytes} are queued for it,
 * whoever writes: the session checks its own writes, but the transport answers the peer by itself, out of the
 * session's sight. A TLS 1.3 client that sends key updates asking for the server's and never reads made the server
 * queue one record per key update (some 0.8 bytes for each byte received, measured), before its login for the whole
 * {@code connectTimeout} and after it for as long as it liked. It stands next to the socket, after TLS, so that it
 * sees every write as the bytes it adds to the connection's queue.
 */
final class PendingWriteBound extends ChannelOutboundHandlerAdapter {

    static final String NAME = "write-bound";

    private final long maxPendingWriteBytes;
    /** Over the bound once: the connection is closing, what is still written before it closed is dropped. */
    private boolean closing;

    PendingWriteBound(long maxPendingWriteBytes) {
        this.maxPendingWriteBytes = maxPendingWriteBytes;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        ChannelOutboundBuffer queued = ctx.channel().unsafe().outboundBuffer();
        // a closed channel has no queue (and counts its bytes before writable as unbounded): its writes fail as closed
        if (queued == null || queued.isWritable() || queued.bytesBeforeWritable() <= maxPendingWriteBytes) {
            ctx.write(msg, promise);
            return;
        }
        ReferenceCountUtil.release(msg);
        PendingWritesExceededException exceeded = new PendingWritesExceededException(maxPendingWriteBytes);
        promise.tryFailure(exceeded);
        if (!closing) {
            closing = true;
            // the session learns why (its close reason, a DEBUG line: any peer can cause it, and the count in
            // ServerMetrics#pendingWritesExceeded), then the close
            ctx.fireExceptionCaught(exceeded);
            ctx.close();
        }
    }

    /** A write refused because the peer does not read what is queued for it. */
    static final class PendingWritesExceededException extends IOException {
        private static final long serialVersionUID = 1L;

        PendingWritesExceededException(long maxPendingWriteBytes) {
            super("device stopped reading: over " + maxPendingWriteBytes + " bytes queued");
        }
    }
}
