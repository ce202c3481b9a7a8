package io.cameliotmp.testing;

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
 * A device made of a plain blocking socket, for tests that must control every byte: it writes hex strings and reads
 * whole frames back as hex, without any of the project's client code in between. Works over any connected socket
 * (plain or TLS) or any pair of streams (WebSocket, see {@link WebSocketTestConnection}).
 */
public final class RawIotmpSocket implements AutoCloseable {

    /** How long a read waits for the server: {@link Waits#WAIT}, so a slow machine is not taken for a silent server. */
    private static final int READ_TIMEOUT_MILLIS = (int) Waits.WAIT.toMillis();

    private final Socket socket;
    private final WebSocketTestConnection webSocket;
    private final InputStream in;
    private final OutputStream out;

    public RawIotmpSocket(int port) throws IOException {
        this(new Socket("127.0.0.1", port));
    }

    /** Wraps a connected socket, e.g. an {@code SSLSocket}. */
    public RawIotmpSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.webSocket = null;
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(READ_TIMEOUT_MILLIS);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    public RawIotmpSocket(WebSocketTestConnection webSocket) {
        this.socket = null;
        this.webSocket = webSocket;
        in = webSocket.input();
        out = webSocket.output();
    }

    /**
     * Connects and authenticates with a gen-2 CONNECT of id 1.
     *
     * @throws IOException if the server answers anything but OK id 1
     */
    public static RawIotmpSocket connect(int port, String user, String device, String credential)
            throws IOException {
        RawIotmpSocket socket = new RawIotmpSocket(port);
        socket.send(IotmpMessage.connect(1, user, device, credential), Generation.GEN2);
        String answer = socket.readFrameHex();
        if (!answer.equals("01 02 08 01")) {
            socket.close();
            throw new IOException("CONNECT of " + user + "/" + device + " answered " + answer);
        }
        return socket;
    }

    /** Writes bytes given as hex, spaces allowed: {@code "05 00"}. */
    public void sendHex(String hex) throws IOException {
        out.write(Hex.bytes(hex));
        out.flush();
    }

    public void send(IotmpMessage message, Generation generation) throws IOException {
        ByteBuf buf = Unpooled.buffer();
        try {
            IotmpFrames.encode(message, generation, buf);
            out.write(ByteBufUtil.getBytes(buf));
            out.flush();
        } finally {
            buf.release();
        }
    }

    /** Reads the next whole frame and returns it as uppercase hex with spaces, like the vectors file. */
    public String readFrameHex() throws IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        readVarint(frame);
        long size = readVarint(frame);
        for (long i = 0; i < size; i++) {
            frame.write(readByte());
        }
        return Hex.format(frame.toByteArray());
    }

    /** Reads and decodes the next frame with the given layout. */
    public IotmpMessage readMessage(Generation generation) throws IOException {
        byte[] bytes = Hex.bytes(readFrameHex());
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        IotmpFrames.Header header = IotmpFrames.peekHeader(buf, Integer.MAX_VALUE);
        int start = header.headerLength();
        return IotmpFrames.decodeBody(MessageType.fromCode(header.typeCode()), buf, start,
                start + header.bodySize(), generation, true, 32);
    }

    /**
     * Reads the next frame, which must be a gen-2 START_STREAM of the server, accepts it with OK and returns its
     * stream id: what a device does when a consumer's stream opens.
     */
    public int acceptStream() throws IOException {
        IotmpMessage start = readMessage(Generation.GEN2);
        if (start.type() != MessageType.START_STREAM) {
            throw new AssertionError("expected START_STREAM, got " + start);
        }
        send(IotmpMessage.ok(start.streamId()), Generation.GEN2);
        return start.streamId();
    }

    /** Reads frames until one of the given type arrives (other frames, e.g. keep-alive echoes, are skipped). */
    public IotmpMessage readUntil(MessageType type, Generation generation) throws IOException {
        while (true) {
            IotmpMessage message = readMessage(generation);
            if (message.type() == type) {
                return message;
            }
        }
    }

    /** True if the server closes the connection within the timeout (after any frames it still sends). */
    public boolean closedWithin(Duration timeout) throws IOException {
        if (webSocket != null) {
            return webSocket.closedWithin(timeout);
        }
        socket.setSoTimeout((int) timeout.toMillis());
        try {
            while (true) {
                if (in.read() < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset by peer also means closed
        } finally {
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
        }
    }

    /**
     * True if no byte arrives within {@code duration} and the connection is still open then: the server is waiting
     * for more input. A byte that arrives is consumed (the stream is out of step afterwards).
     */
    public boolean silentFor(Duration duration) throws IOException {
        if (webSocket != null) {
            throw new UnsupportedOperationException("not over WebSocket");
        }
        socket.setSoTimeout((int) duration.toMillis());
        try {
            in.read(); // a byte, or -1 at the end of the stream: either way not silent
            return false;
        } catch (SocketTimeoutException e) {
            return true;
        } finally {
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
        }
    }

    private long readVarint(ByteArrayOutputStream frame) throws IOException {
        long value = 0;
        for (int i = 0; i < 10; i++) {
            int b = readByte();
            frame.write(b);
            value |= (long) (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new IOException("varint too long");
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new IOException("connection closed by the server");
        }
        return b;
    }


    /** Closes, ignoring a failure: for cleanup that must go on with the other sockets. */
    public void closeQuietly() {
        try {
            close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override
    public void close() throws IOException {
        if (webSocket != null) {
            webSocket.close();
        } else {
            socket.close();
        }
    }
}
