package io.cameliotmp.server;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;

/**
 * Answers a WebSocket peer's pings, and drops its pongs, in place of Netty's protocol handler (which it stands
 * before), within the bounds the server keeps on every connection. Netty's handler
 * <ul>
 * <li>writes a pong for every ping, whether or not the peer reads them: a peer that sends pings and never reads made
 * the server queue about as many bytes of pongs as it sent, for as long as the connection lasted (the CONNECT
 * deadline before login, without end after it), outside the server's own bound on queued writes; and</li>
 * <li>asks for another read after every ping or pong while reading is off: reading is off exactly when the server
 * pauses a connection (an authentication under way, backpressure), and a peer that sent a ping or a pong in every
 * read kept the server reading, each read's frames piling up undecoded in the IOTMP codec without bound.</li>
 * </ul>
 * Here a pong is written only while the connection is writable (below its high water mark) and no close frame has
 * been sent; otherwise the ping is dropped, as RFC 6455 §5.5.3 allows an endpoint that has not answered earlier pings.
 * Each ping dropped is counted ({@link ServerMetrics#webSocketPingUnanswered()}): a peer that pings and does not read
 * shows there. Neither a ping nor a pong asks for a read: reading resumes when the server resumes it. One instance per
 * connection, on its event loop; close frames go on to Netty's handler, which runs the closing handshake.
 */
final class WebSocketControlFrames extends ChannelDuplexHandler {

    /** The name in the pipeline, right before Netty's WebSocket handler. */
    static final String NAME = "websocket-control";

    /** Told of each ping dropped: to count it. */
    private final Runnable pingUnanswered;
    /** A close frame was written: nothing may follow it. */
    private boolean closeSent;

    WebSocketControlFrames(Runnable pingUnanswered) {
        this.pingUnanswered = pingUnanswered;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof PingWebSocketFrame ping) {
            if (!closeSent && ctx.channel().isWritable()) {
                ctx.writeAndFlush(new PongWebSocketFrame(ping.content()));
            } else {
                ping.release();
                pingUnanswered.run();
            }
        } else if (msg instanceof PongWebSocketFrame pong) {
            pong.release(); // the server sends no pings: an unsolicited pong, which needs no answer
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof CloseWebSocketFrame) {
            closeSent = true;
        }
        ctx.write(msg, promise);
    }
}
