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

    /** A send waiting for a START_STREAM that re-opens its stream. */
    record WaitingSend(Object payload, CompletableFuture<Void> sent) {
    }

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
            stream.reopenFailure = null;
            reopen(stream, connection);
        }
    }

    /** Sends START_STREAM for {@code stream} on {@code connection}; sends made until the answer wait for it. */
    private static void reopen(ServerStream stream, ClientConnection connection) {
        if (stream.waitingSends == null) {
            stream.waitingSends = new ArrayList<>();
        }
        connection.openServerStream(stream);
    }

    /**
     * A send on a stream the server refused to re-open on the current connection asks once more: left as it was, the
     * stream would fail every send until the next reconnect. Returns whether it did.
     */
    private boolean reopenForSend(ServerStream stream) {
        ClientConnection current = device.currentSession();
        if (stream.closed || stream.session != null || stream.reopenFailure == null || current == null
            || !current.connected) {
            return false;
        }
        LOG.debug("{}: re-opening {} for a send, after: {}", device, stream, stream.reopenFailure.toString());
        reopen(stream, current);
        return true;
    }

    /** The START_STREAM re-opening {@code stream} was answered: the sends waiting for it go, or fail with it. */
    private static void releaseWaitingSends(ServerStream stream, Throwable failure) {
        List<WaitingSend> waiting = stream.waitingSends;
        stream.waitingSends = null;
        if (waiting == null) {
            return;
        }
        for (WaitingSend send : waiting) {
            ClientConnection current = stream.session;
            if (send.sent().isDone()) {
                continue; // its write deadline passed: the caller was told it failed, so it must not go out now
            }
            if (failure != null) {
                send.sent().completeExceptionally(failure);
            } else if (!stream.open || current == null) {
                send.sent().completeExceptionally(new IotmpDisconnectedException(stream + " is not open"));
            } else {
                DeviceLoop.propagate(current.sendOnServerStream(stream, send.payload()), send.sent());
            }
        }
    }

    /** The device is closing: every subscription ends. */
    void closeAll() {
        for (ServerStream stream : streams) {
            stream.closed = true;
            IotmpDisconnectedException closed = new IotmpDisconnectedException("device closed");
            stream.firstOpen.completeExceptionally(closed);
            releaseWaitingSends(stream, closed);
        }
        streams.clear();
    }

    void opened(ServerStream stream, Object okPayload) {
        stream.open = true;
        stream.reopenFailure = null;
        stream.firstOpen.complete(stream); // its dependents run here, and may close the stream
        releaseWaitingSends(stream, stream.closed ? new IotmpDisconnectedException(stream + " was closed") : null);
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
        releaseWaitingSends(stream, error);
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
            boolean failedBefore = stream.reopenFailure != null;
            stream.reopenFailure = error;
            if (failedBefore) {
                LOG.debug("{}: re-opening {} failed again: {}", device, stream, error.toString());
            } else {
                LOG.warn("{}: re-opening {} failed; the next send on it, or the next reconnect, asks again: {}",
                        device, stream, error.toString());
            }
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
        IotmpErrorException stopped = new IotmpErrorException("the server stopped the stream before accepting it",
                null, null);
        stream.firstOpen.completeExceptionally(stopped);
        releaseWaitingSends(stream, stopped);
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
            if (stream.open && current != null) {
                DeviceLoop.propagate(current.sendOnServerStream(stream, payload), sent);
            } else if (stream.waitingSends != null || reopenForSend(stream)) {
                // until the START_STREAM is answered; the write deadline below bounds the wait
                stream.waitingSends.add(new WaitingSend(payload, sent));
            } else {
                throw new IotmpDisconnectedException(stream + " is not open");
            }
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
