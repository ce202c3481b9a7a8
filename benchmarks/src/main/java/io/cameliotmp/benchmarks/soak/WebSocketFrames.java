package io.cameliotmp.benchmarks.soak;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;

/**
 * WebSocket frames as a client's socket carries them, encoded by Netty (masked, as clients must), for attackers that
 * write to plain sockets so that they can stop in the middle of a frame.
 */
final class WebSocketFrames {

    private WebSocketFrames() {
    }

    /** A whole binary, final frame around {@code payload}. */
    static byte[] frame(byte[] payload) {
        EmbeddedChannel encoder = new EmbeddedChannel(new WebSocket08FrameEncoder(true));
        encoder.writeOutbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(payload)));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (ByteBuf part = encoder.readOutbound(); part != null; part = encoder.readOutbound()) {
            bytes.writeBytes(ByteBufUtil.getBytes(part));
            part.release();
        }
        encoder.finishAndReleaseAll();
        return bytes.toByteArray();
    }

    /**
     * The start of a binary frame that announces {@code payloadLength} bytes: its header and the first {@code sent} of
     * them, the rest never to follow.
     */
    static byte[] start(int payloadLength, int sent) {
        byte[] whole = frame(new byte[payloadLength]);
        return Arrays.copyOf(whole, whole.length - (payloadLength - sent));
    }
}
