package io.cameliotmp.protocol;

import java.util.Arrays;

/**
 * A connection's first frame is of a type the codec does not know: the peer does not speak the protocol (a PROXY
 * protocol header on a port that expects none, an HTTP request, a TLS handshake on a plain port, a scanner). Thrown by
 * a codec that {@linkplain FrameCodec#refusesForeignBytes() refuses foreign bytes}, as soon as the type is read,
 * before any body byte is awaited. It carries the connection's first bytes (those already read, at most
 * {@value #MAX_HEAD}), so that the refusal can say what the peer is when that is plain from them.
 */
public final class ForeignBytesException extends IotmpDecodeException {

    private static final long serialVersionUID = 1L;

    /** The first bytes kept: enough for {@code "PROXY "}, an HTTP method and a PROXY v2 signature. */
    public static final int MAX_HEAD = 16;

    private final byte[] head;

    ForeignBytesException(long typeCode, byte[] head) {
        super("first frame of unknown type " + typeCode + ": not the protocol", 0);
        this.head = head;
    }

    /** The connection's first bytes, as many as were read, at most {@value #MAX_HEAD}. */
    public byte[] head() {
        return Arrays.copyOf(head, head.length);
    }
}
