package io.cameliotmp.springboot;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;

import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpFrames;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.protocol.MessageType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

/**
 * A gen-2 device made of a blocking socket: frames are encoded and decoded with the component's own codec functions
 * but travel over a plain socket, so the tests see exactly the bytes the embedded server sends. Every read is bounded
 * by the socket timeout.
 */
final class RawDevice implements AutoCloseable {

    /** How long a read waits for the server: generous, so that a loaded machine is not taken for a silent server. */
    static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    RawDevice(String host, int port) throws IOException {
        socket = new Socket(host, port);
        socket.setTcpNoDelay(true);
        socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** Bytes as they are, such as the PROXY protocol header a load balancer sends first. */
    void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    void send(IotmpMessage message) throws IOException {
        ByteBuf buf = Unpooled.buffer();
        try {
            IotmpFrames.encode(message, Generation.GEN2, buf);
            out.write(ByteBufUtil.getBytes(buf));
            out.flush();
        } finally {
            buf.release();
        }
    }

    /** The next whole frame, header included, as uppercase hex bytes separated by spaces. */
    String readFrameHex() throws IOException {
        return toHex(readFrame());
    }

    /** The next frame, decoded. */
    IotmpMessage readMessage() throws IOException {
        ByteBuf buf = Unpooled.wrappedBuffer(readFrame());
        try {
            IotmpFrames.Header header = IotmpFrames.peekHeader(buf, Integer.MAX_VALUE);
            int start = header.headerLength();
            return IotmpFrames.decodeBody(MessageType.fromCode(header.typeCode()), buf, start,
                    start + header.bodySize(), Generation.GEN2, true, 32);
        } finally {
            buf.release();
        }
    }

    /** True when the server closes the connection within {@code timeout}, after whatever it still had to send. */
    boolean closedWithin(Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        try {
            while (in.read() >= 0) {
                // drain until the end of the stream
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // a reset is a close too
        } finally {
            socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
        }
    }

    private byte[] readFrame() throws IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        copyVarint(frame); // message type
        long bodySize = copyVarint(frame);
        for (long i = 0; i < bodySize; i++) {
            frame.write(readByte());
        }
        return frame.toByteArray();
    }

    private long copyVarint(ByteArrayOutputStream frame) throws IOException {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = readByte();
            frame.write(b);
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new IOException("varint longer than 10 bytes");
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new IOException("connection closed by the server");
        }
        return b;
    }

    private static String toHex(byte[] bytes) {
        StringBuilder hex = new StringBuilder();
        for (byte b : bytes) {
            if (hex.length() > 0) {
                hex.append(' ');
            }
            hex.append(String.format("%02X", b & 0xFF));
        }
        return hex.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
