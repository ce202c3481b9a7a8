package io.cameliotmp.device;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

import io.cameliotmp.protocol.Gen1Layout;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.protocol.MalformedFrame;
import io.cameliotmp.protocol.MessageType;
import io.cameliotmp.protocol.legacy.LegacyMessage;
import io.cameliotmp.protocol.legacy.LegacyTranslator;
import io.cameliotmp.protocol.legacy.MalformedLegacyFrame;
import io.cameliotmp.protocol.legacy.SignalFlag;
import io.cameliotmp.protocol.session.ServiceCode;
import io.cameliotmp.protocol.session.StreamParameters;
import io.netty.channel.ChannelHandlerContext;

/**
 * Plays a legacy Thinger device (the {@code thinger.io} Arduino library up to 2.40) with the IOTMP device client:
 * between the legacy codec and the {@link ClientConnection}, it turns the server's legacy frames into the IOTMP
 * messages the connection answers, and the connection's messages into the frames that library writes, so resources,
 * streams and service calls work unchanged (docs/protocol.md, "The legacy protocol").
 * <p>
 * What the library does and IOTMP does not, done here: the AUTH and its bare answer; {@code ["api"]} answered with
 * the resource tree ({@code al}, {@code fn}, {@code /}); paths as arrays, a plain string taken for an empty path
 * (OK, nothing run); intervals as bare numbers; samples and events wrapped as {@code {"out":…}} / {@code {"in":…}};
 * one stream per resource, stopped by resource; service calls as flags, GET_PROPERTY without id and answered by the
 * next frame without one, so one at a time; an answer nobody waits for answered with REQUEST_ERROR. Services the
 * library lacks (locks, event subscriptions, server resources) fail at once. Runs on the device's event loop.
 */
final class LegacyDeviceAdapter extends LegacyTranslator {

    /** What an id of the server waits for from the device. */
    private enum ServerRequest {
        RUN, DESCRIBE_ALL, DESCRIBE_ONE, START, STOP
    }

    /**
     * A GET_PROPERTY of the device: the connection's id for it (0 when nobody waits), the property, and the time
     * ({@code nanoClock}) when the device stops waiting for it.
     */
    private record PropertyRead(int id, String property, long deadline) {
    }

    /** A stream the server opened: its resource, and whether it samples (else it sends events). */
    private record OpenStream(List<Object> path, boolean sampled) {
    }

    private int connectId = -1;
    /** The server's requests in flight, by id; a STOP also knows the stop's own id. */
    private final Map<Integer, ServerRequest> serverRequests = new HashMap<>();
    private final Map<Integer, Integer> stopIdOfStream = new HashMap<>();
    private final Map<Integer, OpenStream> streams = new HashMap<>();
    /**
     * The device's own calls waiting for an answer, by id, in the order sent, with the time ({@code nanoClock}) when
     * the device stops waiting: a server that never answers would otherwise make every call an entry for as long as
     * the connection lasts. Expired entries go when the next call is sent, so this holds the calls of one request
     * timeout, as the connection's request tracker does.
     */
    private final LinkedHashMap<Integer, Long> deviceCalls = new LinkedHashMap<>();
    private final long callTimeoutNanos;
    private final LongSupplier nanoClock;
    /** Whether the device has a resource at an {@code a/b} path, or resources under it (a node of its tree). */
    private final Predicate<String> hasResource;
    /**
     * The device's GET_PROPERTY on the wire, answered by the next frame without id; null when none. Its answer names
     * no read, so only one is ever on the wire, as with the library, which blocks on it: the others wait in
     * {@link #heldPropertyReads}, in the order asked, until it is answered or the device stops waiting for it.
     */
    private PropertyRead propertyReadOnWire;
    /** When the device stops waiting for the read on the wire. */
    private ScheduledFuture<?> propertyReadExpiry;
    private final ArrayDeque<PropertyRead> heldPropertyReads = new ArrayDeque<>();

    /**
     * @param callTimeout how long the device waits for the answer to one of its calls (its request timeout)
     * @param hasResource whether the device has a resource at an {@code a/b} path or resources under it
     */
    LegacyDeviceAdapter(Duration callTimeout, Predicate<String> hasResource) {
        this(callTimeout, System::nanoTime, hasResource);
    }

    LegacyDeviceAdapter(Duration callTimeout, LongSupplier nanoClock, Predicate<String> hasResource) {
        this.callTimeoutNanos = callTimeout.toNanos();
        this.nanoClock = nanoClock;
        this.hasResource = hasResource;
    }

    /** The device's calls the adapter still takes an answer for; for tests. */
    int deviceCallsWaiting() {
        return deviceCalls.size();
    }

    // ---- server → device

    @Override
    protected IotmpMessage translateRead(LegacyMessage message) {
        if (connectId >= 0 && !isAuthAnswer(message)) {
            // The library reads the first frame after its AUTH as the answer and takes nothing but REQUEST_OK as
            // success. Translated, a request here would be answered (REQUEST_ERROR for one without resource) before
            // the device is authenticated; instead the attempt ends as refused, as an IOTMP device's does.
            int connect = connectId;
            connectId = -1;
            return IotmpMessage.error(connect, null, null);
        }
        if (message.keepAlive()) {
            return IotmpMessage.KEEP_ALIVE;
        }
        int id = message.streamId();
        return switch (message.flag()) {
            case REQUEST_OK, REQUEST_ERROR -> answer(message);
            case RUN -> run(message);
            case START_STREAM -> startStream(message);
            case STOP_STREAM -> stopStream(message);
            // nothing a server sends: answered as the library answers a flag it does not know
            case AUTH, STREAM_EVENT, STREAM_SAMPLE, CALL_ENDPOINT, CALL_DEVICE, BUCKET_DATA, GET_PROPERTY,
                 SET_PROPERTY -> reply(id, SignalFlag.REQUEST_OK);
        };
    }

    /** The AUTH's answer: REQUEST_OK or REQUEST_ERROR without stream id. */
    private static boolean isAuthAnswer(LegacyMessage message) {
        return !message.keepAlive() && message.flag().isAnswer() && message.streamId() == 0;
    }

    /**
     * A malformed answer to one of the device's calls fails that call at once, as an IOTMP server's does; it waited
     * out the device's request timeout. A malformed property answer names no call (its frame has no id): that read
     * ends at its own deadline.
     */
    @Override
    protected MalformedFrame translateMalformed(MalformedLegacyFrame malformed) {
        int id = malformed.answeredStream();
        if (id != 0 && deviceCalls.remove(id) != null) {
            return new MalformedFrame(MessageType.OK, malformed.cause());
        }
        return super.translateMalformed(malformed);
    }

    private IotmpMessage answer(LegacyMessage message) {
        boolean ok = message.flag() == SignalFlag.REQUEST_OK;
        int id = message.streamId();
        if (id == 0 && connectId >= 0) {
            // the AUTH's answer
            int connect = connectId;
            connectId = -1;
            return ok ? IotmpMessage.ok(connect) : IotmpMessage.error(connect, null, null);
        }
        if (id == 0 && propertyReadOnWire != null) {
            int read = propertyReadOnWire.id();
            propertyReadOnWire = null;
            propertyReadExpiry.cancel(false);
            sendNextPropertyRead();
            if (read == 0) {
                return null;
            }
            return ok ? IotmpMessage.ok(read, message.payload()) : IotmpMessage.error(read, null, null);
        }
        if (id != 0 && deviceCalls.remove(id) != null) {
            return ok ? IotmpMessage.ok(id) : IotmpMessage.error(id, null, null);
        }
        if (id != 0 && message.resource() == null) {
            // the library takes an answer it did not ask for as a request without resource
            return reply(id, SignalFlag.REQUEST_ERROR);
        }
        return null;
    }

    private IotmpMessage run(LegacyMessage message) {
        int id = message.streamId();
        List<String> path = message.path();
        if (message.resource() instanceof String) {
            // a plain string is read as an empty path: OK, and nothing runs
            return reply(id, SignalFlag.REQUEST_OK);
        }
        if (path == null || path.stream().anyMatch(String::isEmpty)) {
            return reply(id, SignalFlag.REQUEST_ERROR);
        }
        if (path.isEmpty()) {
            return reply(id, SignalFlag.REQUEST_OK);
        }
        if (path.get(path.size() - 1).equals("api")) {
            boolean all = path.size() == 1;
            track(id, all ? ServerRequest.DESCRIBE_ALL : ServerRequest.DESCRIBE_ONE);
            return IotmpMessage.describe(id, all ? null : String.join("/", path.subList(0, path.size() - 1)));
        }
        track(id, ServerRequest.RUN);
        return IotmpMessage.run(id, String.join("/", path), null, message.payload());
    }

    private IotmpMessage startStream(LegacyMessage message) {
        int id = message.streamId();
        List<String> path = message.path();
        if (path == null || path.isEmpty()) {
            return reply(id, SignalFlag.REQUEST_ERROR);
        }
        // a map, as IOTMP sends, reads as 0 on these devices: only a bare number is an interval
        long interval = message.payload() instanceof Number n ? n.longValue() : 0;
        List<Object> segments = new ArrayList<>(path);
        // one stream per resource: a new START replaces the old one, whatever its id
        Integer previous = streamOf(segments);
        if (previous != null) {
            streams.remove(previous);
            // marked before the stop is passed on: the device answers it at once, and that answer must find the mark
            stopIdOfStream.put(previous, 0);
            context().fireChannelRead(IotmpMessage.stopStream(previous));
        }
        streams.put(id, new OpenStream(segments, interval > 0));
        track(id, ServerRequest.START);
        return IotmpMessage.startStream(id, String.join("/", path), StreamParameters.encode(interval, null));
    }

    /**
     * Stopped by resource; the id is only echoed. A resource without a stream is answered as the library answers it:
     * OK when the device has it, REQUEST_ERROR, its not-found, when it has not (never had, or removed it).
     */
    private IotmpMessage stopStream(LegacyMessage message) {
        List<String> path = message.path();
        Integer stream = path == null ? null : streamOf(new ArrayList<>(path));
        if (stream == null) {
            boolean known = path != null && (path.isEmpty() || hasResource.test(String.join("/", path)));
            return reply(message.streamId(), known ? SignalFlag.REQUEST_OK : SignalFlag.REQUEST_ERROR);
        }
        streams.remove(stream);
        stopIdOfStream.put(stream, message.streamId());
        return IotmpMessage.stopStream(stream);
    }

    private Integer streamOf(List<Object> path) {
        for (Map.Entry<Integer, OpenStream> stream : streams.entrySet()) {
            if (stream.getValue().path().equals(path)) {
                return stream.getKey();
            }
        }
        return null;
    }

    private void track(int id, ServerRequest request) {
        if (id != 0) {
            serverRequests.put(id, request);
        }
    }

    /** Answers the server directly, as the library would; nothing reaches the connection. */
    private IotmpMessage reply(int id, SignalFlag flag) {
        if (id != 0) {
            context().writeAndFlush(LegacyMessage.of(flag, id, null, null));
        }
        return null;
    }

    // ---- device → server

    @Override
    protected LegacyMessage translateWrite(IotmpMessage message) {
        int id = message.streamId();
        return switch (message.type()) {
            case CONNECT -> {
                connectId = id;
                List<?> credentials = (List<?>) message.payload();
                yield LegacyMessage.auth((String) credentials.get(0), (String) credentials.get(1),
                        (String) credentials.get(2));
            }
            case KEEP_ALIVE -> LegacyMessage.KEEP_ALIVE;
            case OK, ERROR -> answerToServer(message);
            case STREAM_DATA -> streamData(message);
            case RUN -> serviceCall(message);
            case DISCONNECT -> {
                context().executor().execute(context()::close);
                yield null;
            }
            case STOP_STREAM -> endStream(id);
            // no legacy equivalent: the device's describe of the server, its event subscriptions
            case DESCRIBE, START_STREAM -> refuse(id);
        };
    }

    /**
     * The device ends a stream the server opened, as it does when the resource is removed. A legacy device has no
     * message for that (a board's resources never go): nothing is sent, and the stream is over on the device's side
     * alone. It is forgotten, so that the server's STOP_STREAM of the resource gets the library's answer for a
     * resource the device has or lacks rather than stopping a stream that is gone, and a new stream of a resource
     * added again stops nothing; the device's own STOP_STREAM is answered OK here. The server learns of a removal as
     * from a board: its requests on the resource get REQUEST_ERROR, and {@code ["api"]} no longer lists it. Any other
     * stop (of the device's own event subscriptions, which legacy devices have none of) fails at once.
     */
    private LegacyMessage endStream(int id) {
        if (streams.remove(id) == null) {
            return refuse(id);
        }
        serverRequests.remove(id);
        context().executor().execute(() -> context().fireChannelRead(IotmpMessage.ok(id)));
        return null;
    }

    private LegacyMessage answerToServer(IotmpMessage answer) {
        int id = answer.streamId();
        SignalFlag flag = answer.type() == MessageType.OK ? SignalFlag.REQUEST_OK : SignalFlag.REQUEST_ERROR;
        Integer stopId = stopIdOfStream.remove(id);
        if (stopId != null) {
            // the answer to a STOP_STREAM goes out under the stop's id; a replaced stream's stop is not answered
            return stopId == 0 ? null : LegacyMessage.of(flag, stopId, null, null);
        }
        ServerRequest request = serverRequests.remove(id);
        if (flag == SignalFlag.REQUEST_ERROR) {
            if (request == ServerRequest.START) {
                streams.remove(id);
            }
            // the library never puts a payload on errors
            return LegacyMessage.error(id);
        }
        Object payload = answer.payload();
        if (request == ServerRequest.DESCRIBE_ALL) {
            payload = tree(payload);
        } else if (request == ServerRequest.DESCRIBE_ONE) {
            payload = outBeforeIn(payload);
        }
        return LegacyMessage.ok(id, payload);
    }

    /** Samples of sampled streams, events otherwise, in the io view the library sends. */
    private LegacyMessage streamData(IotmpMessage data) {
        OpenStream stream = streams.get(data.streamId());
        if (stream == null) {
            return null;
        }
        String key = Gen1Layout.STREAM_INPUT.equals(data.parameters()) ? "in" : "out";
        Map<String, Object> view = new LinkedHashMap<>();
        view.put(key, data.payload());
        return LegacyMessage.of(stream.sampled() ? SignalFlag.STREAM_SAMPLE : SignalFlag.STREAM_EVENT,
                data.streamId(), null, view);
    }

    /** A service RUN of the LINUX layout: code in RESOURCE, target in PARAMETERS, an id only to be answered. */
    private LegacyMessage serviceCall(IotmpMessage run) {
        int id = run.streamId();
        ServiceCode service = run.resource() instanceof Number code ? ServiceCode.ofCode(code.longValue()) : null;
        SignalFlag flag = service == null ? null : switch (service) {
            case READ_DEVICE_PROPERTY -> SignalFlag.GET_PROPERTY;
            case SET_DEVICE_PROPERTY -> SignalFlag.SET_PROPERTY;
            case CALL_DEVICE -> SignalFlag.CALL_DEVICE;
            case CALL_ENDPOINT -> SignalFlag.CALL_ENDPOINT;
            case WRITE_BUCKET -> SignalFlag.BUCKET_DATA;
            case LOCK_SYNC, UNLOCK_SYNC, SUBSCRIBE_EVENT -> null;
        };
        if (flag == null) {
            return refuse(id);
        }
        Object target = run.parameters();
        Object resource = null;
        if (flag == SignalFlag.CALL_DEVICE && target instanceof List<?> parts && parts.size() == 2) {
            resource = List.of(parts.get(1));
            target = parts.get(0);
        }
        if (flag == SignalFlag.GET_PROPERTY) {
            PropertyRead read = new PropertyRead(id, String.valueOf(target), nanoClock.getAsLong() + callTimeoutNanos);
            if (propertyReadOnWire != null) {
                heldPropertyReads.add(read);
                return null;
            }
            return propertyRead(read);
        }
        if (id != 0) {
            long now = nanoClock.getAsLong();
            forgetExpiredCalls(now);
            deviceCalls.remove(id); // put anew at the end, to keep the order of the deadlines
            deviceCalls.put(id, now + callTimeoutNanos);
        }
        return LegacyMessage.service(flag, id, String.valueOf(target), resource, run.payload());
    }

    /**
     * Puts {@code read} on the wire, never with an id: the answer is the next frame without one. Should the server
     * not answer by the read's deadline, the device stops waiting for it then and sends the next one.
     */
    private LegacyMessage propertyRead(PropertyRead read) {
        propertyReadOnWire = read;
        long delay = Math.max(0, read.deadline() - nanoClock.getAsLong());
        propertyReadExpiry = context().executor().schedule(() -> {
            if (propertyReadOnWire == read) {
                propertyReadOnWire = null;
                sendNextPropertyRead();
            }
        }, delay, TimeUnit.NANOSECONDS);
        return LegacyMessage.service(SignalFlag.GET_PROPERTY, 0, read.property(), null, null);
    }

    /** Sends the first held read the device still waits for; the connection has failed the others. */
    private void sendNextPropertyRead() {
        long now = nanoClock.getAsLong();
        PropertyRead next;
        while ((next = heldPropertyReads.poll()) != null) {
            if (next.deadline() - now > 0) {
                context().writeAndFlush(propertyRead(next));
                return;
            }
        }
    }

    /** The connection fails the device's calls when it closes: nothing is left to send. */
    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        heldPropertyReads.clear();
        if (propertyReadExpiry != null) {
            propertyReadExpiry.cancel(false);
        }
        propertyReadOnWire = null;
        super.channelInactive(ctx);
    }

    /** Reads of properties waiting for the one on the wire to be answered; for tests. */
    int propertyReadsHeld() {
        return heldPropertyReads.size();
    }

    /** Forgets the calls the device no longer waits for: their answer would find no request anyway. */
    private void forgetExpiredCalls(long now) {
        for (Iterator<Long> deadlines = deviceCalls.values().iterator(); deadlines.hasNext();) {
            if (deadlines.next() - now > 0) {
                return; // in the order sent, so all later ones are still waited for
            }
            deadlines.remove();
        }
    }

    /** The library has no such call: the device's request fails at once. */
    private LegacyMessage refuse(int id) {
        if (id != 0) {
            context().executor().execute(() -> context().fireChannelRead(IotmpMessage.error(id, null, null)));
        }
        return null;
    }

    /**
     * The flat describe answer ({@code {"a/b": {"fn": n}}}) as the library's tree: every resource with its access
     * level (0, private, as sketches declare by default) and {@code fn}, children under {@code "/"}.
     */
    static Map<String, Object> tree(Object flat) {
        Map<String, Object> root = new LinkedHashMap<>();
        if (!(flat instanceof Map<?, ?> resources)) {
            return root;
        }
        for (Map.Entry<?, ?> entry : resources.entrySet()) {
            String[] segments = String.valueOf(entry.getKey()).split("/");
            Map<String, Object> level = root;
            for (int i = 0; i < segments.length - 1; i++) {
                Map<String, Object> node = child(level, segments[i]);
                level = child(node, "/");
            }
            Map<String, Object> leaf = child(level, segments[segments.length - 1]);
            Object fn = entry.getValue() instanceof Map<?, ?> description ? description.get("fn") : null;
            if (fn != null) {
                leaf.put("al", 0L);
                leaf.put("fn", fn);
            }
        }
        return root;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> child(Map<String, Object> parent, String name) {
        return (Map<String, Object>) parent.computeIfAbsent(name, n -> new LinkedHashMap<String, Object>());
    }

    /** The library writes a resource's description output first. */
    private static Object outBeforeIn(Object description) {
        if (description instanceof Map<?, ?> map && map.containsKey("in") && map.containsKey("out")) {
            Map<String, Object> ordered = new LinkedHashMap<>();
            ordered.put("out", map.get("out"));
            ordered.put("in", map.get("in"));
            return ordered;
        }
        return description;
    }
}
