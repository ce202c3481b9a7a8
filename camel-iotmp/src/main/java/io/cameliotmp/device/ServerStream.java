package io.cameliotmp.device;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * A stream the device opened on a server event (docs/protocol.md §8.3): START_STREAM with RESOURCE 8 and the
 * subscription in
 * PARAMETERS, e.g. {@code {"event":"device_topic_publish","scope":"subscribe","topic":"cmd"}}. Data the server sends
 * on it goes to the consumer given to {@link IotmpDevice#openServerStream}; {@link #send} publishes on it.
 * <p>
 * The subscription outlives connections: after every reconnect the device opens it again, with a new stream id, until
 * {@link #close()} is called or the server stops it.
 */
public final class ServerStream {

    private final ServerStreams owner;
    private final Map<String, Object> parameters;
    private final Consumer<Object> onData;

    // Confined to the device's event loop, except the volatile fields read by the query methods.
    final CompletableFuture<ServerStream> firstOpen = new CompletableFuture<>();
    volatile int id;
    ClientConnection session;
    volatile boolean open;
    volatile boolean closed;
    /** Set when close() is called while the START_STREAM is still unanswered: STOP_STREAM follows the OK. */
    CompletableFuture<Void> pendingClose;
    /** Sends waiting, in order, for the answer to a START_STREAM re-opening this stream; null when none is asked. */
    List<ServerStreams.WaitingSend> waitingSends;
    /**
     * Why the last re-open on the current connection failed (refused, unanswered), else null: the next send asks
     * again rather than failing until the next reconnect.
     */
    Throwable reopenFailure;

    /** Whether the first open waits for a connection; else it fails when there is none or it ends. */
    final boolean waitsForConnection;

    ServerStream(ServerStreams owner, Map<String, Object> parameters, Consumer<Object> onData,
                 boolean waitsForConnection) {
        this.owner = owner;
        this.parameters = parameters;
        this.onData = onData;
        this.waitsForConnection = waitsForConnection;
    }

    /** The subscription parameters sent in START_STREAM. */
    public Map<String, Object> parameters() {
        return parameters;
    }

    /** The stream id on the current connection, or 0 while the stream is not open. */
    public int id() {
        return id;
    }

    /** Whether the server accepted the stream on the current connection. */
    public boolean isOpen() {
        return open;
    }

    /** Whether the stream was closed, by {@link #close()} or by a STOP_STREAM of the server; it is not re-opened. */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Sends STREAM_DATA with {@code payload} on this stream (e.g. an MQTT message to publish). The stage completes when
     * the frame is written, and fails with {@link IotmpDisconnectedException} when the stream is not open.
     * <p>
     * While the device re-opens the stream on a new connection, the send waits for the server's answer. When the server
     * refused that re-open (or did not answer it), the send asks it once more first, and fails with the server's
     * {@link IotmpErrorException} if it refuses again: one START_STREAM at a time, however many sends wait for it.
     */
    public CompletionStage<Void> send(Object payload) {
        return owner.send(this, payload);
    }

    /**
     * Sends STOP_STREAM and forgets the subscription. The stage completes on the server's OK (at once when the device
     * is not connected) and fails with {@link IotmpErrorException} on ERROR.
     */
    public CompletionStage<Void> close() {
        return owner.close(this);
    }

    /** Open (or being opened) on {@code connection} under {@code streamId}. */
    void attach(int streamId, ClientConnection connection) {
        id = streamId;
        session = connection;
    }

    /** No longer on any connection: closed, refused or the connection is gone. */
    void detach() {
        open = false;
        id = 0;
        session = null;
    }

    Consumer<Object> onData() {
        return onData;
    }

    @Override
    public String toString() {
        return "ServerStream[id=" + id + " " + parameters + (closed ? " closed" : "") + "]";
    }
}
