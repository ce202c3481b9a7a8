package io.cameliotmp.server;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.micrometer.MicrometerServerMetrics;
import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpFrames;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.protocol.Varint;
import io.cameliotmp.protocol.legacy.LegacyFrames;
import io.cameliotmp.protocol.legacy.LegacyMessage;
import io.cameliotmp.protocol.legacy.SignalFlag;
import io.cameliotmp.protocol.session.ServiceCode;
import io.cameliotmp.testing.Hex;
import io.cameliotmp.testing.LegacyVectors;
import io.cameliotmp.testing.RawIotmpSocket;
import io.cameliotmp.testing.Waits;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.testing.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Legacy devices on the server, without Camel, as raw sockets that write and read the bytes of the reference
 * vectors: authentication, keep-alive, run, describe, streams, services, and the pitfalls (string paths, stale
 * stream ids after a reconnect, GET_PROPERTY without stream id, never answering answers), and the first-byte
 * detection on every port.
 */
class LegacyServerTest {

    private static final DeviceId DEVICE = new DeviceId("alice", "esp32");
    private static final Duration TIMEOUT = Waits.WAIT;

    private final MeterRegistry meters = new SimpleMeterRegistry();
    private IotmpServer server;

    private IotmpServer start(boolean legacy) {
        return start(legacy, "alice/esp32=s3cr3t", ServerLimits.DEFAULT);
    }

    private IotmpServer start(boolean legacy, String credentials, ServerLimits limits) {
        // a device's ids start at random on a server that does not know it; from 1, the vectors' own ids come out
        server = new IotmpServer(config(legacy, credentials, limits),
                LegacyTestIds.startingAt(1, limits.maxLegacyDevicesTracked()));
        server.start();
        return server;
    }

    private IotmpServerConfig config(boolean legacy, String credentials, ServerLimits limits) {
        return IotmpServerConfig.builder().host("127.0.0.1").port(0).nativeTransport(false)
                .metrics(MicrometerServerMetrics.factory(meters))
                .authenticator(StaticAuthenticator.parse(credentials)).limits(limits)
                .legacy(new LegacyListeners(legacy, 0, LegacyListeners.NONE)).build();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    private static String hex(String vector) {
        return Hex.format(LegacyVectors.row(vector).bytes());
    }

    /** The frame of a vector with another stream id: the server numbers its requests itself. */
    private static String hex(String vector, int streamId) {
        LegacyMessage m = LegacyVectors.row(vector).message();
        ByteBuf buf = Unpooled.buffer();
        LegacyFrames.encode(new LegacyMessage(false, streamId, m.flag(), m.identifier(), m.resource(), m.payload()),
                buf);
        try {
            return Hex.format(buf);
        } finally {
            buf.release();
        }
    }

    /** A legacy device that has sent L01 and received L02. */
    private RawIotmpSocket legacyDevice(int port) throws Exception {
        RawIotmpSocket device = new RawIotmpSocket(port);
        device.sendHex(hex("L01"));
        assertThat(device.readFrameHex()).isEqualTo(hex("L02"));
        eventually().until(() -> server.registry().registration(DEVICE).isPresent());
        return device;
    }

    private RawIotmpSocket legacyDevice() throws Exception {
        return legacyDevice(server.legacyAddress().getPort());
    }

    private DeviceReply call(DeviceRequest request, RawIotmpSocket device, String expectedHex, String answerHex)
            throws Exception {
        CompletableFuture<DeviceReply> reply = server.send(DEVICE, request, TIMEOUT);
        assertThat(device.readFrameHex()).isEqualTo(expectedHex);
        device.sendHex(answerHex);
        return reply.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void aLegacyDeviceAuthenticatesIsReportedAsLegacyAndGetsItsKeepAlivesAnswered() throws Exception {
        start(true);
        try (RawIotmpSocket device = legacyDevice()) {
            DeviceRegistration registration = server.registry().registration(DEVICE).orElseThrow();
            assertThat(registration.generation()).isEqualTo(Generation.LEGACY);
            // about two of the device's 60 s periods of silence before the server gives up on it
            assertThat(registration.keepAliveSeconds()).isEqualTo(LegacyAdapter.KEEP_ALIVE_SECONDS);
            assertThat(IotmpServerConfig.idleTimeout(registration.keepAliveSeconds()))
                    .isBetween(Duration.ofSeconds(115), Duration.ofSeconds(125));
            device.sendHex(hex("L39"));
            assertThat(device.readFrameHex()).isEqualTo(hex("L40"));
        }
    }

    @Test
    void aRefusedAuthIsAnsweredWithTheBareErrorAndClosed() throws Exception {
        start(true);
        try (RawIotmpSocket device = new RawIotmpSocket(server.legacyAddress().getPort())) {
            // ["alice","esp32","wrong!"]
            device.sendHex(Hex.format(LegacyVectors.row("L01").bytes()).replace("73 33 63 72 33 74",
                    "77 72 6F 6E 67 21"));
            assertThat(device.readFrameHex()).isEqualTo(hex("L03"));
            assertThat(device.closedWithin(TIMEOUT)).isTrue();
        }
    }

    @Test
    void runAndDescribeAreTheVectorsByteForByte() throws Exception {
        start(true);
        try (RawIotmpSocket device = legacyDevice()) {
            // a new device's requests are numbered from 1, so the vectors' own ids come out
            DeviceReply api = call(DeviceRequest.describe(null), device, hex("L04"), hex("L05"));
            assertThat(api.payload()).isEqualTo(Map.of(
                    "led", Map.of("fn", 2L, "al", 0L),
                    "temperature", Map.of("fn", 3L, "al", 2L),
                    "sum", Map.of("fn", 4L, "al", 0L),
                    "reboot", Map.of("fn", 1L, "al", 0L),
                    "$ota/options", Map.of("fn", 3L, "al", 0L),
                    "$ota/write", Map.of("fn", 4L, "al", 0L),
                    "$console", Map.of("fn", 5L, "al", 0L)));
            DeviceReply temperature = call(DeviceRequest.run("temperature", null), device, hex("L06"), hex("L07"));
            assertThat(temperature.payload()).isEqualTo(Map.of("celsius", 23.5f, "humidity", 61L));
            DeviceReply led = call(DeviceRequest.run("led", false), device, hex("L08"), hex("L09"));
            assertThat(led.payload()).isNull();
            DeviceReply ledState = call(DeviceRequest.describe("led"), device, hex("L10"), hex("L11"));
            assertThat(ledState.payload()).isEqualTo(Map.of("in", false));
        }
    }

    @Test
    void aDescribeAnswerWhosePathsWouldOutgrowTheDecodedBudgetFailsTheRequest() throws Exception {
        start(true);
        // ten levels of 2,000-character keys above 200 leaves: about 20 KB on the wire, but every flat path repeats
        // the 20,000 characters of its parents, 8 MB of paths in all, twice the default maxDecodedFrameBytes
        Map<String, Object> leaves = new LinkedHashMap<>();
        for (int i = 0; i < 200; i++) {
            leaves.put("r" + i, Map.of());
        }
        Map<String, Object> tree = leaves;
        for (int level = 0; level < 10; level++) {
            tree = Map.of(String.valueOf((char) ('a' + level)).repeat(2000), Map.of("/", tree));
        }
        ByteBuf answer = Unpooled.buffer();
        LegacyFrames.encode(LegacyMessage.ok(1, tree), answer);
        assertThat(answer.readableBytes()).isLessThan(server.config().maxFrameSize());
        try (RawIotmpSocket device = legacyDevice()) {
            CompletableFuture<DeviceReply> reply = server.send(DEVICE, DeviceRequest.describe(null), TIMEOUT);
            assertThat(device.readFrameHex()).isEqualTo(hex("L04"));
            device.sendHex(Hex.format(answer));
            assertThat(reply).failsWithin(TIMEOUT).withThrowableOfType(Exception.class)
                    .withCauseInstanceOf(DeviceErrorException.class)
                    .withMessageContaining("maxDecodedFrameBytes");
            assertThat(server.registry().session(DEVICE).orElseThrow().counters().malformedFrames()).isEqualTo(1);
            // the device stays, and a describe within the budget still works
            DeviceReply api = call(DeviceRequest.describe(null), device, hex("L04", 2), hex("L05", 2));
            assertThat(api.payload()).asInstanceOf(InstanceOfAssertFactories.MAP).containsKey("led");
        } finally {
            answer.release();
        }
    }

    @Test
    void anErrorOfTheDeviceFailsTheRequestWithoutDetail() throws Exception {
        start(true);
        try (RawIotmpSocket device = legacyDevice()) {
            CompletableFuture<DeviceReply> reply = server.send(DEVICE, DeviceRequest.run("nope", null), TIMEOUT);
            assertThat(device.readFrameHex()).isEqualTo(hex("L41", 1));
            device.sendHex(hex("L42", 1));
            assertThat(reply).failsWithin(TIMEOUT).withThrowableOfType(Exception.class)
                    .withCauseInstanceOf(DeviceErrorException.class);
        }
    }

    @Test
    void pathsTravelAsArraysOfSegmentsNeverAsStrings() throws Exception {
        start(true);
        try (RawIotmpSocket device = legacyDevice()) {
            CompletableFuture<DeviceReply> reply = server.send(DEVICE, DeviceRequest.run("$ota/options", null),
                    TIMEOUT);
            // L47 is RUN ["$ota","options"]
            assertThat(device.readFrameHex()).isEqualTo(hex("L47", 1));
            device.sendHex(hex("L48", 1));
            assertThat(reply.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).payload())
                    .isEqualTo(Map.of("enabled", true, "block_size", 8192L, "checksum", "md5"));
        }
    }

    private static final class Samples implements StreamListener {
        final BlockingQueue<StreamSample> samples = new LinkedBlockingQueue<>();

        @Override
        public CompletionStage<Void> onSample(StreamSample sample) {
            samples.add(sample);
            return CompletableFuture.completedFuture(null);
        }

        StreamSample next() throws InterruptedException {
            StreamSample sample = samples.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertThat(sample).as("a sample").isNotNull();
            return sample;
        }
    }

    @Test
    void streamsTakeABareIntervalDeliverUnwrappedSamplesAndStopByResource() throws Exception {
        start(true);
        try (RawIotmpSocket device = legacyDevice()) {
            Samples temperature = new Samples();
            DeviceReply started = call(DeviceRequest.startStream("temperature", 5000, temperature), device,
                    hex("L18", 1), hex("L19", 1));
            device.sendHex(hex("L20", 1));
            StreamSample sample = temperature.next();
            assertThat(sample.resource()).isEqualTo("temperature");
            assertThat(sample.payload()).isEqualTo(Map.of("celsius", 23.5f, "humidity", 61L));
            // an event stream: no interval; its first event is the input's state, unwrapped
            Samples led = new Samples();
            call(DeviceRequest.startStream("led", 0, led), device, hex("L21", 2), hex("L22", 2));
            device.sendHex(hex("L23", 2));
            assertThat(led.next().payload()).isEqualTo(false);
            // raw stream_data() payloads are kept as they are
            device.sendHex(hex("L29", 2));
            assertThat(led.next().payload()).isEqualTo(new byte[] { 0x24, 0x20 });
            call(DeviceRequest.stopStream(started.streamId()), device, hex("L27", 1), hex("L28", 1));
        }
    }

    @Test
    void samplesWithTheStreamIdsOfAnEarlierConnectionAreNeverTakenForANewStreamAndAreCounted() throws Exception {
        start(true);
        Samples first = new Samples();
        try (RawIotmpSocket device = legacyDevice()) {
            call(DeviceRequest.startStream("temperature", 5000, first), device, hex("L18", 1), hex("L19", 1));
            device.sendHex(hex("L20", 1));
            first.next();
        }
        eventually().until(() -> server.registry().registration(DEVICE).isEmpty());
        try (RawIotmpSocket device = legacyDevice()) {
            // the new connection's stream gets an id the device has not used before
            aNewStreamDropsTheSampleOfId1(device);
            assertThat(first.samples).isEmpty();
            assertThat(meters.get("iotmp.samples").tag("state", "stale").counter().count()).isEqualTo(1.0);
            assertThat(server.totals().samplesDropped()).as("not a drop by backpressure").isZero();
            // received: one by the connection that ended, one by this one
            assertThat(server.totals().samplesReceived()).isEqualTo(2);
            assertThat(meters.get("iotmp.samples").tag("state", "received").functionCounter().count())
                    .isEqualTo(2.0);
            SessionCounters counters = server.registry().session(DEVICE).orElseThrow().counters();
            assertThat(counters.staleSamplesDropped()).isEqualTo(1);
            assertThat(counters.samplesDropped()).isZero();
            // one device, however often it connects, is one entry of the id memory that outlives connections
            assertThat(server.legacyDevicesTracked()).isEqualTo(1);
            assertThat(meters.get("iotmp.legacy.devices.tracked").gauge().value()).isEqualTo(1.0);
        }
    }

    /**
     * A legacy device keeps one stream per resource: a second START_STREAM replaces the first, and a STOP_STREAM,
     * which names the resource, stops whichever is open. The server served an on-change and a periodic subscription
     * of one resource with two device streams, so the one opened first got nothing more once the other started, and
     * stopping either left the other subscription open on a stream the device no longer sent. A legacy device's
     * resource now has one stream, at the periodic subscriptions' interval (none when only changes are wanted),
     * whose samples and events reach every subscription; it is replaced when that interval changes.
     */
    @Test
    void onChangeAndPeriodicSubscriptionsOfOneResourceShareTheLegacyDevicesOneStream() throws Exception {
        start(true);
        DeviceFilter alice = new DeviceFilter("alice", "*");
        Samples onChange = new Samples();
        Samples periodic = new Samples();
        try (RawIotmpSocket device = legacyDevice()) {
            StreamSubscription changes = server.subscriptions().subscribe(alice, "temperature", 0, onChange);
            assertThat(device.readFrameHex()).isEqualTo(frameHex(SignalFlag.START_STREAM, 1, null));
            device.sendHex(frameHex(SignalFlag.REQUEST_OK, 1, null));

            StreamSubscription every5s = server.subscriptions().subscribe(alice, "temperature", 5000, periodic);
            // stopped before the new one starts: a STOP_STREAM after it would stop the new stream
            assertThat(device.readFrameHex()).isEqualTo(frameHex(SignalFlag.STOP_STREAM, 1, null));
            assertThat(device.readFrameHex()).isEqualTo(frameHex(SignalFlag.START_STREAM, 2, 5000L));
            device.sendHex(frameHex(SignalFlag.REQUEST_OK, 1, null));
            device.sendHex(frameHex(SignalFlag.REQUEST_OK, 2, null));
            device.sendHex(hex("L20", 2));
            assertThat(periodic.next().payload()).isEqualTo(onChange.next().payload());

            every5s.close();
            assertThat(device.readFrameHex()).isEqualTo(frameHex(SignalFlag.STOP_STREAM, 2, null));
            assertThat(device.readFrameHex()).isEqualTo(frameHex(SignalFlag.START_STREAM, 3, null));
            device.sendHex(frameHex(SignalFlag.REQUEST_OK, 2, null));
            device.sendHex(frameHex(SignalFlag.REQUEST_OK, 3, null));
            device.sendHex(hex("L26", 3));
            assertThat(onChange.next().payload()).isEqualTo(true);
            assertThat(periodic.samples).isEmpty();

            changes.close();
            assertThat(device.readFrameHex()).isEqualTo(frameHex(SignalFlag.STOP_STREAM, 3, null));
        }
    }

    /**
     * The consumers of a resource share its one stream, but a producer's {@code startStream} on the same resource
     * went out as a second START_STREAM: the board replaced the consumers' stream with it, and the producer's stop
     * (by resource) then stopped the board's only stream, leaving the consumers open on nothing. Such a stream now
     * fails at once with the reason, and the consumers' stream goes on.
     */
    @Test
    void aSecondStreamOfAResourceThatHasOneFailsAndTheFirstGoesOn() throws Exception {
        start(true);
        Samples consumer = new Samples();
        try (RawIotmpSocket device = legacyDevice()) {
            server.subscriptions().subscribe(new DeviceFilter("alice", "*"), "temperature", 0, consumer);
            assertThat(device.readFrameHex()).isEqualTo(frameHex(SignalFlag.START_STREAM, 1, null));
            device.sendHex(frameHex(SignalFlag.REQUEST_OK, 1, null));

            Samples producer = new Samples();
            CompletableFuture<DeviceReply> second = server.send(DEVICE,
                    DeviceRequest.startStream("temperature", 5000, producer), TIMEOUT);
            CompletableFuture<DeviceReply> describe = server.send(DEVICE, DeviceRequest.describe(null), TIMEOUT);
            assertThat(device.readFrameHex()).as("nothing is sent for the second stream")
                    .isEqualTo(hex("L04", 2));
            assertThat(second).failsWithin(TIMEOUT).withThrowableOfType(Exception.class)
                    .withCauseInstanceOf(DeviceErrorException.class)
                    .withMessageContaining("one stream per resource");
            device.sendHex(hex("L05", 2));
            describe.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);

            device.sendHex(hex("L20", 1));
            assertThat(consumer.next().payload()).isInstanceOf(Map.class);
            assertThat(producer.samples).isEmpty();
        }
    }

    /**
     * A stream of "led" gets id 2 on {@code device}, which then sends a sample of its stream before (id 1) and the new
     * stream's event: the stale sample is dropped, read before the event on the same I/O thread, and counted.
     */
    private void aNewStreamDropsTheSampleOfId1(RawIotmpSocket device) throws Exception {
        aNewStreamDropsTheStaleSample(device, 1, 2);
    }

    /**
     * A stream of "led" gets {@code newId} on {@code device}, which then sends a sample of its stream before
     * ({@code staleId}) and the new stream's event: the stale sample is dropped, read before the event on the same I/O
     * thread, and counted.
     */
    private void aNewStreamDropsTheStaleSample(RawIotmpSocket device, int staleId, int newId) throws Exception {
        Samples led = new Samples();
        call(DeviceRequest.startStream("led", 0, led), device, hex("L21", newId), hex("L22", newId));
        device.sendHex(hex("L20", staleId));
        device.sendHex(hex("L26", newId));
        assertThat(led.next().payload()).isEqualTo(true);
        assertThat(led.samples).isEmpty();
        assertThat(server.totals().staleSamplesDropped()).isEqualTo(1);
    }

    /**
     * A board streams on with the ids of its connection before (after a socket drop all its streams, after a keep-alive
     * failure its nested ones), every interval, until it is told to stop; dropping the samples alone left a board on
     * a metered link sending them for as long as it ran. A stale sample names no resource, so on the first one of a
     * connection the server asks for the board's resources and stops those no stream of the new connection is on,
     * once per connection.
     */
    @Test
    void aBoardStreamingOnStaleIdsIsToldToStopTheResourcesNoStreamIsOn() throws Exception {
        start(true);
        try (RawIotmpSocket device = legacyDevice()) {
            Samples led = new Samples();
            call(DeviceRequest.startStream("led", 0, led), device, hex("L21", 1), hex("L22", 1));
            device.sendHex(hex("L20", 500));
            LegacyMessage describe = nextMessage(device);
            assertThat(describe.flag()).isEqualTo(SignalFlag.RUN);
            assertThat(describe.resource()).isEqualTo(List.of("api"));
            device.sendHex(hex("L05", describe.streamId()));
            java.util.List<Object> stopped = new java.util.ArrayList<>();
            for (int i = 0; i < 6; i++) {
                LegacyMessage stop = nextMessage(device);
                assertThat(stop.flag()).isEqualTo(SignalFlag.STOP_STREAM);
                stopped.add(stop.resource());
                device.sendHex(frameHex(SignalFlag.REQUEST_OK, stop.streamId(), null));
            }
            assertThat(stopped).as("every resource but led, whose stream is this connection's").containsExactly(
                    List.of("temperature"), List.of("sum"), List.of("reboot"),
                    List.of("$ota", "options"), List.of("$ota", "write"),
                    List.of("$console"));
            eventually().until(() -> server.totals().staleStreamsStopped() == 6);
            assertThat(meters.get("iotmp.legacy.stale.streams.stopped").counter().count()).isEqualTo(6.0);

            // asked once per connection: the next frame after another stale sample is the server's own request
            device.sendHex(hex("L20", 501));
            device.sendHex(hex("L26", 1));
            assertThat(led.next().payload()).isEqualTo(true);
            CompletableFuture<DeviceReply> reboot = server.send(DEVICE, DeviceRequest.run("reboot", null), TIMEOUT);
            LegacyMessage run = nextMessage(device);
            assertThat(run.flag()).isEqualTo(SignalFlag.RUN);
            assertThat(run.resource()).isEqualTo(List.of("reboot"));
            device.sendHex(hex("L17", run.streamId()));
            reboot.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertThat(server.totals().staleSamplesDropped()).isEqualTo(2);
            assertThat(led.samples).isEmpty();
        }
    }

    /** The stale streams a connection stops are at most {@code maxPendingRequests} resources. */
    @Test
    void theStaleStreamsStoppedAreAtMostMaxPendingRequests() throws Exception {
        server = new IotmpServer(IotmpServerConfig.builder().host("127.0.0.1").port(0).nativeTransport(false)
                .authenticator(StaticAuthenticator.parse("alice/esp32=s3cr3t")).maxPendingRequests(2)
                .legacy(new LegacyListeners(true, 0, LegacyListeners.NONE)).build(),
                LegacyTestIds.startingAt(1, ServerLimits.DEFAULT_MAX_LEGACY_DEVICES_TRACKED));
        server.start();
        try (RawIotmpSocket device = legacyDevice()) {
            device.sendHex(hex("L20", 500));
            LegacyMessage describe = nextMessage(device);
            device.sendHex(hex("L05", describe.streamId()));
            assertThat(nextMessage(device).resource()).isEqualTo(List.of("led"));
            assertThat(nextMessage(device).resource()).isEqualTo(List.of("temperature"));
            eventually().until(() -> server.totals().staleStreamsStopped() == 2);
            CompletableFuture<DeviceReply> reboot = server.send(DEVICE, DeviceRequest.run("reboot", null), TIMEOUT);
            assertThat(nextMessage(device).resource()).as("no third STOP_STREAM before the server's request")
                    .isEqualTo(List.of("reboot"));
            reboot.cancel(true);
        }
    }

    /** The next frame the server sends {@code device}. */
    private static LegacyMessage nextMessage(RawIotmpSocket device) throws Exception {
        byte[] frame = Hex.bytes(device.readFrameHex());
        ByteBuf buf = Unpooled.wrappedBuffer(frame);
        IotmpFrames.Header header = IotmpFrames.peekHeader(buf, Integer.MAX_VALUE);
        return LegacyFrames.decodeBody(buf, header.headerLength(), frame.length, 32, Long.MAX_VALUE);
    }

    /** The legacy id of the next frame the server sends {@code device}. */
    private static int nextStreamId(RawIotmpSocket device) throws Exception {
        byte[] frame = Hex.bytes(device.readFrameHex());
        ByteBuf buf = Unpooled.wrappedBuffer(frame);
        IotmpFrames.Header header = IotmpFrames.peekHeader(buf, Integer.MAX_VALUE);
        return LegacyFrames.decodeBody(buf, header.headerLength(), frame.length, 32, Long.MAX_VALUE).streamId();
    }

    /** A frame of the server's requests on "temperature", or an answer (without resource), as the device sees it. */
    private static String frameHex(SignalFlag flag, int streamId, Object payload) {
        boolean request = flag == SignalFlag.START_STREAM || flag == SignalFlag.STOP_STREAM;
        return frame(LegacyMessage.of(flag, streamId, request ? List.of("temperature") : null, payload));
    }

    /**
     * The component's server is a new {@link IotmpServer} each time its routes start again, and the legacy devices
     * that were attached reconnect to it streaming with the ids of their connection before. The new server began
     * every device's ids at 1 again, so such a stale sample was delivered to whichever stream now had its id. The ids
     * go on where they were, for the servers of one manager on the same address.
     */
    @Test
    void aServerStartedAgainGoesOnWithTheIdsItsLegacyDevicesUsedBefore() throws Exception {
        IotmpServerManager manager = new IotmpServerManager();
        IotmpServerConfig config = config(true, "alice/esp32=s3cr3t", ServerLimits.DEFAULT);
        Samples temperature = new Samples();
        IotmpServerManager.Handle handle = manager.acquire(config);
        server = handle.server();
        int first;
        try (RawIotmpSocket attached = legacyDevice()) {
            CompletableFuture<DeviceReply> started = server.send(DEVICE,
                    DeviceRequest.startStream("temperature", 5000, temperature), TIMEOUT);
            // the manager's server does not know the device: its ids start anywhere in the board's 16 bits
            first = nextStreamId(attached);
            assertThat(first).isBetween(1, LegacyFrames.MAX_STREAM_ID);
            attached.sendHex(hex("L19", first));
            started.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            // the routes stop: the server stops with the device attached
            handle.close();
            assertThat(attached.closedWithin(TIMEOUT)).isTrue();
        }
        handle = manager.acquire(config);
        try (IotmpServerManager.Handle again = handle) {
            server = again.server();
            try (RawIotmpSocket device = legacyDevice()) {
                // the device goes on sampling its stream of the stopped server
                aNewStreamDropsTheStaleSample(device, first, first % LegacyFrames.MAX_STREAM_ID + 1);
            }
        }
        assertThat(temperature.samples).isEmpty();
    }

    /**
     * A server in another JVM, or another member of a cluster, knows nothing of the ids a board was given before. Each
     * began a device's ids at 1, so a board moving from one to the other streamed its stale samples (id 1) into
     * whichever new stream got id 1. A server starts the ids of a device it does not know at random in the board's 16
     * bits, and the stale samples, of an id it never issued, are dropped. The two servers' draws are fixed here (two
     * different seeds) so that the test does not depend on chance.
     */
    @Test
    void aBoardMovingToAServerThatNeverSawItHasItsStaleSamplesDropped() throws Exception {
        IotmpServerConfig config = config(true, "alice/esp32=s3cr3t", ServerLimits.DEFAULT);
        Samples temperature = new Samples();
        server = new IotmpServer(config, new LegacyStreamIds(ServerLimits.DEFAULT_MAX_LEGACY_DEVICES_TRACKED,
                new SplittableRandom(1)));
        server.start();
        int first;
        try (RawIotmpSocket attached = legacyDevice()) {
            server.send(DEVICE, DeviceRequest.startStream("temperature", 5000, temperature), TIMEOUT);
            first = nextStreamId(attached);
            attached.sendHex(hex("L19", first));
            attached.sendHex(hex("L20", first));
            assertThat(temperature.next().payload()).isInstanceOf(Map.class);
            server.stop();
            assertThat(attached.closedWithin(TIMEOUT)).isTrue();
        }
        server = new IotmpServer(config, new LegacyStreamIds(ServerLimits.DEFAULT_MAX_LEGACY_DEVICES_TRACKED,
                new SplittableRandom(2)));
        server.start();
        try (RawIotmpSocket device = legacyDevice()) {
            Samples led = new Samples();
            server.send(DEVICE, DeviceRequest.startStream("led", 0, led), TIMEOUT);
            int second = nextStreamId(device);
            assertThat(second).as("the other server's first id").isNotEqualTo(first).isNotEqualTo(1);
            device.sendHex(hex("L22", second));
            // the board goes on sampling its stream of the first server, then the new stream's event comes
            device.sendHex(hex("L20", first));
            device.sendHex(hex("L26", second));
            assertThat(led.next().payload()).isEqualTo(true);
            assertThat(led.samples).isEmpty();
            assertThat(server.totals().staleSamplesDropped()).isEqualTo(1);
        }
        assertThat(temperature.samples).isEmpty();
    }

    /**
     * Where each device's ids continue outlives its connections, so a user with a wildcard credential could make the
     * server keep one entry per device id it invents: at most {@code maxLegacyDevicesTracked}, the least recently
     * connected forgotten first.
     */
    @Test
    void theDevicesWhoseIdsAreKeptAreBoundedAndTheLeastRecentlyConnectedForgottenFirst() throws Exception {
        start(true, "alice/*=s3cr3t", ServerLimits.builder().maxLegacyDevicesTracked(3).build());
        for (int i = 0; i < 6; i++) {
            assertThat(describedWithId("dev-" + i)).as("dev-%d is new: its ids start at 1", i).isEqualTo(1);
            assertThat(meters.get("iotmp.legacy.devices.tracked").gauge().value()).isEqualTo(Math.min(i + 1, 3));
        }
        // dev-5 is remembered: its ids go on; dev-0, the least recently connected, was forgotten
        assertThat(describedWithId("dev-5")).isEqualTo(2);
        assertThat(describedWithId("dev-0")).isEqualTo(1);
        assertThat(server.legacyDevicesTracked()).isEqualTo(3);
    }

    /** Connects {@code device} (as a legacy device of alice), sends it a DESCRIBE and returns the request's id. */
    private int describedWithId(String device) throws Exception {
        DeviceId id = new DeviceId("alice", device);
        String request;
        try (RawIotmpSocket socket = new RawIotmpSocket(server.legacyAddress().getPort())) {
            ByteBuf auth = Unpooled.buffer();
            LegacyFrames.encode(LegacyMessage.auth("alice", device, "s3cr3t"), auth);
            try {
                socket.sendHex(Hex.format(auth));
            } finally {
                auth.release();
            }
            assertThat(socket.readFrameHex()).isEqualTo(hex("L02"));
            eventually().until(() -> server.registry().registration(id).isPresent());
            server.send(id, DeviceRequest.describe(null), TIMEOUT); // never answered: the socket closes
            request = socket.readFrameHex();
        }
        // gone before it connects again, so that its next connection is not taken for a duplicate
        eventually().until(() -> server.registry().registration(id).isEmpty());
        for (int streamId = 1; streamId <= 3; streamId++) {
            if (request.equals(hex("L04", streamId))) {
                return streamId;
            }
        }
        throw new AssertionError(device + " was sent " + request);
    }

    @Test
    void unsolicitedAnswersAreNeverAnswered() throws Exception {
        start(true);
        try (RawIotmpSocket device = legacyDevice()) {
            // REQUEST_OK and REQUEST_ERROR for requests nobody made (stream 99)
            device.sendHex("01 04 08 63 10 01");
            device.sendHex("01 04 08 63 10 02");
            device.sendHex(hex("L39"));
            // the keep-alive answer is the very next frame: nothing was sent for the answers
            assertThat(device.readFrameHex()).isEqualTo(hex("L40"));
        }
    }

    @Test
    void serviceCallsReachTheirHandlersAndAreAcknowledgedOnlyWithAnId() throws Exception {
        start(true);
        BlockingQueue<DeviceCall> calls = new LinkedBlockingQueue<>();
        DeviceCallHandler record = call -> {
            calls.add(call);
            return CompletableFuture.completedFuture(null);
        };
        server.calls().registerService(ServiceCode.WRITE_BUCKET, "temps", record);
        server.calls().registerService(ServiceCode.CALL_ENDPOINT, "alert", record);
        server.calls().registerService(ServiceCode.CALL_DEVICE, "*", record);
        server.calls().registerService(ServiceCode.SET_DEVICE_PROPERTY, "config", record);
        try (RawIotmpSocket device = legacyDevice()) {
            device.sendHex(hex("L30"));
            DeviceCall bucket = calls.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertThat(bucket.service()).isEqualTo(ServiceCode.WRITE_BUCKET);
            assertThat(bucket.target()).isEqualTo("temps");
            assertThat(bucket.payload()).isEqualTo(Map.of("temp", 23.5f, "hum", 61L));
            assertThat(bucket.registration().generation()).isEqualTo(Generation.LEGACY);
            device.sendHex(hex("L31"));
            assertThat(device.readFrameHex()).isEqualTo(hex("L32"));
            assertThat(calls.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS).payload()).isEqualTo(Map.of("temp", 23.5f));
            device.sendHex(hex("L33"));
            DeviceCall endpoint = calls.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertThat(endpoint.target()).isEqualTo("alert");
            assertThat(endpoint.payload()).isEqualTo(Map.of("level", "high"));
            device.sendHex(hex("L34"));
            DeviceCall callDevice = calls.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertThat(callDevice.service()).isEqualTo(ServiceCode.CALL_DEVICE);
            assertThat(callDevice.target()).isEqualTo("esp8266/relay");
            assertThat(callDevice.payload()).isEqualTo(true);
            device.sendHex(hex("L37"));
            assertThat(device.readFrameHex()).isEqualTo(hex("L38"));
            assertThat(calls.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS).payload())
                    .isEqualTo(Map.of("threshold", 31L));
            // none of the unconfirmed calls was answered: the next frame is the keep-alive's
            device.sendHex(hex("L39"));
            assertThat(device.readFrameHex()).isEqualTo(hex("L40"));
        }
    }

    @Test
    void getPropertyHasNoStreamIdAndIsAnsweredWithoutOne() throws Exception {
        start(true);
        server.calls().registerService(ServiceCode.READ_DEVICE_PROPERTY, "config",
                call -> CompletableFuture.completedFuture(LegacyVectors.parseValue(
                        "{\"threshold\":30,\"mode\":\"auto\"}")));
        try (RawIotmpSocket device = legacyDevice()) {
            device.sendHex(hex("L35"));
            assertThat(device.readFrameHex()).isEqualTo(hex("L36"));
            // a property nobody has: REQUEST_ERROR, also without id
            device.sendHex("01 0C 10 0B 1E 4A 07 6D 69 73 73 69 6E 67");
            assertThat(device.readFrameHex()).isEqualTo(hex("L03"));
        }
    }

    /** A legacy device's service calls are RUNs of the same dispatcher: names beyond maxNameLength are refused. */
    @Test
    void namesBeyondMaxNameLengthAreRefusedOnTheLegacyPathToo() throws Exception {
        start(true);
        String longName = "p".repeat(ServerQuotas.DEFAULT_MAX_NAME_LENGTH + 1);
        try (RawIotmpSocket device = legacyDevice()) {
            device.sendHex(frame(LegacyMessage.service(SignalFlag.SET_PROPERTY, 5, longName, null, 1)));
            assertThat(device.readFrameHex()).isEqualTo(frame(LegacyMessage.error(5)));
            device.sendHex(frame(LegacyMessage.service(SignalFlag.SET_PROPERTY, 0, "p", null, 1)));
            eventually().until(() -> server.properties().read(DEVICE, "p") != null);
        }
        assertThat(server.properties().read(DEVICE, longName)).isNull();
        assertThat(meters.get("iotmp.quota.refusals").tag("quota", "name-length").counter().count()).isEqualTo(1.0);
    }

    private static String frame(LegacyMessage message) {
        ByteBuf buf = Unpooled.buffer();
        LegacyFrames.encode(message, buf);
        try {
            return Hex.format(buf);
        } finally {
            buf.release();
        }
    }

    @Test
    void everyPortTellsTheProtocolsApartByTheFirstByte() throws Exception {
        start(true);
        int iotmpPort = server.localAddress().getPort();
        try (RawIotmpSocket legacy = legacyDevice(iotmpPort)) {
            legacy.sendHex(hex("L39"));
            assertThat(legacy.readFrameHex()).isEqualTo(hex("L40"));
        }
        eventually().until(() -> server.registry().registration(DEVICE).isEmpty());
        try (RawIotmpSocket iotmp = RawIotmpSocket.connect(server.legacyAddress().getPort(), "alice", "esp32",
                "s3cr3t")) {
            eventually().until(() -> server.registry().registration(DEVICE).isPresent());
            assertThat(server.registry().registration(DEVICE).orElseThrow().generation()).isEqualTo(Generation.GEN2);
            iotmp.send(IotmpMessage.KEEP_ALIVE, Generation.GEN2);
            assertThat(iotmp.readFrameHex()).isEqualTo("05 00");
        }
        // a TLS ClientHello, or anything else: closed
        try (RawIotmpSocket other = new RawIotmpSocket(iotmpPort)) {
            other.sendHex("16 03 01 00 05");
            assertThat(other.closedWithin(TIMEOUT)).isTrue();
        }
    }

    @Test
    void withoutLegacyThereIsNoLegacyPortAndTheIotmpPortRefusesLegacyFrames() throws Exception {
        start(false);
        assertThat(server.legacyAddress()).isNull();
        try (RawIotmpSocket device = new RawIotmpSocket(server.localAddress().getPort())) {
            device.sendHex(hex("L01"));
            assertThat(device.closedWithin(TIMEOUT)).isTrue();
        }
        assertThat(server.registry().registration(DEVICE)).isEmpty();
    }

    @Test
    void theAuthIsTheOnlyFrameAcceptedFirst() throws Exception {
        start(true);
        try (RawIotmpSocket device = new RawIotmpSocket(server.legacyAddress().getPort())) {
            device.sendHex(hex("L04"));
            assertThat(device.closedWithin(TIMEOUT)).isTrue();
        }
    }

    @Test
    void aLegacyDeviceCountsAsUnauthenticatedOnlyUntilItsAuthIsAccepted() throws Exception {
        start(true);
        try (RawIotmpSocket waiting = new RawIotmpSocket(server.legacyAddress().getPort())) {
            // connected, nothing sent yet
            eventually().until(() -> server.unauthenticatedConnections() == 1);
            try (RawIotmpSocket device = legacyDevice()) {
                eventually().until(() -> server.unauthenticatedConnections() == 1);
                assertThat(server.registry().registration(DEVICE)).isPresent();
            }
        }
        eventually().until(() -> server.unauthenticatedConnections() == 0);
    }

    @Test
    void beforeItsAuthALegacyDeviceMayOnlySendSmallFrames() throws Exception {
        start(true);
        try (RawIotmpSocket device = new RawIotmpSocket(server.legacyAddress().getPort())) {
            // a MESSAGE announcing 64 KiB: refused at its header, before anything is buffered
            device.sendHex("01 80 80 04");
            assertThat(device.closedWithin(TIMEOUT)).isTrue();
        }
        assertThat(server.registry().registration(DEVICE)).isEmpty();
    }

    @Test
    void aMalformedFrameBeforeTheAuthClosesTheConnection() throws Exception {
        start(true);
        try (RawIotmpSocket device = new RawIotmpSocket(server.legacyAddress().getPort())) {
            // an AUTH with a PSON value in the unknown field 5
            device.sendHex("01 06 10 05 2E 4A 01 78");
            assertThat(device.closedWithin(TIMEOUT)).isTrue();
        }
    }

    @Test
    void aMalformedFrameOfAnAuthenticatedDeviceIsDroppedAndTheConnectionGoesOn() throws Exception {
        start(true);
        try (RawIotmpSocket device = legacyDevice()) {
            device.sendHex("01 02 10 0D");
            device.sendHex(hex("L39"));
            assertThat(device.readFrameHex()).isEqualTo(hex("L40"));
        }
    }

    /**
     * An answer whose payload does not decode (here nested deeper than maxPsonDepth) fails its request at once, as an
     * IOTMP device's does; it waited out its timeout. A START_STREAM so answered may have opened the stream: the
     * device is told to stop it, by its resource.
     */
    @Test
    void aMalformedAnswerFailsItsRequestAtOnce() throws Exception {
        start(true);
        try (RawIotmpSocket device = legacyDevice()) {
            CompletableFuture<DeviceReply> run = server.send(DEVICE, DeviceRequest.run("led", null),
                    Duration.ofHours(1));
            assertThat(device.readFrameHex()).isEqualTo(frame(LegacyMessage.of(SignalFlag.RUN, 1,
                    List.of("led"), null)));
            device.sendHex(tooDeepAnswer(1));
            assertThat(run).failsWithin(TIMEOUT).withThrowableOfType(ExecutionException.class)
                    .withCauseInstanceOf(MalformedAnswerException.class);
            CompletableFuture<DeviceReply> start = server.send(DEVICE, DeviceRequest.startStream("temperature", 0,
                    sample -> CompletableFuture.completedFuture(null)), Duration.ofHours(1));
            assertThat(device.readFrameHex()).isEqualTo(frame(LegacyMessage.of(SignalFlag.START_STREAM, 2,
                    List.of("temperature"), null)));
            device.sendHex(tooDeepAnswer(2));
            assertThat(start).failsWithin(TIMEOUT).withThrowableOfType(ExecutionException.class)
                    .withCauseInstanceOf(MalformedAnswerException.class);
            assertThat(device.readFrameHex()).isEqualTo(frame(LegacyMessage.of(SignalFlag.STOP_STREAM, 2,
                    List.of("temperature"), null)));
        }
    }

    /** REQUEST_OK with {@code streamId} whose payload is 100 arrays nested in each other. */
    private static String tooDeepAnswer(int streamId) {
        ByteBuf pson = Unpooled.buffer();
        pson.writeBytes(new byte[] {0x72, 0});
        for (int i = 1; i < 100; i++) {
            ByteBuf outer = Unpooled.buffer();
            outer.writeByte(0x72);
            Varint.write(pson.readableBytes(), outer);
            outer.writeBytes(pson);
            pson.release();
            pson = outer;
        }
        ByteBuf body = Unpooled.buffer();
        body.writeBytes(new byte[] {0x08, (byte) streamId, 0x10, 0x01, 0x36});
        body.writeBytes(pson);
        pson.release();
        ByteBuf frame = Unpooled.buffer();
        frame.writeByte(LegacyFrames.TYPE_MESSAGE);
        Varint.write(body.readableBytes(), frame);
        frame.writeBytes(body);
        body.release();
        try {
            return Hex.format(frame);
        } finally {
            frame.release();
        }
    }

    @Test
    void aStalledLegacyFrameIsCutOffByItsDeadlineAndGivesBackItsBudget() throws Exception {
        server = new IotmpServer(IotmpServerConfig.builder().host("127.0.0.1").port(0).nativeTransport(false)
                .connectTimeout(Duration.ofMinutes(5))
                .limits(ServerLimits.builder().frameReadTimeout(Duration.ofSeconds(2)).build())
                .authenticator(StaticAuthenticator.parse("alice/esp32=s3cr3t"))
                .legacy(new LegacyListeners(true, 0, LegacyListeners.NONE)).build());
        server.start();
        try (RawIotmpSocket device = legacyDevice()) {
            // a RUN answer announcing 12 bytes; two arrive, then nothing
            device.sendHex("01 0C 08 03");
            assertThat(device.closedWithin(TIMEOUT)).as("closed by the frame deadline").isTrue();
        }
        try (RawIotmpSocket stranger = new RawIotmpSocket(server.legacyAddress().getPort())) {
            // an AUTH that never completes; the AUTH deadline is 5 minutes
            stranger.sendHex("01 1B 10");
            assertThat(stranger.closedWithin(TIMEOUT)).isTrue();
        }
        eventually().until(() -> server.partialFrameBytes() == 0 && server.unauthenticatedConnections() == 0
                                 && server.registry().size() == 0);
    }
}
