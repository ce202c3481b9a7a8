package io.cameliotmp.device;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.protocol.MessageType;
import io.cameliotmp.protocol.PsonFormat;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** RUN and DESCRIBE of device resources: fn 1-4, errors, path patterns, gen-1 layout, handler executor. */
class DeviceResourceTest extends DeviceTestBase {

    private volatile Object ledState = Map.of("state", false);
    private volatile double celsius = 23.5;

    private void registerLedAndTemperature(IotmpDevice device) {
        device.resource("led").input(state -> ledState = state, () -> ledState);
        device.resource("temperature").output(() -> Map.of("celsius", celsius));
    }

    /** docs/protocol.md §10 / iotmp-vectors.md §5, every frame compared byte for byte. */
    @Test
    void typicalSessionMatchesTheReferenceBytes() throws Exception {
        startServer();
        IotmpDevice device = track(deviceBuilder().idGenerator(ids(0x1234, 0x5678)).build());
        registerLedAndTemperature(device);
        CompletionStage<Void> started = device.start();
        TestIotmpServer.Connection c = server.awaitConnection();

        c.expectBytes("03 18 08 B4 24 1A E3 85 61 6C 69 63 65 85 65 73 70 33 32 86 73 33 63 72 33 74"); // 1
        await(started); // 2: the fixture answered OK id 0x1234

        c.sendHex("07 02 08 01"); // 3 DESCRIBE
        c.expectBytes("01 1E 08 01 1A C2 83 6C 65 64 C1 82 66 6E 02 8B 74 65 6D 70 65 72 61 74 75 72 65 C1 82 66 6E"
                      + " 03"); // 4

        c.sendHex("06 0F 08 02 22 8B 74 65 6D 70 65 72 61 74 75 72 65"); // 5 RUN temperature
        c.expectBytes("01 11 08 02 1A C1 87 63 65 6C 73 69 75 73 40 00 00 BC 41"); // 6

        c.sendHex("06 10 08 03 1A C1 85 73 74 61 74 65 61 22 83 6C 65 64"); // 7 RUN led {"state":true}
        c.expectBytes("01 02 08 03"); // 8
        assertThat(ledState).isEqualTo(Map.of("state", true));

        c.sendHex("08 1D 08 04 12 C1 88 69 6E 74 65 72 76 61 6C 1F 88 27 22 8B 74 65 6D 70 65 72 61 74 75 72"
                  + " 65"); // 9 START_STREAM temperature {"interval":5000}
        c.expectBytes("01 02 08 04"); // 10
        c.expectBytes("0A 11 08 04 1A C1 87 63 65 6C 73 69 75 73 40 00 00 BC 41"); // 11 echo

        celsius = 23.75; // 12: instead of waiting 5 s for the interval sample, push the value on the stream
        assertThat(device.stream("temperature", Map.of("celsius", celsius))).isTrue();
        c.expectBytes("0A 11 08 04 1A C1 87 63 65 6C 73 69 75 73 40 00 00 BE 41");

        CompletionStage<Object> written = device.writeBucket("temps", Map.of("celsius", 23.75), true);
        c.expectBytes("06 1C 08 F8 AC 01 10 05 1A C1 87 63 65 6C 73 69 75 73 40 00 00 BE 41 22 85 74 65 6D 70"
                      + " 73"); // 13
        assertThat(written.toCompletableFuture().isDone()).isFalse();
        c.sendHex("01 04 08 F8 AC 01"); // 14
        assertThat(await(written)).isNull();

        c.sendHex("09 02 08 04"); // 15 STOP_STREAM
        c.expectBytes("01 02 08 04"); // 16
        assertThat(device.stream("temperature")).isFalse();

        await(device.send(IotmpMessage.KEEP_ALIVE)); // 17 (the timer is tested in DeviceConnectionTest)
        c.expectBytes("05 00");
        c.sendHex("05 00"); // 18 echo: ignored

        c.sendHex("04 00"); // 19 DISCONNECT
        c.awaitClosed();
        assertThat(c.isOpen()).isFalse();
    }

    @Test
    void runResourceExecutesAndAnswersBareOk() throws Exception {
        startServer();
        IotmpDevice device = newDevice();
        AtomicInteger reboots = new AtomicInteger();
        device.resource("reboot").run(reboots::incrementAndGet);
        TestIotmpServer.Connection c = connect(device);

        c.send(IotmpMessage.run(9, "reboot", null, Map.of("ignored", true)));

        c.expectBytes("01 02 08 09");
        assertThat(reboots).hasValue(1);
    }

    @Test
    void inputResourceWithoutPayloadKeepsItsState() throws Exception {
        startServer();
        IotmpDevice device = newDevice();
        registerLedAndTemperature(device);
        TestIotmpServer.Connection c = connect(device);

        c.send(IotmpMessage.run(3, "led", null, null));

        c.expectBytes("01 02 08 03"); // input resources never return their state in the RUN answer
        assertThat(ledState).isEqualTo(Map.of("state", false));
    }

    @Test
    void inputOutputResourceMapsInputAndReadsCurrentOutputWithoutInput() throws Exception {
        startServer();
        IotmpDevice device = newDevice();
        BlockingQueue<ResourceRequest> seen = new LinkedBlockingQueue<>();
        device.resource("echo").handler(ResourceKind.INPUT_OUTPUT, request -> {
            seen.add(request);
            return request.input() != null ? request.input() : "current";
        });
        TestIotmpServer.Connection c = connect(device);

        c.send(IotmpMessage.run(10, "echo", Map.of("verbose", true), Map.of("a", 1L)));
        assertThat(c.next()).isEqualTo(IotmpMessage.ok(10, Map.of("a", 1L)));
        ResourceRequest withInput = seen.poll();
        assertThat(withInput.describeMode()).isFalse();
        assertThat(withInput.parameters()).isEqualTo(Map.of("verbose", true));
        assertThat(withInput.path()).isEqualTo("echo");
        assertThat(withInput.streamId()).isZero();

        c.send(IotmpMessage.run(11, "echo", null, null));
        assertThat(c.next()).isEqualTo(IotmpMessage.ok(11, "current"));
        assertThat(seen.poll().describeMode()).isTrue();
    }

    @Test
    void unknownResourceAnswersBareError() throws Exception {
        startServer();
        IotmpDevice device = newDevice();
        TestIotmpServer.Connection c = connect(device);

        c.send(IotmpMessage.run(7, "nope", null, null));
        c.expectBytes("02 02 08 07"); // F29

        c.send(IotmpMessage.run(8, 43317L, null, null)); // numeric (hashed) resource ids are not supported
        c.expectBytes("02 02 08 08");
    }

    @Test
    void failingHandlerAnswersErrorWithTheMessage() throws Exception {
        startServer();
        IotmpDevice device = newDevice();
        device.resource("broken").output(() -> {
            throw new IllegalStateException("boom");
        });
        TestIotmpServer.Connection c = connect(device);

        c.send(IotmpMessage.run(7, "broken", null, null));

        c.expectBytes("02 0F 08 07 1A C1 85 65 72 72 6F 72 84 62 6F 6F 6D"); // {"error":"boom"}, no code
    }

    @Test
    void handlerMayAnswerWithItsOwnErrorCodeAndPayload() throws Exception {
        startServer();
        IotmpDevice device = newDevice();
        device.resource("missing").handler(ResourceKind.OUTPUT, request -> {
            throw new IotmpErrorException(404L, Map.of("error", "not found"));
        });
        TestIotmpServer.Connection c = connect(device);

        c.send(IotmpMessage.run(7, "missing", null, null));

        c.expectBytes("02 17 08 07 10 94 03 1A C1 85 65 72 72 6F 72 89 6E 6F 74 20 66 6F 75 6E 64"); // F30
    }

    @Test
    void runWithoutStreamIdExecutesAndAnswersNothing() throws Exception {
        startServer();
        IotmpDevice device = newDevice();
        AtomicInteger reboots = new AtomicInteger();
        device.resource("reboot").run(reboots::incrementAndGet);
        registerLedAndTemperature(device);
        TestIotmpServer.Connection c = connect(device);

        c.sendHex("06 08 22 86 72 65 62 6F 6F 74"); // RUN "reboot", no stream id
        c.send(IotmpMessage.run(2, "temperature", null, null));

        // frames are handled in order: had the first RUN been answered, its answer would come first
        assertThat(c.next()).isEqualTo(IotmpMessage.ok(2, Map.of("celsius", 23.5f)));
        assertThat(reboots).hasValue(1);
    }

    @Test
    void pathPatternsCaptureSegmentsAndLiteralPathsWin() throws Exception {
        startServer();
        IotmpDevice device = newDevice();
        device.resource("$fs/get/*path").handler(ResourceKind.INPUT_OUTPUT, request -> request.pathParams());
        device.resource("$terminal/:session/params").handler(ResourceKind.INPUT_OUTPUT,
                request -> Map.of("session", request.pathParam("session"), "path", request.path()));
        device.resource("$terminal/fixed/params").output(() -> "literal");
        TestIotmpServer.Connection c = connect(device);

        c.send(IotmpMessage.run(1, "$fs/get/var/log/syslog", null, null));
        assertThat(c.next()).isEqualTo(IotmpMessage.ok(1, Map.of("path", "var/log/syslog")));

        c.send(IotmpMessage.run(2, "$terminal/abc/params", null, null));
        assertThat(c.next()).isEqualTo(IotmpMessage.ok(2, Map.of("session", "abc", "path", "$terminal/abc/params")));

        c.send(IotmpMessage.run(3, "$terminal/fixed/params", null, null));
        assertThat(c.next()).isEqualTo(IotmpMessage.ok(3, "literal"));

        c.send(IotmpMessage.run(4, List.of("$terminal", "xyz", "params"), null, null)); // EM joins arrays with '/'
        assertThat(c.next()).isEqualTo(IotmpMessage.ok(4, Map.of("session", "xyz", "path", "$terminal/xyz/params")));

        // empty captures match, as in IOTMP-Linux: "$fs/get/" lists the root of its files
        c.send(IotmpMessage.run(6, "$fs/get/", null, null));
        assertThat(c.next()).isEqualTo(IotmpMessage.ok(6, Map.of("path", "")));
        c.send(IotmpMessage.run(7, "$terminal//params", null, null));
        assertThat(c.next()).isEqualTo(IotmpMessage.ok(7, Map.of("session", "", "path", "$terminal//params")));

        for (String noMatch : List.of("$fs/get", "$terminal/a/b/params", "$terminal/params")) {
            c.send(IotmpMessage.run(5, noMatch, null, null));
            assertThat(c.next()).as(noMatch).isEqualTo(IotmpMessage.error(5, null, null));
        }
    }

    @Test
    void describeWithoutResourceListsTheApiInRegistrationOrder() throws Exception {
        startServer();
        IotmpDevice device = newDevice();
        registerLedAndTemperature(device);
        TestIotmpServer.Connection c = connect(device);

        c.sendHex("07 02 08 03"); // F14

        c.expectBytes("01 1E 08 03 1A C2 83 6C 65 64 C1 82 66 6E 02 8B 74 65 6D 70 65 72 61 74 75 72 65 C1 82 66"
                      + " 6E 03"); // F16
    }

    @Test
    void describeOfOneResourceReportsInAndOut() throws Exception {
        startServer();
        IotmpDevice device = newDevice();
        registerLedAndTemperature(device);
        device.resource("reboot").run(() -> {
        });
        device.resource("echo").inputSample(Map.of("text", "")).inputOutput(in -> in != null ? in : "idle");
        device.resource("$fs/get/*path").handler(ResourceKind.INPUT_OUTPUT, request -> request.pathParams());
        TestIotmpServer.Connection c = connect(device);

        c.sendHex("07 07 08 04 22 83 6C 65 64"); // F15 DESCRIBE led
        c.expectBytes("01 0F 08 04 1A C1 82 69 6E C1 85 73 74 61 74 65 60"); // F17 {"in":{"state":false}}

        c.send(IotmpMessage.describe(5, "temperature"));
        assertThat(c.next()).isEqualTo(IotmpMessage.ok(5, Map.of("out", Map.of("celsius", 23.5f))));

        c.send(IotmpMessage.describe(6, "echo"));
        assertThat(c.next()).isEqualTo(IotmpMessage.ok(6, Map.of("in", Map.of("text", ""), "out", "idle")));

        c.send(IotmpMessage.describe(7, "reboot"));
        c.expectBytes("01 02 08 07");

        c.send(IotmpMessage.describe(8, "$fs/get/etc"));
        assertThat(c.next()).isEqualTo(IotmpMessage.ok(8, Map.of("out", Map.of("path", "etc"))));

        c.send(IotmpMessage.describe(9, "unknown"));
        c.expectBytes("02 02 08 09");
    }

    @Test
    void removedResourcesDisappearFromTheApi() throws Exception {
        startServer();
        IotmpDevice device = newDevice();
        registerLedAndTemperature(device);
        TestIotmpServer.Connection c = connect(device);

        assertThat(device.removeResource("led")).isTrue();
        c.send(IotmpMessage.describe(1, null));

        assertThat(c.next()).isEqualTo(IotmpMessage.ok(1, Map.of("temperature", Map.of("fn", 3L))));
    }

    @Test
    void gen1DescribeReadsTheResourceFromFieldThreeAndAnswersInPsonV1() throws Exception {
        startServer(Generation.GEN1);
        IotmpDevice device = newDevice();
        registerLedAndTemperature(device);
        TestIotmpServer.Connection c = connect(device);

        c.sendHex("07 08 08 04 19 4A 03 6C 65 64"); // iotmp-vectors.md §7: DESCRIBE id 4 "led", resource in field 3

        // OK id 4, payload {"in":{"state":false}} in PSON v1 (wire type 1, key 19)
        c.expectBytes("01 11 08 04 19 6A 0C 02 69 6E 6A 07 05 73 74 61 74 65 30");

        c.sendHex("07 02 08 05");
        TestIotmpServer.Frame api = c.nextFrame();
        assertThat(api.message()).isEqualTo(IotmpMessage.ok(5,
                Map.of("led", Map.of("fn", 2L), "temperature", Map.of("fn", 3L))));
        assertThat(api.raw()[4]).as("PAYLOAD key with wire type 1").isEqualTo((byte) 0x19);
    }

    @Test
    void gen1RunAnswersInPsonV1() throws Exception {
        startServer(Generation.GEN1);
        IotmpDevice device = newDevice();
        registerLedAndTemperature(device);
        TestIotmpServer.Connection c = connect(device);

        c.send(IotmpMessage.run(2, "temperature", null, null));

        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("celsius", 23.5);
        byte[] payload = PsonFormat.V1.toBytes(expected);
        c.expectBytes("01 " + String.format("%02X", 3 + payload.length) + " 08 02 19 " + TestIotmpServer.hex(payload));
    }

    @Test
    void handlerExecutorMovesHandlersOffTheEventLoop() throws Exception {
        startServer();
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> new Thread(r, "app-handler"));
        try {
            IotmpDevice device = track(deviceBuilder().handlerExecutor(executor).build());
            BlockingQueue<String> threads = new LinkedBlockingQueue<>();
            device.resource("where").output(() -> {
                threads.add(Thread.currentThread().getName());
                return device.eventLoop().inEventLoop();
            });
            TestIotmpServer.Connection c = connect(device);

            c.send(IotmpMessage.run(1, "where", null, null));

            assertThat(c.next()).isEqualTo(IotmpMessage.ok(1, false));
            assertThat(threads.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("app-handler");
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void handlersRunOnTheEventLoopByDefault() throws Exception {
        startServer();
        IotmpDevice device = newDevice();
        device.resource("where").output(() -> device.eventLoop().inEventLoop());
        TestIotmpServer.Connection c = connect(device);

        c.send(IotmpMessage.run(1, "where", null, null));

        assertThat(c.next(MessageType.OK).payload()).isEqualTo(true);
    }
}
