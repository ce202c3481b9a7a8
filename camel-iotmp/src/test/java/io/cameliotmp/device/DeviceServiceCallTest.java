package io.cameliotmp.device;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.protocol.MessageType;
import io.cameliotmp.testing.StderrCapture;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Device → server calls: both service layouts (vectors S1-S5), answers, errors, timeouts, ids, raw requests. */
class DeviceServiceCallTest extends DeviceTestBase {

    private IotmpDevice device(ServiceLayout layout, int... ids) {
        return track(deviceBuilder().serviceLayout(layout).idGenerator(ids(ids)).build());
    }

    @Test
    void writeBucketInEmbeddedLayoutMatchesVectorS1() throws Exception {
        startServer();
        IotmpDevice device = device(ServiceLayout.EMBEDDED, 0x4321, 0x1234);
        TestIotmpServer.Connection c = connect(device);

        CompletionStage<Object> written = device.writeBucket("sensor_data", Map.of("temp", 21L), true);

        c.expectBytes("06 1A 08 B4 24 10 05 1A C1 84 74 65 6D 70 15 22 8B 73 65 6E 73 6F 72 5F 64 61 74 61");
        c.send(IotmpMessage.ok(0x1234));
        assertThat(await(written)).isNull();
    }

    @Test
    void writeBucketInLinuxLayoutMatchesVectorS2() throws Exception {
        startServer();
        IotmpDevice device = device(ServiceLayout.LINUX, 0x4321, 0x1234);
        TestIotmpServer.Connection c = connect(device);

        CompletionStage<Object> written = device.writeBucket("sensor_data", Map.of("temp", 21L), true);

        c.expectBytes("06 1A 08 B4 24 12 8B 73 65 6E 73 6F 72 5F 64 61 74 61 1A C1 84 74 65 6D 70 15 20 05");
        c.send(IotmpMessage.ok(0x1234));
        assertThat(await(written)).isNull();
    }

    @Test
    void readPropertyInLinuxLayoutMatchesVectorS3AndReturnsTheValue() throws Exception {
        startServer();
        IotmpDevice device = device(ServiceLayout.LINUX, 0x4321, 0x0100);
        TestIotmpServer.Connection c = connect(device);

        CompletionStage<Object> value = device.readProperty("config");

        c.expectBytes("06 0D 08 80 02 12 86 63 6F 6E 66 69 67 20 01");
        c.send(IotmpMessage.ok(0x0100, Map.of("threshold", 30L)));
        assertThat(await(value)).isEqualTo(Map.of("threshold", 30L));
    }

    @Test
    void readPropertyInEmbeddedLayoutPutsTheNameInResource() throws Exception {
        startServer();
        IotmpDevice device = device(ServiceLayout.EMBEDDED, 0x4321, 0x0100);
        TestIotmpServer.Connection c = connect(device);

        CompletionStage<Object> value = device.readProperty("config");

        assertThat(c.next()).isEqualTo(IotmpMessage.run(0x0100, "config", 1L, null));
        c.send(IotmpMessage.ok(0x0100, "v"));
        assertThat(await(value)).isEqualTo("v");
    }

    @Test
    void callDeviceInLinuxLayoutMatchesVectorS4() throws Exception {
        startServer();
        IotmpDevice device = device(ServiceLayout.LINUX, 0x4321, 9);
        TestIotmpServer.Connection c = connect(device);

        CompletionStage<Object> output = device.callDevice("dev2", "led", true, true);

        c.expectBytes("06 11 08 09 12 E2 84 64 65 76 32 83 6C 65 64 1A 61 20 03");
        c.send(IotmpMessage.ok(9, Map.of("state", true)));
        assertThat(await(output)).isEqualTo(Map.of("state", true));
    }

    @Test
    void lockAlwaysWaitsForTheTokenAndUnlockSendsIt() throws Exception {
        startServer();
        IotmpDevice device = device(ServiceLayout.LINUX, 0x4321, 0x0A01, 0x0A02);
        TestIotmpServer.Connection c = connect(device);

        CompletionStage<Object> locked = device.lock("pump", Map.of("slots", 2L));

        assertThat(c.next()).isEqualTo(IotmpMessage.run(0x0A01, 6L, "pump", Map.of("slots", 2L)));
        c.send(IotmpMessage.ok(0x0A01, Map.of("lock", "t-1")));
        assertThat(await(locked)).isEqualTo(Map.of("lock", "t-1"));

        CompletionStage<Object> unlocked = device.unlock("pump", "t-1", true);
        assertThat(c.next()).isEqualTo(IotmpMessage.run(0x0A02, 7L, "pump", Map.of("lock", "t-1")));
        c.send(IotmpMessage.error(0x0A02, 404L, Map.of("error", "not locked")));
        assertThat(awaitFailure(unlocked)).isInstanceOf(IotmpErrorException.class).hasMessageContaining("not locked");
    }

    @Test
    void callDeviceNeedsTheLinuxLayout() throws Exception {
        startServer();
        IotmpDevice device = device(ServiceLayout.EMBEDDED);

        assertThatThrownBy(() -> device.callDevice("dev2", "led", true, true))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void unconfirmedCallInLinuxLayoutMatchesVectorS5AndCompletesWithoutAnswer() throws Exception {
        startServer();
        IotmpDevice device = device(ServiceLayout.LINUX);
        TestIotmpServer.Connection c = connect(device);

        CompletionStage<Object> sent = device.callEndpoint("alert", null, false);

        c.expectBytes("06 09 12 85 61 6C 65 72 74 20 04");
        assertThat(await(sent)).isNull();
    }

    @Test
    void unconfirmedCallInEmbeddedLayoutStillCarriesAnIdButDoesNotWait() throws Exception {
        startServer();
        IotmpDevice device = device(ServiceLayout.EMBEDDED, 0x4321, 0x1234, 0x1234, 0x2222);
        TestIotmpServer.Connection c = connect(device);

        CompletionStage<Object> sent = device.setProperty("mode", "eco", false);

        assertThat(c.next()).isEqualTo(IotmpMessage.run(0x1234, "mode", 2L, "eco"));
        assertThat(await(sent)).as("completes before any answer").isNull();
        // the id stays reserved until the server's answer comes, so the next call must pick another one
        CompletionStage<Object> next = device.callEndpoint("e", null, true);
        assertThat(c.next().streamId()).isEqualTo(0x2222);
        c.send(IotmpMessage.ok(0x1234));
        c.send(IotmpMessage.ok(0x2222, "done"));
        assertThat(await(next)).isEqualTo("done");
    }

    /**
     * Each refusal of an unconfirmed call was logged at WARN, so a server answering every call with ERROR wrote a WARN
     * line per call into the gateway's log. Said once a connection now, the rest at DEBUG.
     */
    @Test
    void refusalsOfUnconfirmedCallsAreLoggedOnceAConnectionAtWarn() throws Exception {
        startServer();
        IotmpDevice device = device(ServiceLayout.EMBEDDED, 0x4321);
        TestIotmpServer.Connection c = connect(device);

        try (StderrCapture stderr = StderrCapture.start()) {
            AtomicLong warnings = stderr.count(line -> line.contains("WARN") && line.contains("refused"));
            for (int i = 0; i < 20; i++) {
                await(device.setProperty("mode", "eco", false));
                c.send(IotmpMessage.error(c.next(MessageType.RUN).streamId(), null, null));
            }
            // answers are handled in order: once this one is in, so are the refusals
            CompletionStage<Object> confirmed = device.callEndpoint("e", null, true);
            c.send(IotmpMessage.ok(c.next(MessageType.RUN).streamId(), "done"));
            assertThat(await(confirmed)).isEqualTo("done");

            assertThat(warnings).as("one WARN for the connection, the rest at DEBUG").hasValue(1);
        }
    }

    @Test
    void errorAnswerFailsTheCallWithCodeAndPayload() throws Exception {
        startServer();
        IotmpDevice device = device(ServiceLayout.EMBEDDED, 0x4321, 7);
        TestIotmpServer.Connection c = connect(device);

        CompletionStage<Object> call = device.callEndpoint("missing", Map.of("x", 1L), true);
        c.next(MessageType.RUN);
        c.sendHex("02 17 08 07 10 94 03 1A C1 85 65 72 72 6F 72 89 6E 6F 74 20 66 6F 75 6E 64"); // F30

        Throwable failure = awaitFailure(call);
        assertThat(failure).isInstanceOf(IotmpErrorException.class).hasMessageContaining("not found");
        assertThat(((IotmpErrorException) failure).code()).isEqualTo(404L);
        assertThat(((IotmpErrorException) failure).payload()).isEqualTo(Map.of("error", "not found"));
    }

    @Test
    void unansweredRequestTimesOutAndALateAnswerIsIgnored() throws Exception {
        startServer();
        IotmpDevice device = track(deviceBuilder().requestTimeout(Duration.ofMillis(250)).idGenerator(ids(0x4321, 5))
                .build());
        device.resource("temperature").output(() -> 20L);
        TestIotmpServer.Connection c = connect(device);
        long sentAt = System.nanoTime();

        CompletionStage<Object> call = device.writeBucket("b", 1L, true);
        c.next(MessageType.RUN);

        assertThat(awaitFailure(call)).isInstanceOf(IotmpRequestTimeoutException.class);
        assertThat(millisBetween(sentAt, System.nanoTime())).isGreaterThanOrEqualTo(250);
        c.send(IotmpMessage.ok(5)); // too late
        c.send(IotmpMessage.run(1, "temperature", null, null));
        assertThat(c.next()).isEqualTo(IotmpMessage.ok(1, 20L));
        assertThat(device.isConnected()).isTrue();
    }

    @Test
    void pendingRequestFailsAtOnceWhenTheConnectionIsLost() throws Exception {
        startServer();
        IotmpDevice device = track(deviceBuilder().requestTimeout(Duration.ofMinutes(10)).build());
        TestIotmpServer.Connection c = connect(device);

        CompletionStage<Object> call = device.readProperty("p");
        c.next(MessageType.RUN);
        c.close();

        // the request timeout is 10 minutes; the bounded wait of awaitFailure is WAIT (30 s)
        assertThat(awaitFailure(call)).isInstanceOf(IotmpDisconnectedException.class);
    }

    @Test
    void runServerResourceSendsTheNameWithoutServiceCode() throws Exception {
        startServer();
        IotmpDevice device = device(ServiceLayout.LINUX, 0x4321, 0x33);
        TestIotmpServer.Connection c = connect(device);

        CompletionStage<Object> result = device.runServerResource("sum", List.of(1L, 2L));

        // RUN id 0x33, payload [1,2], resource "sum"
        c.expectBytes("06 0B 08 33 1A E2 01 02 22 83 73 75 6D");
        c.send(IotmpMessage.ok(0x33, 3L));
        assertThat(await(result)).isEqualTo(3L);
    }

    @Test
    void gen1AlwaysUsesTheLinuxLayoutInPsonV1() throws Exception {
        startServer(Generation.GEN1);
        IotmpDevice device = device(ServiceLayout.EMBEDDED, 0x4321, 0x1234);
        assertThat(device.serviceLayout()).isEqualTo(ServiceLayout.LINUX);
        TestIotmpServer.Connection c = connect(device);

        CompletionStage<Object> written = device.writeBucket("sensor_data", Map.of("temp", 21L), true);

        // S2 in gen-1: name as PSON v1 string (key 11), payload {"temp":21} as v1 object (key 19), resource 5
        c.expectBytes("06 1D 08 B4 24 11 4A 0B 73 65 6E 73 6F 72 5F 64 61 74 61 19 6A 07 04 74 65 6D 70 08 15 20"
                      + " 05");
        c.send(IotmpMessage.ok(0x1234));
        assertThat(await(written)).isNull();
    }

    @Test
    void rawRequestGetsAFreshIdAndCompletesWithErrorAnswersToo() throws Exception {
        startServer();
        IotmpDevice device = device(ServiceLayout.EMBEDDED, 0x4321, 0x77);
        TestIotmpServer.Connection c = connect(device);

        CompletionStage<IotmpMessage> answer = device.request(IotmpMessage.run(0, "x", null, null));

        assertThat(c.next()).isEqualTo(IotmpMessage.run(0x77, "x", null, null));
        c.send(IotmpMessage.error(0x77, 404L, null));
        assertThat(await(answer)).isEqualTo(IotmpMessage.error(0x77, 404L, null));
    }

    @Test
    void rawBytesGoOutAsTheyAre() throws Exception {
        startServer();
        IotmpDevice device = newDevice();
        TestIotmpServer.Connection c = connect(device);

        await(device.faults().sendRaw(TestIotmpServer.bytes("06 04 08 01 23 00")));

        c.expectBytes("06 04 08 01 23 00");
    }

    @Test
    void requestIdsAvoidOpenStreamsAndPendingRequests() throws Exception {
        startServer();
        // candidates: CONNECT, then 0x1234 (taken by the server's stream), 0x2222, 0x2222 (pending), 0x3333
        IotmpDevice device = device(ServiceLayout.EMBEDDED, 0x4321, 0x1234, 0x2222, 0x2222, 0x3333);
        device.resource("temperature").output(() -> 1L);
        TestIotmpServer.Connection c = connect(device);
        c.send(IotmpMessage.startStream(0x1234, "temperature", null));
        c.expectBytes("01 03 08 B4 24");
        c.next(MessageType.STREAM_DATA);

        CompletionStage<Object> first = device.writeBucket("b", 1L, true);
        CompletionStage<Object> second = device.writeBucket("b", 2L, true);

        assertThat(c.next().streamId()).isEqualTo(0x2222);
        assertThat(c.next().streamId()).isEqualTo(0x3333);
        c.send(IotmpMessage.ok(0x3333, "second"));
        c.send(IotmpMessage.ok(0x2222, "first"));
        assertThat(await(first)).isEqualTo("first");
        assertThat(await(second)).isEqualTo("second");
    }

    @Test
    void concurrentCallsFromManyThreadsAreCorrelatedWithTheirAnswers() throws Exception {
        startServer();
        server.answerRunsWith(run -> IotmpMessage.ok(run.streamId(), run.payload()));
        IotmpDevice device = track(deviceBuilder().build());
        connect(device);
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<CompletableFuture<Object>>>> batches = new ArrayList<>();
            for (int thread = 0; thread < 4; thread++) {
                int base = thread * 1000;
                batches.add(callers.submit(() -> {
                    List<CompletableFuture<Object>> calls = new ArrayList<>();
                    for (int i = 0; i < 50; i++) {
                        calls.add(device.writeBucket("b", (long) (base + i), true).toCompletableFuture());
                    }
                    return calls;
                }));
            }
            for (int thread = 0; thread < 4; thread++) {
                List<CompletableFuture<Object>> calls = batches.get(thread).get();
                for (int i = 0; i < 50; i++) {
                    assertThat(await(calls.get(i))).isEqualTo((long) (thread * 1000 + i));
                }
            }
        } finally {
            callers.shutdownNow();
        }
    }

    /**
     * An answer whose payload the device cannot decode (nested deeper than it decodes) fails its call when it arrives;
     * it used to be dropped, and the call waited out its request timeout. The connection goes on.
     */
    @Test
    void unreadableAnswerFailsTheCallAtOnce() throws Exception {
        startServer();
        // far beyond the test's wait: only the answer can end the call here
        IotmpDevice device = track(deviceBuilder().serviceLayout(ServiceLayout.EMBEDDED).idGenerator(ids(0x4321, 7, 8))
                .requestTimeout(java.time.Duration.ofMinutes(10)).build());
        TestIotmpServer.Connection c = connect(device);

        CompletionStage<Object> call = device.callEndpoint("deep", null, true);
        c.next(MessageType.RUN);
        Object deep = "bottom";
        for (int i = 0; i <= io.cameliotmp.protocol.PsonFormat.DEFAULT_MAX_DEPTH; i++) {
            deep = java.util.List.of(deep);
        }
        c.send(IotmpMessage.ok(7, deep));

        assertThat(awaitFailure(call)).isInstanceOf(IotmpMalformedAnswerException.class)
                .hasMessageContaining("stream 7").hasMessageContaining("nested too deeply");
        CompletionStage<Object> next = device.callEndpoint("e", null, true);
        c.next(MessageType.RUN);
        c.send(IotmpMessage.ok(8, "done"));
        assertThat(await(next)).isEqualTo("done");
    }
}
