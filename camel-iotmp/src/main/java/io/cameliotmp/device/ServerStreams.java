package io.cameliotmp.device;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.protocol.MessageType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The streams a device opens on server events (docs/protocol.md §8.3). They outlive connections: each is opened again
 * on every new connection until it is closed or the server stops it. Confined to the device's event loop.
 */
final class ServerStreams {

    private static final Logger LOG = LoggerFactory.getLogger(ServerStreams.class);

    private final IotmpDevice device;
    private final DeviceLoop loop;
    private final List<ServerStream> streams = new ArrayList<>();

    ServerStreams(IotmpDevice device, DeviceLoop loop) {
        this.device = device;
        this.loop = loop;
    }

    /** See {@link IotmpDevice#openServerStream}. */
    CompletionStage<ServerStream> open(Map<String, Object> parameters, Consumer<Object> onData,
                                       boolean waitForConnection) {
        ServerStream stream = new ServerStream(this, Collections.unmodifiableMap(new LinkedHashMap<>(parameters)),
                onData, waitForConnection);
        loop.run(stream.firstOpen, () -> {
            if (device.isClosed()) {
                throw new IotmpDisconnectedException("device is closed");
            }
            ClientConnection current = device.currentSession();
            boolean connected = current != null && current.connected;
            if (!connected && !waitForConnection) {
                throw new IotmpDisconnectedException("device is not connected");
            }
            streams.add(stream);
            if (connected) {
                current.openServerStream(stream);
            }
        });
        return stream.firstOpen.copy();
    }

    /** A new connection: open every subscription on it. */
    void reopenAll(ClientConnection connection) {
        for (ServerStream stream : new ArrayList<>(streams)) {
            connection.openServerStream(stream);
        }
    }

    /** The device is closing: every subscription ends. */
    void closeAll() {
        for (ServerStream stream : streams) {
            stream.closed = true;
            stream.firstOpen.completeExceptionally(new IotmpDisconnectedException("device closed"));
        }
        streams.clear();
    }

    void opened(ServerStream stream, Object okPayload) {
        stream.open = true;
        stream.firstOpen.complete(stream); // its dependents run here, and may close the stream
        if (stream.closed) {
            // a closed stream delivers nothing, not even the OK's payload
            CompletableFuture<Void> pendingClose = stream.pendingClose;
            stream.pendingClose = null;
            if (pendingClose != null) {
                // close() was called while the START_STREAM was on its way: stop it now that it exists
                completeClose(stream.session.stopServerStream(stream), pendingClose);
            } // else a dependent of the first open closed it, and sent STOP_STREAM itself
            return;
        }
        if (okPayload != null) {
            deliver(stream, okPayload);
        }
    }

    /** The START_STREAM of a server stream failed: refused or unanswered, or the connection was lost meanwhile. */
    void failed(ServerStream stream, Throwable error) {
        if (stream.pendingClose != null) {
            stream.pendingClose.complete(null);
            stream.pendingClose = null;
        }
        if (error instanceof IotmpDisconnectedException && !stream.closed
            && (stream.firstOpen.isDone() || stream.waitsForConnection)) {
            return; // opened again with the next connection
        }
        if (!stream.firstOpen.isDone()) {
            streams.remove(stream);
            stream.closed = true;
            stream.firstOpen.completeExceptionally(error);
        } else if (!stream.closed) {
            LOG.warn("{}: re-opening {} failed, retrying after the next reconnect: {}", device, stream,
                    error.toString());
        }
    }

    /**
     * The server sent STOP_STREAM for {@code stream}, possibly before it answered the START_STREAM: a first open still
     * waiting fails as if the server had refused it, and a close waiting for the OK to send its STOP_STREAM is done.
     */
    void stoppedByServer(ServerStream stream) {
        LOG.info("{}: server stopped {}", device, stream);
        stream.closed = true;
        streams.remove(stream);
        stream.firstOpen.completeExceptionally(new IotmpErrorException("the server stopped the stream before"
                                                                      + " accepting it", null, null));
        CompletableFuture<Void> pendingClose = stream.pendingClose;
        stream.pendingClose = null;
        if (pendingClose != null) {
            pendingClose.complete(null);
        }
    }

    void deliver(ServerStream stream, Object payload) {
        device.runCallback(() -> stream.onData().accept(payload));
    }

    CompletionStage<Void> send(ServerStream stream, Object payload) {
        CompletableFuture<Void> sent = new CompletableFuture<>();
        loop.run(sent, () -> {
            ClientConnection current = stream.session;
            if (!stream.open || current == null) {
                throw new IotmpDisconnectedException(stream + " is not open");
            }
            DeviceLoop.propagate(current.sendOnServerStream(stream, payload), sent);
        });
        loop.writeDeadline(sent, device.requestTimeoutMillis(), "data on " + stream);
        return sent;
    }

    CompletionStage<Void> close(ServerStream stream) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        loop.run(done, () -> {
            if (stream.closed) {
                done.complete(null);
                return;
            }
            stream.closed = true;
            streams.remove(stream);
            ClientConnection current = stream.session;
            if (current == null) {
                // not open on any connection: nothing to tell the server
                stream.firstOpen.completeExceptionally(new CancellationException(stream + " closed before it opened"));
                done.complete(null);
            } else if (!stream.open) {
                stream.pendingClose = done; // STOP_STREAM follows the OK of the START_STREAM
            } else {
                completeClose(current.stopServerStream(stream), done);
            }
        });
        return done;
    }

    private static void completeClose(CompletableFuture<IotmpMessage> stopAnswer, CompletableFuture<Void> done) {
        stopAnswer.whenComplete((answer, error) -> {
            if (error instanceof IotmpDisconnectedException) {
                done.complete(null); // the connection is gone, and the stream with it
            } else if (error != null) {
                done.completeExceptionally(error);
            } else if (answer.type() == MessageType.ERROR) {
                done.completeExceptionally(new IotmpErrorException(answer.parameters(), answer.payload()));
            } else {
                done.complete(null);
            }
        });
    }
}
