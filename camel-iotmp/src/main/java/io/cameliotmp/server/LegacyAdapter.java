package io.cameliotmp.server;

import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.cameliotmp.protocol.FrameCodec;
import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.protocol.MalformedFrame;
import io.cameliotmp.protocol.MessageType;
import io.cameliotmp.protocol.PsonValues;
import io.cameliotmp.protocol.legacy.LegacyFrameCodec;
import io.cameliotmp.protocol.legacy.LegacyFrames;
import io.cameliotmp.protocol.legacy.LegacyMessage;
import io.cameliotmp.protocol.legacy.LegacyTranslator;
import io.cameliotmp.protocol.legacy.MalformedLegacyFrame;
import io.cameliotmp.protocol.legacy.SignalFlag;
import io.cameliotmp.protocol.session.ServiceCode;
import io.cameliotmp.protocol.session.StreamParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a legacy device an IOTMP device for its {@link DeviceConnection}: between the {@link LegacyFrameCodec} and
 * the session, it turns the device's frames into the IOTMP messages the connection handles, and the connection's
 * messages into legacy frames, so authentication, requests, streams, services, limits and metrics are the ones every
 * device has (docs/protocol.md, "The legacy protocol").
 * <p>
 * What only legacy devices need is kept here: the AUTH and its bare answer; describe as a run of {@code ["api"]}
 * whose tree is flattened; intervals as bare numbers; one stream per resource, stopped by resource (another
 * START_STREAM of a resource that has one fails at once); sample payloads unwrapped; service flags as the service
 * RUNs of IOTMP, acknowledged only when the device gave an id, and GET_PROPERTY answered without one. Stream ids
 * are translated: the server's ids are per connection, the legacy ids continue across a device's connections
 * ({@link LegacyStreamIds}) and those of a device it does not know start at random, so samples a device still sends
 * with the ids of its previous connection are recognised as stale and dropped, not delivered to a new stream (those
 * a server in another JVM gave it, unless the two runs of ids happen to overlap). Answers nobody waits for are
 * dropped, never answered: the device would take an answer to an answer for a request.
 * <p>
 * Runs on the channel's I/O thread (reads and writes both), so its tables need no locks. They are bounded: the
 * server's requests and streams by {@code maxPendingRequests} (entries of requests that timed out are dropped
 * beyond twice that), the device's own pending calls by {@code maxInFlight} (each holds a delivery until answered;
 * only calls after the device has its AUTH answer are taken, since the session answers no other).
 */
final class LegacyAdapter extends LegacyTranslator implements ConnectionCodec {

    private static final Logger LOG = LoggerFactory.getLogger(LegacyAdapter.class);

    /** The id the AUTH travels under as a CONNECT; the device's answer has none. */
    static final int CONNECT_ID = 1;

    /**
     * Devices send a keep-alive every 60 s and nothing defines how late they may be; with the server's 15 % slack
     * this lets a connection be silent for two periods, as a blocking sketch can be, before it is closed.
     */
    static final int KEEP_ALIVE_SECONDS = 105;

    /**
     * What a legacy request is waiting for. The STALE ones are the adapter's own, not the session's: their answers go
     * no further.
     */
    private enum Waiting {
        NOTHING, RUN, DESCRIBE_ALL, DESCRIBE_ONE, START, STOP, STALE_DESCRIBE, STALE_STOP
    }

    /** The server id of the adapter's own requests; the session's ids are positive. */
    private static final int NO_SERVER_ID = -1;

    /** A legacy id in use: the server's id it stands for, what its answer is, and the resource of a stream. */
    private static final class Entry {
        final int serverId;
        final List<Object> streamPath;
        Waiting waiting;

        Entry(int serverId, Waiting waiting, List<Object> streamPath) {
            this.serverId = serverId;
            this.waiting = waiting;
            this.streamPath = streamPath;
        }
    }

    private final LegacyFrameCodec codec;
    private final LegacyStreamIds memory;
    private final ServerMetrics metrics;
    private final int maxEntries;
    private final Map<Integer, Entry> byLegacyId = new LinkedHashMap<>();
    private final Map<Integer, Integer> legacyIdOfServerId = new HashMap<>();
    private final LegacyDeviceCalls deviceCalls = new LegacyDeviceCalls();
    private boolean authReceived;
    private boolean authAnswered;
    private DeviceId device;
    /** The device's key in {@link #memory}, once it is authenticated; its ids come from there only then. */
    private long deviceKey;
    private boolean remembering;
    private int nextLegacyId = 1;
    /** Whether this connection has asked the device to stop the streams it went on with from an earlier one. */
    private boolean staleStreamsStopping;
    private final int maxStaleStops;

    LegacyAdapter(LegacyFrameCodec codec, LegacyStreamIds memory, int maxPendingRequests, ServerMetrics metrics) {
        this.codec = codec;
        this.memory = memory;
        this.metrics = metrics;
        this.maxEntries = 2 * maxPendingRequests;
        this.maxStaleStops = maxPendingRequests;
    }

    // ---- ConnectionCodec

    @Override
    public Generation generation() {
        return Generation.LEGACY;
    }

    @Override
    public void generation(Generation generation) {
        // the protocol was decided by the first byte
    }

    /** A legacy frame is passed on translated, in the same read: its weight, like the rest, is the codec's. */
    @Override
    public FrameCodec<?> frames() {
        return codec;
    }

    // ---- device → server

    @Override
    protected IotmpMessage translateRead(LegacyMessage message) {
        if (message.keepAlive()) {
            return IotmpMessage.KEEP_ALIVE;
        }
        if (!authReceived) {
            return auth(message);
        }
        if (!authAnswered) {
            // the session serves nothing before the device has its answer (it drops what arrives while the
            // authenticator decides); a call translated now would keep an entry for an answer that never comes,
            // one per frame a device sends behind its AUTH
            LOG.debug("{}: dropping legacy {} sent before the answer to its AUTH",
                    DeviceAddress.of(context().channel()), message.flag());
            return null;
        }
        return switch (message.flag()) {
            case REQUEST_OK, REQUEST_ERROR -> answer(message);
            case STREAM_SAMPLE, STREAM_EVENT -> streamData(message);
            case CALL_ENDPOINT -> serviceCall(message, ServiceCode.CALL_ENDPOINT, LegacyApi.endpointOf(message));
            case CALL_DEVICE -> serviceCall(message, ServiceCode.CALL_DEVICE, LegacyApi.targetDeviceOf(message));
            case BUCKET_DATA -> serviceCall(message, ServiceCode.WRITE_BUCKET, message.identifier());
            case SET_PROPERTY -> serviceCall(message, ServiceCode.SET_DEVICE_PROPERTY, message.identifier());
            case GET_PROPERTY -> serviceCall(message, ServiceCode.READ_DEVICE_PROPERTY, message.identifier());
            // devices never send these: no legacy device runs, streams or authenticates towards an open session
            case RUN, START_STREAM, STOP_STREAM, AUTH -> ignored(message, "devices never send it in a session");
        };
    }

    /** The first frame must be the AUTH: it becomes the CONNECT the handshake checks and authenticates. */
    private IotmpMessage auth(LegacyMessage message) {
        if (message.flag() != SignalFlag.AUTH) {
            LOG.debug("{}: legacy {} before AUTH, closing", DeviceAddress.of(context().channel()), message.flag());
            context().close();
            return null;
        }
        authReceived = true;
        if (message.resource() instanceof List<?> credentials && credentials.size() == 3
            && credentials.get(0) instanceof String user && credentials.get(1) instanceof String deviceName) {
            device = new DeviceId(user, deviceName);
        }
        return IotmpMessage.of(MessageType.CONNECT, CONNECT_ID, Map.of("ka", (long) KEEP_ALIVE_SECONDS),
                message.resource(), null);
    }

    private IotmpMessage answer(LegacyMessage message) {
        boolean ok = message.flag() == SignalFlag.REQUEST_OK;
        Entry entry = byLegacyId.get(message.streamId());
        if (entry == null || entry.waiting == Waiting.NOTHING) {
            // nobody waits (a late answer, or one of a stale id): never answered, the device would take it for a
            // request
            return ignored(message, "nobody waits for it");
        }
        Waiting waiting = entry.waiting;
        entry.waiting = Waiting.NOTHING;
        if (waiting != Waiting.START || !ok) {
            forget(message.streamId());
        }
        if (waiting == Waiting.STALE_DESCRIBE || waiting == Waiting.STALE_STOP) {
            if (waiting == Waiting.STALE_DESCRIBE && ok) {
                stopStaleStreams(message.payload());
            }
            return null;
        }
        if (!ok) {
            // legacy errors carry no detail
            return IotmpMessage.error(entry.serverId, null, null);
        }
        if (waiting == Waiting.DESCRIBE_ALL) {
            return describeAnswer(entry.serverId, message.payload());
        }
        return IotmpMessage.ok(entry.serverId, waiting == Waiting.START || waiting == Waiting.STOP ? null
                : message.payload());
    }

    /**
     * A malformed answer fails the server's request at once, as an IOTMP device's does; it waited out its timeout.
     * A START_STREAM keeps its entry as after an OK: the answer may have opened the stream, which the session then
     * stops, by the entry's resource.
     */
    @Override
    protected MalformedFrame translateMalformed(MalformedLegacyFrame malformed) {
        int legacyId = malformed.answeredStream();
        Entry entry = legacyId == 0 ? null : byLegacyId.get(legacyId);
        if (entry == null || entry.waiting == Waiting.NOTHING) {
            return super.translateMalformed(malformed);
        }
        Waiting waiting = entry.waiting;
        entry.waiting = Waiting.NOTHING;
        if (waiting != Waiting.START || entry.serverId == NO_SERVER_ID) {
            forget(legacyId);
        }
        return entry.serverId == NO_SERVER_ID ? super.translateMalformed(malformed)
                : new MalformedFrame(MessageType.OK, malformed.cause().inStream(entry.serverId));
    }

    /**
     * The device's {@code ["api"]} tree as a flat DESCRIBE answer, held to the heap a decoded frame may take: a tree
     * whose paths would take more is a malformed answer, and the request fails at once with the reason.
     */
    private IotmpMessage describeAnswer(int serverId, Object tree) {
        long maxHeapBytes = codec.limits().maxDecodedFrameBytes();
        Map<String, Object> flat = LegacyApi.flatten(tree, maxHeapBytes);
        if (flat != null) {
            return IotmpMessage.ok(serverId, flat);
        }
        LOG.debug("{}: legacy describe answer expands beyond {} bytes, failing the request",
                DeviceAddress.of(context().channel()), maxHeapBytes);
        count(ConnectionCounters.MALFORMED_FRAMES);
        return IotmpMessage.error(serverId, null, Map.of("error", "the device's resource tree expands beyond"
                                                                  + " maxDecodedFrameBytes (" + maxHeapBytes
                                                                  + " bytes) once its paths are joined"));
    }

    private void count(int counter) {
        ConnectionCounters counters = context().channel().attr(ConnectionCounters.KEY).get();
        if (counters != null) {
            counters.count(counter);
        }
    }

    private IotmpMessage streamData(LegacyMessage message) {
        Entry entry = byLegacyId.get(message.streamId());
        if (entry == null || entry.streamPath == null) {
            LOG.debug("{}: dropping legacy {} of no open stream (stale id of an earlier connection?)",
                    DeviceAddress.of(context().channel()), message.flag());
            metrics.staleSampleDropped();
            count(ConnectionCounters.STALE_SAMPLES_DROPPED);
            if (!staleStreamsStopping) {
                staleStreamsStopping = true;
                askForResourcesToStop();
            }
            return null;
        }
        return IotmpMessage.streamData(entry.serverId, LegacyApi.unwrap(message.payload()));
    }

    /**
     * A board streams on after a socket drop with the ids of the connection before (nested resources even after a
     * keep-alive failure), every interval, until it is told to stop: dropping the samples alone left a board on a
     * metered link sending them for as long as it ran. It stops a stream by resource, and a stale sample names none,
     * so on the first stale sample of a connection the adapter asks for the board's resources ({@code ["api"]}) and
     * then stops those no stream of this connection is on ({@link #stopStaleStreams}). Once per connection: a board
     * whose stale samples go on after that is not asked again.
     */
    private void askForResourcesToStop() {
        int legacyId = allocate();
        keep(legacyId, new Entry(NO_SERVER_ID, Waiting.STALE_DESCRIBE, null));
        context().writeAndFlush(LegacyMessage.of(SignalFlag.RUN, legacyId, LegacyApi.describePath(null), null));
    }

    /**
     * STOP_STREAM for every resource of {@code tree} that no stream of this connection is on (started or starting),
     * at most {@code maxPendingRequests} of them. A resource without a stream stops with an OK, so nothing needs
     * to know which ones had one; a START_STREAM the server sends later reaches the board after the STOP.
     */
    private void stopStaleStreams(Object tree) {
        List<List<Object>> resources = LegacyApi.resourcePaths(tree, maxStaleStops);
        int stopped = 0;
        for (List<Object> path : resources) {
            if (!hasStream(path, NO_SERVER_ID)) {
                int legacyId = allocate();
                keep(legacyId, new Entry(NO_SERVER_ID, Waiting.STALE_STOP, null));
                context().write(LegacyMessage.of(SignalFlag.STOP_STREAM, legacyId, path, null));
                stopped++;
            }
        }
        context().flush();
        LOG.debug("{}: legacy device streams on ids of an earlier connection, stopping {} of its resources",
                DeviceAddress.of(context().channel()), stopped);
        metrics.staleStreamsStopped(stopped);
    }

    /**
     * A service flag as the service RUN of IOTMP. The device wants an answer only when it sent an id; GET_PROPERTY
     * is the exception: it never has one, and waits for the next frame without id, which carries the value.
     */
    private IotmpMessage serviceCall(LegacyMessage message, ServiceCode service, Object target) {
        int serverId = 0;
        if (service == ServiceCode.READ_DEVICE_PROPERTY) {
            serverId = deviceCalls.add(0, true);
        } else if (message.hasStreamId()) {
            serverId = deviceCalls.add(message.streamId(), false);
        }
        return IotmpMessage.run(serverId, service.wireCode(), target, message.payload());
    }

    /** A frame after the AUTH's answer that goes nowhere: counted, as the server's and the connection's. */
    private IotmpMessage ignored(LegacyMessage message, String why) {
        LOG.debug("{}: ignoring legacy {}: {}", DeviceAddress.of(context().channel()), message, why);
        metrics.legacyFrameIgnored();
        count(ConnectionCounters.LEGACY_FRAMES_IGNORED);
        return null;
    }

    // ---- server → device

    @Override
    protected LegacyMessage translateWrite(IotmpMessage message) {
        int id = message.streamId();
        return switch (message.type()) {
            case OK, ERROR -> answerToDevice(message);
            case KEEP_ALIVE -> LegacyMessage.KEEP_ALIVE;
            // legacy devices know no DISCONNECT: the connection just closes
            case DISCONNECT, CONNECT -> null;
            case RUN -> LegacyMessage.of(SignalFlag.RUN, open(id, Waiting.RUN, null),
                    LegacyApi.path(message.resource()), message.payload());
            case DESCRIBE -> LegacyMessage.of(SignalFlag.RUN,
                    open(id, message.resource() == null ? Waiting.DESCRIBE_ALL : Waiting.DESCRIBE_ONE, null),
                    LegacyApi.describePath(message.resource()), null);
            case START_STREAM -> startStream(message);
            case STOP_STREAM -> stopStream(id);
            // no legacy device opens streams of its own, so there is nothing to send data into
            case STREAM_DATA -> null;
        };
    }

    private LegacyMessage answerToDevice(IotmpMessage answer) {
        boolean ok = answer.type() == MessageType.OK;
        SignalFlag flag = ok ? SignalFlag.REQUEST_OK : SignalFlag.REQUEST_ERROR;
        if (!authAnswered && authReceived && answer.streamId() == CONNECT_ID) {
            authAnswered = true;
            if (ok && device != null) {
                deviceKey = memory.key(device);
                remembering = true;
                memory.connected(deviceKey);
            } else if (ok) {
                // a device the memory cannot key: its ids start at random all the same, away from stale ones
                nextLegacyId = memory.fresh();
            }
            // the one answer every library version accepts: no id, no payload
            return LegacyMessage.of(flag, 0, null, null);
        }
        LegacyDeviceCalls.Call call = deviceCalls.answered(answer.streamId());
        if (call == null) {
            return null;
        }
        // only a read carries a value; the devices ignore payloads of acknowledgements
        return LegacyMessage.of(flag, call.legacyId(), null, ok && call.withPayload() ? answer.payload() : null);
    }

    /** A server request under a new legacy id. */
    private int open(int serverId, Waiting waiting, List<Object> streamPath) {
        int legacyId = allocate();
        Integer previous = legacyIdOfServerId.put(serverId, legacyId);
        if (previous != null) {
            // the server has reused its id: whatever the old legacy id waited for is over
            byLegacyId.remove(previous);
        }
        keep(legacyId, new Entry(serverId, waiting, streamPath));
        return legacyId;
    }

    private void keep(int legacyId, Entry entry) {
        byLegacyId.put(legacyId, entry);
        if (byLegacyId.size() > maxEntries) {
            dropOldestRequest();
        }
    }

    /**
     * A device keeps one stream per resource: a second START_STREAM would replace the stream the resource has, whose
     * samples would then stop without a word, and a STOP_STREAM, which names the resource, would stop either for
     * both. So a stream of a resource that has one (started or starting, not stopping) fails at once, and nothing
     * is sent.
     */
    private LegacyMessage startStream(IotmpMessage message) {
        int serverId = message.streamId();
        List<Object> path = LegacyApi.path(message.resource());
        if (hasStream(path, serverId)) {
            String reason = "a legacy device keeps one stream per resource, and " + PsonValues.toString(path)
                            + " has one already";
            LOG.debug("{}: START_STREAM {} failed: {}", DeviceAddress.of(context().channel()), serverId, reason);
            fail(serverId, Map.of("error", reason));
            return null;
        }
        long interval = StreamParameters.intervalOf(message.parameters());
        // a bare number in ms; a device reads a map as 0 (an event stream)
        return LegacyMessage.of(SignalFlag.START_STREAM, open(serverId, Waiting.START, path), path,
                interval > 0 ? interval : null);
    }

    /** Whether a stream of the server other than {@code serverId} is started or starting on {@code path}. */
    private boolean hasStream(List<Object> path, int serverId) {
        for (Entry entry : byLegacyId.values()) {
            if (entry.streamPath != null && entry.waiting != Waiting.STOP && entry.serverId != serverId
                && entry.streamPath.equals(path)) {
                return true;
            }
        }
        return false;
    }

    /** Fails the server's request {@code serverId} as if the device had answered ERROR, after this write. */
    private void fail(int serverId, Object reason) {
        context().executor().execute(() -> context().fireChannelRead(IotmpMessage.error(serverId, null, reason)));
    }

    private LegacyMessage stopStream(int serverId) {
        Integer legacyId = legacyIdOfServerId.get(serverId);
        Entry entry = legacyId == null ? null : byLegacyId.get(legacyId);
        if (entry == null || entry.streamPath == null) {
            // a legacy device stops streams by resource: without it there is nothing to send; the request fails
            fail(serverId, null);
            return null;
        }
        entry.waiting = Waiting.STOP;
        return LegacyMessage.of(SignalFlag.STOP_STREAM, legacyId, entry.streamPath, null);
    }

    private void forget(int legacyId) {
        Entry entry = byLegacyId.remove(legacyId);
        if (entry != null) {
            legacyIdOfServerId.remove(entry.serverId, legacyId);
        }
    }

    /**
     * Requests that timed out on the server leave entries the device never answers: the oldest go first. A stream's
     * entry is one of them while its START_STREAM or STOP_STREAM is unanswered (a device that never answers a STOP
     * would otherwise keep one entry per stream the server ever opened, up to every legacy id); only a stream the
     * device confirmed and the server has not stopped is kept, and the server bounds those by
     * {@code maxPendingRequests}.
     */
    private void dropOldestRequest() {
        // the adapter's own STOP_STREAMs of stale streams first: their answers are dropped anyway
        if (!dropOldest(true)) {
            dropOldest(false);
        }
    }

    private boolean dropOldest(boolean staleStopsOnly) {
        Iterator<Map.Entry<Integer, Entry>> entries = byLegacyId.entrySet().iterator();
        while (entries.hasNext()) {
            Map.Entry<Integer, Entry> oldest = entries.next();
            Waiting waiting = oldest.getValue().waiting;
            if (staleStopsOnly ? waiting == Waiting.STALE_STOP : waiting != Waiting.NOTHING) {
                entries.remove();
                legacyIdOfServerId.remove(oldest.getValue().serverId, oldest.getKey());
                return true;
            }
        }
        return false;
    }

    /** Calls of the device waiting for the server's answer (for tests). */
    int pendingDeviceCalls() {
        return deviceCalls.size();
    }

    /** Legacy ids in use by requests and streams of the server (for tests). */
    int serverEntries() {
        return byLegacyId.size();
    }

    /**
     * The next legacy id not in use by a request or stream of the server, nor by a pending call of the device: from
     * the device's sequence in {@link #memory}, which all its connections share, once it is authenticated.
     */
    private int allocate() {
        for (int tries = 0; tries < LegacyFrames.MAX_STREAM_ID; tries++) {
            int id;
            if (remembering) {
                id = memory.next(deviceKey);
            } else {
                id = nextLegacyId;
                nextLegacyId = id % LegacyFrames.MAX_STREAM_ID + 1;
            }
            if (!byLegacyId.containsKey(id) && !deviceCalls.awaitsAnswer(id)) {
                return id;
            }
        }
        throw new IllegalStateException("every legacy stream id is in use");
    }
}
