package io.cameliotmp.testing;

import java.io.ByteArrayOutputStream;

import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpFrames;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.protocol.MessageType;
import io.cameliotmp.protocol.PsonFormat;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/** Byte-array conveniences around {@link IotmpFrames} for tests; heap buffers only, nothing to release. */
public final class Frames {

    private Frames() {
    }

    /** The whole frame {@link IotmpFrames#encode} writes. */
    public static byte[] encode(IotmpMessage message, Generation generation) {
        ByteBuf buf = Unpooled.buffer();
        IotmpFrames.encode(message, generation, buf);
        byte[] bytes = new byte[buf.readableBytes()];
        buf.readBytes(bytes);
        return bytes;
    }

    /**
     * Decodes exactly one complete frame of a known type, the way {@link io.cameliotmp.protocol.IotmpFrameCodec}
     * does: {@link IotmpFrames#peekHeader} then {@link IotmpFrames#decodeBody}.
     *
     * @throws AssertionError if the header is incomplete, the length disagrees or the type is unknown
     */
    public static IotmpMessage decode(byte[] frame, Generation generation, boolean acceptBothPsonVersions) {
        ByteBuf buf = Unpooled.wrappedBuffer(frame);
        IotmpFrames.Header header = IotmpFrames.peekHeader(buf, IotmpFrames.DEFAULT_MAX_FRAME_SIZE);
        if (header == null) {
            throw new AssertionError("incomplete header in " + Hex.format(frame));
        }
        if (header.frameLength() != frame.length) {
            throw new AssertionError("header announces " + header.frameLength() + " bytes, frame has "
                                     + frame.length + ": " + Hex.format(frame));
        }
        MessageType type = MessageType.fromCode(header.typeCode());
        if (type == null) {
            throw new AssertionError("unknown message type " + header.typeCode());
        }
        return IotmpFrames.decodeBody(type, buf, header.headerLength(), frame.length, generation,
                acceptBothPsonVersions, PsonFormat.DEFAULT_MAX_DEPTH);
    }

    /** Decodes a bare body (no header) with the default depth limit. */
    public static IotmpMessage decodeBody(MessageType type, byte[] body, Generation generation,
                                          boolean acceptBothPsonVersions) {
        return IotmpFrames.decodeBody(type, Unpooled.wrappedBuffer(body), 0, body.length, generation,
                acceptBothPsonVersions, PsonFormat.DEFAULT_MAX_DEPTH);
    }

    /** The header length of a complete frame. */
    public static int headerLength(byte[] frame) {
        return IotmpFrames.peekHeader(Unpooled.wrappedBuffer(frame), Integer.MAX_VALUE).headerLength();
    }

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
