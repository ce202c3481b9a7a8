package io.cameliotmp.benchmarks.soak;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/** The few bytes of RFC 6455 a hostile WebSocket client writes by hand, since it means to break the rules. */
final class WebSocketFrames {

    private WebSocketFrames() {
    }

    /** A client's binary, final frame header, masked with a zero key so that the payload goes as it is. */
    static byte[] header(long payloadLength) {
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        header.write(0x82);
        if (payloadLength < 126) {
            header.write(0x80 | (int) payloadLength);
        } else if (payloadLength <= 0xFFFF) {
            header.write(0x80 | 126);
            header.write((int) (payloadLength >> 8));
            header.write((int) payloadLength);
        } else {
            header.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                header.write((int) (payloadLength >> shift));
            }
        }
        header.writeBytes(new byte[4]);
        return header.toByteArray();
    }

    /** A header that announces {@code declaredLength} bytes, then {@code bytes}: fewer of them for a partial frame. */
    static byte[] withHeader(long declaredLength, byte[] bytes) {
        byte[] head = header(declaredLength);
        byte[] joined = Arrays.copyOf(head, head.length + bytes.length);
        System.arraycopy(bytes, 0, joined, head.length, bytes.length);
        return joined;
    }
}
