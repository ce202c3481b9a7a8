package io.cameliotmp.protocol;

import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

/**
 * Carries IOTMP over WebSocket: data frames of either kind become the plain byte stream the IOTMP codec reads (the
 * reference Linux client sends its binary bytes in text frames, and frame boundaries mean nothing), and IOTMP bytes
 * become frames. Control frames (ping, pong, close) are handled by Netty's protocol handlers before they get here.
 */
public final class WebSocketFrameBytes extends MessageToMessageCodec<WebSocketFrame, ByteBuf> {

    private final boolean textFrames;

    /** @param textFrames send text frames, as IOTMP-Linux does, instead of binary frames */
    public WebSocketFrameBytes(boolean textFrames) {
        this.textFrames = textFrames;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, ByteBuf bytes, List<Object> out) {
        out.add(textFrames ? new TextWebSocketFrame(bytes.retain()) : new BinaryWebSocketFrame(bytes.retain()));
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, WebSocketFrame frame, List<Object> out) {
        if (frame instanceof BinaryWebSocketFrame || frame instanceof TextWebSocketFrame
            || frame instanceof ContinuationWebSocketFrame) {
            out.add(frame.content().retain());
        }
    }
}
