package io.cameliotmp.test;

import java.io.ByteArrayOutputStream;
import java.util.List;

/**
 * WebSocket frames as a client's raw socket carries them, bit for bit as a test asks, lawful or not, for tests of how
 * a server takes hostile or broken clients (a WebSocket library would refuse to send most of them). Uses only the
 * JDK.
 */
public final class ClientWebSocketFrames {

    private ClientWebSocketFrames() {
    }

    /**
     * A frame whose first byte is {@code first} (FIN, the reserved bits, the opcode) around {@code payload}, with the
     * length in its shortest form and, when {@code masked} (as a client must), a mask of zeros.
     */
    public static byte[] frame(int first, boolean masked, byte[] payload) {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(first);
        int mask = masked ? 0x80 : 0;
        if (payload.length < 126) {
            frame.write(mask | payload.length);
        } else if (payload.length <= 0xFFFF) {
            frame.write(mask | 126);
            frame.write(payload.length >> 8);
            frame.write(payload.length);
        } else {
            frame.write(mask | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) ((long) payload.length >> shift));
            }
        }
        if (masked) {
            frame.writeBytes(new byte[4]);
        }
        frame.writeBytes(payload);
        return frame.toByteArray();
    }

    /**
     * One frame of each way a client can break the protocol that a server must close it for: text that is not UTF-8
     * (1007), a frame the client did not mask, a reserved opcode, a reserved bit, a continuation of nothing (1002),
     * and a message beyond an 8 KiB message buffer (1009, Tomcat's default).
     */
    public static List<byte[]> protocolViolations() {
        return List.of(frame(0x81, true, new byte[] {(byte) 0xC3, 0x28}), frame(0x82, false, new byte[] {1, 2}),
                frame(0x83, true, new byte[] {1}), frame(0xC2, true, new byte[] {1}), frame(0x80, true, new byte[] {1}),
                frame(0x82, true, new byte[9000]));
    }
}
