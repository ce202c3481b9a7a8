package io.cameliotmp.fuzz;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.cameliotmp.protocol.FrameLimits;
import io.cameliotmp.protocol.IotmpDecodeException;
import io.cameliotmp.protocol.PartialFrameBudget;
import io.cameliotmp.protocol.PsonFormat;
import io.cameliotmp.protocol.Varint;
import io.cameliotmp.protocol.legacy.LegacyFrameCodec;
import io.cameliotmp.protocol.legacy.LegacyFrames;
import io.cameliotmp.protocol.legacy.LegacyMessage;
import io.cameliotmp.protocol.legacy.SignalFlag;
import io.cameliotmp.protocol.session.ServiceCode;
import io.cameliotmp.server.AuthDecision;
import io.cameliotmp.server.DeviceConnection;
import io.cameliotmp.server.DeviceFilter;
import io.cameliotmp.server.DeviceId;
import io.cameliotmp.server.DeviceReply;
import io.cameliotmp.server.DeviceRequest;
import io.cameliotmp.server.EmbeddedDevicePipeline;
import io.cameliotmp.server.IotmpServer;
import io.cameliotmp.server.IotmpServerConfig;
import io.cameliotmp.server.LegacyListeners;
import io.cameliotmp.server.ServerLimits;
import io.cameliotmp.server.SessionCounters;
import io.cameliotmp.server.StreamListener;
import io.cameliotmp.server.StreamSample;
import io.cameliotmp.testing.EmbeddedCodec;
import io.cameliotmp.testing.Hex;
import io.cameliotmp.testing.LegacyVectors;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.util.HashedWheelTimer;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Fuzzes the server's side of the legacy Thinger protocol (docs/protocol.md §13): the real device pipeline of an
 * {@link IotmpServer} with legacy devices enabled (protocol detector, {@code LegacyFrameCodec}, {@code LegacyAdapter},
 * the session {@code DeviceConnection}) on an {@link EmbeddedChannel} with virtual time, built by
 * {@link EmbeddedDevicePipeline}. A target of its own rather than a mode of {@link ServerConnectionFuzzTest}: what the
 * server may send differs in every respect (bare AUTH answer, no DISCONNECT, answers only to calls that carry an id
 * or to GET_PROPERTY, requests by resource path, 16-bit ids), so the oracles share little but the plumbing.
 * <p>
 * Each execution gets its own server with small bounds ({@value #MAX_PENDING_REQUESTS} pending requests,
 * {@value #MAX_IN_FLIGHT} calls in flight, {@value #MAX_DECODED_FRAME_BYTES} decoded bytes per frame), a bucket
 * handler, an endpoint {@code alert} that fails, an endpoint {@code slow} whose calls the input completes, the
 * built-in property and device-call services, and a subscription to {@code temperature} of every device, so that an
 * accepted AUTH is followed by a START_STREAM (legacy id 1) the input can answer. Credentials: vector L01
 * ({@code alice/esp32/s3cr3t}).
 * <p>
 * The input is a sequence of actions: feed the next bytes as one read, advance virtual time (the AUTH deadline is
 * 10 s), complete a pending authentication, let the server send a request (run, describe all or one, start a
 * sampled or an event stream, stop a stream, send stream data), publish a topic message, event or property, or
 * complete the oldest pending {@code slow} call. A second legacy codec with the server's limits, fed the same bytes,
 * tells which frames the device sent. Checks:
 * <ul>
 * <li>no exception reaches the end of the pipeline, no write fails except on a closed channel, no buffer leaks;</li>
 * <li>a first byte other than {@code 01} or {@code 03} closes without a byte sent ({@code 03} is an IOTMP device,
 * whose connection gets only the checks that do not depend on the protocol);</li>
 * <li>a first frame that is not an AUTH, or the AUTH deadline, close without a byte sent; the AUTH's answer is the
 * bare {@code REQUEST_OK} or {@code REQUEST_ERROR}, comes first, is OK exactly for the right credentials (when the
 * authenticator answers at once), and after an ERROR nothing follows and the connection closes;</li>
 * <li>every frame the server sends decodes with a strict legacy decoder: MESSAGE or exactly {@code 02 00}, fields in
 * the devices' order, each once, ids of 1 to 65535, flags 1 to 12, values that decode as PSON v1;</li>
 * <li>the server sends only answers, keep-alives, runs, START_STREAM and STOP_STREAM; its answers go only to calls
 * that asked for one (a service call with that id, at most once per call; without an id only to a GET_PROPERTY,
 * the only answer with a value); its requests carry an id and a resource path of strings, a START_STREAM at most a
 * bare positive interval;</li>
 * <li>an authenticated connection is closed only for a fatal header, and is closed for it; every KEEP_ALIVE of the
 * authenticated device is echoed once and the server sends none of its own;</li>
 * <li>the adapter's tables stay within their bounds after every action: legacy ids of server requests within twice
 * {@code maxPendingRequests}, pending calls of the device within {@code maxInFlight};</li>
 * <li>the device is registered exactly while it is connected and has its OK, and every server request has completed
 * once the connection is closed.</li>
 * </ul>
 */
class LegacyServerConnectionFuzzTest {

    static final String USER = "alice";
    static final String DEVICE = "esp32";
    static final String SECRET = "s3cr3t";
    static final DeviceId DEVICE_ID = new DeviceId(USER, DEVICE);

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** The default, on the channel's (virtual) clock: a frame started and not completed within it closes. */
    static final Duration FRAME_READ_TIMEOUT = Duration.ofMillis(ServerLimits.DEFAULT_FRAME_READ_TIMEOUT_MILLIS);
    /** Small limits, so that oversized headers, over-budget values and the tables' bounds are easy to reach. */
    static final int MAX_FRAME_SIZE = 4096;
    static final int MAX_DECODED_FRAME_BYTES = 16 * 1024;
    static final int MAX_PENDING_REQUESTS = 4;
    static final int MAX_IN_FLIGHT = 4;
    static final int MAX_CHUNK = 255;

    static final int FEED = 0;
    static final int ADVANCE_TIME = 1;
    static final int COMPLETE_AUTH = 2;
    static final int SERVER_REQUEST = 3;
    static final int SERVER_EVENT = 4;
    static final int COMPLETE_CALL = 5;
    static final int LAST_REQUEST = 7;

    private static HashedWheelTimer timer;

    @BeforeAll
    static void startTimer() {
        timer = new HashedWheelTimer(new DefaultThreadFactory("legacy-fuzz-timer", true), 10,
                TimeUnit.MILLISECONDS);
    }

    @AfterAll
    static void stopTimer() {
        timer.stop();
    }

    @FuzzTest(maxDuration = "5m")
    void connection(FuzzedDataProvider data) {
        new Execution(data.consumeBoolean()).run(data);
    }

    /** When the device sent a frame: as its first, while the authenticator decided, or once it could be served. */
    enum Phase {
        FIRST, AUTHENTICATING, SERVED
    }

    /** One frame the device sent, as the reference codec saw it. */
    record Sent(Object item, Phase phase) {
        LegacyMessage message() {
            return item instanceof LegacyMessage m && !m.keepAlive() ? m : null;
        }

        boolean keepAlive() {
            return item instanceof LegacyMessage m && m.keepAlive();
        }
    }

    static final class Execution {
        final ServerConnectionFuzzTest.Authenticator authenticator;
        final IotmpServer server;
        final UnpooledByteBufAllocator allocator = FuzzSupport.countingAllocator();
        final EmbeddedChannel channel;
        final ServerConnectionFuzzTest.WriteObserver observer = new ServerConnectionFuzzTest.WriteObserver();
        final LegacyFrameCodec referenceCodec = new LegacyFrameCodec(new FrameLimits(MAX_FRAME_SIZE, MAX_FRAME_SIZE,
                PsonFormat.DEFAULT_MAX_DEPTH, MAX_DECODED_FRAME_BYTES, null, PartialFrameBudget.UNLIMITED));
        final EmbeddedChannel reference = new EmbeddedChannel(referenceCodec);
        final List<Sent> sent = new ArrayList<>();
        final List<CompletableFuture<DeviceReply>> requests = new ArrayList<>();
        final Deque<CompletableFuture<Object>> slowCalls = new ArrayDeque<>();
        final ByteArrayOutputStream output = new ByteArrayOutputStream();
        int firstByte = -1;
        boolean referenceFatal;
        boolean authCompleted;
        long millisBeforeFirstFrame;
        /** Virtual time the reference has been waiting for the rest of the same started frame. */
        long millisInPartialFrame;
        /** Whether a started frame stayed incomplete for the frame read timeout, which may close the connection. */
        boolean frameReadTimeoutPassed;

        Execution(boolean deferredAuth) {
            authenticator = new ServerConnectionFuzzTest.Authenticator(deferredAuth);
            IotmpServerConfig config = IotmpServerConfig.builder()
                    .host("127.0.0.1").port(0).ioThreads(1).workerThreads(0)
                    .connectTimeout(CONNECT_TIMEOUT)
                    .requestTimeout(Duration.ofHours(1))
                    .maxFrameSize(MAX_FRAME_SIZE)
                    .maxPendingRequests(MAX_PENDING_REQUESTS)
                    .maxInFlight(MAX_IN_FLIGHT)
                    .limits(ServerLimits.builder().frameReadTimeout(FRAME_READ_TIMEOUT)
                            .maxFrameSizeBeforeLogin(MAX_FRAME_SIZE)
                            .maxDecodedFrameBytes(MAX_DECODED_FRAME_BYTES).build())
                    .authenticator(authenticator)
                    .legacy(new LegacyListeners(true, LegacyListeners.NONE, LegacyListeners.NONE))
                    .nativeTransport(false)
                    .build();
            server = EmbeddedDevicePipeline.unstartedServer(config, timer);
            server.calls().registerService(ServiceCode.WRITE_BUCKET, "*",
                    call -> CompletableFuture.completedFuture(null));
            server.calls().registerService(ServiceCode.CALL_ENDPOINT, "alert",
                    call -> CompletableFuture.failedFuture(new IllegalArgumentException("no alerts today")));
            server.calls().registerService(ServiceCode.CALL_ENDPOINT, "slow", call -> {
                CompletableFuture<Object> result = new CompletableFuture<>();
                slowCalls.add(result);
                return result;
            });
            server.subscriptions().subscribe(new DeviceFilter(DeviceFilter.ANY, DeviceFilter.ANY), "temperature", 0,
                    new StreamListener() {
                        @Override
                        public CompletionStage<Void> onSample(StreamSample sample) {
                            return CompletableFuture.completedFuture(null);
                        }
                    });
            channel = EmbeddedDevicePipeline.connect(server, allocator);
            // before the session: the detector puts the codec and the adapter ahead of it
            channel.pipeline().addBefore("session", "fuzz-observer", observer);
            reference.config().setAllocator(allocator);
        }

        void run(FuzzedDataProvider data) {
            try {
                while (data.remainingBytes() > 0 && channel.isOpen()) {
                    switch (data.consumeInt(FEED, COMPLETE_CALL)) {
                        case FEED -> feed(data.consumeBytes(data.consumeInt(1, MAX_CHUNK)));
                        case ADVANCE_TIME -> advance(data.consumeInt(0, 255) * 100L);
                        case COMPLETE_AUTH -> completeAuth(data.consumeBoolean());
                        case SERVER_REQUEST -> serverRequest(data.consumeInt(0, LAST_REQUEST));
                        case SERVER_EVENT -> serverEvent(data.consumeInt(0, 2));
                        default -> completeCall(data.consumeBoolean());
                    }
                    channel.runPendingTasks();
                    checkBounds();
                }
                // handlers the input left waiting finish, so that what reading held back is read
                while (!slowCalls.isEmpty() && channel.isOpen()) {
                    completeCall(true);
                    channel.runPendingTasks();
                    checkBounds();
                }
                drainOutput();
                checkWhileConnected();
                channel.close();
                channel.runPendingTasks();
                drainOutput();
                channel.checkException();
                checkAfterClose();
            } finally {
                slowCalls.forEach(call -> call.complete(null));
                channel.finishAndReleaseAll();
                reference.finishAndReleaseAll();
            }
            FuzzSupport.assertAllReleased(allocator, "the legacy device pipeline");
        }

        boolean legacy() {
            return firstByte == 0x01;
        }

        void feed(byte[] bytes) {
            if (bytes.length == 0) {
                return;
            }
            if (firstByte < 0) {
                firstByte = bytes[0] & 0xFF;
            }
            if (legacy() && !referenceFatal) {
                try {
                    reference.writeInbound(FuzzSupport.buffer(allocator, bytes, 0, bytes.length));
                } catch (DecoderException e) {
                    referenceFatal = true;
                }
                boolean framesCompleted = false;
                for (Object item = reference.readInbound(); item != null; item = reference.readInbound()) {
                    framesCompleted = true;
                    Phase phase = sent.isEmpty() ? Phase.FIRST
                            : authenticator.deferred && !authCompleted ? Phase.AUTHENTICATING : Phase.SERVED;
                    sent.add(new Sent(item, phase));
                }
                // a completed frame ends its deadline; a frame started in the same read gets a new one
                if (framesCompleted || !referenceCodec.hasPartialFrame()) {
                    millisInPartialFrame = 0;
                }
            }
            channel.writeInbound(FuzzSupport.buffer(allocator, bytes, 0, bytes.length));
            channel.checkException();
        }

        void advance(long millis) {
            if (sent.isEmpty() && !referenceFatal) {
                millisBeforeFirstFrame += millis;
            }
            if (legacy() && referenceCodec.hasPartialFrame()) {
                millisInPartialFrame += millis;
                frameReadTimeoutPassed |= millisInPartialFrame >= FRAME_READ_TIMEOUT.toMillis();
            }
            channel.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
            channel.runScheduledPendingTasks();
        }

        void completeAuth(boolean accept) {
            CompletableFuture<AuthDecision> pending = authenticator.pending;
            if (pending != null && !pending.isDone()) {
                authCompleted = true;
                pending.complete(accept ? AuthDecision.accept()
                        : AuthDecision.badCredentials());
            }
        }

        void completeCall(boolean ok) {
            CompletableFuture<Object> call = slowCalls.poll();
            if (call != null) {
                if (ok) {
                    call.complete(Map.of("done", true));
                } else {
                    call.completeExceptionally(new IllegalStateException("too slow"));
                }
            }
        }

        void serverRequest(int which) {
            DeviceRequest request = switch (which) {
                case 0 -> DeviceRequest.run("temperature", null);
                case 1 -> DeviceRequest.run("$ota/options", Map.of("enabled", true));
                case 2 -> DeviceRequest.describe(null);
                case 3 -> DeviceRequest.describe("led");
                case 4 -> DeviceRequest.startStream("humidity", 5000,
                        sample -> CompletableFuture.completedFuture(null));
                case 5 -> DeviceRequest.startStream("led", 0, sample -> CompletableFuture.completedFuture(null));
                case 6 -> DeviceRequest.stopStream(observer.lastStartedStream());
                default -> DeviceRequest.streamData(observer.lastStartedStream(), 42);
            };
            requests.add(server.send(DEVICE_ID, request, Duration.ofHours(1)));
        }

        void serverEvent(int which) {
            switch (which) {
                case 0 -> server.topics().publish(USER, "cmd", "reboot", false);
                case 1 -> server.topics().raise(USER, "firmware", Map.of("version", "1.2.0"));
                default -> server.properties().set(DEVICE_ID, "config", Map.of("threshold", 30));
            }
        }

        void checkBounds() {
            EmbeddedDevicePipeline.LegacyTables tables = EmbeddedDevicePipeline.legacyTables(channel);
            if (tables == null) {
                return;
            }
            if (tables.serverEntries() > 2 * MAX_PENDING_REQUESTS) {
                throw new AssertionError("the legacy adapter holds " + tables.serverEntries()
                                         + " ids of server requests, beyond twice maxPendingRequests");
            }
            if (tables.pendingDeviceCalls() > MAX_IN_FLIGHT) {
                throw new AssertionError("the legacy adapter holds " + tables.pendingDeviceCalls()
                                         + " calls of the device, beyond maxInFlight");
            }
        }

        void drainOutput() {
            output.writeBytes(EmbeddedCodec.drainOutbound(channel));
        }

        void checkWhileConnected() {
            boolean open = channel.isOpen();
            byte[] bytes = output.toByteArray();
            if (firstByte != 0x01 && firstByte != 0x03) {
                boolean deadline = millisBeforeFirstFrame >= CONNECT_TIMEOUT.toMillis();
                if (bytes.length > 0 || ((firstByte >= 0 || deadline) && open)) {
                    throw new AssertionError("first byte " + firstByte + " is neither legacy nor IOTMP (or the"
                                             + " deadline passed), yet the server "
                                             + (open ? "kept the connection" : "sent " + Hex.format(bytes)));
                }
                return;
            }
            if (!legacy()) {
                return; // an IOTMP device: ServerConnectionFuzzTest checks its protocol
            }
            List<LegacyMessage> frames = StrictLegacyDecoder.frames(bytes);
            Object first = sent.isEmpty() ? null : sent.get(0).item();
            LegacyMessage auth = first instanceof LegacyMessage m && !m.keepAlive() && m.flag() == SignalFlag.AUTH
                    ? m : null;
            boolean okSent = !frames.isEmpty() && frames.get(0).flag() == SignalFlag.REQUEST_OK;

            if (auth == null) {
                if (!frames.isEmpty()) {
                    throw new AssertionError("the server sent " + frames + " although the device never got to send"
                                             + " an AUTH first; the device sent " + sent);
                }
                if (first != null && open) {
                    throw new AssertionError("the first frame " + first + " is not an AUTH, yet the connection is"
                                             + " open");
                }
            } else if (!frames.isEmpty()) {
                LegacyMessage answer = frames.get(0);
                if (answer.keepAlive() || !answer.flag().isAnswer() || answer.streamId() != 0
                    || answer.identifier() != null || answer.resource() != null || answer.payload() != null) {
                    throw new AssertionError("the first frame the server sent is " + answer + ", not the bare"
                                             + " answer to " + auth);
                }
                if (answer.flag() == SignalFlag.REQUEST_ERROR && (frames.size() > 1 || open)) {
                    throw new AssertionError("after refusing the AUTH the server sent " + frames
                                             + (open ? " and kept the connection open" : ""));
                }
                boolean good = List.of(USER, DEVICE, SECRET).equals(auth.resource());
                if (!authenticator.deferred && okSent != good) {
                    throw new AssertionError("the server answered " + answer + " to " + auth);
                }
            } else if (!authenticator.deferred || authCompleted) {
                if (open) {
                    throw new AssertionError("the AUTH " + auth + " was never answered");
                }
            }
            // while reading is paused (its handlers busy, here with calls of the device to itself that it never
            // answers) the server has not read the header yet, as it would not read the socket
            if (referenceFatal && open && !readingPaused()) {
                throw new AssertionError("an oversized or unreadable header did not close the connection");
            }
            if (millisBeforeFirstFrame >= CONNECT_TIMEOUT.toMillis() && (open || !frames.isEmpty())) {
                throw new AssertionError("the AUTH deadline passed, yet the connection "
                                         + (open ? "is open" : "got " + frames));
            }
            if (okSent) {
                checkSession(frames.subList(1, frames.size()), open);
            }
            int registered = okSent && open ? 1 : 0;
            if (server.registry().size() != registered) {
                throw new AssertionError("the device is " + (registered == 1 ? "connected with its OK but not"
                        : "registered though it is not connected with an OK") + " registered");
            }
        }

        /** Whether the server stopped reading the device because of the calls it has in flight. */
        boolean readingPaused() {
            return server.registry().session(DEVICE_ID).map(DeviceConnection::counters)
                    .map(SessionCounters::readingPaused).orElse(false);
        }

        /** What the server sent after its OK to the AUTH, against what the device sent once it could be served. */
        void checkSession(List<LegacyMessage> frames, boolean open) {
            // the legacy idle timeout is 105 s of virtual and as much real time: no execution reaches it
            if (!open && !referenceFatal && !frameReadTimeoutPassed) {
                throw new AssertionError("the server closed an authenticated legacy connection without a fatal"
                                         + " header or a frame left incomplete past the frame read timeout; the"
                                         + " device sent " + sent);
            }
            List<Sent> served = sent.stream().filter(s -> s.phase() == Phase.SERVED).toList();
            long keepAlives = served.stream().filter(Sent::keepAlive).count();
            long echoes = frames.stream().filter(LegacyMessage::keepAlive).count();
            // frames held back while reading is paused (handlers busy) are read later
            if (open && !readingPaused() ? echoes != keepAlives : echoes > keepAlives) {
                throw new AssertionError("the device sent " + keepAlives + " KEEP_ALIVE, the server sent "
                                         + echoes);
            }
            Map<Integer, Integer> callsById = new HashMap<>();
            int propertyReads = 0;
            for (Sent s : served) {
                LegacyMessage m = s.message();
                if (m == null) {
                    continue;
                }
                switch (m.flag()) {
                    case CALL_ENDPOINT, CALL_DEVICE, BUCKET_DATA, SET_PROPERTY -> {
                        if (m.hasStreamId()) {
                            callsById.merge(m.streamId(), 1, Integer::sum);
                        }
                    }
                    case GET_PROPERTY -> propertyReads++;
                    default -> {
                    }
                }
            }
            Map<Integer, Integer> answersById = new HashMap<>();
            for (LegacyMessage frame : frames) {
                if (frame.keepAlive()) {
                    continue;
                }
                switch (frame.flag()) {
                    case REQUEST_OK, REQUEST_ERROR -> {
                        int answers = answersById.merge(frame.streamId(), 1, Integer::sum);
                        int asked = frame.hasStreamId() ? callsById.getOrDefault(frame.streamId(), 0)
                                : propertyReads;
                        if (answers > asked) {
                            throw new AssertionError("the server sent " + frame + ", answer " + answers + " to "
                                                     + asked + " call(s) that asked for one; the device sent "
                                                     + sent);
                        }
                        if (frame.payload() != null
                            && (frame.hasStreamId() || frame.flag() == SignalFlag.REQUEST_ERROR)) {
                            throw new AssertionError("only the answer to a GET_PROPERTY carries a value: " + frame);
                        }
                        if (frame.identifier() != null || frame.resource() != null) {
                            throw new AssertionError("an answer with an identifier or resource: " + frame);
                        }
                    }
                    case RUN, START_STREAM, STOP_STREAM -> {
                        if (!frame.hasStreamId() || frame.path() == null || frame.identifier() != null) {
                            throw new AssertionError("a request a legacy device cannot answer: " + frame);
                        }
                        if (frame.flag() != SignalFlag.RUN && frame.payload() != null
                            && !(frame.payload() instanceof Number n && n.longValue() > 0)) {
                            throw new AssertionError("a stream request with a payload other than an interval: "
                                                     + frame);
                        }
                    }
                    default -> throw new AssertionError("the server sent " + frame
                                                        + ", which no legacy server sends");
                }
            }
        }

        void checkAfterClose() {
            if (legacy()) {
                StrictLegacyDecoder.frames(output.toByteArray());
            }
            ServerConnectionFuzzTest.checkClosed(observer, server, requests);
        }
    }

    /**
     * A decoder as strict as the devices' library: only MESSAGE frames and the exact KEEP_ALIVE {@code 02 00}; in a
     * MESSAGE the fields the library writes, in its order, each once: stream id 1..65535, flag 1..12 (0 is left
     * out), then identifier, resource and payload as one PSON v1 value each.
     */
    static final class StrictLegacyDecoder {

        private static final int[] KEYS = { 0x08, 0x10, 0x1E, 0x26, 0x36 };

        private StrictLegacyDecoder() {
        }

        static List<LegacyMessage> frames(byte[] bytes) {
            ByteBuf in = Unpooled.wrappedBuffer(bytes);
            List<LegacyMessage> frames = new ArrayList<>();
            while (in.isReadable()) {
                int start = in.readerIndex();
                long type = readVarint(in, bytes);
                long size = readVarint(in, bytes);
                if (size > in.readableBytes()) {
                    throw new AssertionError("the server sent a truncated frame at " + start + ": "
                                             + Hex.format(bytes));
                }
                if (type == LegacyFrames.TYPE_KEEP_ALIVE && size == 0) {
                    frames.add(LegacyMessage.KEEP_ALIVE);
                    continue;
                }
                if (type != LegacyFrames.TYPE_MESSAGE) {
                    throw new AssertionError("the server sent a frame of type " + type + " and size " + size
                                             + ", which a legacy device cannot skip: " + Hex.format(bytes));
                }
                ByteBuf body = in.readSlice((int) size);
                checkLayout(body.duplicate(), bytes);
                try {
                    frames.add(LegacyFrames.decodeBody(body, body.readerIndex(), body.writerIndex(),
                            PsonFormat.DEFAULT_MAX_DEPTH, Long.MAX_VALUE));
                } catch (IotmpDecodeException e) {
                    throw new AssertionError("the server sent a MESSAGE a device cannot decode (" + e.getMessage()
                                             + "): " + Hex.format(bytes), e);
                }
            }
            return frames;
        }

        private static void checkLayout(ByteBuf body, byte[] all) {
            int next = 0;
            while (body.isReadable()) {
                int key = (int) readVarint(body, all);
                int index = next;
                while (index < KEYS.length && KEYS[index] != key) {
                    index++;
                }
                if (index == KEYS.length) {
                    throw new AssertionError("field key 0x" + Integer.toHexString(key) + " out of the devices'"
                                             + " order, repeated or unknown: " + Hex.format(all));
                }
                next = index + 1;
                if (key == 0x08 || key == 0x10) {
                    long value = readVarint(body, all);
                    long max = key == 0x08 ? LegacyFrames.MAX_STREAM_ID : SignalFlag.SET_PROPERTY.code();
                    if (value < 1 || value > max) {
                        throw new AssertionError("field 0x" + Integer.toHexString(key) + " = " + value + ": "
                                                 + Hex.format(all));
                    }
                } else {
                    try {
                        PsonFormat.V1.decode(body, PsonFormat.DEFAULT_MAX_DEPTH);
                    } catch (IotmpDecodeException e) {
                        throw new AssertionError("a PSON v1 value a device cannot read (" + e.getMessage()
                                                 + "): " + Hex.format(all), e);
                    }
                }
            }
        }

        private static long readVarint(ByteBuf in, byte[] all) {
            long value = Varint.peek(in, in.readerIndex(), in.writerIndex(), Varint.MAX_BYTES_64, 0);
            if (value < 0) {
                throw new AssertionError("the server sent a truncated varint: " + Hex.format(all));
            }
            in.skipBytes(Varint.size(value));
            return value;
        }
    }

    // ---- seeds (written to LegacyServerConnectionFuzzTestInputs/connection by SeedCorpusTest)

    /** Builds an input: {@code deferred} authentication, then actions. */
    static final class Script {
        private final FuzzSupport.FdpInput input = new FuzzSupport.FdpInput();

        Script(boolean deferredAuth) {
            input.bool(deferredAuth);
        }

        /** Feeds the bytes, in reads of at most {@value #MAX_CHUNK} bytes. */
        Script send(byte[] bytes) {
            input.feeds(bytes, FEED, COMPLETE_CALL, MAX_CHUNK);
            return this;
        }

        Script send(String hex) {
            return send(Hex.bytes(hex));
        }

        Script send(LegacyMessage message) {
            return send(encode(message));
        }

        Script advance(int tenthsOfSeconds) {
            input.intInRange(ADVANCE_TIME, FEED, COMPLETE_CALL).intInRange(tenthsOfSeconds, 0, 255);
            return this;
        }

        Script completeAuth(boolean accept) {
            input.intInRange(COMPLETE_AUTH, FEED, COMPLETE_CALL).bool(accept);
            return this;
        }

        Script request(int which) {
            input.intInRange(SERVER_REQUEST, FEED, COMPLETE_CALL).intInRange(which, 0, LAST_REQUEST);
            return this;
        }

        Script event(int which) {
            input.intInRange(SERVER_EVENT, FEED, COMPLETE_CALL).intInRange(which, 0, 2);
            return this;
        }

        Script completeCall(boolean ok) {
            input.intInRange(COMPLETE_CALL, FEED, COMPLETE_CALL).bool(ok);
            return this;
        }

        byte[] build() {
            return input.build();
        }
    }

    static byte[] encode(LegacyMessage message) {
        ByteBuf buf = Unpooled.buffer();
        LegacyFrames.encode(message, buf);
        byte[] bytes = new byte[buf.readableBytes()];
        buf.readBytes(bytes);
        return bytes;
    }

    private static byte[] row(String id) {
        return LegacyVectors.row(id).bytes();
    }

    private static LegacyMessage ok(int id) {
        return LegacyMessage.ok(id, null);
    }

    private static LegacyMessage sample(int id, Object payload) {
        return LegacyMessage.of(SignalFlag.STREAM_SAMPLE, id, null, payload);
    }

    private static LegacyMessage call(SignalFlag flag, int id, String identifier, Object resource, Object payload) {
        return LegacyMessage.service(flag, id, identifier, resource, payload);
    }

    /** Frames a legacy codec must survive, before and after the AUTH. */
    static Map<String, String> malformedFrames() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("header-type-only", "01");
        m.put("header-truncated-size", "01 80");
        m.put("header-size-6-byte-varint", "01 80 80 80 80 80 01");
        m.put("header-size-over-limit", "01 81 20");
        m.put("header-size-256MiB", "01 FF FF FF 7F");
        m.put("keepalive-with-body", "02 02 08 01");
        m.put("unknown-type-3-then-keepalive", "03 02 08 01 02 00");
        m.put("unknown-type-0-then-keepalive", "00 01 FF 02 00");
        m.put("empty-message", "01 00");
        m.put("wire-type-3", "01 04 10 0A 0B 00");
        m.put("wire-type-4", "01 04 10 0A 0C 00");
        m.put("wire-type-7", "01 04 10 0A 0F 00");
        m.put("pson-in-unknown-field-5", "01 06 10 0A 2E 4A 01 78");
        m.put("unknown-flag-13", "01 02 10 0D");
        m.put("flag-2-64", "01 0B 10 FF FF FF FF FF FF FF FF FF 01");
        m.put("stream-id-70000", "01 06 08 F0 A2 04 10 0A");
        m.put("stream-id-11-byte-varint", "01 0D 08 FF FF FF FF FF FF FF FF FF FF 01 10 0A");
        m.put("key-truncated", "01 01 80");
        m.put("pson-truncated-string", "01 05 10 0A 1E 4A 05");
        m.put("pson-bad-tag", "01 04 10 0A 36 7F");
        m.put("pson-map-count-beyond", "01 06 10 0A 36 6A 7F 01");
        m.put("pson-depth-bomb-40", "01 " + String.format("%02X", 3 + 2 * 40) + " 10 0A 36 "
                                     + SeedNames.depthBombV1(40));
        m.put("unknown-fields-skipped", "01 15 28 05 3A 02 68 69 45 01 02 03 04 49 01 02 03 04 05 06 07 08 10 0A");
        m.put("body-shorter-than-size", "01 10 10 0A");
        m.put("two-frames-second-malformed", "02 00 01 04 10 0A 0B 00 02 00");
        return m;
    }

    /** A describe answer of few bytes whose joined paths take far more than the decoded bytes allowed. */
    private static Object describeBomb() {
        Map<String, Object> leaves = new LinkedHashMap<>();
        for (int i = 0; i < 100; i++) {
            leaves.put("l" + i, Map.of("fn", 1L));
        }
        Object tree = leaves;
        for (int level = 0; level < 6; level++) {
            tree = Map.of("k".repeat(100) + level, Map.of("/", tree));
        }
        return tree;
    }

    static Map<String, byte[]> seeds() {
        List<LegacyVectors.Row> rows = LegacyVectors.load();
        byte[] auth = row("L01");
        String keepAlive = "02 00";
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        seeds.put("auth-ok", new Script(false).send(auth).build());
        seeds.put("auth-ok-keepalive", new Script(false).send(auth).send(keepAlive).send(keepAlive).build());
        seeds.put("auth-ok-split", new Script(false).send(Arrays.copyOf(auth, 5))
                .send(Arrays.copyOfRange(auth, 5, auth.length)).send(keepAlive).build());
        seeds.put("auth-wrong-credentials", new Script(false)
                .send(LegacyMessage.auth(USER, DEVICE, "wrong")).build());
        seeds.put("auth-two-strings", new Script(false)
                .send(LegacyMessage.of(SignalFlag.AUTH, 0, List.of(USER, DEVICE), null)).build());
        seeds.put("auth-string-resource", new Script(false)
                .send(LegacyMessage.of(SignalFlag.AUTH, 0, USER, null)).build());
        seeds.put("auth-without-resource", new Script(false).send("01 02 10 05").build());
        seeds.put("auth-with-stream-id", new Script(false)
                .send(LegacyMessage.of(SignalFlag.AUTH, 7, List.of(USER, DEVICE, SECRET), null)).build());
        seeds.put("auth-long-device-id", new Script(false)
                .send(LegacyMessage.auth(USER, "d".repeat(200), SECRET)).build());
        seeds.put("auth-deadline", new Script(false).advance(101).send(auth).build());
        seeds.put("auth-partial-then-deadline", new Script(false).send(Arrays.copyOf(auth, 9))
                .advance(101).build());
        seeds.put("auth-deferred-accepted", new Script(true).send(auth).send(keepAlive).completeAuth(true)
                .send(keepAlive).build());
        seeds.put("auth-deferred-refused", new Script(true).send(auth).completeAuth(false).build());
        seeds.put("auth-deferred-calls-behind", new Script(true).send(auth)
                .send(call(SignalFlag.BUCKET_DATA, 5, "temps", null, 1L))
                .send(call(SignalFlag.GET_PROPERTY, 0, "config", null, null))
                .completeAuth(true).send(call(SignalFlag.BUCKET_DATA, 6, "temps", null, 2L)).send(keepAlive)
                .build());
        seeds.put("auth-twice", new Script(false).send(auth).send(auth).send(keepAlive).build());
        seeds.put("keepalive-first", new Script(false).send(keepAlive).send(auth).build());
        seeds.put("call-first", new Script(false).send(row("L33")).send(auth).build());
        seeds.put("iotmp-connect", new Script(false).send("03 18 08 B4 24 1A E3 85 61 6C 69 63 65 85 65 73 70 33 32"
                                                          + " 86 73 33 63 72 33 74").send("05 00").build());
        seeds.put("tls-client-hello", new Script(false).send("16 03 01 00 05 01 00 00 01 00").build());
        for (LegacyVectors.Row row : rows) {
            seeds.put(SeedNames.of("before-auth", row.id()), new Script(false).send(row.bytes()).send(auth).build());
            seeds.put(SeedNames.of("after-auth", row.id()), new Script(false).send(auth).send(row.bytes())
                    .send(keepAlive).build());
        }
        for (Map.Entry<String, String> malformed : malformedFrames().entrySet()) {
            seeds.put(SeedNames.of("before-auth-malformed", malformed.getKey()),
                    new Script(false).send(malformed.getValue()).send(auth).build());
            seeds.put(SeedNames.of("after-auth-malformed", malformed.getKey()),
                    new Script(false).send(auth).send(malformed.getValue()).send(keepAlive).build());
        }
        // a whole session: the subscription's stream (legacy id 1), the server's requests (ids 2 on), the calls
        seeds.put("session", new Script(false).send(auth)
                .send(ok(1)).send(sample(1, Map.of("out", 23.5f)))
                .request(0).send(LegacyMessage.ok(2, Map.of("celsius", 23.5f)))
                .request(2).send(new LegacyMessage(false, 3, SignalFlag.REQUEST_OK, null, null,
                        LegacyVectors.row("L05").message().payload()))
                .request(3).send(LegacyMessage.ok(4, Map.of("in", false)))
                .request(4).send(ok(5)).send(sample(5, Map.of("out", 61L)))
                .request(5).send(ok(6)).send(LegacyMessage.of(SignalFlag.STREAM_EVENT, 6, null, Map.of("in", true)))
                .request(6).send(ok(6))
                .request(1).send(LegacyMessage.error(7))
                .request(7)
                .send(row("L30")).send(row("L31")).send(row("L33"))
                .send(row("L34")).send(row("L35")).send(row("L37"))
                .send(call(SignalFlag.CALL_ENDPOINT, 77, "slow", null, 1L)).completeCall(true)
                .send(call(SignalFlag.CALL_ENDPOINT, 0, "slow", null, 2L)).completeCall(false)
                .send(call(SignalFlag.CALL_ENDPOINT, 78, "alert", null, null))
                .event(0).event(1).event(2)
                .send(keepAlive).build());
        seeds.put("call-device-self", new Script(false).send(auth)
                .send(call(SignalFlag.CALL_DEVICE, 9, DEVICE, List.of("relay"), true))
                .send(LegacyMessage.ok(2, null)).send(keepAlive).build());
        seeds.put("get-property-set-first", new Script(false).send(auth)
                .send(call(SignalFlag.SET_PROPERTY, 3, "config", null, Map.of("threshold", 31L)))
                .send(call(SignalFlag.GET_PROPERTY, 0, "config", null, null))
                .send(call(SignalFlag.GET_PROPERTY, 0, "missing", null, null)).send(keepAlive).build());
        seeds.put("slow-calls-over-in-flight", slowCalls());
        seeds.put("server-requests-unanswered", unansweredRequests());
        seeds.put("stale-samples", new Script(false).send(auth).send(sample(500, 1L)).send(sample(1, 2L))
                .send(ok(1)).send(sample(1, 3L)).send(LegacyMessage.ok(500, null)).send(keepAlive).build());
        seeds.put("describe-bomb", new Script(false).send(auth).request(2)
                .send(new LegacyMessage(false, 2, SignalFlag.REQUEST_OK, null, null, describeBomb()))
                .send(keepAlive).build());
        seeds.put("device-requests-ignored", new Script(false).send(auth)
                .send(LegacyMessage.of(SignalFlag.RUN, 3, List.of("led"), true))
                .send(LegacyMessage.of(SignalFlag.START_STREAM, 4, List.of("led"), 1000L))
                .send(LegacyMessage.of(SignalFlag.STOP_STREAM, 4, List.of("led"), null))
                .send(LegacyMessage.of(SignalFlag.AUTH, 0, List.of(USER, DEVICE, SECRET), null))
                .send(keepAlive).build());
        return seeds;
    }

    private static byte[] slowCalls() {
        Script script = new Script(false).send(row("L01"));
        StringBuilder calls = new StringBuilder();
        for (int id = 10; id < 18; id++) {
            calls.append(Hex.format(encode(call(SignalFlag.CALL_ENDPOINT, id, "slow", null, (long) id)))).append(' ');
        }
        script.send(calls.append("02 00").toString());
        for (int i = 0; i < 8; i++) {
            script.completeCall(i % 2 == 0);
        }
        return script.send("02 00").build();
    }

    private static byte[] unansweredRequests() {
        Script script = new Script(false).send(row("L01")).send(ok(1));
        for (int i = 0; i < 6; i++) {
            script.request(4).request(6).request(0);
        }
        return script.send("02 00").build();
    }
}
