package io.cameliotmp.protocol;

import java.util.Arrays;

/**
 * A connection opens with more bytes of frames of unknown types than the codec's
 * {@linkplain FrameCodec#foreignBytesBudget() budget}: the peer does not speak the protocol (a PROXY protocol header on
 * a port that expects none, an HTTP request, a scanner). Thrown as soon as the header of the frame that goes beyond is
 * read, before any of its body is awaited. It carries the bytes from that frame on (those already read, at most
 * {@value #MAX_HEAD}; the connection's first bytes, when its first frame is the one), so that the refusal can say
 * what the peer is when that is plain from them.
 */
public final class ForeignBytesException extends IotmpDecodeException {

    private static final long serialVersionUID = 1L;

    /** The first bytes kept: enough for {@code "PROXY "}, an HTTP method and a PROXY v2 signature. */
    public static final int MAX_HEAD = 16;

    private final byte[] head;

    ForeignBytesException(long typeCode, byte[] head) {
        super("frame of unknown type " + typeCode + " before any known one, beyond the budget: not the protocol", 0);
        this.head = head;
    }

    /** The connection's first bytes, as many as were read, at most {@value #MAX_HEAD}. */
    public byte[] head() {
        return Arrays.copyOf(head, head.length);
    }
}
