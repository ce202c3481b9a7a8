package io.cameliotmp.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpFrameCodec;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.protocol.MalformedFrame;
import io.cameliotmp.protocol.MessageType;
import io.cameliotmp.protocol.PsonFormat;
import io.cameliotmp.protocol.session.ServiceCode;
import io.cameliotmp.server.AuthDecision;
import io.cameliotmp.server.AuthRequest;
import io.cameliotmp.server.DeviceAuthenticator;
import io.cameliotmp.server.DeviceFilter;
import io.cameliotmp.server.DeviceId;
import io.cameliotmp.server.DeviceReply;
import io.cameliotmp.server.DeviceRequest;
import io.cameliotmp.server.EmbeddedDevicePipeline;
import io.cameliotmp.server.IotmpServer;
import io.cameliotmp.server.IotmpServerConfig;
import io.cameliotmp.server.StreamListener;
import io.cameliotmp.server.StreamSample;
import io.cameliotmp.testing.EmbeddedCodec;
import io.cameliotmp.testing.Hex;
import io.cameliotmp.testing.IotmpVectors;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.util.HashedWheelTimer;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Fuzzes the server's connection state machine ({@code DeviceConnection}) through the real device pipeline of an
 * {@link IotmpServer} (codec, flow gate, session) on an {@link EmbeddedChannel}, built by
 * {@link EmbeddedDevicePipeline}. Each execution gets its own server (never started: no socket, no thread, no state
 * shared with the previous execution) with a server resource {@code echo}, a failing resource {@code boom}, a bucket
 * and an endpoint route, and a subscription to {@code temperature} of every device, so that a CONNECT that succeeds
 * is followed by a START_STREAM the input can answer. The credentials are those of vector F4
 * ({@code alice/esp32/s3cr3t}).
 * <p>
 * The input is a sequence of actions: feed the next bytes as one read, advance virtual time (the CONNECT deadline is
 * 10 s), complete a pending authentication (accept or refuse; the authenticator answers at once or only then), let
 * the server send a request (RUN, DESCRIBE, START_STREAM, STOP_STREAM) or publish an event, topic message or property.
 * A second codec, fed the same bytes, tells which frames the device sent. Checks:
 * <ul>
 * <li>no exception reaches the end of the pipeline, no write fails except on a closed channel, no buffer leaks;</li>
 * <li>the server sends nothing before its answer to the CONNECT, which is OK or ERROR with the CONNECT's stream id;
 * after an ERROR it sends nothing and closes;</li>
 * <li>a first frame that is not a CONNECT, a malformed first frame, an oversized header or the CONNECT deadline close
 * the connection without a byte sent;</li>
 * <li>once the device has its OK, the connection is closed only for a DISCONNECT or a fatal header error, and is
 * closed for those; every KEEP_ALIVE is echoed once and the server sends none of its own;</li>
 * <li>every frame the server sent decodes with a strict device decoder of the connection's generation;</li>
 * <li>a device is registered exactly while it is connected and authenticated, and every server request has
 * completed once the connection is closed.</li>
 * </ul>
 */
class ServerConnectionFuzzTest {

    static final String USER = "alice";
    static final String DEVICE = "esp32";
    static final String SECRET = "s3cr3t";
    static final DeviceId DEVICE_ID = new DeviceId(USER, DEVICE);

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** A small limit, so that oversized headers are easy to reach. */
    static final int MAX_FRAME_SIZE = 4096;
    static final int MAX_CHUNK = 255;

    static final int FEED = 0;
    static final int ADVANCE_TIME = 1;
    static final int COMPLETE_AUTH = 2;
    static final int SERVER_REQUEST = 3;
    static final int SERVER_EVENT = 4;

    private static HashedWheelTimer timer;

    @BeforeAll
    static void startTimer() {
        timer = new HashedWheelTimer(new DefaultThreadFactory("fuzz-timer", true), 10, TimeUnit.MILLISECONDS);
    }

    @AfterAll
    static void stopTimer() {
        timer.stop();
    }

    @FuzzTest(maxDuration = "5m")
    void connection(FuzzedDataProvider data) {
        new Execution(data.consumeBoolean()).run(data);
    }

    /**
     * An authenticator that answers at once (accepting only F4's credentials) or, deferred, when the input says so
     * (accepting or refusing whatever was presented).
     */
    static final class Authenticator implements DeviceAuthenticator {
        final boolean deferred;
        CompletableFuture<AuthDecision> pending;

        Authenticator(boolean deferred) {
            this.deferred = deferred;
        }

        @Override
        public CompletionStage<AuthDecision> authenticate(AuthRequest request) {
            boolean good = USER.equals(request.user()) && DEVICE.equals(request.device())
                           && SECRET.equals(request.credential());
            if (!deferred) {
                return CompletableFuture.completedFuture(good ? AuthDecision.accept() : AuthDecision.badCredentials());
            }
            pending = new CompletableFuture<>();
            return pending;
        }
    }

    /**
     * Records what the session writes, before the codec (or the legacy adapter) encodes it, and every write that
     * failed; shared with {@link LegacyServerConnectionFuzzTest}.
     */
    static final class WriteObserver extends ChannelOutboundHandlerAdapter {
        final List<IotmpMessage> written = new ArrayList<>();
        final List<Throwable> failures = new ArrayList<>();

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (msg instanceof IotmpMessage message) {
                written.add(message);
            }
            ctx.write(msg, promise.unvoid()).addListener(f -> {
                if (!f.isSuccess() && !(f.cause() instanceof ClosedChannelException)) {
                    failures.add(f.cause());
                }
            });
        }

        /** The id of the latest START_STREAM the session wrote, or 1 if none (a request for a stream never opened). */
        int lastStartedStream() {
            for (int i = written.size() - 1; i >= 0; i--) {
                if (written.get(i).type() == MessageType.START_STREAM) {
                    return written.get(i).streamId();
                }
            }
            return 1;
        }
    }

    /**
     * What must hold of a server's connection once closed, whatever the protocol: no write failed but on the closed
     * channel, nothing registered, every request of the server completed.
     */
    static void checkClosed(WriteObserver observer, IotmpServer server, List<CompletableFuture<DeviceReply>> requests) {
        if (!observer.failures.isEmpty()) {
            AssertionError error = new AssertionError("writes failed: " + observer.failures);
            observer.failures.forEach(error::addSuppressed);
            throw error;
        }
        if (server.registry().size() != 0) {
            throw new AssertionError("a closed connection is still registered");
        }
        for (CompletableFuture<DeviceReply> request : requests) {
            if (!request.isDone()) {
                throw new AssertionError("a server request is still pending after the connection closed");
            }
        }
    }

    /** One frame the device sent, as the reference codec saw it, and whether the session was authenticating. */
    record Sent(Object item, boolean whileAuthenticating) {
        boolean is(MessageType type) {
            return item instanceof IotmpMessage m && m.type() == type;
        }
    }

    static final class Execution {
        final Authenticator authenticator;
        final IotmpServer server;
        final UnpooledByteBufAllocator allocator = FuzzSupport.countingAllocator();
        final EmbeddedChannel channel;
        final IotmpFrameCodec codec;
        final WriteObserver observer = new WriteObserver();
        final EmbeddedChannel reference;
        final List<Sent> sent = new ArrayList<>();
        final List<CompletableFuture<DeviceReply>> requests = new ArrayList<>();
        final ByteArrayOutputStream output = new ByteArrayOutputStream();
        boolean referenceFatal;
        boolean authCompleted;
        long millisBeforeFirstFrame;
        long millisAfterConnect;

        Execution(boolean deferredAuth) {
            authenticator = new Authenticator(deferredAuth);
            IotmpServerConfig config = IotmpServerConfig.builder()
                    .host("127.0.0.1").port(0).ioThreads(1).workerThreads(0)
                    .connectTimeout(CONNECT_TIMEOUT)
                    .requestTimeout(Duration.ofHours(1))
                    .maxFrameSize(MAX_FRAME_SIZE)
                    .authenticator(authenticator)
                    .nativeTransport(false)
                    .build();
            server = EmbeddedDevicePipeline.unstartedServer(config, timer);
            server.calls().registerResource("echo", call -> CompletableFuture.completedFuture(call.payload()));
            server.calls().registerResource("boom", call -> {
                throw new IllegalStateException("boom");
            });
            server.calls().registerService(ServiceCode.WRITE_BUCKET, "*",
                    call -> CompletableFuture.completedFuture(null));
            server.calls().registerService(ServiceCode.CALL_ENDPOINT, "alert",
                    call -> CompletableFuture.failedFuture(new IllegalArgumentException("no alerts today")));
            server.subscriptions().subscribe(new DeviceFilter(DeviceFilter.ANY, DeviceFilter.ANY), "temperature", 0,
                    new StreamListener() {
                        @Override
                        public CompletionStage<Void> onSample(StreamSample sample) {
                            return CompletableFuture.completedFuture(null);
                        }
                    });
            channel = EmbeddedDevicePipeline.connect(server, allocator);
            codec = (IotmpFrameCodec) channel.pipeline().get("codec");
            channel.pipeline().addAfter("codec", "fuzz-observer", observer);
            reference = new EmbeddedChannel(new IotmpFrameCodec(Generation.GEN2, true, MAX_FRAME_SIZE,
                    PsonFormat.DEFAULT_MAX_DEPTH));
            reference.config().setAllocator(allocator);
        }

        void run(FuzzedDataProvider data) {
            try {
                while (data.remainingBytes() > 0 && channel.isOpen()) {
                    switch (data.consumeInt(FEED, SERVER_EVENT)) {
                        case FEED -> feed(data.consumeBytes(data.consumeInt(1, MAX_CHUNK)));
                        case ADVANCE_TIME -> advance(data.consumeInt(0, 255) * 100L);
                        case COMPLETE_AUTH -> completeAuth(data.consumeBoolean());
                        case SERVER_REQUEST -> serverRequest(data.consumeInt(0, 4));
                        default -> serverEvent(data.consumeInt(0, 2));
                    }
                    channel.runPendingTasks();
                }
                drainOutput();
                checkWhileConnected();
                channel.close();
                channel.runPendingTasks();
                drainOutput();
                channel.checkException();
                checkAfterClose();
            } finally {
                channel.finishAndReleaseAll();
                reference.finishAndReleaseAll();
            }
            FuzzSupport.assertAllReleased(allocator, "the device pipeline");
        }

        void feed(byte[] bytes) {
            if (bytes.length == 0) {
                return;
            }
            boolean authenticating = authenticator.deferred && !authCompleted;
            try {
                reference.writeInbound(FuzzSupport.buffer(allocator, bytes, 0, bytes.length));
            } catch (DecoderException e) {
                referenceFatal = true;
            }
            for (Object item = reference.readInbound(); item != null; item = reference.readInbound()) {
                // frames after the CONNECT are dropped while an authentication is pending
                boolean afterConnect = sent.stream().anyMatch(s -> s.is(MessageType.CONNECT));
                sent.add(new Sent(item, authenticating && afterConnect));
            }
            channel.writeInbound(FuzzSupport.buffer(allocator, bytes, 0, bytes.length));
            channel.checkException();
        }

        void advance(long millis) {
            if (sent.isEmpty() && !referenceFatal) {
                millisBeforeFirstFrame += millis;
            } else {
                millisAfterConnect += millis;
            }
            channel.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
            channel.runScheduledPendingTasks();
        }

        void completeAuth(boolean accept) {
            CompletableFuture<AuthDecision> pending = authenticator.pending;
            if (pending != null && !pending.isDone()) {
                authCompleted = true;
                pending.complete(accept ? AuthDecision.accept() : AuthDecision.badCredentials());
            }
        }

        void serverRequest(int which) {
            DeviceRequest request = switch (which) {
                case 0 -> DeviceRequest.run("temperature", null);
                case 1 -> DeviceRequest.run("led", Map.of("state", true));
                case 2 -> DeviceRequest.describe(null);
                case 3 -> DeviceRequest.startStream("humidity", 5000,
                        sample -> CompletableFuture.completedFuture(null));
                default -> DeviceRequest.stopStream(observer.lastStartedStream());
            };
            requests.add(server.send(DEVICE_ID, request, Duration.ofHours(1)));
        }

        void serverEvent(int which) {
            switch (which) {
                case 0 -> server.topics().publish(USER, "cmd", "reboot", false);
                case 1 -> server.topics().raise(USER, "firmware", Map.of("version", "1.2.0"));
                default -> server.properties().set(DEVICE_ID, "threshold", 45);
            }
        }

        void drainOutput() {
            output.writeBytes(EmbeddedCodec.drainOutbound(channel));
        }

        /** The frames the server sent, decoded as a strict device of the connection's generation would. */
        List<IotmpMessage> serverFrames() {
            byte[] bytes = output.toByteArray();
            List<IotmpMessage> frames = new ArrayList<>();
            IotmpFrameCodec strict = new IotmpFrameCodec(codec.generation(), false, Integer.MAX_VALUE,
                    PsonFormat.DEFAULT_MAX_DEPTH);
            EmbeddedChannel device = new EmbeddedChannel(strict);
            try {
                device.writeInbound(io.netty.buffer.Unpooled.wrappedBuffer(bytes));
                for (Object item = device.readInbound(); item != null; item = device.readInbound()) {
                    if (item instanceof MalformedFrame malformed) {
                        throw new AssertionError("the server sent a frame a " + codec.generation()
                                                 + " device cannot decode: " + malformed + " in " + Hex.format(bytes));
                    }
                    frames.add((IotmpMessage) item);
                }
                if (strict.hasPartialFrame()) {
                    throw new AssertionError("the server sent a truncated frame: " + Hex.format(bytes));
                }
            } finally {
                device.finishAndReleaseAll();
            }
            return frames;
        }

        void checkWhileConnected() {
            List<IotmpMessage> frames = serverFrames();
            boolean open = channel.isOpen();
            Object first = sent.isEmpty() ? null : sent.get(0).item();
            IotmpMessage connect = first instanceof IotmpMessage m && m.type() == MessageType.CONNECT ? m : null;
            boolean okSent = !frames.isEmpty() && frames.get(0).type() == MessageType.OK;

            if (connect == null) {
                if (!frames.isEmpty()) {
                    throw new AssertionError("the server sent " + frames + " although the device never got to send a"
                                             + " CONNECT first; the device sent " + sent);
                }
                if (first != null && open) {
                    throw new AssertionError("the first frame " + first + " is not a CONNECT, yet the connection is"
                                             + " open");
                }
            } else if (!frames.isEmpty()) {
                IotmpMessage answer = frames.get(0);
                if (!answer.type().isResponse() || answer.streamId() != connect.streamId()) {
                    throw new AssertionError("the first frame the server sent is " + answer + ", not the answer to "
                                             + connect);
                }
                if (answer.type() == MessageType.ERROR && (frames.size() > 1 || open)) {
                    throw new AssertionError("after refusing the CONNECT the server sent " + frames
                                             + (open ? " and kept the connection open" : ""));
                }
            } else if (!authenticator.deferred || authCompleted) {
                if (open) {
                    throw new AssertionError("the CONNECT " + connect + " was never answered");
                }
            }
            if (referenceFatal && open) {
                throw new AssertionError("an oversized or unreadable header did not close the connection");
            }
            if (millisBeforeFirstFrame >= CONNECT_TIMEOUT.toMillis() && (open || !frames.isEmpty())) {
                throw new AssertionError("the CONNECT deadline passed, yet the connection "
                                         + (open ? "is open" : "got " + frames));
            }
            if (okSent) {
                List<Sent> active = sent.subList(1, sent.size()).stream().filter(s -> !s.whileAuthenticating())
                        .toList();
                boolean disconnect = active.stream().anyMatch(s -> s.is(MessageType.DISCONNECT));
                // the idle timeout needs virtual time to pass (its check is scheduled) and as much real time; a
                // CONNECT may ask for a keep-alive of 1 s, so a slow execution could see it
                boolean idle = millisAfterConnect >= 1000;
                if (!open && !disconnect && !referenceFatal && !idle) {
                    throw new AssertionError("the server closed an authenticated connection without a DISCONNECT or"
                                             + " a fatal header; the device sent " + sent);
                }
                if (open && disconnect) {
                    throw new AssertionError("the device sent DISCONNECT but the connection is open");
                }
                long keepAlives = active.stream().filter(s -> s.is(MessageType.KEEP_ALIVE)).count();
                long echoes = frames.stream().filter(f -> f.type() == MessageType.KEEP_ALIVE).count();
                if (open ? echoes != keepAlives : echoes > keepAlives) {
                    throw new AssertionError("the device sent " + keepAlives + " KEEP_ALIVE, the server sent "
                                             + echoes);
                }
                // the deferred authenticator accepts whatever device the input names, so count registrations
                if (server.registry().size() != (open ? 1 : 0)) {
                    throw new AssertionError("the device is " + (open ? "connected but not registered"
                            : "registered though its connection is closed"));
                }
            } else if (server.registry().size() != 0) {
                throw new AssertionError("the device is registered without having had its OK");
            }
        }

        void checkAfterClose() {
            serverFrames();
            checkClosed(observer, server, requests);
        }
    }

    // ---- seeds (written to ServerConnectionFuzzTestInputs/connection by SeedCorpusTest)

    /** Builds an input: {@code deferred} authentication, then actions. */
    static final class Script {
        private final FuzzSupport.FdpInput input = new FuzzSupport.FdpInput();

        Script(boolean deferredAuth) {
            input.bool(deferredAuth);
        }

        /** Feeds the bytes, in reads of at most {@value #MAX_CHUNK} bytes. */
        Script send(byte[] bytes) {
            input.feeds(bytes, FEED, SERVER_EVENT, MAX_CHUNK);
            return this;
        }

        Script send(String hex) {
            return send(Hex.bytes(hex));
        }

        Script advance(int tenthsOfSeconds) {
            input.intInRange(ADVANCE_TIME, FEED, SERVER_EVENT).intInRange(tenthsOfSeconds, 0, 255);
            return this;
        }

        Script completeAuth(boolean accept) {
            input.intInRange(COMPLETE_AUTH, FEED, SERVER_EVENT).bool(accept);
            return this;
        }

        Script request(int which) {
            input.intInRange(SERVER_REQUEST, FEED, SERVER_EVENT).intInRange(which, 0, 4);
            return this;
        }

        Script event(int which) {
            input.intInRange(SERVER_EVENT, FEED, SERVER_EVENT).intInRange(which, 0, 2);
            return this;
        }

        byte[] build() {
            return input.build();
        }
    }

    static Map<String, byte[]> seeds() {
        IotmpVectors vectors = IotmpVectors.load();
        String connect = Hex.format(vectors.bytes("F4"));
        String connectWithParams = Hex.format(vectors.bytes("F5"));
        String gen1Connect = "03 18 08 01 10 01 19 72 11 4A 04 75 73 65 72 4A 03 64 65 76 4A 04 70 61 73 73";
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        seeds.put("connect-ok", new Script(false).send(connect).build());
        seeds.put("connect-with-params", new Script(false).send(connectWithParams).build());
        seeds.put("connect-gen1-refused", new Script(false).send(gen1Connect).build());
        seeds.put("connect-wrong-credentials", new Script(false)
                .send(encode(IotmpMessage.connect(0x1234, USER, DEVICE, "wrong"))).build());
        seeds.put("connect-deadline", new Script(false).advance(101).send(connect).build());
        seeds.put("connect-deferred-accepted", new Script(true).send(connect).send("05 00").completeAuth(true)
                .send("05 00").build());
        seeds.put("connect-deferred-refused", new Script(true).send(connect).completeAuth(false).build());
        seeds.put("connect-twice", new Script(false).send(connect).send(connect).build());
        seeds.put("connect-then-disconnect", new Script(false).send(connect + " 04 00").build());
        seeds.put("keepalive-before-connect", new Script(false).send("05 00").build());
        for (IotmpVectors.FrameVector frame : vectors.frames()) {
            String name = SeedNames.of("after-connect", frame.row().id());
            seeds.put(name, new Script(false).send(connect).send(frame.bytes()).send("05 00").build());
            if (frame.row().section().equals("4")) {
                seeds.put(SeedNames.of("before-connect", frame.row().id()),
                        new Script(false).send(frame.bytes()).build());
            }
        }
        // the device side of a whole session: answer the subscription's START_STREAM (id 1) and the server's calls
        byte[] deviceSide = concatHex(
                "01 02 08 01",                                                        // OK to START_STREAM id 1
                "0A 11 08 01 1A C1 87 63 65 6C 73 69 75 73 40 00 00 BC 41",          // its first sample
                "0A 0C 08 01 1A E2 40 00 00 BC 41 1F 3C",                            // a compact sample
                "06 0C 08 2A 1A 82 68 69 22 84 65 63 68 6F",                         // RUN id 42 "echo" "hi"
                "06 0A 08 2B 22 84 62 6F 6F 6D 28 00",                               // RUN "boom" (+ unknown field 5)
                Hex.format(vectors.bytes("S1")), Hex.format(vectors.bytes("S2")),
                Hex.format(vectors.bytes("S3")), Hex.format(vectors.bytes("S5")),
                Hex.format(vectors.bytes("S6")), "09 03 08 81 02", "07 02 08 07",
                "05 00", "04 00");
        seeds.put("session-device-side", new Script(false).send(connect).send(deviceSide).build());
        seeds.put("session-with-server-calls", new Script(false).send(connect).request(0).request(2).request(3)
                .send("01 04 08 02 18 15 02 02 08 03 01 02 08 04 0A 04 08 04 18 07").request(4)
                .event(0).event(1).event(2).send("05 00").build());
        seeds.put("session-subscriptions-and-events", new Script(false).send(connect)
                .send(vectors.bytes("S6"))
                .send(startStream(7, 8, Map.of("event", "firmware")))
                .send(startStream(9, 8, ordered("event", "device_property_update",
                        "filters", Map.of("property", "threshold"), "current", true)))
                .send(startStream(5, 8, ordered("event", "device_topic_publish", "scope", "publish",
                        "topic", "cmd", "retained", true)))
                .send("0A 0A 08 05 1A 86 72 65 62 6F 6F 74")
                .event(0).event(1).event(2).send("09 02 08 07 05 00").build());
        seeds.put("call-device-self", new Script(false).send(connect)
                .send("06 12 08 09 12 E2 85 65 73 70 33 32 83 6C 65 64 1A 61 20 03").send("01 02 08 02").build());
        seeds.put("sync-lock-unlock", new Script(false).send(connect)
                .send(serviceRun(3, 6, "door", Map.of("slots", 1)))
                .send(serviceRun(4, 6, "door", Map.of("slots", 1))).build());
        for (Map.Entry<String, String> malformed : SeedNames.MALFORMED_FRAMES.entrySet()) {
            seeds.put(SeedNames.of("after-connect-malformed", malformed.getKey()),
                    new Script(false).send(connect).send(malformed.getValue()).send("05 00").build());
            seeds.put(SeedNames.of("before-connect-malformed", malformed.getKey()),
                    new Script(false).send(malformed.getValue()).send(connect).build());
        }
        for (SeedNames.ConformanceInput row : SeedNames.conformanceInputs()) {
            seeds.put(row.name(), new Script(false).send(row.bytes()).send("05 00").build());
        }
        return seeds;
    }

    private static byte[] encode(IotmpMessage message) {
        return io.cameliotmp.testing.Frames.encode(message, Generation.GEN2);
    }

    private static byte[] startStream(int id, int code, Object params) {
        return encode(IotmpMessage.startStream(id, code, params));
    }

    /** A server service call in the IOTMP-Linux layout: code in RESOURCE, target in PARAMETERS. */
    private static byte[] serviceRun(int id, int code, String target, Object payload) {
        return encode(IotmpMessage.of(MessageType.RUN, id, target, payload, code));
    }

    private static byte[] concatHex(String... frames) {
        return Hex.bytes(String.join(" ", frames));
    }

    /** A map with the keys in the given order ({@code Map.of} iterates in an order that changes between runs). */
    private static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}
