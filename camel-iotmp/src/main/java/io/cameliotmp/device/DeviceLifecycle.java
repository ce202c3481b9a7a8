package io.cameliotmp.device;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.protocol.PsonValues;
import io.cameliotmp.protocol.session.StreamIds;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoopGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection lifecycle of an {@link IotmpDevice}: start, connect, reconnect with the {@link Connector}'s backoff,
 * close. It holds the current connection or attempt, re-opens the device's server streams after every accepted
 * CONNECT and tells the application's listeners about connects, disconnects, refusals and failed attempts. State is
 * confined to the device's loop unless volatile; the methods the device's public API calls may run on any thread.
 */
final class DeviceLifecycle {

    // the device's logger: connects, refusals and disconnects have always been logged under its name
    private static final Logger LOG = LoggerFactory.getLogger(IotmpDevice.class);

    private static final long CLOSE_WAIT_SECONDS = 10;
    /** After DISCONNECT, a server that does not read may hold the write; the channel is closed anyway after this. */
    private static final long DISCONNECT_LINGER_MILLIS = 1000;

    private final IotmpDevice device;
    private final DeviceClientConfig config;
    /** The group the device created and must shut down, or null when it runs on a shared group. */
    private final EventLoopGroup ownGroup;
    private final DeviceLoop loop;
    private final Connector connector;
    /** Stream ids drawn at random, as the reference libraries do, or from the configured generator. */
    private final StreamIds streamIds;
    private final ServerStreams serverStreams;
    private final HandlerRunner handlers;

    private final List<Runnable> connectedListeners = new CopyOnWriteArrayList<>();
    private final List<Runnable> disconnectedListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<IotmpConnectRefusedException>> refusedListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<Throwable>> failedListeners = new CopyOnWriteArrayList<>();

    // ---------------------------------------------------------------- state, confined to the loop unless volatile

    /** The current connection attempt or connection; volatile because the device's streams read it from any thread. */
    private volatile ClientConnection session;
    /** Completes on the first CONNECT OK after {@link #start()}. */
    private CompletableFuture<Void> startFuture;
    /** Between {@link #start()} and {@link #close()}, or until the device gives up when reconnection is disabled. */
    private boolean running;
    private ScheduledFuture<?> reconnectTask;
    private final ReconnectBackoff backoff;
    /** The last refusal of the server, cleared by an accepted CONNECT. */
    private volatile IotmpConnectRefusedException lastRefusal;

    private volatile boolean closed;
    private volatile boolean connected;
    private final Object connectionMonitor = new Object();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();
    /** What runs once the device is closed, before {@link #closeAsync}'s stage completes. */
    private final Queue<Runnable> closedActions = new ConcurrentLinkedQueue<>();
    private volatile boolean released;

    DeviceLifecycle(IotmpDevice device, DeviceClientConfig config, EventLoopGroup ownGroup, DeviceLoop loop,
                    Connector connector, StreamIds streamIds, ServerStreams serverStreams, HandlerRunner handlers) {
        this.device = device;
        this.config = config;
        this.ownGroup = ownGroup;
        this.loop = loop;
        this.connector = connector;
        this.backoff = new ReconnectBackoff(connector::backoffDelayMillis, config.backoffMax().toNanos(),
                System::nanoTime);
        this.streamIds = streamIds;
        this.serverStreams = serverStreams;
        this.handlers = handlers;
    }

    /**
     * Connects, and keeps the device connected until {@link #close()}. The stage completes on the first accepted
     * CONNECT. With reconnection enabled it only fails if the device is closed first; with reconnection disabled
     * ({@link IotmpDeviceBuilder#reconnectBackoff} max {@link Duration#ZERO}) it fails on the first failure:
     * {@link IotmpConnectRefusedException} if the server refused, an I/O exception if it could not be reached,
     * {@link IotmpRequestTimeoutException} if it did not answer the CONNECT.
     * <p>
     * Calling it again while the device is running returns the same outcome; after a device with reconnection
     * disabled gave up, it starts a new attempt. After {@link #close()} it fails with {@link IllegalStateException}.
     */
    CompletionStage<Void> start() {
        CompletableFuture<Void> result = new CompletableFuture<>();
        if (closed) {
            result.completeExceptionally(new IllegalStateException("device is closed"));
            return result;
        }
        loop.run(result, () -> {
            if (closed) {
                throw new IllegalStateException("device is closed");
            }
            if (!running) {
                running = true;
                startFuture = new CompletableFuture<>();
                connectNow();
            }
            DeviceLoop.propagate(startFuture, result);
        });
        return result;
    }

    /** Whether the device is connected and its CONNECT was accepted. */
    boolean isConnected() {
        return connected;
    }

    /** Whether {@link #close()} was called. */
    boolean isClosed() {
        return closed;
    }

    /**
     * Waits until the device is connected.
     *
     * @return whether it is connected; false when the timeout elapsed or the waiting thread was interrupted
     */
    boolean awaitConnected(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (connectionMonitor) {
            while (!connected) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return false;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(connectionMonitor, remaining);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return connected;
                }
            }
            return true;
        }
    }

    /**
     * Sends DISCONNECT ({@code 04 00}) if connected, closes the connection, stops reconnecting, fails whatever is
     * pending and releases the device's own event loop. Waits (up to 10 s) for all of it unless called on the
     * device's event loop. Idempotent.
     */
    void close() {
        CompletionStage<Void> done = closeAsync();
        if (loop.inLoop()) {
            return;
        }
        try {
            done.toCompletableFuture().get(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("{}: close did not finish cleanly: {}", device, e.toString());
        }
    }

    /** {@link #close()} without waiting; the stage completes once the connection and own event loop are released. */
    CompletionStage<Void> closeAsync() {
        if (closing.compareAndSet(false, true)) {
            closed = true;
            try {
                loop.runOrThrow(this::shutdown);
            } catch (RejectedExecutionException e) {
                completeClose();
            }
        }
        return closeFuture.copy();
    }

    private void shutdown() {
        running = false;
        if (reconnectTask != null) {
            reconnectTask.cancel(false);
            reconnectTask = null;
        }
        if (startFuture != null && !startFuture.isDone()) {
            startFuture.completeExceptionally(new IotmpDisconnectedException("device closed before it connected"));
        }
        serverStreams.closeAll();
        ClientConnection current = session;
        if (current == null || current.channel == null) {
            releaseEventLoop();
            return;
        }
        Channel channel = current.channel;
        if (channel.isActive()) {
            channel.writeAndFlush(IotmpMessage.DISCONNECT).addListener(ChannelFutureListener.CLOSE);
            ScheduledFuture<?> forcedClose = loop.eventLoop().schedule(() -> {
                channel.close();
            }, DISCONNECT_LINGER_MILLIS, TimeUnit.MILLISECONDS);
            channel.closeFuture().addListener(closedChannel -> forcedClose.cancel(false));
        } else {
            channel.close();
        }
        channel.closeFuture().addListener(closedChannel -> releaseEventLoop());
    }

    private void releaseEventLoop() {
        if (ownGroup == null) {
            completeClose();
        } else {
            ownGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).addListener(terminated -> completeClose());
        }
    }

    // ---------------------------------------------------------------- connection handling (on the loop)

    private void connectNow() {
        reconnectTask = null;
        if (closed || !running || session != null) {
            return;
        }
        ClientConnection attempt = new ClientConnection(device, loop.eventLoop(), streamIds);
        session = attempt;
        LOG.debug("{}: connecting", device);
        connector.connect(attempt).addListener(result -> {
            if (!result.isSuccess()) {
                if (attempt.failure == null) {
                    attempt.failure = result.cause();
                }
                sessionEnded(attempt);
            }
        });
    }

    /** Called by the session once the server accepted the CONNECT. */
    void sessionConnected(ClientConnection connectedSession) {
        backoff.connected();
        lastRefusal = null;
        setConnected(true);
        LOG.info("{}: connected", device);
        serverStreams.reopenAll(connectedSession);
        if (startFuture != null) {
            startFuture.complete(null);
        }
        for (Runnable listener : connectedListeners) {
            handlers.runCallback(listener);
        }
    }

    /** Called once per session when its channel is gone or could not be connected; decides about reconnecting. */
    void sessionEnded(ClientConnection ended) {
        if (ended.ended) {
            return;
        }
        ended.ended = true;
        boolean wasConnected = ended.connected;
        Throwable cause = ended.failure;
        IotmpDisconnectedException lost = new IotmpDisconnectedException(
                closed ? "device closed" : wasConnected ? "connection lost" : "connection attempt failed", cause);
        ended.teardown(lost);
        if (session == ended) {
            session = null;
        }
        if (wasConnected) {
            setConnected(false);
            // bounded and escaped: the server writes part of some causes (an ERROR's text, the bytes a TLS record
            // that is none quotes), and every reconnection cycle logs this line again
            LOG.info("{}: disconnected{}", device, cause != null ? ": " + PsonValues.text(cause.toString()) : "");
            for (Runnable listener : disconnectedListeners) {
                handlers.runCallback(listener);
            }
        } else if (cause instanceof IotmpConnectRefusedException refusal) {
            refused(refusal);
        } else if (!closed) {
            LOG.debug("{}: connection attempt failed: {}", device,
                    cause != null ? PsonValues.text(cause.toString()) : "closed");
            Throwable failure = cause != null ? cause : lost;
            for (Consumer<Throwable> listener : failedListeners) {
                handlers.runCallback(() -> listener.accept(failure));
            }
        }
        if (closed || !running) {
            return;
        }
        if (!config.reconnects()) {
            running = false;
            if (startFuture != null && !startFuture.isDone()) {
                startFuture.completeExceptionally(cause != null ? cause : lost);
            }
            return;
        }
        long delay = backoff.nextDelayMillis();
        LOG.debug("{}: reconnecting in {} ms", device, delay);
        reconnectTask = loop.eventLoop().schedule(this::connectNow, delay, TimeUnit.MILLISECONDS);
    }

    /**
     * A refused CONNECT is said once at WARN for every run of refusals (a device retrying a wrong credential must not
     * flood the log), and told to the refusal listeners every time.
     */
    private void refused(IotmpConnectRefusedException refusal) {
        if (lastRefusal == null) {
            LOG.warn("{}: the server refused the CONNECT, retrying with backoff: {}", device, refusal.getMessage());
        } else {
            LOG.debug("{}: refused again: {}", device, refusal.getMessage());
        }
        lastRefusal = refusal;
        for (Consumer<IotmpConnectRefusedException> listener : refusedListeners) {
            handlers.runCallback(() -> listener.accept(refusal));
        }
    }

    private void setConnected(boolean value) {
        synchronized (connectionMonitor) {
            connected = value;
            connectionMonitor.notifyAll();
        }
    }

    /** The delay before reconnect attempt {@code attempt} (0 = the first after a loss); see {@link Connector}. */
    long backoffDelayMillis(int attempt) {
        return connector.backoffDelayMillis(attempt);
    }

    /** The current connection or attempt, or null. */
    ClientConnection currentSession() {
        return session;
    }

    ClientConnection connectedSession() throws IotmpDisconnectedException {
        ClientConnection current = session;
        if (current == null || !current.connected) {
            throw new IotmpDisconnectedException(closed ? "device is closed" : "device is not connected");
        }
        return current;
    }

    // ---------------------------------------------------------------- listeners

    void onConnected(Runnable listener) {
        connectedListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    void onDisconnected(Runnable listener) {
        disconnectedListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Runs {@code action} once the device is closed and its connection released, before the stage of
     * {@link #closeAsync} completes (at once if that already happened).
     */
    void onClosed(Runnable action) {
        closedActions.add(Objects.requireNonNull(action, "action"));
        // added after the actions ran: run it here, unless the closing thread took it meanwhile
        if (released && closedActions.remove(action)) {
            action.run();
        }
    }

    /** Runs the closed actions, then completes the close: whoever waits on it sees what they did. */
    private void completeClose() {
        released = true;
        for (Runnable action = closedActions.poll(); action != null; action = closedActions.poll()) {
            try {
                action.run();
            } catch (RuntimeException e) {
                LOG.warn("{}: an action on close failed", device, e);
            }
        }
        closeFuture.complete(null);
    }

    void onRefused(Consumer<IotmpConnectRefusedException> listener) {
        refusedListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    void onConnectFailed(Consumer<Throwable> listener) {
        failedListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    IotmpConnectRefusedException lastRefusal() {
        return lastRefusal;
    }

    /** Whether the device created its event loop (and shuts it down on close) rather than using a shared group. */
    boolean ownsEventLoop() {
        return ownGroup != null;
    }
}
