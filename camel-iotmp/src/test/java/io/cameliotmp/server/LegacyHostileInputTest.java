package io.cameliotmp.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.protocol.legacy.LegacyFrames;
import io.cameliotmp.protocol.legacy.LegacyMessage;
import io.cameliotmp.protocol.legacy.SignalFlag;
import io.cameliotmp.protocol.session.ServiceCode;
import io.cameliotmp.testing.EmbeddedCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.HashedWheelTimer;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile legacy devices against the real device pipeline of a server with legacy devices enabled (detector, legacy
 * codec, adapter, session) on an {@link EmbeddedChannel}: seeded random sequences of legacy frames of every signal
 * flag with random ids and values, raw garbage, oversized headers, and the server's own requests in between. Whatever
 * the device sends, no exception may reach the end of the pipeline, no buffer may leak, and every request of the
 * server must have ended once the connection is closed.
 */
class LegacyHostileInputTest {

    private static final DeviceId DEVICE = new DeviceId("alice", "esp32");
    private static final int EXECUTIONS = 300;
    private static final int ACTIONS = 60;

    private static HashedWheelTimer timer;

    @BeforeAll
    static void startTimer() {
        timer = new HashedWheelTimer(new DefaultThreadFactory("legacy-hostile-timer", true), 10,
                TimeUnit.MILLISECONDS);
    }

    @AfterAll
    static void stopTimer() {
        timer.stop();
    }

    @Test
    void noLegacyInputEscapesThePipelineLeaksOrLeavesARequestOpen() {
        int authenticated = 0;
        int requests = 0;
        int answered = 0;
        for (int seed = 0; seed < EXECUTIONS; seed++) {
            Execution execution = new Execution(new Random(seed));
            try {
                execution.run();
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("seed " + seed + ": " + e, e);
            }
            authenticated += execution.authenticated ? 1 : 0;
            requests += execution.requests.size();
            answered += (int) execution.requests.stream()
                    .filter(r -> r.isDone() && !r.isCompletedExceptionally()).count();
        }
        // the input reaches past the AUTH: devices log in, the server asks them, and some answers are taken
        assertThat(authenticated).isGreaterThan(EXECUTIONS / 2);
        assertThat(requests).isGreaterThan(EXECUTIONS);
        assertThat(answered).isPositive();
    }

    @Test
    void callsSentBehindTheAuthWhileTheAuthenticatorDecidesLeaveNothingBehind() {
        CompletableFuture<AuthDecision> decision = new CompletableFuture<>();
        IotmpServer server = EmbeddedDevicePipeline.unstartedServer(IotmpServerConfig.builder().host("127.0.0.1")
                .port(0).ioThreads(1).workerThreads(0).nativeTransport(false).authenticator(request -> decision)
                .legacy(new LegacyListeners(true, LegacyListeners.NONE, LegacyListeners.NONE)).build(), timer);
        server.calls().registerService(ServiceCode.CALL_ENDPOINT, "*", call -> CompletableFuture.completedFuture(null));
        UnpooledByteBufAllocator allocator = new UnpooledByteBufAllocator(false, true);
        EmbeddedChannel channel = EmbeddedDevicePipeline.connect(server, allocator);
        try {
            // the AUTH and, in the same read, a thousand calls with ids: the session drops them while it waits
            ByteBuf read = allocator.heapBuffer();
            LegacyFrames.encode(LegacyMessage.auth("alice", "esp32", "s3cr3t"), read);
            for (int id = 1; id <= 1000; id++) {
                LegacyFrames.encode(LegacyMessage.service(SignalFlag.CALL_ENDPOINT, id, "alert", null, null), read);
            }
            channel.writeInbound(read);
            decision.complete(AuthDecision.accept());
            channel.runPendingTasks();
            channel.checkException();
            assertThat(server.registry().registration(DEVICE)).isPresent();
            LegacyAdapter adapter = channel.pipeline().get(LegacyAdapter.class);
            assertThat(adapter.pendingDeviceCalls()).as("calls nobody will answer").isZero();
            // a call after the answer is served and acknowledged
            ByteBuf call = allocator.heapBuffer();
            LegacyFrames.encode(LegacyMessage.service(SignalFlag.CALL_ENDPOINT, 7, "alert", null, null), call);
            channel.writeInbound(call);
            channel.runPendingTasks();
            channel.checkException();
            assertThat(adapter.pendingDeviceCalls()).isZero();
            // the AUTH's bare OK (01 02 10 01), then the call's OK with its id (01 04 08 07 10 01)
            assertThat(written(channel)).isEqualTo("01021001" + "010408071001");
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    /**
     * A call to another device whose one-element path holds a PSON null (found by LegacyServerConnectionFuzzTest):
     * the adapter built the IOTMP target with {@code List.of}, which refuses null, and the NullPointerException closed
     * the device's connection. It is a call without a valid target, refused like any other.
     */
    @Test
    void aCallToADeviceWithANullResourceIsRefusedAndTheConnectionStays() {
        IotmpServer server = EmbeddedDevicePipeline.unstartedServer(IotmpServerConfig.builder().host("127.0.0.1")
                .port(0).ioThreads(1).workerThreads(0).nativeTransport(false)
                .authenticator(StaticAuthenticator.parse("alice/esp32=s3cr3t"))
                .legacy(new LegacyListeners(true, LegacyListeners.NONE, LegacyListeners.NONE)).build(), timer);
        UnpooledByteBufAllocator allocator = new UnpooledByteBufAllocator(false, true);
        EmbeddedChannel channel = EmbeddedDevicePipeline.connect(server, allocator);
        try {
            ByteBuf read = allocator.heapBuffer();
            LegacyFrames.encode(LegacyMessage.auth("alice", "esp32", "s3cr3t"), read);
            List<Object> nullResource = new ArrayList<>();
            nullResource.add(null);
            LegacyFrames.encode(LegacyMessage.service(SignalFlag.CALL_DEVICE, 9, "esp32", nullResource, null), read);
            channel.writeInbound(read);
            channel.runPendingTasks();
            channel.checkException();
            assertThat(channel.isOpen()).as("connection of a device that sent a call without a valid target")
                    .isTrue();
            // the AUTH's bare OK (01 02 10 01), then REQUEST_ERROR to the call's id 9 (01 04 08 09 10 02)
            assertThat(written(channel)).isEqualTo("01021001" + "010408091002");
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    /**
     * A GET_PROPERTY has no id, so the adapter gives it one for the session, from 65535 down; a call of the device
     * under that same id while the read was pending took its place, and the read's answer never reached the device
     * (found by LegacyServerConnectionFuzzTest's helper). Both are answered now, each as the device asked.
     */
    @Test
    void aCallUnderTheIdOfAPendingPropertyReadLeavesTheReadItsAnswer() {
        CompletableFuture<Object> read = new CompletableFuture<>();
        IotmpServer server = EmbeddedDevicePipeline.unstartedServer(IotmpServerConfig.builder().host("127.0.0.1")
                .port(0).ioThreads(1).workerThreads(0).nativeTransport(false)
                .authenticator(StaticAuthenticator.parse("alice/esp32=s3cr3t"))
                .legacy(new LegacyListeners(true, LegacyListeners.NONE, LegacyListeners.NONE)).build(), timer);
        server.calls().registerService(ServiceCode.READ_DEVICE_PROPERTY, "*", call -> read);
        server.calls().registerService(ServiceCode.CALL_ENDPOINT, "*", call -> CompletableFuture.completedFuture(null));
        UnpooledByteBufAllocator allocator = new UnpooledByteBufAllocator(false, true);
        EmbeddedChannel channel = EmbeddedDevicePipeline.connect(server, allocator);
        try {
            ByteBuf frames = allocator.heapBuffer();
            LegacyFrames.encode(LegacyMessage.auth("alice", "esp32", "s3cr3t"), frames);
            LegacyFrames.encode(LegacyMessage.service(SignalFlag.GET_PROPERTY, 0, "colour", null, null), frames);
            LegacyFrames.encode(LegacyMessage.service(SignalFlag.CALL_ENDPOINT, LegacyFrames.MAX_STREAM_ID, "alert",
                    null, null), frames);
            channel.writeInbound(frames);
            channel.runPendingTasks();
            read.complete(Map.of("v", 1L));
            channel.runPendingTasks();
            channel.checkException();
            ByteBuf expected = allocator.heapBuffer();
            expected.writeBytes(new byte[] {1, 2, 0x10, 1}); // the AUTH's bare OK
            LegacyFrames.encode(LegacyMessage.ok(LegacyFrames.MAX_STREAM_ID, null), expected);
            LegacyFrames.encode(LegacyMessage.ok(0, Map.of("v", 1L)), expected); // the read's value, without id
            assertThat(written(channel)).isEqualTo(ByteBufUtil.hexDump(expected));
            assertThat(channel.pipeline().get(LegacyAdapter.class).pendingDeviceCalls()).isZero();
            expected.release();
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    /** What the server wrote to {@code channel} since the last call, in hex; each buffer is released. */
    private static String written(EmbeddedChannel channel) {
        return ByteBufUtil.hexDump(EmbeddedCodec.drainOutbound(channel));
    }

    private static final class Execution {
        final Random random;
        final UnpooledByteBufAllocator allocator = new UnpooledByteBufAllocator(false, true);
        final IotmpServer server;
        final EmbeddedChannel channel;
        final List<CompletableFuture<DeviceReply>> requests = new ArrayList<>();
        boolean authenticated;

        Execution(Random random) {
            this.random = random;
            IotmpServerConfig config = IotmpServerConfig.builder().host("127.0.0.1").port(0).ioThreads(1)
                    .workerThreads(0).nativeTransport(false).requestTimeout(Duration.ofHours(1))
                    .maxFrameSize(4096)
                    .limits(ServerLimits.builder().maxDecodedFrameBytes(16 * 1024).build())
                    .authenticator(StaticAuthenticator.parse("alice/esp32=s3cr3t"))
                    .legacy(new LegacyListeners(true, LegacyListeners.NONE, LegacyListeners.NONE)).build();
            server = EmbeddedDevicePipeline.unstartedServer(config, timer);
            server.calls().registerResource("echo", call -> CompletableFuture.completedFuture(call.payload()));
            server.calls().registerService(ServiceCode.WRITE_BUCKET, "*",
                    call -> CompletableFuture.completedFuture(null));
            server.calls().registerService(ServiceCode.READ_DEVICE_PROPERTY, "*",
                    call -> CompletableFuture.completedFuture(Map.of("v", 1L)));
            channel = EmbeddedDevicePipeline.connect(server, allocator);
        }

        void run() {
            try {
                if (random.nextInt(8) != 0) {
                    send(LegacyMessage.auth("alice", "esp32", random.nextInt(6) == 0 ? "wrong" : "s3cr3t"));
                }
                for (int i = 0; i < ACTIONS && channel.isOpen(); i++) {
                    switch (random.nextInt(6)) {
                        case 0 -> feed(garbage());
                        case 1 -> serverRequest();
                        case 2 -> channel.advanceTimeBy(random.nextInt(2000), TimeUnit.MILLISECONDS);
                        default -> send(message());
                    }
                    channel.runPendingTasks();
                    channel.checkException();
                    drainOutput();
                }
                channel.close();
                channel.runPendingTasks();
                channel.checkException();
                drainOutput();
                assertThat(requests).as("server requests ended with the connection").allMatch(
                        CompletableFuture::isDone);
                assertThat(server.registry().registration(DEVICE)).isEmpty();
            } finally {
                channel.finishAndReleaseAll();
            }
            long held = allocator.metric().usedHeapMemory() + allocator.metric().usedDirectMemory();
            assertThat(held).as("bytes of buffers never released").isZero();
        }

        void drainOutput() {
            for (Object out = channel.readOutbound(); out != null; out = channel.readOutbound()) {
                if (out instanceof ByteBuf buf) {
                    buf.release();
                }
            }
        }

        void feed(byte[] bytes) {
            ByteBuf buf = allocator.heapBuffer(bytes.length);
            buf.writeBytes(bytes);
            write(buf);
        }

        void send(LegacyMessage message) {
            ByteBuf buf = allocator.heapBuffer();
            LegacyFrames.encode(message, buf);
            // sometimes split in two reads, sometimes truncated and followed by whatever comes next
            if (buf.readableBytes() > 2 && random.nextInt(4) == 0) {
                int cut = 1 + random.nextInt(buf.readableBytes() - 1);
                ByteBuf head = buf.readRetainedSlice(cut);
                write(head);
                if (random.nextInt(3) == 0) {
                    buf.release();
                    return;
                }
            }
            write(buf);
        }

        /** One read of the device; once the server has closed the connection, nothing more arrives. */
        void write(ByteBuf buf) {
            if (channel.isOpen()) {
                channel.writeInbound(buf);
            } else {
                buf.release();
            }
        }

        byte[] garbage() {
            byte[] bytes = new byte[1 + random.nextInt(24)];
            random.nextBytes(bytes);
            if (random.nextBoolean()) {
                // a legacy header: MESSAGE or KEEP_ALIVE or another type, with a size that may exceed every limit
                bytes[0] = (byte) (1 + random.nextInt(4));
            }
            return bytes;
        }

        LegacyMessage message() {
            SignalFlag[] flags = SignalFlag.values();
            SignalFlag flag = flags[random.nextInt(flags.length)];
            int streamId = random.nextInt(4) == 0 ? 0 : 1 + random.nextInt(random.nextBoolean() ? 8 : 0xFFFF);
            return new LegacyMessage(false, streamId, flag, random.nextBoolean() ? value(2) : null,
                    random.nextBoolean() ? value(3) : null, random.nextBoolean() ? value(4) : null);
        }

        Object value(int depth) {
            int kind = random.nextInt(depth > 0 ? 9 : 6);
            return switch (kind) {
                case 0 -> null;
                case 1 -> random.nextLong();
                case 2 -> random.nextBoolean();
                case 3 -> random.nextFloat();
                case 4 -> "s".repeat(random.nextInt(40));
                case 5 -> new byte[random.nextInt(16)];
                case 6 -> {
                    List<Object> list = new ArrayList<>();
                    for (int i = random.nextInt(4); i > 0; i--) {
                        list.add(value(depth - 1));
                    }
                    yield list;
                }
                default -> {
                    // resource trees as a describe answer has them, among other maps
                    Map<String, Object> map = new LinkedHashMap<>();
                    String[] keys = {"fn", "al", "/", "in", "out", "led", "api", "x".repeat(random.nextInt(300))};
                    for (int i = random.nextInt(4); i > 0; i--) {
                        map.put(keys[random.nextInt(keys.length)], value(depth - 1));
                    }
                    yield map;
                }
            };
        }

        void serverRequest() {
            if (server.registry().registration(DEVICE).isEmpty()) {
                return;
            }
            authenticated = true;
            Duration timeout = Duration.ofMillis(1 + random.nextInt(3000));
            DeviceRequest request = switch (random.nextInt(5)) {
                case 0 -> DeviceRequest.describe(null);
                case 1 -> DeviceRequest.describe("led");
                case 2 -> DeviceRequest.run("led", random.nextBoolean());
                case 3 -> DeviceRequest.startStream("temperature", random.nextInt(3) * 1000L,
                        sample -> CompletableFuture.completedFuture(null));
                default -> DeviceRequest.stopStream(1 + random.nextInt(8));
            };
            try {
                requests.add(server.send(DEVICE, request, timeout));
            } catch (RuntimeException refused) {
                // refused before anything was sent (too many pending requests): nothing to end
            }
        }
    }
}
