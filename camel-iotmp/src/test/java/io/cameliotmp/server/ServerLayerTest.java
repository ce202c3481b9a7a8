package io.cameliotmp.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.protocol.MessageType;
import io.cameliotmp.testing.RawIotmpSocket;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.testing.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server on its own, without Camel: correlation of requests with answers in any order, timeouts, the end of a
 * connection failing what is in flight, streams, and a channel initializer of the application's.
 */
class ServerLayerTest {

    private static final DeviceId DEVICE = new DeviceId("alice", "esp32");

    private IotmpServer server;

    private IotmpServer start(IotmpServerConfig.Builder config) {
        server = new IotmpServer(config.host("127.0.0.1").port(0).nativeTransport(false)
                .authenticator(StaticAuthenticator.parse("alice/esp32=s3cr3t")).build());
        server.start();
        return server;
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    private RawIotmpSocket device() throws Exception {
        RawIotmpSocket device = RawIotmpSocket.connect(server.localAddress().getPort(), "alice", "esp32", "s3cr3t");
        eventually().until(() -> server.registry().registration(DEVICE).isPresent());
        return device;
    }

    @Test
    void answersArriveInAnyOrderAndReachTheirRequests() throws Exception {
        start(IotmpServerConfig.builder());
        try (RawIotmpSocket device = device()) {
            CompletableFuture<DeviceReply> first = server.send(DEVICE, DeviceRequest.run("a", 1L), null);
            CompletableFuture<DeviceReply> second = server.send(DEVICE, DeviceRequest.run("b", 2L), null);
            IotmpMessage runA = device.readMessage(Generation.GEN2);
            IotmpMessage runB = device.readMessage(Generation.GEN2);
            assertThat(runA.streamId()).isNotEqualTo(runB.streamId()).isNotZero();
            device.send(IotmpMessage.ok(runB.streamId(), "for b"), Generation.GEN2);
            device.send(IotmpMessage.error(runA.streamId(), 500, Map.of("error", "broken")), Generation.GEN2);
            assertThat(second.get(30, TimeUnit.SECONDS).payload()).isEqualTo("for b");
            assertThat(first).failsWithin(30, TimeUnit.SECONDS).withThrowableOfType(Exception.class)
                    .withCauseInstanceOf(DeviceErrorException.class).withMessageContaining("RUN a");
            // a late duplicate answer is ignored, the connection stays usable
            device.send(IotmpMessage.ok(runB.streamId(), "again"), Generation.GEN2);
            CompletableFuture<DeviceReply> third = server.send(DEVICE, DeviceRequest.describe(null), null);
            IotmpMessage describe = device.readMessage(Generation.GEN2);
            assertThat(describe.type()).isEqualTo(MessageType.DESCRIBE);
            device.send(IotmpMessage.ok(describe.streamId(), Map.of()), Generation.GEN2);
            assertThat(third.get(30, TimeUnit.SECONDS).payload()).isEqualTo(Map.of());
        }
    }

    @Test
    void aReplyGivenToSendIsTheOneCompletedAndWhatWasPutOnItRunsOnTheThreadThatCompletesIt() throws Exception {
        start(IotmpServerConfig.builder());
        try (RawIotmpSocket device = device()) {
            CompletableFuture<DeviceReply> reply = new CompletableFuture<>();
            CompletableFuture<Thread> continuedOn = new CompletableFuture<>();
            reply.whenComplete((answer, failure) -> continuedOn.complete(Thread.currentThread()));
            assertThat(server.send(DEVICE, DeviceRequest.run("a", 1L), null, reply)).isSameAs(reply);
            IotmpMessage run = device.readMessage(Generation.GEN2);
            device.send(IotmpMessage.ok(run.streamId(), "for a"), Generation.GEN2);
            // waited for first: a thread that waits on the reply itself may run its dependents when it wakes
            // (CompletableFuture helps complete them), so waiting on the reply could make the test's own thread
            // run the continuation
            assertThat(continuedOn.get(30, TimeUnit.SECONDS)).isNotSameAs(Thread.currentThread());
            assertThat(reply.get(30, TimeUnit.SECONDS).payload()).isEqualTo("for a");

            CompletableFuture<DeviceReply> nowhere = new CompletableFuture<>();
            assertThat(server.send(new DeviceId("alice", "absent"), DeviceRequest.run("a", null), null, nowhere))
                    .isSameAs(nowhere);
            assertThat(nowhere).failsWithin(30, TimeUnit.SECONDS).withThrowableOfType(Exception.class)
                    .withCauseInstanceOf(DeviceNotConnectedException.class);
        }
    }

    @Test
    void anUnansweredRequestTimesOutAndItsLateAnswerIsIgnored() throws Exception {
        start(IotmpServerConfig.builder());
        try (RawIotmpSocket device = device()) {
            CompletableFuture<DeviceReply> reply = server.send(DEVICE, DeviceRequest.run("slow", null),
                    Duration.ofMillis(200));
            IotmpMessage run = device.readMessage(Generation.GEN2);
            CompletableFuture<DeviceReply> describe = server.send(DEVICE, DeviceRequest.describe(null),
                    Duration.ofMillis(200));
            device.readMessage(Generation.GEN2);
            CompletableFuture<DeviceReply> describeOne = server.send(DEVICE, DeviceRequest.describe("led"),
                    Duration.ofMillis(200));
            device.readMessage(Generation.GEN2);
            // errors name the request they end
            assertThat(reply).failsWithin(30, TimeUnit.SECONDS).withThrowableOfType(Exception.class)
                    .withCauseInstanceOf(DeviceRequestTimeoutException.class).withMessageContaining("RUN slow");
            assertThat(describe).failsWithin(30, TimeUnit.SECONDS).withThrowableOfType(Exception.class)
                    .withMessageContaining("DESCRIBE").withMessageNotContaining("DESCRIBE null");
            assertThat(describeOne).failsWithin(30, TimeUnit.SECONDS).withThrowableOfType(Exception.class)
                    .withMessageContaining("DESCRIBE led");
            device.send(IotmpMessage.ok(run.streamId(), "too late"), Generation.GEN2);
            device.sendHex("05 00");
            assertThat(device.readMessage(Generation.GEN2)).isEqualTo(IotmpMessage.KEEP_ALIVE);
            assertThat(server.registry().registration(DEVICE)).isPresent();
        }
    }

    @Test
    void aTimeoutRunsOnTheConnectionsThreadNotTheTimers() throws Exception {
        start(IotmpServerConfig.builder().workerThreads(1));
        try (RawIotmpSocket device = device()) {
            CompletableFuture<DeviceReply> reply = server.send(DEVICE, DeviceRequest.run("slow", null),
                    Duration.ofMillis(200));
            java.util.concurrent.atomic.AtomicReference<String> completedOn = new java.util.concurrent.atomic
                    .AtomicReference<>();
            CompletableFuture<Void> observed = reply.handle((r, e) -> {
                completedOn.set(Thread.currentThread().getName());
                return null;
            });
            device.readMessage(Generation.GEN2);
            observed.get(30, TimeUnit.SECONDS);
            // the pending requests, the streams and the channel writes belong to the connection's worker
            assertThat(completedOn.get()).startsWith("iotmp-worker");
        }
    }

    @Test
    void theEndOfTheConnectionFailsEverythingInFlight() throws Exception {
        start(IotmpServerConfig.builder());
        List<String> ended = new CopyOnWriteArrayList<>();
        List<CompletableFuture<DeviceReply>> replies = new ArrayList<>();
        try (RawIotmpSocket device = device()) {
            for (int i = 0; i < 5; i++) {
                replies.add(server.send(DEVICE, DeviceRequest.run("r" + i, null), Duration.ofMinutes(10)));
            }
            CompletableFuture<DeviceReply> stream = server.send(DEVICE, DeviceRequest.startStream("t", 0,
                    new StreamListener() {
                        @Override
                        public CompletionStage<Void> onSample(StreamSample sample) {
                            return null;
                        }

                        @Override
                        public void onStreamEnded(DeviceRegistration registration, String resource, int streamId,
                                                  String reason) {
                            ended.add(resource + ": " + reason);
                        }
                    }), Duration.ofMinutes(10));
            for (int i = 0; i < 5; i++) {
                device.readMessage(Generation.GEN2);
            }
            IotmpMessage start = device.readMessage(Generation.GEN2);
            device.send(IotmpMessage.ok(start.streamId()), Generation.GEN2);
            assertThat(stream.get(30, TimeUnit.SECONDS).streamId()).isEqualTo(start.streamId());
        }
        for (CompletableFuture<DeviceReply> reply : replies) {
            assertThat(reply).failsWithin(30, TimeUnit.SECONDS).withThrowableOfType(Exception.class)
                    .withCauseInstanceOf(DeviceDisconnectedException.class);
        }
        eventually().until(() -> ended.size() == 1);
        assertThat(ended.get(0)).startsWith("t: ");
        assertThat(server.registry().size()).isZero();
    }

    @Test
    void samplesOfAServerOpenedStreamReachItsListenerInOrderAndCompactOnesAreExpanded() throws Exception {
        start(IotmpServerConfig.builder());
        List<Object> samples = new CopyOnWriteArrayList<>();
        try (RawIotmpSocket device = device()) {
            CompletableFuture<DeviceReply> opened = server.send(DEVICE, DeviceRequest.startStream("climate", 1000,
                    sample -> {
                        samples.add(sample.payload());
                        return null;
                    }), null);
            IotmpMessage start = device.readMessage(Generation.GEN2);
            assertThat(start.parameters()).isEqualTo(Map.of("interval", 1000L));
            device.send(IotmpMessage.ok(start.streamId()), Generation.GEN2);
            opened.get(30, TimeUnit.SECONDS);
            device.send(IotmpMessage.streamData(start.streamId(), Map.of("t", 20L)), Generation.GEN2);
            device.send(IotmpMessage.streamData(start.streamId(), List.of(21L)), Generation.GEN2);
            device.send(IotmpMessage.streamData(start.streamId(), List.of(22L)), Generation.GEN2);
            eventually().until(() -> samples.size() == 3);
            assertThat(samples).containsExactly(Map.of("t", 20L), Map.of("t", 21L), Map.of("t", 22L));
        }
    }

    @Test
    void anApplicationsChannelInitializerShapesThePipeline() throws Exception {
        AtomicInteger reads = new AtomicInteger();
        start(IotmpServerConfig.builder().channelInitializer((channel, pipeline) -> {
            channel.pipeline().addLast("count-reads", new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    reads.incrementAndGet();
                    ctx.fireChannelRead(msg);
                }
            });
            pipeline.addDefaults();
        }));
        try (RawIotmpSocket device = device()) {
            device.sendHex("05 00");
            assertThat(device.readMessage(Generation.GEN2)).isEqualTo(IotmpMessage.KEEP_ALIVE);
            assertThat(reads.get()).as("the CONNECT and the keep-alive passed the application's handler")
                    .isGreaterThanOrEqualTo(1);
        }
    }

    /**
     * A request the protocol cannot carry (here a stream id beyond 16 bits, as a route or a forwarded call may name)
     * fails its caller at once; it was thrown on the connection's executor and left the caller waiting for ever.
     */
    @Test
    void aRequestTheProtocolCannotCarryFailsItsCallerAndTheDeviceStaysConnected() throws Exception {
        start(IotmpServerConfig.builder());
        try (RawIotmpSocket device = device()) {
            assertThat(server.send(DEVICE, DeviceRequest.streamData(70_000, "x"), Duration.ofMinutes(10)))
                    .failsWithin(30, TimeUnit.SECONDS).withThrowableOfType(Exception.class)
                    .withCauseInstanceOf(IotmpRequestException.class).withMessageContaining("stream id");
            CompletableFuture<DeviceReply> small = server.send(DEVICE, DeviceRequest.run("echo", "x"), null);
            IotmpMessage run = device.readMessage(Generation.GEN2);
            device.send(IotmpMessage.ok(run.streamId(), "x"), Generation.GEN2);
            assertThat(small.get(30, TimeUnit.SECONDS).payload()).isEqualTo("x");
        }
    }

    /**
     * A stream start whose parameters PSON cannot encode (an application's own object) was registered as an open
     * stream before its frame failed to build: never sent, never answered, it held one of the device's
     * maxPendingRequests for the whole connection, and a few such starts refused every later request.
     */
    @Test
    void aStreamStartThatCannotBeEncodedHoldsNoneOfTheDevicesRequestBudget() throws Exception {
        start(IotmpServerConfig.builder().maxPendingRequests(2));
        try (RawIotmpSocket device = device()) {
            for (int i = 0; i < 3; i++) {
                Map<String, Object> unencodable = Map.of("unit", new Object());
                assertThat(server.send(DEVICE, new DeviceRequest.StartStream("climate", 1000, unencodable,
                        sample -> null), null))
                        .failsWithin(30, TimeUnit.SECONDS).withThrowableOfType(Exception.class)
                        .withCauseInstanceOf(RequestNotSentException.class)
                        .withMessageContaining("PSON cannot encode");
            }
            CompletableFuture<DeviceReply> run = server.send(DEVICE, DeviceRequest.run("echo", "x"), null);
            IotmpMessage sent = device.readMessage(Generation.GEN2);
            assertThat(sent.type()).isEqualTo(MessageType.RUN);
            device.send(IotmpMessage.ok(sent.streamId(), "x"), Generation.GEN2);
            assertThat(run.get(30, TimeUnit.SECONDS).payload()).isEqualTo("x");
        }
    }

    @Test
    void aFrameLargerThanTheDeviceAcceptsIsNotSentAndTheDeviceStaysConnected() throws Exception {
        start(IotmpServerConfig.builder()
                .limits(ServerLimits.builder().maxOutboundFrameSize(1024).build()));
        try (RawIotmpSocket device = device()) {
            CompletableFuture<DeviceReply> tooLarge = server.send(DEVICE, DeviceRequest.run("echo", "x".repeat(4096)),
                    null);
            assertThat(tooLarge).failsWithin(30, TimeUnit.SECONDS).withThrowableOfType(Exception.class)
                    .withCauseInstanceOf(FrameTooLargeForDeviceException.class);
            CompletableFuture<DeviceReply> dataTooLarge = server.send(DEVICE, DeviceRequest.streamData(7,
                    new byte[2048]), null);
            assertThat(dataTooLarge).failsWithin(30, TimeUnit.SECONDS).withThrowableOfType(Exception.class)
                    .withCauseInstanceOf(FrameTooLargeForDeviceException.class);
            CompletableFuture<DeviceReply> small = server.send(DEVICE, DeviceRequest.run("echo", "x"), null);
            IotmpMessage run = device.readMessage(Generation.GEN2);
            assertThat(run.payload()).as("the first frame the device gets is the small call").isEqualTo("x");
            device.send(IotmpMessage.ok(run.streamId(), "x"), Generation.GEN2);
            assertThat(small.get(30, TimeUnit.SECONDS).payload()).isEqualTo("x");
        }
    }

    @Test
    void aDeviceOpensNoMoreStreamsThanRequestsMayBePending() throws Exception {
        start(IotmpServerConfig.builder().maxPendingRequests(3));
        try (RawIotmpSocket device = device()) {
            for (int id = 1; id <= 4; id++) {
                device.send(IotmpMessage.startStream(id, 8L, Map.of("event", "firmware")), Generation.GEN2);
                IotmpMessage answer = device.readMessage(Generation.GEN2);
                assertThat(answer.streamId()).isEqualTo(id);
                assertThat(answer.type()).as("stream " + id).isEqualTo(id <= 3 ? MessageType.OK : MessageType.ERROR);
                if (id == 4) {
                    assertThat(answer.parameters()).isEqualTo(429L);
                }
            }
            // stopping one makes room for another
            device.send(IotmpMessage.stopStream(2), Generation.GEN2);
            assertThat(device.readMessage(Generation.GEN2)).isEqualTo(IotmpMessage.ok(2));
            device.send(IotmpMessage.startStream(5, 8L, Map.of("event", "firmware")), Generation.GEN2);
            assertThat(device.readMessage(Generation.GEN2).type()).isEqualTo(MessageType.OK);
        }
    }
}
