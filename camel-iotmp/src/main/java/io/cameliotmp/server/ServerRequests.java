package io.cameliotmp.server;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpFrames;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.protocol.MalformedFrame;
import io.cameliotmp.protocol.MessageType;
import io.cameliotmp.protocol.session.PendingRequest;
import io.cameliotmp.protocol.session.RequestKind;
import io.cameliotmp.protocol.session.RequestTracker;
import io.cameliotmp.protocol.session.Scheduler;
import io.cameliotmp.protocol.session.StreamIds;
import io.cameliotmp.protocol.session.StreamParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The requests the server sends a device (docs/protocol.md §6, §7): each {@link DeviceRequest} becomes one message
 * with a fresh stream id, tracked until the device's OK or ERROR, its timeout, or the end of the connection.
 * Runs on the connection's executor.
 */
final class ServerRequests implements Scheduler {

    private static final Logger LOG = LoggerFactory.getLogger(ServerRequests.class);

    private final DeviceConnection connection;
    private final RequestTracker<Pending> tracker;
    /** The stream id of the latest request, see {@link StreamIds#afterSequential}. */
    private int lastId;

    ServerRequests(DeviceConnection connection) {
        this.connection = connection;
        this.tracker = new RequestTracker<>(this);
    }

    /**
     * The tracker's timeouts. The timer's thread only starts one: it runs on the connection's executor, like everything
     * else that touches the pending requests. This object schedules them, not a lambda, since a server holds one of
     * these for every connected device.
     */
    @Override
    public Cancellable schedule(Runnable timeout, long delayMillis) {
        return connection.context().timer().schedule(() -> connection.runOnExecutor(timeout), delayMillis);
    }

    boolean contains(int id) {
        return tracker.contains(id);
    }

    /**
     * Sends a request; returns the stream id used, or 0 if nothing was sent (the reply has failed then). A request
     * the protocol cannot carry (a stream id beyond 16 bits, say, from a route or a forwarded call) fails its reply:
     * thrown on the connection's executor, it left the reply unanswered for good, and a forwarded call's member
     * waiting until its own timeout.
     */
    int send(DeviceRequest request, Duration timeout, CompletableFuture<DeviceReply> reply) {
        DeviceId device = connection.deviceIdOrNull();
        if (connection.state() != DeviceConnection.State.ACTIVE) {
            reply.completeExceptionally(new DeviceDisconnectedException(device, connection.reasonOrDefault()));
            return 0;
        }
        try {
            return sendActive(request, timeout, reply);
        } catch (RuntimeException e) {
            // thrown while the frame was built or measured: nothing of it was written
            reply.completeExceptionally(new RequestNotSentException(device, "cannot send " + request.getClass()
                    .getSimpleName() + ": " + RefusalLog.shown(e.getMessage(), RefusalLog.MAX_REASON_SHOWN)));
            return 0;
        }
    }

    private int sendActive(DeviceRequest request, Duration timeout, CompletableFuture<DeviceReply> reply) {
        return request.accept(new DeviceRequest.Visitor<>() {
            @Override
            public Integer run(DeviceRequest.Run run) {
                return open(RequestKind.RUN, run.resource(), timeout, reply,
                        id -> IotmpMessage.run(id, run.resource(), run.parameters(), run.input()));
            }

            @Override
            public Integer describe(DeviceRequest.Describe describe) {
                return open(RequestKind.DESCRIBE, describe.resource(), timeout, reply,
                        id -> IotmpMessage.describe(id, describe.resource()));
            }

            @Override
            public Integer startStream(DeviceRequest.StartStream start) {
                return open(RequestKind.START_STREAM, start.resource(), timeout, reply, id -> {
                    // registered before the OK arrives: devices echo a first sample right after their OK
                    connection.serverStreams().opening(id, start.resource(), start.intervalMillis(), start.listener());
                    return IotmpMessage.startStream(id, start.resource(),
                            StreamParameters.encode(start.intervalMillis(), start.extraParameters()));
                });
            }

            @Override
            public Integer stopStream(DeviceRequest.StopStream stop) {
                return ServerRequests.this.stopStream(stop, timeout, reply);
            }

            @Override
            public Integer streamData(DeviceRequest.StreamData data) {
                return ServerRequests.this.streamData(data, reply);
            }
        });
    }

    private int streamData(DeviceRequest.StreamData data, CompletableFuture<DeviceReply> reply) {
        DeviceRegistration registration = connection.registration();
        if (registration.generation() == Generation.LEGACY) {
            // the legacy protocol has no server→device stream data: refuse, rather than drop it and report success
            reply.completeExceptionally(new NotSupportedByDeviceException(registration.deviceId(),
                    "legacy Thinger devices take no stream data from the server; run the resource instead"));
            return 0;
        }
        IotmpMessage message = IotmpMessage.streamData(data.streamId(), data.payload());
        int size = oversize(message);
        if (size > 0) {
            reply.completeExceptionally(tooLarge("STREAM_DATA " + data.streamId(), size));
            return 0;
        }
        connection.write(message).addListener(f -> {
            if (f.isSuccess()) {
                reply.complete(new DeviceReply(registration, data.streamId(), null, null));
            } else {
                reply.completeExceptionally(new DeviceDisconnectedException(registration.deviceId(),
                        "write failed: " + f.cause()));
            }
        });
        return data.streamId();
    }

    private int stopStream(DeviceRequest.StopStream stop, Duration timeout, CompletableFuture<DeviceReply> reply) {
        int id = stop.streamId();
        if (!connection.serverStreams().stop(id, "stopped by the server")) {
            reply.completeExceptionally(new IotmpRequestException(connection.deviceIdOrNull(), "no open stream " + id));
            return 0;
        }
        Pending starting = tracker.get(id);
        if (starting != null) {
            // the device has not answered the START_STREAM yet: the STOP_STREAM takes its id, so fail the start
            // here rather than leave its reply unanswerable
            tracker.fail(id, new IotmpRequestException(connection.deviceIdOrNull(),
                    starting.description() + " was stopped before the device answered it"));
        }
        track(new Pending(id, RequestKind.STOP_STREAM, null, reply, timeout));
        connection.write(IotmpMessage.stopStream(id));
        return id;
    }

    @FunctionalInterface
    private interface MessageWithId {
        IotmpMessage build(int streamId);
    }

    private int open(RequestKind kind, String resource, Duration timeout, CompletableFuture<DeviceReply> reply,
                     MessageWithId message) {
        int limit = connection.context().config().maxPendingRequests();
        if (tracker.size() + connection.serverStreams().size() >= limit) {
            reply.completeExceptionally(new TooManyPendingRequestsException(connection.deviceIdOrNull(), limit));
            return 0;
        }
        int id = StreamIds.afterSequential(lastId, connection::idInUse);
        lastId = id;
        Pending pending = new Pending(id, kind, resource, reply, timeout);
        IotmpMessage built;
        int size;
        try {
            built = message.build(id);
            size = oversize(built);
        } catch (RuntimeException e) {
            // a START_STREAM registered its stream when built: a stream never sent must not hold the device's budget
            connection.serverStreams().refused(id, e);
            throw e;
        }
        if (size > 0) {
            FrameTooLargeForDeviceException tooLarge = tooLarge(pending.description(), size);
            connection.serverStreams().refused(id, tooLarge); // a START_STREAM registered its stream when built
            reply.completeExceptionally(tooLarge);
            return 0;
        }
        track(pending);
        connection.write(built);
        return id;
    }

    /**
     * The frame size of a message larger than the device accepts, else 0. Only messages with data are measured (the
     * size takes a pass over the values); the others are a few bytes.
     */
    private int oversize(IotmpMessage message) {
        if (message.payload() == null && message.parameters() == null) {
            return 0;
        }
        int size = IotmpFrames.frameSize(message, connection.registration().generation());
        return size > maxOutboundFrameSize() ? size : 0;
    }

    private FrameTooLargeForDeviceException tooLarge(String description, int size) {
        return new FrameTooLargeForDeviceException(connection.deviceIdOrNull(), description, size,
                maxOutboundFrameSize());
    }

    private int maxOutboundFrameSize() {
        return connection.context().config().limits().maxOutboundFrameSize();
    }

    private void track(Pending request) {
        tracker.track(request, request.timeout.toMillis());
    }

    /** Hands an OK or ERROR to its request; false when no request waits for its id. */
    boolean onAnswer(IotmpMessage answer) {
        return tracker.answer(answer) != null;
    }

    /**
     * A frame whose body did not decode: if it is an OK or ERROR that named the stream of a request before going
     * wrong, that request fails now, rather than waiting out its timeout for an answer that has come. False when the
     * frame answers no request.
     */
    boolean onMalformedAnswer(MalformedFrame frame) {
        int stream = frame.answeredStream();
        Pending pending = stream != 0 ? tracker.get(stream) : null;
        if (pending == null) {
            return false;
        }
        DeviceId device = connection.deviceIdOrNull();
        String why = frame.cause().getMessage();
        LOG.debug("{}: malformed {} of stream {} fails its request: {}", device, frame.type(), stream, why);
        return tracker.fail(stream, new MalformedAnswerException(device, "the answer of " + device + " to "
                                                                                   + pending.description()
                                                                                   + " could not be read: " + why));
    }

    /** How many requests wait for the device's answer. */
    int pending() {
        return tracker.size();
    }

    void failAll(String reason) {
        DeviceId device = connection.deviceIdOrNull();
        tracker.failAll(request -> new DeviceDisconnectedException(device, reason));
    }

    /** A request of the server in flight. */
    private final class Pending extends PendingRequest {
        /** The resource asked for, null for a STOP_STREAM or a DESCRIBE of the whole device. */
        final String resource;
        final CompletableFuture<DeviceReply> reply;
        final Duration timeout;

        Pending(int streamId, RequestKind kind, String resource, CompletableFuture<DeviceReply> reply,
                Duration timeout) {
            super(streamId, kind);
            this.resource = resource;
            this.reply = reply;
            this.timeout = timeout;
        }

        /**
         * How errors name the request, e.g. {@code RUN led}. Made only for an error: every call took a string
         * concatenation for it before.
         */
        String description() {
            return switch (kind()) {
                case RUN, START_STREAM -> kind().name() + " " + resource;
                case DESCRIBE -> resource == null ? "DESCRIBE" : "DESCRIBE " + resource;
                case STOP_STREAM -> "STOP_STREAM " + streamId();
                case CONNECT -> "CONNECT"; // the device's login, never a request of the server
            };
        }

        @Override
        protected void answered(IotmpMessage answer) {
            boolean ok = answer.type() == MessageType.OK;
            record(ok ? ServerMetrics.Outcome.OK : ServerMetrics.Outcome.ERROR);
            if (ok) {
                connection.serverStreams().confirmed(streamId());
                reply.complete(new DeviceReply(connection.registration(), streamId(), answer.parameters(),
                        answer.payload()));
            } else {
                DeviceErrorException error = new DeviceErrorException(connection.deviceIdOrNull(), description(),
                        answer.parameters(), answer.payload());
                connection.serverStreams().refused(streamId(), error);
                reply.completeExceptionally(error);
            }
        }

        @Override
        protected void expired() {
            DeviceRequestTimeoutException timedOut = new DeviceRequestTimeoutException(connection.deviceIdOrNull(),
                    description(), timeout);
            // the device may still open the stream later; make sure it does not stream to nobody
            if (connection.serverStreams().refused(streamId(), timedOut)) {
                connection.write(IotmpMessage.stopStream(streamId()));
            }
            record(ServerMetrics.Outcome.TIMEOUT);
            reply.completeExceptionally(timedOut);
        }

        @Override
        protected void failed(Throwable cause) {
            if (cause instanceof DeviceDisconnectedException) {
                record(ServerMetrics.Outcome.DISCONNECTED);
            } else if (cause instanceof MalformedAnswerException malformed) {
                record(ServerMetrics.Outcome.ERROR);
                // an OK we could not read may have opened the stream: make sure it does not stream to nobody
                if (connection.serverStreams().refused(streamId(), malformed)) {
                    connection.write(IotmpMessage.stopStream(streamId()));
                }
            }
            reply.completeExceptionally(cause);
        }

        private void record(ServerMetrics.Outcome outcome) {
            connection.context().metrics().requestCompleted(kind(), elapsedNanos(), outcome);
        }
    }
}
