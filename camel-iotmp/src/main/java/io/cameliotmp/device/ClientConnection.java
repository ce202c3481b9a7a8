package io.cameliotmp.device;

import java.io.IOException;
import java.net.ConnectException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.protocol.Gen1Layout;
import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpDecodeException;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.protocol.MalformedFrame;
import io.cameliotmp.protocol.MessageType;
import io.cameliotmp.protocol.PsonValues;
import io.cameliotmp.protocol.session.PendingRequest;
import io.cameliotmp.protocol.session.RequestKind;
import io.cameliotmp.protocol.session.RequestTracker;
import io.cameliotmp.protocol.session.ServiceCode;
import io.cameliotmp.protocol.session.StreamIds;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.flow.FlowControlHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The protocol state of one connection of an {@link IotmpDevice}: the CONNECT handshake, the device's requests in
 * flight, the streams the server opened on device resources ({@link ResourceStreams}) and the ids of the device's
 * server streams. A new connection object is made for every attempt, so nothing of a lost connection leaks into the
 * next one (docs/protocol.md §5.3).
 * <p>
 * Everything here runs on the device's event loop, except the reads of the resource streams and {@link #connected}
 * by {@link IotmpDevice#stream}, which is why those are concurrent/volatile.
 */
final class ClientConnection extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(ClientConnection.class);

    private final IotmpDevice device;
    private final Generation generation;
    private final EventLoop loop;
    private final RequestTracker<Request> requests;
    private final StreamIds ids;
    final ResourceStreams resourceStreams;
    Channel channel;

    private int connectId;
    volatile boolean connected;
    /** Set once {@link IotmpDevice#sessionEnded} ran for this connection. */
    boolean ended;
    /** A malformed frame of the server was logged at WARN on this connection; further ones go to DEBUG. */
    private boolean malformedLogged;
    /** A refusal of an unconfirmed service call was logged at WARN on this connection ({@link ServerServices}). */
    boolean unconfirmedRefusalLogged;
    /** Why the connection is ending, if it is the device's decision (refused CONNECT, handshake timeout, fatal frame).
     * */
    Throwable failure;

    private ScheduledFuture<?> handshakeTimeout;
    private ScheduledFuture<?> keepAlive;
    private ScheduledFuture<?> silence;
    /** When the last complete frame of the server arrived ({@link System#nanoTime()}). */
    private long lastFrameNanos;

    /** The device's own server streams opened (or being opened) on this connection, by stream id. */
    private final Map<Integer, ServerStream> serverStreams = new HashMap<>();

    ClientConnection(IotmpDevice device, EventLoop loop, StreamIds ids) {
        this.device = device;
        this.generation = device.generation();
        this.loop = loop;
        this.ids = ids;
        this.requests = new RequestTracker<>((task, delayMillis) -> {
            ScheduledFuture<?> scheduled = loop.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
            return () -> scheduled.cancel(false);
        });
        this.resourceStreams = new ResourceStreams(this, device, loop);
    }

    // ---------------------------------------------------------------- Netty events

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        holdFramesWhileNotReading(ctx);
    }

    /**
     * Puts a {@link FlowControlHandler} in front of this handler: when {@link HandlerRunner} stops reading because
     * too many handlers are in flight, the frames the read under way still decodes wait there until reading resumes,
     * instead of reaching more handlers.
     */
    private static void holdFramesWhileNotReading(ChannelHandlerContext ctx) {
        ctx.pipeline().addBefore(ctx.name(), "iotmp-flow", new FlowControlHandler());
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        Channel active = ctx.channel();
        if (active.localAddress() != null && active.localAddress().equals(active.remoteAddress())) {
            // Connecting to a port of this host that nobody listens on can connect the socket to itself (TCP
            // simultaneous open); it would then hold the server's port. Reset it: a reset leaves no TIME_WAIT either.
            failure = new ConnectException("socket connected to itself at " + active.localAddress()
                                           + ": no server is listening there");
            active.config().setOption(ChannelOption.SO_LINGER, 0);
            ctx.close();
            return;
        }
        connectId = ids.allocate(id -> false);
        IotmpMessage connect = IotmpMessage.connect(connectId, device.user(), device.deviceId(), device.credential());
        if (generation == Generation.GEN1) {
            connect = IotmpMessage.of(MessageType.CONNECT, connectId, Gen1Layout.AUTH_CREDENTIALS, connect.payload(),
                    null);
        }
        LOG.debug("{}: connected to {}, sending CONNECT id {}", device, ctx.channel().remoteAddress(), connectId);
        ctx.writeAndFlush(connect);
        long timeout = device.requestTimeoutMillis();
        handshakeTimeout = loop.schedule(() -> {
            if (!connected) {
                fail(new IotmpRequestTimeoutException("no answer to CONNECT within " + timeout + " ms"));
            }
        }, timeout, TimeUnit.MILLISECONDS);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof IotmpMessage message) {
            if (connected) {
                dispatch(message);
            } else {
                handshake(message);
            }
        } else if (msg instanceof MalformedFrame malformed) {
            device.transportStats().malformedFrame();
            if (connected) {
                // LX handles what it could decode, EM drops the connection; we cannot answer what we cannot read.
                // The server drops a malformed frame of a connected device the same way (and a frame beyond
                // maxDecodedFrameBytes is one), so neither side can make the other hold what such a frame decodes to.
                // An answer that named its request's stream before going wrong still ends that request now.
                int stream = malformed.answeredStream();
                String why = malformed.cause().getMessage();
                if (stream != 0 && requests.fail(stream, new IotmpMalformedAnswerException(
                        "the server's answer to stream " + stream + " could not be read: " + why))) {
                    LOG.debug("{}: malformed {} of stream {} failed its request: {}", device, malformed.type(), stream,
                            why);
                } else if (!malformedLogged) {
                    // once a connection (the transport stats count them all): a broken or hostile server must not
                    // fill the application's log
                    malformedLogged = true;
                    LOG.warn("{}: ignoring malformed {} frame (further ones at DEBUG): {}", device, malformed.type(),
                            why);
                } else {
                    LOG.debug("{}: ignoring malformed {} frame: {}", device, malformed.type(), why);
                }
            } else {
                fail(new IotmpDisconnectedException("malformed answer to CONNECT", malformed.cause()));
            }
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        // a TLS handshake past its deadline closes the connection without an exception passing the pipeline: the
        // attempt failed for it, not for a bare close (other handshake failures arrive as exceptions as well)
        if (event instanceof SslHandshakeCompletionEvent done && done.cause() instanceof SslHandshakeTimeoutException) {
            LOG.debug("{}: connection failed: {}", device, done.cause().toString());
            fail(done.cause());
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            LOG.debug("{}: connection failed: {}", device, cause.toString()); // e.g. reset by a restarting server
        } else {
            // e.g. a frame above the size limit; bounded: a peer writes part of some (NotSslRecordException dumps
            // every byte received), and a failing connection is retried and logged again
            LOG.warn("{}: closing connection: {}", device, PsonValues.text(cause.toString()));
        }
        boolean counted = failure == null && unreadableFrame(cause); // a connection already failing has its cause
        fail(cause);
        if (counted) {
            device.transportStats().unreadableFrame(); // after the failure: whoever sees the count sees its cause
        }
    }

    /** Whether the codec gave up on the server's bytes: a frame too large or not completed in time. */
    private static boolean unreadableFrame(Throwable cause) {
        for (Throwable c = cause; c != null; c = c.getCause()) {
            if (c instanceof IotmpDecodeException) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        device.sessionEnded(this);
        ctx.fireChannelInactive();
    }

    /** Ends the connection for a reason of the device's own; the close reports it to the device. */
    private void fail(Throwable cause) {
        if (failure == null) {
            failure = cause;
            device.transportStats().failed(cause);
        }
        channel.close();
    }

    /**
     * {@link PendingWriteBound}: more than {@code limit} bytes wait for a server that does not read. Closing lets the
     * device reconnect through its backoff; a server that only stalled gets a fresh connection, a hostile one gets
     * nothing more to hold.
     */
    void serverStoppedReading(long pending, long limit) {
        if (failure != null) {
            return; // already closing; flushes until the close completes would count it again
        }
        LOG.warn("{}: closing connection: server stopped reading: {} bytes pending > limit {}", device, pending,
                limit);
        fail(new IotmpDisconnectedException("server stopped reading: " + pending + " bytes pending > limit "
                                            + limit));
        device.transportStats().serverStoppedReading(); // after the failure: whoever sees the count sees its cause
    }

    // ---------------------------------------------------------------- handshake and lifecycle

    private void handshake(IotmpMessage answer) {
        cancel(handshakeTimeout);
        if (answer.type() == MessageType.OK && answer.streamId() == connectId) {
            connected = true;
            long keepAliveMillis = device.keepAliveMillis();
            if (keepAliveMillis > 0) {
                // Counted from the last keep-alive, independent of other traffic, as the references do (§5.2).
                keepAlive = loop.scheduleAtFixedRate(() -> channel.writeAndFlush(IotmpMessage.KEEP_ALIVE),
                        keepAliveMillis, keepAliveMillis, TimeUnit.MILLISECONDS);
            }
            long silenceNanos = device.config().serverSilenceTimeout().toNanos();
            if (silenceNanos > 0) {
                lastFrameNanos = System.nanoTime();
                watchSilence(silenceNanos, silenceNanos);
            }
            device.sessionConnected(this);
        } else {
            fail(new IotmpConnectRefusedException(answer));
        }
    }

    /**
     * A complete frame of the server arrived, any frame: even one that does not decode, or one the legacy adapter
     * answers itself, shows the server is there. Told by the handler right after the codec.
     */
    void frameArrived() {
        lastFrameNanos = System.nanoTime();
    }

    /**
     * Closes the connection when the server sent no frame for {@code timeoutNanos}: one timer at a time, rearmed for
     * what is left rather than reset on every frame, so a busy connection costs nothing per frame but a time stamp.
     */
    private void watchSilence(long delayNanos, long timeoutNanos) {
        silence = loop.schedule(() -> {
            long silentNanos = System.nanoTime() - lastFrameNanos;
            if (silentNanos < timeoutNanos) {
                watchSilence(timeoutNanos - silentNanos, timeoutNanos);
                return;
            }
            boolean counted = failure == null; // a connection already failing closes for its first cause
            long millis = TimeUnit.NANOSECONDS.toMillis(timeoutNanos);
            LOG.warn("{}: closing connection: no frame from the server within {} ms", device, millis);
            fail(new IotmpDisconnectedException("server silent: no frame from the server within " + millis + " ms"));
            if (counted) {
                device.transportStats().serverSilent(); // after the failure: whoever sees the count sees its cause
            }
        }, delayNanos, TimeUnit.NANOSECONDS);
    }

    /** Stops timers and fails everything in flight; called once, when the channel is gone. */
    void teardown(Throwable cause) {
        connected = false;
        cancel(handshakeTimeout);
        cancel(keepAlive);
        cancel(silence);
        resourceStreams.closeAll();
        requests.failAll(request -> cause);
        for (ServerStream stream : serverStreams.values()) {
            stream.detach();
        }
        serverStreams.clear();
    }

    private static void cancel(ScheduledFuture<?> future) {
        if (future != null) {
            future.cancel(false);
        }
    }

    // ---------------------------------------------------------------- requests of the device

    /** Whether {@code id} is taken on this connection: a request in flight or an open stream of either side. */
    private boolean inUse(int id) {
        return usedByDevice(id) || resourceStreams.contains(id);
    }

    /**
     * Whether {@code id} is taken by the device itself: one of its requests in flight or its own server streams. A
     * stream the server opened on such an id would take the answers or data meant for the device's own.
     */
    boolean usedByDevice(int id) {
        return requests.contains(id) || serverStreams.containsKey(id);
    }

    /**
     * Sends {@code message} with a fresh id and correlates the answer (OK or ERROR) with it. The future completes on
     * the event loop with the answer, or fails on timeout, write failure or disconnect.
     *
     * @param written if not null, completed when the frame is written (or failed when it cannot be)
     */
    CompletableFuture<IotmpMessage> request(IotmpMessage message, CompletableFuture<Void> written) {
        return requestWithId(ids.allocate(this::inUse), message, written);
    }

    private CompletableFuture<IotmpMessage> requestWithId(int id, IotmpMessage message,
                                                          CompletableFuture<Void> written) {
        IotmpMessage withId = message.withStreamId(id);
        Request request = new Request(withId);
        requests.track(request, device.requestTimeoutMillis());
        channel.writeAndFlush(withId).addListener(result -> {
            if (result.isSuccess()) {
                if (written != null) {
                    written.complete(null);
                }
                return;
            }
            IotmpDisconnectedException cause = new IotmpDisconnectedException("could not send " + withId,
                    result.cause());
            if (written != null) {
                written.completeExceptionally(cause);
            }
            requests.fail(id, cause);
        });
        return request.answer;
    }

    /**
     * Sends STOP_STREAM for a stream the server opened on a resource the device no longer has. Tracked as a request,
     * so the id stays taken until the server's OK and that OK cannot pass for the answer to a later request; nothing
     * waits on it.
     */
    void endResourceStream(int id) {
        requestWithId(id, IotmpMessage.stopStream(id), null);
    }

    /** Writes a message that expects no answer. */
    ChannelFuture write(IotmpMessage message) {
        return channel.writeAndFlush(message);
    }

    /** A request of the device in flight; completes with the server's answer, OK or ERROR alike. */
    private final class Request extends PendingRequest {
        final IotmpMessage message;
        final CompletableFuture<IotmpMessage> answer = new CompletableFuture<>();

        Request(IotmpMessage message) {
            super(message.streamId(), kindOf(message.type()));
            this.message = message;
        }

        @Override
        protected void answered(IotmpMessage reply) {
            answer.complete(reply);
        }

        @Override
        protected void expired() {
            answer.completeExceptionally(new IotmpRequestTimeoutException(
                    "no answer within " + device.requestTimeoutMillis() + " ms to " + message));
        }

        @Override
        protected void failed(Throwable cause) {
            answer.completeExceptionally(cause);
        }
    }

    private static RequestKind kindOf(MessageType type) {
        return switch (type) {
            case RUN -> RequestKind.RUN;
            case DESCRIBE -> RequestKind.DESCRIBE;
            case START_STREAM -> RequestKind.START_STREAM;
            case STOP_STREAM -> RequestKind.STOP_STREAM;
            case CONNECT -> RequestKind.CONNECT;
            // a request of an application through IotmpDevice#request may be anything; it is tracked like a RUN
            case OK, ERROR, DISCONNECT, KEEP_ALIVE, STREAM_DATA -> RequestKind.RUN;
        };
    }

    // ---------------------------------------------------------------- server streams of the device (§8.3)

    void openServerStream(ServerStream stream) {
        int id = ids.allocate(this::inUse);
        stream.attach(id, this);
        serverStreams.put(id, stream);
        IotmpMessage start = IotmpMessage.startStream(0, ServiceCode.SUBSCRIBE_EVENT.wireCode(), stream.parameters());
        requestWithId(id, start, null).whenComplete((answer, error) -> {
            if (serverStreams.get(id) != stream) {
                // the server stopped the stream before it answered the START_STREAM (onStopStream ended it then):
                // a late OK must not open, nor deliver on, a stream the device already gave up
                LOG.debug("{}: ignoring the answer to the START_STREAM of stopped stream {}", device, id);
                return;
            }
            if (error == null && answer.type() == MessageType.OK) {
                device.serverStreams().opened(stream, answer.payload());
                return;
            }
            serverStreams.remove(id);
            stream.detach();
            device.serverStreams().failed(stream, error != null ? error
                    : new IotmpErrorException(answer.parameters(), answer.payload()));
        });
    }

    /** Sends STOP_STREAM for an open server stream; the future completes with the server's answer. */
    CompletableFuture<IotmpMessage> stopServerStream(ServerStream stream) {
        int id = stream.id;
        serverStreams.remove(id);
        stream.detach();
        return requestWithId(id, IotmpMessage.stopStream(id), null);
    }

    ChannelFuture sendOnServerStream(ServerStream stream, Object payload) {
        // Gen-1 marks every STREAM_DATA; data a device publishes is its output.
        return write(IotmpMessage.of(MessageType.STREAM_DATA, stream.id,
                generation == Generation.GEN1 ? Gen1Layout.STREAM_OUTPUT : null, payload, null));
    }

    // ---------------------------------------------------------------- messages of the server

    /** A switch expression, so the compiler names this place when a message type is added. */
    private void dispatch(IotmpMessage message) {
        boolean handled = switch (message.type()) {
            case OK, ERROR -> requests.answer(message) != null;
            case RUN -> resourceStreams.onRun(message);
            case DESCRIBE -> resourceStreams.onDescribe(message);
            case START_STREAM -> resourceStreams.onStart(message);
            case STOP_STREAM -> onStopStream(message);
            case STREAM_DATA -> resourceStreams.onData(message) || onServerStreamData(message);
            case KEEP_ALIVE -> true;
            case DISCONNECT -> {
                LOG.debug("{}: server sent DISCONNECT", device);
                channel.close();
                yield true;
            }
            case CONNECT -> false;
        };
        if (!handled) {
            // e.g. the answer to a fire-and-forget call, or one that arrived after its timeout
            LOG.debug("{}: ignoring {}", device, message);
        }
    }

    private boolean onStopStream(IotmpMessage stop) {
        int id = stop.streamId();
        if (resourceStreams.stop(id)) {
            write(IotmpMessage.ok(id));
            return true;
        }
        ServerStream serverStream = serverStreams.remove(id);
        if (serverStream != null) {
            // the server ended one of the device's subscriptions: accept, and do not open it again
            serverStream.detach();
            device.serverStreams().stoppedByServer(serverStream);
            write(IotmpMessage.ok(id));
            return true;
        }
        answerError(id, null, null);
        return true;
    }

    private boolean onServerStreamData(IotmpMessage data) {
        ServerStream serverStream = serverStreams.get(data.streamId());
        if (serverStream != null && serverStream.open) {
            device.serverStreams().deliver(serverStream, data.payload());
            return true;
        }
        return false;
    }

    void answerError(int id, Object code, Object payload) {
        if (id != 0) {
            write(IotmpMessage.error(id, code, payload));
        }
    }
}
