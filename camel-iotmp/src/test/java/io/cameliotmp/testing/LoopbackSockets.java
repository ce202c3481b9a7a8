package io.cameliotmp.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * The plain sockets a test opens to a server on loopback, each reading with {@link Waits#WAIT} as its timeout so that
 * a server that never answers fails the test instead of hanging it; {@link #close()} closes them all, after the test.
 */
public final class LoopbackSockets implements AutoCloseable {

    private final List<Socket> open = new ArrayList<>();

    /** A new connection to {@code port} on 127.0.0.1. */
    public Socket to(int port) throws IOException {
        Socket socket = add(new Socket());
        socket.connect(new InetSocketAddress("127.0.0.1", port));
        socket.setSoTimeout((int) Waits.WAIT.toMillis());
        return socket;
    }

    /** Closes {@code socket} with the others (a TLS layer over one of them, say). */
    public <S extends Socket> S add(S socket) {
        open.add(socket);
        return socket;
    }

    @Override
    public void close() throws IOException {
        for (Socket socket : open) {
            socket.close();
        }
        open.clear();
    }
}
