package io.cameliotmp.server;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.SocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpFrameCodec;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.protocol.MalformedFrame;
import io.cameliotmp.protocol.MessageType;
import io.cameliotmp.protocol.PsonValues;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.Timeout;
import io.netty.util.collection.IntCollections;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One device connection: the CONNECT handshake, keep-alive, correlation of server requests with their answers, the
 * streams the server opened, and the device's own calls.
 * <p>
 * All mutable state is touched only on the session's executor (a worker picked for the connection, or its I/O thread
 * when there are no workers), so it needs no locks; public methods hop onto it. The in-flight counter is the one
 * exception: it is released from whatever thread finishes a handler.
 */
public final class DeviceSession {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceSession.class);

    private static final int MAX_STREAM_ID = 0xFFFF;
    private static final int MAX_KEEP_ALIVE_SECONDS = 1800;
    private static final String IDLE_HANDLER = "idle";

    private enum State {
        AWAITING_CONNECT,
        AUTHENTICATING,
        ACTIVE,
        CLOSED
    }

    private final IotmpServer server;
    private final IotmpServerConfig config;
    private final Channel channel;
    private final IotmpFrameCodec codec;
    private final Handler handler = new Handler();
    /** The worker given at construction, else the channel's I/O thread once the handler is added. */
    private EventExecutor executor;

    private State state = State.AWAITING_CONNECT;
    private volatile DeviceRegistration registration;
    private String closeReason;
    private ScheduledFuture<?> connectDeadline;

    // most devices sit idle with nothing pending: they share the empty maps until their first entry (see withRoom)
    private IntObjectMap<PendingRequest> pending = IntCollections.emptyMap();
    private IntObjectMap<OpenStream> streams = IntCollections.emptyMap();
    private Map<String, SharedResourceStream> sharedStreams = Map.of();
    private IntObjectMap<DeviceEventStream> deviceStreams = IntCollections.emptyMap();
    private int nextId;

    /**
     * Work taken in and not finished: frames decoded but not yet handled ({@code queuedFrames}, counted from the I/O
     * thread by the {@link FlowGate} so that a handler that blocks its thread still stops the reading) and samples
     * and calls handed to handlers that have not completed ({@code busyDeliveries}). Reading pauses on their sum;
     * DROP_SAMPLES drops on the deliveries alone, since queued frames are not yet a consumer falling behind.
     */
    private final Object flowLock = new Object();
    private int queuedFrames;
    private int busyDeliveries;
    private volatile boolean readingPaused;
    /** When a frame was last read, or reading resumed after a pause: the device's silence is counted from here. */
    private volatile long lastActivityNanos = System.nanoTime();

    /**
     * Events read on the I/O thread for a session whose executor is a worker: one drain task takes all that piled up,
     * instead of one task, and one wake-up of the worker, per frame.
     */
    private Queue<Object> inbox;
    private volatile int drainScheduled;
    private static final VarHandle DRAIN_SCHEDULED;
    private static final int DRAIN_BATCH = 256;
    private static final Object CHANNEL_INACTIVE = new Object();

    /** framesIn, framesOut, samplesIn, samplesDropped, malformedFrames: one array, not five objects per device. */
    private final long[] counters = new long[5];
    private static final VarHandle COUNTER = MethodHandles.arrayElementVarHandle(long[].class);
    private static final int FRAMES_IN = 0;
    private static final int FRAMES_OUT = 1;
    private static final int SAMPLES_IN = 2;
    private static final int SAMPLES_DROPPED = 3;
    private static final int MALFORMED_FRAMES = 4;

    static {
        try {
            DRAIN_SCHEDULED = MethodHandles.lookup().findVarHandle(DeviceSession.class, "drainScheduled", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * @param worker where the session and the handlers it calls run; null to run them on the channel's I/O thread
     */
    DeviceSession(IotmpServer server, Channel channel, IotmpFrameCodec codec, EventExecutor worker) {
        this.server = server;
        this.config = server.config();
        this.channel = channel;
        this.codec = codec;
        this.executor = worker;
    }

    /** The handler to add after the codec, on the channel's I/O thread. */
    ChannelInboundHandlerAdapter handler() {
        return handler;
    }

    /** The registration once the device is authenticated, else null. */
    public DeviceRegistration registration() {
        return registration;
    }

    public boolean isActive() {
        return registration != null && channel.isActive();
    }

    public SocketAddress remoteAddress() {
        return channel.remoteAddress();
    }

    /** A snapshot of this connection's counters. */
    public SessionCounters counters() {
        int current;
        synchronized (flowLock) {
            current = queuedFrames + busyDeliveries;
        }
        return new SessionCounters(counter(FRAMES_IN), counter(FRAMES_OUT), counter(SAMPLES_IN),
                counter(SAMPLES_DROPPED), counter(MALFORMED_FRAMES), current, readingPaused);
    }

    private long counter(int index) {
        return (long) COUNTER.getVolatile(counters, index);
    }

    private void count(int index) {
        COUNTER.getAndAdd(counters, index, 1L);
    }

    /** The map itself once it can take entries; a new small one in place of the shared empty map. */
    private static <V> IntObjectMap<V> withRoom(IntObjectMap<V> map) {
        return map instanceof IntObjectHashMap ? map : new IntObjectHashMap<>(4);
    }

    /** Sends a request to the device; completes with its OK, or fails with an {@link IotmpRequestException}. */
    public CompletableFuture<DeviceReply> send(DeviceRequest request, Duration timeout) {
        CompletableFuture<DeviceReply> reply = new CompletableFuture<>();
        Duration effective = timeout != null ? timeout : config.requestTimeout();
        runOnExecutor(() -> doSend(request, effective, reply));
        return reply;
    }

    /**
     * Closes the connection, sending DISCONNECT first so the device knows it was deliberate.
     *
     * @return completes when the connection is closed
     */
    public io.netty.channel.ChannelFuture close(String reason) {
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
        return channel.closeFuture();
    }

    private void runOnExecutor(Runnable task) {
        EventExecutor ex = executor;
        if (ex == null) {
            channel.eventLoop().execute(() -> runOnExecutor(task));
        } else if (ex.inEventLoop()) {
            task.run();
        } else {
            ex.execute(task);
        }
    }

    // ---- server → device requests

    /** Sends a request; returns the stream id used, or 0 if nothing was sent. */
    private int doSend(DeviceRequest request, Duration timeout, CompletableFuture<DeviceReply> reply) {
        DeviceId id = deviceIdOrNull();
        if (state != State.ACTIVE) {
            reply.completeExceptionally(new DeviceDisconnectedException(id, reasonOrDefault()));
            return 0;
        }
        if (request instanceof DeviceRequest.StreamData data) {
            write(IotmpMessage.streamData(data.streamId(), data.payload())).addListener(f -> {
                if (f.isSuccess()) {
                    reply.complete(new DeviceReply(registration, data.streamId(), null, null));
                } else {
                    reply.completeExceptionally(new DeviceDisconnectedException(id, "write failed: " + f.cause()));
                }
            });
            return data.streamId();
        }
        if (request instanceof DeviceRequest.StopStream stop) {
            OpenStream stream = streams.remove(stop.streamId());
            if (stream == null) {
                reply.completeExceptionally(new IotmpRequestException(id, "no open stream " + stop.streamId()));
                return 0;
            }
            stream.end("stopped by the server");
            PendingRequest starting = pending.remove(stop.streamId());
            if (starting != null) {
                // the device has not answered the START_STREAM yet: the STOP_STREAM takes its id, so fail the start
                // here rather than leave its reply unanswerable
                starting.timeout.cancel();
                starting.reply.completeExceptionally(new IotmpRequestException(id,
                        starting.description + " was stopped before the device answered it"));
            }
            track(stop.streamId(), "STOP_STREAM " + stop.streamId(), reply, timeout);
            write(IotmpMessage.stopStream(stop.streamId()));
            return stop.streamId();
        }
        if (pending.size() + streams.size() >= config.maxPendingRequests()) {
            reply.completeExceptionally(new TooManyPendingRequestsException(id, config.maxPendingRequests()));
            return 0;
        }
        int streamId = allocateId();
        IotmpMessage message;
        String description;
        if (request instanceof DeviceRequest.Run run) {
            message = IotmpMessage.run(streamId, run.resource(), run.parameters(), run.input());
            description = "RUN " + run.resource();
        } else if (request instanceof DeviceRequest.Describe describe) {
            message = IotmpMessage.describe(streamId, describe.resource());
            description = describe.resource() == null ? "DESCRIBE" : "DESCRIBE " + describe.resource();
        } else {
            DeviceRequest.StartStream start = (DeviceRequest.StartStream) request;
            message = IotmpMessage.startStream(streamId, start.resource(), streamParameters(start));
            description = "START_STREAM " + start.resource();
            // registered before the OK arrives: devices echo a first sample right after their OK
            (streams = withRoom(streams)).put(streamId, new OpenStream(streamId, start.resource(), start.listener()));
        }
        track(streamId, description, reply, timeout);
        write(message);
        return streamId;
    }

    private static Object streamParameters(DeviceRequest.StartStream start) {
        if (start.intervalMillis() <= 0 && start.extraParameters() == null) {
            return null;
        }
        Map<String, Object> params = new java.util.LinkedHashMap<>();
        if (start.extraParameters() instanceof Map<?, ?> extra) {
            extra.forEach((k, v) -> params.put(String.valueOf(k), v));
        }
        if (start.intervalMillis() > 0) {
            params.put("interval", start.intervalMillis());
        }
        return params;
    }

    private void track(int streamId, String description, CompletableFuture<DeviceReply> reply, Duration timeout) {
        PendingRequest request = new PendingRequest(streamId, description, reply);
        (pending = withRoom(pending)).put(streamId, request);
        request.timeout = server.timer().newTimeout(
                t -> runOnExecutor(() -> expire(request, timeout)), timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void expire(PendingRequest request, Duration timeout) {
        if (pending.get(request.streamId) != request) {
            return;
        }
        pending.remove(request.streamId);
        OpenStream stream = streams.get(request.streamId);
        if (stream != null && !stream.confirmed) {
            // the device may still open it later; make sure it does not stream to nobody
            streams.remove(request.streamId);
            write(IotmpMessage.stopStream(request.streamId));
            stream.failed(new DeviceRequestTimeoutException(deviceIdOrNull(), request.description, timeout));
        }
        request.record(ServerMetrics.Outcome.TIMEOUT);
        request.reply.completeExceptionally(
                new DeviceRequestTimeoutException(deviceIdOrNull(), request.description, timeout));
    }

    /** A free non-zero 16-bit id: not pending, not an open stream of either side. */
    private int allocateId() {
        for (int attempt = 0; attempt < MAX_STREAM_ID; attempt++) {
            nextId = nextId >= MAX_STREAM_ID ? 1 : nextId + 1;
            if (!pending.containsKey(nextId) && !streams.containsKey(nextId) && !deviceStreams.containsKey(nextId)) {
                return nextId;
            }
        }
        throw new IllegalStateException("no free stream id");
    }

    private void onResponse(IotmpMessage message) {
        PendingRequest request = pending.remove(message.streamId());
        if (request == null) {
            LOG.debug("{}: ignoring {} for no pending request", this, message);
            return;
        }
        request.timeout.cancel();
        request.record(message.type() == MessageType.OK ? ServerMetrics.Outcome.OK : ServerMetrics.Outcome.ERROR);
        OpenStream stream = streams.get(message.streamId());
        if (message.type() == MessageType.OK) {
            if (stream != null) {
                stream.confirmed = true;
            }
            request.reply.complete(new DeviceReply(registration, message.streamId(), message.parameters(),
                    message.payload()));
        } else {
            DeviceErrorException error = new DeviceErrorException(deviceIdOrNull(), request.description,
                    message.parameters(), message.payload());
            if (stream != null && !stream.confirmed) {
                streams.remove(message.streamId());
                stream.failed(error);
            }
            request.reply.completeExceptionally(error);
        }
    }

    // ---- inbound

    private void onMessage(IotmpMessage message) {
        count(FRAMES_IN);
        switch (state) {
            case AWAITING_CONNECT:
                if (message.type() == MessageType.CONNECT) {
                    onConnect(message);
                } else {
                    closeNow("sent " + message.type() + " before CONNECT");
                }
                return;
            case AUTHENTICATING:
                // reading is paused while authenticating; frames already decoded from the same read are dropped
                LOG.debug("{}: dropping {} received while authenticating", this, message.type());
                return;
            case CLOSED:
                return;
            default:
                break;
        }
        switch (message.type()) {
            case KEEP_ALIVE -> write(IotmpMessage.KEEP_ALIVE);
            case OK, ERROR -> onResponse(message);
            case RUN -> onDeviceRun(message);
            case STREAM_DATA -> onStreamData(message);
            case STOP_STREAM -> onDeviceStopStream(message);
            case START_STREAM -> onDeviceStartStream(message);
            case DESCRIBE -> onDeviceDescribe(message);
            case DISCONNECT -> closeNow("device sent DISCONNECT");
            case CONNECT -> write(IotmpMessage.error(message.streamId(), null, Map.of("error", "already connected")));
            default -> LOG.debug("{}: ignoring {}", this, message);
        }
    }

    private void onMalformed(MalformedFrame frame) {
        count(MALFORMED_FRAMES);
        if (state != State.ACTIVE) {
            closeNow("malformed " + frame.type() + " before authentication: " + frame.cause().getMessage());
        } else {
            LOG.debug("{}: dropping malformed {}: {}", this, frame.type(), frame.cause().getMessage());
        }
    }

    // ---- CONNECT

    private void onConnect(IotmpMessage connect) {
        cancelConnectDeadline();
        Generation generation = generationOf(connect);
        codec.generation(generation);
        if (!(connect.payload() instanceof List<?> credentials) || credentials.size() != 3
                || !(credentials.get(0) instanceof String user) || !(credentials.get(1) instanceof String device)
                || !(credentials.get(2) instanceof String credential)) {
            refuse(connect, null, "CONNECT payload is not [user, device, credential]");
            return;
        }
        String invalid = server.connectValidation().check(channel.remoteAddress(), user, device, credential);
        if (invalid != null) { // hardening hook: identifiers bounded before anything is stored or logged
            refuse(connect, null, invalid);
            return;
        }
        int keepAlive = keepAliveOf(connect.parameters());
        if (keepAlive <= 0 || keepAlive > MAX_KEEP_ALIVE_SECONDS) {
            server.connectValidation().badKeepAlive(channel.remoteAddress(), user, device); // hardening hook
            refuse(connect, 3, "invalid keep-alive " + keepAlive);
            return;
        }
        AuthRequest request = new AuthRequest(user, device, credential, channel.remoteAddress(), generation,
                connect.parameters());
        if (server.guard().deviceBlocked(request.deviceId(), channel.remoteAddress())) { // hardening: per address
            AuthDecision blocked = AuthDecision.refuse("too many failed authentications of this device");
            server.fireAuthenticationRefused(request, blocked);
            refuse(connect, null, blocked.reason());
            return;
        }
        state = State.AUTHENTICATING;
        channel.config().setAutoRead(false);
        CompletionStage<AuthDecision> decision;
        try {
            DeviceAuthenticator authenticator = config.authenticator();
            decision = authenticator != null
                    ? authenticator.authenticate(request)
                    : CompletableFuture.completedFuture(AuthDecision.refuse("no authenticator configured"));
        } catch (RuntimeException e) {
            decision = CompletableFuture.failedFuture(e);
        }
        decision.whenComplete((result, failure) -> runOnExecutor(
                () -> onAuthDecision(connect, request, keepAlive, result, failure)));
    }

    /** The PSON generation: {@code pv} if a client ever sends it, else the wire type of the CONNECT's PSON fields. */
    private static Generation generationOf(IotmpMessage connect) {
        if (connect.parameters() instanceof Map<?, ?> params && params.get("pv") instanceof Number pv) {
            return pv.intValue() == 0 ? Generation.GEN1 : Generation.GEN2;
        }
        return connect.psonWireType() == 1 ? Generation.GEN1 : Generation.GEN2;
    }

    private int keepAliveOf(Object parameters) {
        if (parameters instanceof Map<?, ?> params && params.get("ka") instanceof Number ka) {
            return ka.intValue();
        }
        return (int) Math.max(1, config.defaultKeepAlive().toSeconds());
    }

    private void onAuthDecision(IotmpMessage connect, AuthRequest request, int keepAlive, AuthDecision decision,
                                Throwable failure) {
        if (state != State.AUTHENTICATING || !channel.isActive()) {
            return;
        }
        if (failure != null || decision == null) {
            LOG.warn("Authenticator failed for {}; refusing", request, failure);
            decision = AuthDecision.refuse("authenticator failed: " + (failure == null ? "no decision" : failure));
        }
        if (!decision.accepted()) {
            boolean badCredentials = decision.code() != null
                                     && decision.code() == AuthDecision.CODE_BAD_CREDENTIALS;
            if (failure != null || badCredentials) {
                server.guard().authenticationFailed(channel.remoteAddress(), request.deviceId());
            }
            server.fireAuthenticationRefused(request, decision);
            refuse(connect, decision.code(), decision.reason(), decision.payload());
            return;
        }
        registration = new DeviceRegistration(request.deviceId(), server.nextSessionNumber(), channel.remoteAddress(),
                Instant.now(), codec.generation(), keepAlive);
        state = State.ACTIVE;
        // registered before the OK so the device is callable as soon as it knows it is connected; calls from other
        // threads queue on this executor and are written after the OK, which must be the very next frame
        server.register(this);
        codec.authenticated(); // hardening hook: full frame size from now on; no longer counted as unauthenticated
        write(IotmpMessage.ok(connect.streamId()));
        Duration idle = IotmpServerConfig.idleTimeout(keepAlive);
        // on the I/O thread: from a worker, Netty would keep a task holder per handler for the connection's lifetime
        onIoThread(() -> {
            channel.pipeline().addBefore(handler.name, IDLE_HANDLER,
                    new IdleStateHandler(idle.toMillis(), 0, 0, TimeUnit.MILLISECONDS));
            channel.config().setAutoRead(true);
        });
        server.announce(this);
    }

    private void onIoThread(Runnable task) {
        if (channel.eventLoop().inEventLoop()) {
            task.run();
        } else {
            try {
                channel.eventLoop().execute(task);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                LOG.debug("{}: I/O thread already stopped", this);
            }
        }
    }

    private void refuse(IotmpMessage connect, Integer code, String reason) {
        refuse(connect, code, reason, null);
    }

    private void refuse(IotmpMessage connect, Integer code, String reason, Object payload) {
        state = State.CLOSED;
        closeReason = "authentication refused: " + reason;
        server.refusalLog().refused(LOG, connect.payload(), channel.remoteAddress(), reason); // hardening hook
        write(IotmpMessage.error(connect.streamId(), code, payload)).addListener(ChannelFutureListener.CLOSE);
    }

    // ---- device → server calls

    private void onDeviceRun(IotmpMessage run) {
        DeviceCall call;
        Object resource = run.resource();
        Object parameters = run.parameters();
        if (resource instanceof Number code) {
            call = serviceCall(ServiceType.ofCode(code.longValue()), code, targetOf(parameters), run);
        } else if (parameters instanceof Number code && ServiceType.ofCode(code.longValue()) != null) {
            call = serviceCall(ServiceType.ofCode(code.longValue()), code, run.resourcePath(), run);
        } else {
            String path = run.resourcePath();
            call = path == null ? null : new DeviceCall(registration, null, path, run.payload(), run.hasStreamId());
            if (call == null) {
                replyError(run, 400, "RUN without a resource");
                return;
            }
        }
        if (call == null) {
            replyError(run, 404, "unknown service code " + (resource instanceof Number ? resource : parameters));
            return;
        }
        if (call.target() == null) {
            replyError(run, 400, call.service() + " without a target name");
            return;
        }
        DeviceCallHandler target = server.callHandler(call);
        if (target == null) {
            replyError(run, 404, call.service() == null
                    ? "no server resource '" + call.target() + "'"
                    : "nothing handles " + call.service().uriName() + " '" + call.target() + "'");
            return;
        }
        startDelivery();
        CompletionStage<Object> result;
        try {
            result = target.handle(call);
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        DeviceCall answered = call;
        result.whenComplete((value, failure) -> {
            endDelivery();
            if (run.hasStreamId()) {
                runOnExecutor(() -> {
                    if (failure != null) {
                        replyError(run, statusOf(failure), messageOf(failure));
                    } else {
                        boolean withPayload = answered.service() == null || answered.service().answersWithPayload();
                        write(IotmpMessage.ok(run.streamId(), withPayload ? value : null));
                    }
                });
            }
        });
    }

    private DeviceCall serviceCall(ServiceType service, Number code, String target, IotmpMessage run) {
        return service == null ? null : new DeviceCall(registration, service, target, run.payload(), run.hasStreamId());
    }

    /** Service targets are a name, or for CALL_DEVICE an array {@code [device, resource]} read as a path. */
    private static String targetOf(Object parameters) {
        if (parameters instanceof String s) {
            return s;
        }
        if (parameters instanceof List<?> parts && !parts.isEmpty()) {
            StringBuilder path = new StringBuilder();
            for (Object part : parts) {
                path.append(path.length() > 0 ? "/" : "").append(part);
            }
            return path.toString();
        }
        return null;
    }

    private void replyError(IotmpMessage request, int status, String message) {
        if (request.hasStreamId()) {
            write(IotmpMessage.error(request.streamId(), status, Map.of("error", message)));
        } else {
            LOG.debug("{}: {} (no reply, the request had no stream id)", this, message);
        }
    }

    private static int statusOf(Throwable failure) {
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        return cause instanceof DeviceCallException call ? call.status() : 500;
    }

    private static String messageOf(Throwable failure) {
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        return cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
    }

    private void onDeviceDescribe(IotmpMessage describe) {
        if (!describe.hasStreamId()) {
            return;
        }
        write(IotmpMessage.ok(describe.streamId(), server.describeServerResources()));
    }

    /** The code of RESOURCE that marks a device's event stream (§8.3). */
    private static final int SUBSCRIBE_EVENT = 8;

    private void onDeviceStartStream(IotmpMessage start) {
        if (!(start.resource() instanceof Number code) || code.intValue() != SUBSCRIBE_EVENT) {
            replyError(start, 404, "the server has no stream " + PsonValues.toString(start.resource()));
            return;
        }
        if (!start.hasStreamId()) {
            return;
        }
        int id = start.streamId();
        if (deviceStreams.containsKey(id) || streams.containsKey(id) || pending.containsKey(id)) {
            replyError(start, 409, "stream id " + id + " is in use");
            return;
        }
        Map<?, ?> params = start.parameters() instanceof Map<?, ?> map ? map : Map.of();
        Object event = params.get("event");
        if (!(event instanceof String name)) {
            replyError(start, 400, "event stream without an event name");
            return;
        }
        Object answer = null;
        DeviceEventStream stream;
        if (TOPIC_EVENT.equals(name)) {
            if (!(params.get("topic") instanceof String topic) || topic.isEmpty()) {
                replyError(start, 400, "topic stream without a topic");
                return;
            }
            if ("subscribe".equals(params.get("scope"))) {
                try {
                    TopicFilter.validate(topic);
                } catch (IllegalArgumentException e) {
                    replyError(start, 400, e.getMessage());
                    return;
                }
                stream = new DeviceEventStream(DeviceEventStream.Kind.SUBSCRIBE, topic, false);
            } else {
                stream = new DeviceEventStream(DeviceEventStream.Kind.PUBLISH, topic,
                        Boolean.TRUE.equals(params.get("retained")));
            }
        } else if (PROPERTY_EVENT.equals(name)) {
            Object property = params.get("filters") instanceof Map<?, ?> filters ? filters.get("property") : null;
            if (!(property instanceof String p)) {
                replyError(start, 400, "property stream without filters.property");
                return;
            }
            stream = new DeviceEventStream(DeviceEventStream.Kind.PROPERTY, p, false);
            if (Boolean.TRUE.equals(params.get("current"))) {
                answer = server.propertyStore().read(registration.deviceId(), p);
            }
        } else {
            stream = new DeviceEventStream(DeviceEventStream.Kind.SERVER_EVENT, name, false);
        }
        // subscribed before the OK, so nothing published once the device has its OK can be missed; messages
        // published from other threads queue behind the OK on this executor
        (deviceStreams = withRoom(deviceStreams)).put(id, stream);
        List<TopicMessage> retained = List.of();
        if (stream.kind() == DeviceEventStream.Kind.SUBSCRIBE) {
            retained = server.events().subscribeDevice(this, id, stream.name());
        } else if (stream.kind() == DeviceEventStream.Kind.SERVER_EVENT) {
            server.events().subscribeServerEvent(this, id, stream.name());
        }
        write(IotmpMessage.ok(id, answer));
        for (TopicMessage message : retained) {
            write(IotmpMessage.streamData(id, message.payload()));
        }
    }

    private static final String TOPIC_EVENT = "device_topic_publish";
    private static final String PROPERTY_EVENT = "device_property_update";

    /** Sends data into a stream the device opened, if it is still open. */
    void sendStreamData(int streamId, Object payload) {
        runOnExecutor(() -> {
            if (state == State.ACTIVE && deviceStreams.containsKey(streamId)) {
                write(IotmpMessage.streamData(streamId, payload));
            }
        });
    }

    void onPropertyUpdated(String property, Object value) {
        runOnExecutor(() -> {
            if (state != State.ACTIVE) {
                return;
            }
            deviceStreams.forEach((id, stream) -> {
                if (stream.kind() == DeviceEventStream.Kind.PROPERTY && stream.name().equals(property)) {
                    write(IotmpMessage.streamData(id, value));
                }
            });
        });
    }

    private void onDeviceStopStream(IotmpMessage stop) {
        OpenStream stream = streams.remove(stop.streamId());
        if (stream != null) {
            stream.end("stopped by the device");
        }
        if (deviceStreams.remove(stop.streamId()) != null) {
            server.events().unsubscribe(this, stop.streamId());
        }
        if (stop.hasStreamId()) {
            write(IotmpMessage.ok(stop.streamId()));
        }
    }

    // ---- streams

    private void onStreamData(IotmpMessage data) {
        OpenStream stream = streams.get(data.streamId());
        if (stream == null) {
            DeviceEventStream own = deviceStreams.get(data.streamId());
            if (own != null && own.kind() == DeviceEventStream.Kind.PUBLISH) {
                server.events().publish(new TopicMessage(registration.user(), own.name(), data.payload(),
                        registration), own.retained());
            } else {
                LOG.debug("{}: ignoring STREAM_DATA for unknown stream {}", this, data.streamId());
            }
            return;
        }
        count(SAMPLES_IN);
        server.metrics().sampleReceived();
        stream.deliver(stream.expandCompact(data.payload()));
    }

    /** Hands a sample to a listener, counting it in flight until the listener's stage completes. */
    void deliver(StreamListener listener, StreamSample sample) {
        if (config.backpressurePolicy() == BackpressurePolicy.DROP_SAMPLES
            && busyDeliveries() >= config.maxInFlight()) {
            count(SAMPLES_DROPPED);
            server.metrics().sampleDropped();
            return;
        }
        startDelivery();
        CompletionStage<Void> done;
        try {
            done = listener.onSample(sample);
        } catch (RuntimeException e) {
            LOG.warn("{}: stream listener failed", this, e);
            done = null;
        }
        if (done == null) {
            endDelivery();
        } else {
            done.whenComplete((v, e) -> endDelivery());
        }
    }

    private int busyDeliveries() {
        synchronized (flowLock) {
            return busyDeliveries;
        }
    }

    private void frameQueued() {
        synchronized (flowLock) {
            queuedFrames++;
            pauseIfOver();
        }
    }

    private void frameHandled() {
        synchronized (flowLock) {
            queuedFrames--;
            resumeIfDrained();
        }
    }

    private void startDelivery() {
        synchronized (flowLock) {
            busyDeliveries++;
            pauseIfOver();
        }
    }

    private void endDelivery() {
        synchronized (flowLock) {
            busyDeliveries--;
            resumeIfDrained();
        }
    }

    /**
     * Reading pauses at the bound (for DROP_SAMPLES at four times the bound: samples are dropped long before, this
     * only bounds memory) and resumes at half of it. Called with the lock held, so pause and resume cannot race into
     * a device that is never read again.
     */
    private void pauseIfOver() {
        int pauseAt = config.backpressurePolicy() == BackpressurePolicy.PAUSE
                ? config.maxInFlight() : 4 * config.maxInFlight();
        if (queuedFrames + busyDeliveries >= pauseAt && !readingPaused) {
            readingPaused = true;
            channel.config().setAutoRead(false);
        }
    }

    private void resumeIfDrained() {
        if (readingPaused && queuedFrames + busyDeliveries <= config.maxInFlight() / 2) {
            readingPaused = false;
            lastActivityNanos = System.nanoTime();
            if (state != State.AUTHENTICATING && state != State.CLOSED) {
                channel.config().setAutoRead(true);
            }
        }
    }

    /**
     * Adds subscriptions' interest in this device's resources (shared streams, see SharedResourceStream). Added
     * together, the subscriptions of one resource lead to one START_STREAM at the final interval.
     */
    void attach(List<StreamSubscription> subscriptions) {
        runOnExecutor(() -> {
            if (state != State.ACTIVE) {
                return;
            }
            java.util.Set<SharedResourceStream> touched = new java.util.LinkedHashSet<>();
            if (!(sharedStreams instanceof java.util.HashMap)) {
                sharedStreams = new java.util.HashMap<>(4);
            }
            for (StreamSubscription subscription : subscriptions) {
                SharedResourceStream shared = sharedStreams.computeIfAbsent(subscription.resource(),
                        r -> new SharedResourceStream(this, r));
                shared.add(subscription);
                touched.add(shared);
            }
            touched.forEach(SharedResourceStream::reconcile);
        });
    }

    void detach(StreamSubscription subscription) {
        runOnExecutor(() -> {
            SharedResourceStream shared = sharedStreams.get(subscription.resource());
            if (shared != null && shared.remove(subscription)) {
                sharedStreams.remove(subscription.resource());
            }
        });
    }

    /** Samples of streams opened by producers reach the on-change subscribers of that resource too. */
    void publishToSubscribers(StreamSample sample) {
        runOnExecutor(() -> {
            SharedResourceStream shared = sharedStreams.get(sample.resource());
            if (shared != null) {
                shared.onExternalSample(sample);
            }
        });
    }

    /** Opens a stream from the session executor and returns its id at once (0 if it could not be sent). */
    int openStreamNow(String resource, long intervalMillis, StreamListener listener) {
        CompletableFuture<DeviceReply> reply = new CompletableFuture<>();
        int id = doSend(DeviceRequest.startStream(resource, intervalMillis, listener), config.requestTimeout(), reply);
        reply.exceptionally(e -> null);
        return id;
    }

    /** Stops a stream if it is still open; used when subscriptions change. */
    void stopStream(int streamId) {
        if (streams.containsKey(streamId)) {
            send(DeviceRequest.stopStream(streamId), null)
                    .exceptionally(e -> null);
        }
    }

    // ---- connection end

    private void closeNow(String reason) {
        if (closeReason == null) {
            closeReason = reason;
        }
        channel.close();
    }

    private void onClosed() {
        State previous = state;
        state = State.CLOSED;
        cancelConnectDeadline();
        String reason = reasonOrDefault();
        DeviceId id = deviceIdOrNull();
        List<PendingRequest> failed = new ArrayList<>(pending.values());
        pending.clear();
        for (PendingRequest request : failed) {
            request.timeout.cancel();
            request.record(ServerMetrics.Outcome.DISCONNECTED);
            request.reply.completeExceptionally(new DeviceDisconnectedException(id, reason));
        }
        List<OpenStream> open = new ArrayList<>(streams.values());
        streams.clear();
        sharedStreams = Map.of();
        deviceStreams.clear();
        server.events().unsubscribe(this, 0);
        for (OpenStream stream : open) {
            stream.end(reason);
        }
        if (previous == State.ACTIVE) {
            server.deactivated(this, reason);
        }
    }

    private void cancelConnectDeadline() {
        if (connectDeadline != null) {
            connectDeadline.cancel(false);
            connectDeadline = null;
        }
    }

    private String reasonOrDefault() {
        return closeReason != null ? closeReason : "connection closed";
    }

    private DeviceId deviceIdOrNull() {
        DeviceRegistration r = registration;
        return r == null ? null : r.deviceId();
    }

    private io.netty.channel.ChannelFuture write(IotmpMessage message) {
        count(FRAMES_OUT);
        io.netty.channel.ChannelFuture written = channel.writeAndFlush(message);
        // a device that stops reading must not make the server queue for it without bound
        if (!channel.isWritable() && channel.bytesBeforeWritable() > config.limits().maxPendingWriteBytes()) {
            closeNow("device stopped reading: over " + config.limits().maxPendingWriteBytes() + " bytes queued");
        }
        return written;
    }

    @Override
    public String toString() {
        DeviceRegistration r = registration;
        return r != null ? r.deviceId() + "@" + channel.remoteAddress() : "connection " + channel.remoteAddress();
    }

    private final class PendingRequest {
        final int streamId;
        final String description;
        final CompletableFuture<DeviceReply> reply;
        final long startNanos = System.nanoTime();
        Timeout timeout;

        PendingRequest(int streamId, String description, CompletableFuture<DeviceReply> reply) {
            this.streamId = streamId;
            this.description = description;
            this.reply = reply;
        }

        void record(ServerMetrics.Outcome outcome) {
            int space = description.indexOf(' ');
            String kind = space < 0 ? description : description.substring(0, space);
            server.metrics().requestCompleted(kind, System.nanoTime() - startNanos, outcome);
        }
    }

    /** A stream this server opened on the device. */
    private final class OpenStream {
        final int id;
        final String resource;
        final StreamListener listener;
        boolean confirmed;
        private List<String> compactKeys;

        OpenStream(int id, String resource, StreamListener listener) {
            this.id = id;
            this.resource = resource;
            this.listener = listener;
        }

        void deliver(Object payload) {
            DeviceSession.this.deliver(listener,
                    new StreamSample(registration, resource, id, payload, System.currentTimeMillis()));
        }

        /**
         * Compact mode: after a first map, a device may send only the values as an array in the same key order;
         * map them back so every consumer sees the same shape.
         */
        Object expandCompact(Object payload) {
            if (payload instanceof Map<?, ?> map) {
                if (compactKeys == null || compactKeys.size() != map.size()) {
                    compactKeys = new ArrayList<>(map.size());
                    map.keySet().forEach(k -> compactKeys.add(String.valueOf(k)));
                }
                return payload;
            }
            if (payload instanceof List<?> values && compactKeys != null && values.size() == compactKeys.size()) {
                Map<String, Object> expanded = new java.util.LinkedHashMap<>();
                for (int i = 0; i < values.size(); i++) {
                    expanded.put(compactKeys.get(i), values.get(i));
                }
                return expanded;
            }
            return payload;
        }

        void end(String reason) {
            try {
                listener.onStreamEnded(registration, resource, id, reason);
            } catch (RuntimeException e) {
                LOG.warn("{}: stream listener failed on end", DeviceSession.this, e);
            }
        }

        void failed(Throwable cause) {
            try {
                listener.onStreamFailed(registration, resource, cause);
            } catch (RuntimeException e) {
                LOG.warn("{}: stream listener failed on failure", DeviceSession.this, e);
            }
        }
    }

    /** Runs on the session's executor: frames and connection events in the order the I/O thread read them. */
    private void handle(Object event) {
        try {
            handleUnchecked(event);
        } catch (RuntimeException e) {
            // what Netty would have done with a handler's exception: the drain must go on to the closing events
            onException(e);
        }
    }

    private void handleUnchecked(Object event) {
        if (event == CHANNEL_INACTIVE) {
            onClosed();
        } else if (event instanceof IdleStateEvent) {
            onIdle();
        } else if (event instanceof Throwable cause) {
            onException(cause);
        } else {
            try {
                if (event instanceof IotmpMessage message) {
                    onMessage(message);
                } else if (event instanceof MalformedFrame frame) {
                    onMalformed(frame);
                } else {
                    io.netty.util.ReferenceCountUtil.release(event);
                }
            } finally {
                frameHandled(); // counted on reading; handlers still busy count as deliveries
            }
        }
    }

    private void onIdle() {
        // while the server does not read (backpressure) the silence is ours, not the device's; the event may also
        // have waited behind a busy handler until after reading resumed
        Duration idle = IotmpServerConfig.idleTimeout(registration != null ? registration.keepAliveSeconds() : 60);
        if (readingPaused || System.nanoTime() - lastActivityNanos < idle.toNanos()) {
            return;
        }
        closeNow("no keep-alive within " + idle.toMillis() + " ms");
    }

    private void onException(Throwable cause) {
        Throwable root = cause instanceof io.netty.handler.codec.DecoderException && cause.getCause() != null
                ? cause.getCause() : cause;
        if (root instanceof java.io.IOException) {
            LOG.debug("{}: {}", this, root.toString());
        } else {
            server.refusalLog().closing(LOG, this, root); // hardening hook: rate-limited, shortened
        }
        closeNow(root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName());
    }

    /**
     * The Netty side of the session, on the I/O thread. It counts each frame as read before handing it over, so that a
     * handler that blocks the session's executor still stops the reading, and hands events to a worker through the
     * inbox, drained in batches.
     */
    private final class Handler extends ChannelInboundHandlerAdapter implements Runnable {
        String name;

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            name = ctx.name();
            if (executor == null) {
                executor = ctx.executor();
            }
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            connectDeadline = executor.schedule(() -> {
                if (state == State.AWAITING_CONNECT) {
                    closeNow("no CONNECT within " + config.connectTimeout().toMillis() + " ms");
                }
            }, config.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            lastActivityNanos = System.nanoTime();
            frameQueued();
            dispatch(msg);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof IdleStateEvent) {
                dispatch(evt);
            } else {
                ctx.fireUserEventTriggered(evt);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            dispatch(cause);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            dispatch(CHANNEL_INACTIVE);
            ctx.fireChannelInactive();
        }

        private void dispatch(Object event) {
            if (executor.inEventLoop()) {
                handle(event);
                return;
            }
            if (inbox == null) {
                inbox = new ConcurrentLinkedQueue<>();
            }
            inbox.offer(event);
            if (DRAIN_SCHEDULED.compareAndSet(DeviceSession.this, 0, 1)) {
                try {
                    executor.execute(this);
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    // the worker is gone, so nothing else touches the session: handle here rather than lose a close
                    for (Object queued = inbox.poll(); queued != null; queued = inbox.poll()) {
                        handle(queued);
                    }
                    drainScheduled = 0;
                }
            }
        }

        /** Drains the inbox on the executor, a batch at a time so that one busy device does not starve the others. */
        @Override
        public void run() {
            for (int i = 0; i < DRAIN_BATCH; i++) {
                Object event = inbox.poll();
                if (event == null) {
                    break;
                }
                handle(event);
            }
            drainScheduled = 0;
            if (!inbox.isEmpty() && DRAIN_SCHEDULED.compareAndSet(DeviceSession.this, 0, 1)) {
                executor.execute(this);
            }
        }
    }
}
