package io.cameliotmp.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.cameliotmp.testing.Frames;

/**
 * The WebSocket protocol spoken by hand on a plain socket, so that a test can send what no well-behaved client would:
 * partial frames, headers alone, fragments interleaved with pings.
 */
final class RawWebSocket {

    static final int CONTINUATION = 0x0;
    static final int BINARY = 0x2;
    static final int PING = 0x9;
    static final int PONG = 0xA;

    private RawWebSocket() {
    }

    /** One frame the server sent: its opcode and payload. */
    record Frame(int opcode, byte[] payload) {
    }

    static String upgradeRequest(String extraHeaders) {
        return "GET /iotmp HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
               + "Sec-WebSocket-Protocol: iotmp\r\n" + extraHeaders + "\r\n";
    }

    /** Sends the upgrade request and reads the answer's head. */
    static String upgrade(Socket socket) throws IOException {
        write(socket, upgradeRequest("").getBytes(StandardCharsets.US_ASCII));
        return readHttpHead(socket);
    }

    static void write(Socket socket, byte[] bytes) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(bytes);
        out.flush();
    }

    /** Writes what it can; the server may close the connection part-way, which is what some tests want. */
    static void writeQuietly(Socket socket, byte[] bytes) {
        try {
            write(socket, bytes);
        } catch (IOException e) {
            // closed by the server
        }
    }

    static String readHttpHead(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    /** A client's binary, final frame header, masked with a zero key so that the payload goes as it is. */
    static byte[] frameHeader(long payloadLength) {
        return frameHeader(BINARY, true, payloadLength);
    }

    /** A client's frame header of any opcode, masked with a zero key. */
    static byte[] frameHeader(int opcode, boolean fin, long payloadLength) {
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        header.write((fin ? 0x80 : 0) | opcode);
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
        header.writeBytes(new byte[4]); // masking key 0
        return header.toByteArray();
    }

    /** A binary, final frame. */
    static byte[] frame(byte[] payload) {
        return frame(BINARY, true, payload);
    }

    static byte[] frame(int opcode, boolean fin, byte[] payload) {
        return Frames.concat(frameHeader(opcode, fin, payload.length), payload);
    }

    /** The payload of the server's next frame (unmasked, at most 64 KiB here). */
    static byte[] readFrame(Socket socket) throws IOException {
        return readAnyFrame(socket).payload();
    }

    /** The server's next frame (unmasked, at most 64 KiB here). */
    static Frame readAnyFrame(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        int first = in.read();
        int second = in.read();
        if (first < 0 || second < 0) {
            throw new IOException("closed");
        }
        int length = second & 0x7F;
        if (length == 126) {
            length = in.read() << 8 | in.read();
        }
        return new Frame(first & 0x0F, in.readNBytes(length));
    }

    /** True once the server has closed the connection (anything it still sends is skipped). */
    static boolean closedWithin(Socket socket, Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        InputStream in = socket.getInputStream();
        byte[] skip = new byte[8192];
        try {
            while (in.read(skip) >= 0) {
                // what the server sends before it closes: an HTTP error, a close frame
            }
            return true;
        } catch (SocketException e) {
            return true; // reset by the server
        } catch (SocketTimeoutException e) {
            return false;
        }
    }
}
