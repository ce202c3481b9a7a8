package io.cameliotmp.device;

import java.io.IOException;
import java.net.ConnectException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.protocol.MalformedFrame;
import io.cameliotmp.protocol.MessageType;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The protocol state of one connection of an {@link IotmpDevice}: CONNECT handshake, requests in flight, streams
 * opened by the server on device resources and the ids of the device's server streams. A new session is made for
 * every connection attempt, so nothing of a lost connection leaks into the next one (IOTMP.md §5.3).
 * <p>
 * Everything here runs on the device's event loop, except the reads of {@link #streams} and {@link #connected} by
 * {@link IotmpDevice#stream}, which is why those two are concurrent/volatile.
 */
final class DeviceSession extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceSession.class);

    /** Gen-1 STREAM_DATA marker of the payload: the resource's input (IOTMP.md §4.3). */
    private static final Long GEN1_INPUT = 1L;
    /** Gen-1 STREAM_DATA marker of the payload: the resource's output. */
    private static final Long GEN1_OUTPUT = 2L;
    /** Gen-1 CONNECT PARAMETERS: auth type "username/device/credential". */
    private static final Long GEN1_AUTH_CREDENTIALS = 1L;

    /** A stream the server opened on a device resource. */
    static final class DeviceStream {
        final int id;
        final DeviceResource resource;
        final String path;
        final Map<String, String> pathParams;
        final Object parameters;
        final long intervalMillis;
        ScheduledFuture<?> sampler;

        DeviceStream(int id, DeviceResource resource, String path, Map<String, String> pathParams, Object parameters,
                     long intervalMillis) {
            this.id = id;
            this.resource = resource;
            this.path = path;
            this.pathParams = pathParams;
            this.parameters = parameters;
            this.intervalMillis = intervalMillis;
        }

        /** Whether {@link IotmpDevice#stream(String)} with this name targets the stream. */
        boolean isFor(String name) {
            return path.equals(name) || resource.name().equals(name);
        }

        void cancelSampler() {
            if (sampler != null) {
                sampler.cancel(false);
                sampler = null;
            }
        }
    }

    private record PendingRequest(CompletableFuture<IotmpMessage> answer, ScheduledFuture<?> timeout) {
    }

    private final IotmpDevice device;
    private final Generation generation;
    private final EventLoop loop;
    Channel channel;

    private int connectId;
    volatile boolean connected;
    /** Set once {@link IotmpDevice#sessionEnded} ran for this session. */
    boolean ended;
    /** Why the session is ending, if it is the device's decision (refused CONNECT, handshake timeout, fatal frame). */
    Throwable failure;

    private ScheduledFuture<?> handshakeTimeout;
    private ScheduledFuture<?> keepAlive;

    private final Map<Integer, PendingRequest> pending = new HashMap<>();
    /** Server-opened streams on device resources, by stream id. */
    final Map<Integer, DeviceStream> streams = new ConcurrentHashMap<>();
    /** The event-mode stream of each concrete path: a new one replaces the old (IOTMP.md §7.2). */
    private final Map<String, DeviceStream> eventStreams = new HashMap<>();
    /** The device's own server streams opened (or being opened) on this connection, by stream id. */
    private final Map<Integer, ServerStream> serverStreams = new HashMap<>();

    DeviceSession(IotmpDevice device, EventLoop loop) {
        this.device = device;
        this.generation = device.generation();
        this.loop = loop;
    }

    // ---------------------------------------------------------------- Netty events

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
        connectId = device.nextCandidateId();
        IotmpMessage connect = IotmpMessage.connect(connectId, device.user(), device.deviceId(), device.credential());
        if (generation == Generation.GEN1) {
            connect = IotmpMessage.of(MessageType.CONNECT, connectId, GEN1_AUTH_CREDENTIALS, connect.payload(), null);
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
            if (connected) {
                // LX handles what it could decode, EM drops the connection; we cannot answer what we cannot read.
                LOG.warn("{}: ignoring malformed {} frame: {}", device, malformed.type(),
                        malformed.cause().getMessage());
            } else {
                fail(new IotmpDisconnectedException("malformed answer to CONNECT", malformed.cause()));
            }
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            LOG.debug("{}: connection failed: {}", device, cause.toString()); // e.g. reset by a restarting server
        } else {
            LOG.warn("{}: closing connection: {}", device, cause.toString()); // e.g. a frame above the size limit
        }
        fail(cause);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        device.sessionEnded(this);
        ctx.fireChannelInactive();
    }

    /** Ends the session for a reason of the device's own; the close reports it to the device. */
    private void fail(Throwable cause) {
        if (failure == null) {
            failure = cause;
        }
        channel.close();
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
            device.sessionConnected(this);
        } else {
            fail(new IotmpConnectRefusedException(answer));
        }
    }

    /** Stops timers and fails everything in flight; called once, when the channel is gone. */
    void teardown(Throwable cause) {
        connected = false;
        cancel(handshakeTimeout);
        cancel(keepAlive);
        for (DeviceStream stream : streams.values()) {
            stream.cancelSampler();
        }
        streams.clear();
        eventStreams.clear();
        List<PendingRequest> inFlight = new ArrayList<>(pending.values());
        pending.clear();
        for (PendingRequest request : inFlight) {
            cancel(request.timeout());
            request.answer().completeExceptionally(cause);
        }
        for (ServerStream stream : serverStreams.values()) {
            stream.open = false;
            stream.id = 0;
            stream.session = null;
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
        return pending.containsKey(id) || streams.containsKey(id) || serverStreams.containsKey(id);
    }

    /** A random non-zero 16-bit id that collides with nothing in use (IOTMP.md §7.1). */
    int allocateId() {
        for (int attempt = 0; attempt < 64; attempt++) {
            int candidate = device.nextCandidateId();
            if (!inUse(candidate)) {
                return candidate;
            }
        }
        // The generator keeps hitting used ids (a test hook, or a nearly full id space): take the first free one.
        for (int candidate = 1; candidate <= 0xFFFF; candidate++) {
            if (!inUse(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("all 65535 stream ids are in use");
    }

    /**
     * Sends {@code message} with a fresh id and correlates the answer (OK or ERROR) with it. The future completes on
     * the event loop with the answer, or fails on timeout, write failure or disconnect.
     *
     * @param written if not null, completed when the frame is written (or failed when it cannot be)
     */
    CompletableFuture<IotmpMessage> request(IotmpMessage message, CompletableFuture<Void> written) {
        return requestWithId(allocateId(), message, written);
    }

    private CompletableFuture<IotmpMessage> requestWithId(int id, IotmpMessage message,
                                                          CompletableFuture<Void> written) {
        CompletableFuture<IotmpMessage> answer = new CompletableFuture<>();
        IotmpMessage withId = message.withStreamId(id);
        long timeoutMillis = device.requestTimeoutMillis();
        ScheduledFuture<?> timeout = loop.schedule(() -> {
            if (pending.remove(id) != null) {
                answer.completeExceptionally(new IotmpRequestTimeoutException(
                        "no answer within " + timeoutMillis + " ms to " + withId));
            }
        }, timeoutMillis, TimeUnit.MILLISECONDS);
        pending.put(id, new PendingRequest(answer, timeout));
        channel.writeAndFlush(withId).addListener(result -> {
            if (result.isSuccess()) {
                if (written != null) {
                    written.complete(null);
                }
                return;
            }
            IotmpDisconnectedException failure = new IotmpDisconnectedException("could not send " + withId,
                    result.cause());
            if (written != null) {
                written.completeExceptionally(failure);
            }
            PendingRequest request = pending.remove(id);
            if (request != null) {
                cancel(request.timeout());
                answer.completeExceptionally(failure);
            }
        });
        return answer;
    }

    /** Writes a message that expects no answer. */
    ChannelFuture write(IotmpMessage message) {
        return channel.writeAndFlush(message);
    }

    private void onAnswer(IotmpMessage answer) {
        PendingRequest request = pending.remove(answer.streamId());
        if (request == null) {
            // e.g. the answer to a fire-and-forget call, or one that arrived after its timeout
            LOG.debug("{}: ignoring unexpected {}", device, answer);
            return;
        }
        cancel(request.timeout());
        request.answer().complete(answer);
    }

    // ---------------------------------------------------------------- server streams of the device (§8.3)

    void openServerStream(ServerStream stream) {
        int id = allocateId();
        stream.id = id;
        stream.session = this;
        serverStreams.put(id, stream);
        IotmpMessage start = IotmpMessage.startStream(0, ServerService.SUBSCRIBE_EVENT.code(), stream.parameters());
        requestWithId(id, start, null).whenComplete((answer, error) -> {
            if (error == null && answer.type() == MessageType.OK) {
                device.serverStreamOpened(stream, answer.payload());
                return;
            }
            serverStreams.remove(id);
            stream.id = 0;
            stream.session = null;
            device.serverStreamFailed(stream, error != null ? error
                    : new IotmpErrorException(answer.parameters(), answer.payload()));
        });
    }

    /** Sends STOP_STREAM for an open server stream; the future completes with the server's answer. */
    CompletableFuture<IotmpMessage> stopServerStream(ServerStream stream) {
        int id = stream.id;
        serverStreams.remove(id);
        stream.open = false;
        stream.id = 0;
        stream.session = null;
        return requestWithId(id, IotmpMessage.stopStream(id), null);
    }

    ChannelFuture sendOnServerStream(ServerStream stream, Object payload) {
        // Gen-1 marks every STREAM_DATA; data a device publishes is its output.
        return write(IotmpMessage.of(MessageType.STREAM_DATA, stream.id,
                generation == Generation.GEN1 ? GEN1_OUTPUT : null, payload, null));
    }

    // ---------------------------------------------------------------- requests of the server

    private void dispatch(IotmpMessage message) {
        switch (message.type()) {
            case OK, ERROR -> onAnswer(message);
            case RUN -> onRun(message);
            case DESCRIBE -> onDescribe(message);
            case START_STREAM -> onStartStream(message);
            case STOP_STREAM -> onStopStream(message);
            case STREAM_DATA -> onStreamData(message);
            case KEEP_ALIVE -> LOG.trace("{}: keep-alive echo", device);
            case DISCONNECT -> {
                LOG.debug("{}: server sent DISCONNECT", device);
                channel.close();
            }
            case CONNECT -> LOG.debug("{}: ignoring CONNECT from the server", device);
        }
    }

    private void onRun(IotmpMessage run) {
        int id = run.streamId();
        String path = run.resourcePath();
        ResourceRegistry.Match match = path != null ? device.resources().find(path) : null;
        if (match == null) {
            LOG.debug("{}: RUN of unknown resource {}", device, run.resource());
            answerError(id, null, null);
            return;
        }
        DeviceResource resource = match.resource();
        ResourceKind kind = resource.kind();
        Object input = run.payload();
        ResourceRequest request = new ResourceRequest(device, path, match.pathParams(), input, run.parameters(),
                kind.takesInput() && input == null, 0);
        device.invokeHandler(resource, request, (result, error) -> {
            if (id == 0) {
                // no stream id: the server wants no answer (§4.1)
                if (error != null) {
                    LOG.warn("{}: resource {} failed: {}", device, path, error.toString());
                }
                return;
            }
            if (error != null) {
                answerFailure(id, path, error);
            } else {
                write(kind.producesOutput() ? IotmpMessage.ok(id, result) : IotmpMessage.ok(id));
            }
        });
    }

    private void onDescribe(IotmpMessage describe) {
        int id = describe.streamId();
        if (id == 0) {
            LOG.debug("{}: ignoring DESCRIBE without stream id", device);
            return;
        }
        if (describe.resource() == null) {
            write(IotmpMessage.ok(id, device.resources().describeAll()));
            return;
        }
        String path = describe.resourcePath();
        ResourceRegistry.Match match = path != null ? device.resources().find(path) : null;
        if (match == null) {
            answerError(id, null, null);
            return;
        }
        DeviceResource resource = match.resource();
        ResourceKind kind = resource.kind();
        if (kind == ResourceKind.RUN) {
            write(IotmpMessage.ok(id));
            return;
        }
        ResourceRequest request = new ResourceRequest(device, path, match.pathParams(), null,
                describe.parameters(), true, 0);
        device.invokeHandler(resource, request, (result, error) -> {
            if (error != null) {
                answerFailure(id, path, error);
                return;
            }
            Map<String, Object> description = new LinkedHashMap<>();
            if (kind == ResourceKind.INPUT) {
                putIfPresent(description, "in", result != null ? result : resource.inputSample());
            } else {
                putIfPresent(description, "in", resource.inputSample());
                putIfPresent(description, "out", result);
            }
            write(IotmpMessage.ok(id, description));
        });
    }

    private static void putIfPresent(Map<String, Object> map, String key, Object value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    private void onStartStream(IotmpMessage start) {
        int id = start.streamId();
        if (id == 0) {
            LOG.debug("{}: ignoring START_STREAM without stream id", device);
            return;
        }
        String path = start.resourcePath();
        ResourceRegistry.Match match = path != null ? device.resources().find(path) : null;
        if (match == null || match.resource().kind() == ResourceKind.RUN) {
            // unknown resource, or a fn 1 resource that a stream would execute over and over (§7.2)
            answerError(id, null, null);
            return;
        }
        DeviceStream previous = streams.remove(id);
        if (previous != null) {
            forget(previous);
        }
        long interval = intervalOf(start.parameters());
        DeviceStream stream = new DeviceStream(id, match.resource(), path, match.pathParams(), start.parameters(),
                interval);
        if (interval == 0) {
            DeviceStream replaced = eventStreams.put(path, stream);
            if (replaced != null) {
                streams.remove(replaced.id);
                replaced.cancelSampler();
            }
        }
        streams.put(id, stream);
        write(IotmpMessage.ok(id));
        sendCurrentValue(stream, interval > 0); // the echo; interval sampling starts after it
    }

    /**
     * The sampling interval in ms: PARAMETERS {@code {"interval": ms}} as LX and the server send it, or a bare number
     * as EM also accepts (F19 in vectors.md). Absent, 0 or anything else means event mode.
     */
    private static long intervalOf(Object parameters) {
        Object interval = parameters instanceof Map<?, ?> map ? map.get("interval") : parameters;
        return interval instanceof Number n && n.longValue() > 0 ? n.longValue() : 0;
    }

    private void scheduleSample(DeviceStream stream) {
        stream.sampler = loop.schedule(() -> sample(stream), stream.intervalMillis, TimeUnit.MILLISECONDS);
    }

    /** One interval sample; the next one is scheduled once this one has been read (see {@link #sendCurrentValue}). */
    private void sample(DeviceStream stream) {
        if (streams.get(stream.id) == stream) {
            sendCurrentValue(stream, true);
        }
    }

    /**
     * Reads the resource's current value (output, or state of an input resource) and sends it on the stream.
     *
     * @param scheduleNext whether to schedule the next interval sample after the value was read: counting the
     *                     interval from then guarantees at least the interval between two reads, however long the
     *                     handler takes and wherever it runs
     */
    private void sendCurrentValue(DeviceStream stream, boolean scheduleNext) {
        ResourceRequest request = new ResourceRequest(device, stream.path, stream.pathParams, null, stream.parameters,
                stream.resource.kind().takesInput(), stream.id);
        device.invokeHandler(stream.resource, request, (value, error) -> {
            if (streams.get(stream.id) != stream) {
                return; // stopped, replaced or disconnected meanwhile
            }
            if (error != null) {
                LOG.warn("{}: reading {} for stream {} failed: {}", device, stream.path, stream.id, error.toString());
            } else {
                write(streamData(stream, value));
            }
            if (scheduleNext) {
                scheduleSample(stream);
            }
        });
    }

    /** STREAM_DATA for a device stream; gen-1 marks whether the payload is an input state or an output. */
    IotmpMessage streamData(DeviceStream stream, Object value) {
        Object marker = null;
        if (generation == Generation.GEN1) {
            marker = stream.resource.kind() == ResourceKind.INPUT ? GEN1_INPUT : GEN1_OUTPUT;
        }
        return IotmpMessage.of(MessageType.STREAM_DATA, stream.id, marker, value, null);
    }

    /** Sends a value the application produced on a stream, if the stream is still open. */
    void sendOnStream(DeviceStream stream, Object value) {
        if (streams.get(stream.id) == stream) {
            write(streamData(stream, value));
        }
    }

    private void onStopStream(IotmpMessage stop) {
        int id = stop.streamId();
        DeviceStream stream = streams.remove(id);
        if (stream != null) {
            forget(stream);
            write(IotmpMessage.ok(id));
            return;
        }
        ServerStream serverStream = serverStreams.remove(id);
        if (serverStream != null) {
            // the server ended one of the device's subscriptions: accept, and do not open it again
            serverStream.open = false;
            serverStream.id = 0;
            serverStream.session = null;
            device.serverStreamStoppedByServer(serverStream);
            write(IotmpMessage.ok(id));
            return;
        }
        answerError(id, null, null);
    }

    private void forget(DeviceStream stream) {
        stream.cancelSampler();
        eventStreams.remove(stream.path, stream);
    }

    private void onStreamData(IotmpMessage data) {
        int id = data.streamId();
        DeviceStream stream = streams.get(id);
        if (stream != null) {
            DeviceResource resource = stream.resource;
            Object input = data.payload();
            ResourceRequest request = new ResourceRequest(device, stream.path, stream.pathParams, input,
                    stream.parameters, resource.kind().takesInput() && input == null, id);
            device.invokeHandler(resource, request, (result, error) -> {
                if (error != null) {
                    LOG.warn("{}: stream data for {} failed: {}", device, stream.path, error.toString());
                } else if (resource.kind() == ResourceKind.INPUT && streams.get(id) == stream) {
                    sendCurrentValue(stream, false); // echo the new state (§7.3)
                }
            });
            return;
        }
        ServerStream serverStream = serverStreams.get(id);
        if (serverStream != null && serverStream.open) {
            device.deliverServerStreamData(serverStream, data.payload());
            return;
        }
        LOG.debug("{}: ignoring STREAM_DATA for unknown stream {}", device, id);
    }

    private void answerError(int id, Object code, Object payload) {
        if (id != 0) {
            write(IotmpMessage.error(id, code, payload));
        }
    }

    private void answerFailure(int id, String path, Throwable error) {
        if (error instanceof IotmpErrorException answer) {
            answerError(id, answer.parameters(), answer.payload());
            return;
        }
        LOG.debug("{}: resource {} failed", device, path, error);
        String text = error.getMessage() != null ? error.getMessage() : error.getClass().getSimpleName();
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("error", text);
        answerError(id, null, payload);
    }

    /** The open streams {@link IotmpDevice#stream} targets with {@code name} (concrete or registered path). */
    List<DeviceStream> streamsFor(String name) {
        List<DeviceStream> targets = new ArrayList<>(1);
        for (DeviceStream stream : streams.values()) {
            if (stream.isFor(name)) {
                targets.add(stream);
            }
        }
        return targets;
    }
}
