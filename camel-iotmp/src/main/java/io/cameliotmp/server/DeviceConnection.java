package io.cameliotmp.server;

import java.io.IOException;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BooleanSupplier;

import io.cameliotmp.protocol.ForeignBytesException;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.protocol.MalformedFrame;
import io.cameliotmp.protocol.MessageType;
import io.cameliotmp.protocol.session.Answers;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One device's connection to the server: the state machine of docs/protocol.md §5 (awaiting CONNECT, authenticating,
 * active, closed), delegating each job to a part of its own — the {@link ConnectHandshake}, the
 * {@link ServerRequests} the server sends, the {@link ServerOpenedStreams}, the {@link DeviceOpenedStreams}, the
 * {@link DeviceCallDispatcher} for the device's own calls, and {@link FlowControl}.
 * <p>
 * All mutable state is touched only on the connection's executor (a worker picked for the connection, or its I/O
 * thread when there are no workers), so it needs no locks; public methods hop onto it. Flow control is the one
 * exception: it is counted from whatever thread reads a frame or finishes a handler.
 */
public final class DeviceConnection {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceConnection.class);

    enum State {
        AWAITING_CONNECT,
        AUTHENTICATING,
        ACTIVE,
        CLOSED
    }

    private final SessionContext context;
    private final Channel channel;
    private final ConnectionPump pump;
    private final FlowControl flow;
    private final ConnectionCounters counters = new ConnectionCounters();
    /** Until the device is in: then nothing needs it, and an idle device would hold it as long as it stays. */
    private ConnectHandshake handshake;
    private final ServerRequests requests;
    private final ServerOpenedStreams serverStreams;
    private final DeviceOpenedStreams deviceStreams;

    private State state = State.AWAITING_CONNECT;
    private volatile DeviceRegistration registration;
    private String closeReason;

    /**
     * @param worker where the connection and the handlers it calls run; null to run them on the channel's I/O thread
     */
    DeviceConnection(SessionContext context, Channel channel, ConnectionCodec codec, EventExecutor worker) {
        this.context = context;
        this.channel = channel;
        this.flow = new FlowControl(channel, context.flowBounds());
        Wiring wiring = new Wiring(codec);
        // while reading is paused the codec decodes nothing more, and what it held back is decoded on resuming
        codec.decodeGate(wiring);
        flow.reading(wiring);
        this.pump = new ConnectionPump(worker, flow, wiring);
        this.handshake = new ConnectHandshake(this, context, codec);
        this.requests = new ServerRequests(this);
        this.serverStreams = new ServerOpenedStreams(this, context);
        this.deviceStreams = new DeviceOpenedStreams(this, context);
        channel.attr(ConnectionCounters.KEY).set(counters);
    }

    /** The handler to add after the codec, on the channel's I/O thread. */
    ChannelHandler handler() {
        return pump;
    }

    /** The registration once the device is authenticated, else null. */
    public DeviceRegistration registration() {
        return registration;
    }

    public boolean isActive() {
        return registration != null && channel.isActive();
    }

    /** The device's address: the TCP peer's, or behind a balancer the one its PROXY header told. */
    public SocketAddress remoteAddress() {
        return DeviceAddress.of(channel);
    }

    /** A snapshot of this connection's counters. */
    public SessionCounters counters() {
        return counters.snapshot(flow.inFlight(), flow.readingPaused());
    }

    /**
     * A look inside the connection (counters, pending requests, open streams), taken on its executor so that it is
     * consistent; fails with a {@link DeviceDisconnectedException} once the connection's executor is gone.
     */
    public CompletableFuture<ConnectionDetails> inspect() {
        CompletableFuture<ConnectionDetails> details = new CompletableFuture<>();
        try {
            runOnExecutor(() -> details.complete(new ConnectionDetails(registration, counters(), requests.pending(),
                    serverStreams.details(), deviceStreams.size())));
        } catch (RejectedExecutionException e) {
            details.completeExceptionally(new DeviceDisconnectedException(deviceIdOrNull(), "server stopped"));
        }
        return details;
    }

    /** Sends a request to the device; completes with its OK, or fails with an {@link IotmpRequestException}. */
    public CompletableFuture<DeviceReply> send(DeviceRequest request, Duration timeout) {
        return send(request, timeout, new CompletableFuture<>());
    }

    /** As {@link #send(DeviceRequest, Duration)}, completing {@code reply}, which it returns. */
    public CompletableFuture<DeviceReply> send(DeviceRequest request, Duration timeout,
                                               CompletableFuture<DeviceReply> reply) {
        Duration effective = timeout != null ? timeout : context.config().requestTimeout();
        runOnExecutor(() -> requests.send(request, effective, reply));
        return reply;
    }

    /**
     * Closes the connection, sending DISCONNECT first so the device knows it was deliberate.
     *
     * @return completes when the connection is closed
     */
    public CompletionStage<Void> close(String reason) {
        runOnExecutor(() -> {
            if (state == State.CLOSED) {
                return;
            }
            if (closeReason == null) {
                closeReason = reason;
            }
            if (state == State.ACTIVE && channel.isActive()) {
                write(IotmpMessage.DISCONNECT).addListener(ChannelFutureListener.CLOSE);
            } else {
                channel.close();
            }
        });
        CompletableFuture<Void> closed = new CompletableFuture<>();
        channel.closeFuture().addListener(f -> closed.complete(null));
        return closed;
    }

    // ---- for the parts of the connection, on its executor

    State state() {
        return state;
    }

    Channel channel() {
        return channel;
    }

    SessionContext context() {
        return context;
    }

    ConnectionCounters countersForUpdate() {
        return counters;
    }

    FlowControl flow() {
        return flow;
    }

    ServerRequests requests() {
        return requests;
    }

    ServerOpenedStreams serverStreams() {
        return serverStreams;
    }

    DeviceOpenedStreams deviceStreams() {
        return deviceStreams;
    }

    /** Whether a stream id is taken by a request in flight or an open stream of either side. */
    boolean idInUse(int id) {
        return requests.contains(id) || serverStreams.contains(id) || deviceStreams.contains(id);
    }

    void authenticating() {
        state = State.AUTHENTICATING;
        flow.resumable(false);
        channel.config().setAutoRead(false);
    }

    /** The device is in: from here on it is callable and its frames are served. */
    void activated(DeviceRegistration accepted) {
        registration = accepted;
        state = State.ACTIVE;
        handshake = null; // its deadline ended with the CONNECT; it finishes the login it is in without the field
        flow.resumable(true);
    }

    /** The CONNECT was refused; the ERROR is written, then the connection closes. */
    void refused(String reason) {
        state = State.CLOSED;
        flow.resumable(false);
        closeReason = "authentication refused: " + reason;
    }

    String handlerName() {
        return pump.name();
    }

    void runOnExecutor(Runnable task) {
        EventExecutor ex = pump.executor();
        if (ex == null) {
            channel.eventLoop().execute(() -> runOnExecutor(task));
        } else if (ex.inEventLoop()) {
            task.run();
        } else {
            ex.execute(task);
        }
    }

    void runOnIoThread(Runnable task) {
        if (channel.eventLoop().inEventLoop()) {
            task.run();
        } else {
            try {
                channel.eventLoop().execute(task);
            } catch (RejectedExecutionException e) {
                LOG.debug("{}: I/O thread already stopped", this);
            }
        }
    }

    ChannelFuture write(IotmpMessage message) {
        counters.count(ConnectionCounters.FRAMES_OUT);
        ChannelFuture written = channel.writeAndFlush(message);
        // a device that stops reading must not make the server queue for it without bound
        long maxPendingWriteBytes = context.config().limits().maxPendingWriteBytes();
        if (!channel.isWritable() && channel.bytesBeforeWritable() > maxPendingWriteBytes) {
            onException(new PendingWriteBound.PendingWritesExceededException(maxPendingWriteBytes));
        }
        return written;
    }

    /** Answers a request with ERROR {@code {"error": message}}, unless it had no stream id and wants no answer. */
    void replyError(IotmpMessage request, int status, String message) {
        if (request.hasStreamId()) {
            write(Answers.error(request.streamId(), status, message));
        } else {
            LOG.debug("{}: {} (no reply, the request had no stream id)", this, message);
        }
    }

    void closeNow(String reason) {
        if (closeReason == null) {
            closeReason = reason;
        }
        channel.close();
    }

    String reasonOrDefault() {
        return closeReason != null ? closeReason : "connection closed";
    }

    DeviceId deviceIdOrNull() {
        DeviceRegistration r = registration;
        return r == null ? null : r.deviceId();
    }

    // ---- events from the pump, in the order they were read

    private void handle(Object event) {
        try {
            if (event == ConnectionPump.CHANNEL_INACTIVE) {
                onClosed();
            } else if (event == ConnectionPump.CHANNEL_ACTIVE) {
                handshake.awaitConnect();
            } else if (event instanceof IdleStateEvent) {
                onIdle();
            } else if (event instanceof Throwable cause) {
                onException(cause);
            } else {
                onFrame(event);
            }
        } catch (RuntimeException e) {
            // what Netty would have done with a handler's exception: the drain must go on to the closing events
            onException(e);
        }
    }

    /**
     * A stream sample that the I/O thread delivers itself, when its stream's listeners take samples there (a batching
     * consumer): no hop to the executor for it. The pump asks only while nothing of this connection waits for the
     * executor, so the order of what the device sent is kept.
     */
    private boolean handledOnArrival(Object frame, long weight) {
        if (!(frame instanceof IotmpMessage message) || message.type() != MessageType.STREAM_DATA
            || !serverStreams.onDataOnIoThread(message, weight)) {
            return false;
        }
        counters.countHandled(ConnectionCounters.FRAMES_IN);
        return true;
    }

    /**
     * What the pump, the flow control and the codec call back into: one object rather than six lambdas, since idle
     * devices are most of what a server holds and each has one.
     */
    private final class Wiring implements ConnectionPump.Session, FlowControl.Reading, BooleanSupplier {

        private final ConnectionCodec codec;

        Wiring(ConnectionCodec codec) {
            this.codec = codec;
        }

        @Override
        public void handle(Object event) {
            DeviceConnection.this.handle(event);
        }

        @Override
        public boolean handledOnArrival(Object frame, long weight) {
            return DeviceConnection.this.handledOnArrival(frame, weight);
        }

        @Override
        public long frameWeight() {
            return codec.lastFrameWeight();
        }

        @Override
        public void paused() {
            context.metrics().readingPaused();
        }

        /** A frame started before the pause gets a whole deadline from now ({@code FrameCodec#readingResumed}). */
        @Override
        public void resumed() {
            codec.frames().readingResumed();
            codec.resumeDecoding();
        }

        /** The codec's decode gate: open unless reading is paused. */
        @Override
        public boolean getAsBoolean() {
            return flow.admitsFrame();
        }
    }

    private void onFrame(Object frame) {
        flow.frameHandling();
        try {
            if (frame instanceof IotmpMessage message) {
                onMessage(message);
            } else if (frame instanceof MalformedFrame malformed) {
                onMalformed(malformed);
            } else {
                ReferenceCountUtil.release(frame);
            }
        } finally {
            flow.frameHandled(); // counted on reading; handlers still busy count as deliveries
        }
    }

    private void onMessage(IotmpMessage message) {
        counters.countHandled(ConnectionCounters.FRAMES_IN);
        if (state == State.ACTIVE) {
            onActiveMessage(message);
        } else if (state == State.AWAITING_CONNECT) {
            handshake.onFirstMessage(message);
        } else {
            // reading is paused while authenticating; frames already decoded from the same read are dropped, and so
            // is everything after the close
            LOG.debug("{}: dropping {} received while {}", this, message.type(), state);
        }
    }

    /** A switch expression, so the compiler names this place when a message type is added. */
    private void onActiveMessage(IotmpMessage message) {
        boolean handled = switch (message.type()) {
            case KEEP_ALIVE -> write(IotmpMessage.KEEP_ALIVE) != null;
            case OK, ERROR -> requests.onAnswer(message);
            case RUN -> DeviceCallDispatcher.onRun(this, message);
            case DESCRIBE -> DeviceCallDispatcher.onDescribe(this, message);
            case STREAM_DATA -> serverStreams.onData(message) || deviceStreams.onData(message);
            case START_STREAM -> deviceStreams.onStart(message);
            case STOP_STREAM -> onStopStream(message);
            case DISCONNECT -> {
                closeNow("device sent DISCONNECT");
                yield true;
            }
            // answered whatever its id, and without a status: the conformance table pins these bytes
            case CONNECT -> write(IotmpMessage.error(message.streamId(), null,
                    Map.of("error", "already connected"))) != null;
        };
        if (!handled) {
            LOG.debug("{}: ignoring {}", this, message);
        }
    }

    private boolean onStopStream(IotmpMessage stop) {
        boolean known = serverStreams.stoppedByDevice(stop.streamId()) | deviceStreams.stop(stop.streamId());
        if (stop.hasStreamId()) {
            write(IotmpMessage.ok(stop.streamId()));
        }
        return known;
    }

    private void onMalformed(MalformedFrame frame) {
        counters.count(ConnectionCounters.MALFORMED_FRAMES);
        if (state != State.ACTIVE) {
            closeNow("malformed " + frame.type() + " before authentication: " + frame.cause().getMessage());
        } else if (!requests.onMalformedAnswer(frame)) {
            LOG.debug("{}: dropping malformed {}: {}", this, frame.type(), frame.cause().getMessage());
        }
    }

    private void onIdle() {
        // while the server does not read (backpressure) the silence is ours, not the device's; the event may also
        // have waited behind a busy handler until after reading resumed
        Duration idle = IotmpServerConfig.idleTimeout(registration != null ? registration.keepAliveSeconds() : 60);
        if (!flow.silentFor(idle.toNanos())) {
            return;
        }
        closeNow("no keep-alive within " + idle.toMillis() + " ms");
    }

    private void onException(Throwable cause) {
        Throwable root = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (root instanceof ForeignBytesException foreign) {
            closeNow(ForeignBytes.refuse(context, remoteAddress(), foreign.head()));
            return;
        }
        if (root instanceof IOException) {
            LOG.debug("{}: {}", this, RefusalLog.shown(root, RefusalLog.MAX_REASON_SHOWN));
        } else {
            context.refusalLog().closing(LOG, this, root);
        }
        // counted here whether the session or the transport's PendingWriteBound found it, once: as the close's reason
        if (root instanceof PendingWriteBound.PendingWritesExceededException && closeReason == null) {
            context.metrics().pendingWritesExceeded();
        }
        // cut as the log's line is: a message may quote what the peer sent (TLS quotes a record that is not TLS in
        // hex, all that was read with it), and the reason goes to the disconnected event
        closeNow(root.getMessage() != null ? RefusalLog.shown(root.getMessage(), RefusalLog.MAX_REASON_SHOWN)
                : root.getClass().getSimpleName());
    }

    private void onClosed() {
        State previous = state;
        state = State.CLOSED;
        flow.resumable(false);
        if (handshake != null) {
            handshake.cancelDeadline();
        }
        String reason = reasonOrDefault();
        requests.failAll(reason);
        serverStreams.closeAll(reason);
        deviceStreams.closeAll();
        if (previous == State.ACTIVE) {
            context.deactivated(this, reason);
        }
    }

    // ---- shared streams, for the server's subscriptions

    /** Adds subscriptions' interest in this device's resources; see {@link ServerOpenedStreams#attach}. */
    void attach(List<StreamSubscription> subscriptions) {
        runOnExecutor(() -> {
            if (state == State.ACTIVE) {
                serverStreams.attach(subscriptions);
            }
        });
    }

    void detach(StreamSubscription subscription) {
        runOnExecutor(() -> serverStreams.detach(subscription));
    }

    /** Samples of streams opened by producers reach the on-change subscribers of that resource too. */
    void publishToSubscribers(StreamSample sample) {
        runOnExecutor(() -> serverStreams.publishToSubscribers(sample));
    }

    /** Sends data into a stream the device opened, if it is still open. */
    void sendStreamData(int streamId, Object payload) {
        runOnExecutor(() -> {
            if (state == State.ACTIVE && deviceStreams.contains(streamId)) {
                write(IotmpMessage.streamData(streamId, payload));
            }
        });
    }

    void onPropertyUpdated(String property, Object value) {
        runOnExecutor(() -> {
            if (state == State.ACTIVE) {
                deviceStreams.onPropertyUpdated(property, value);
            }
        });
    }

    @Override
    public String toString() {
        DeviceRegistration r = registration;
        return r != null ? r.deviceId() + "@" + remoteAddress() : "connection " + remoteAddress();
    }
}
