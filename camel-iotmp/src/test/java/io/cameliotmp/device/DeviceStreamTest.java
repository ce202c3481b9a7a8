package io.cameliotmp.device;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.protocol.MessageType;
import io.cameliotmp.testing.StderrCapture;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Streams the server opens on device resources: event and interval mode, stop, stream data, gen-1 markers. */
class DeviceStreamTest extends DeviceTestBase {

    private volatile Object ledState = Map.of("state", false);
    private final AtomicInteger motion = new AtomicInteger();

    private IotmpDevice deviceWithResources() {
        IotmpDevice device = newDevice();
        device.resource("led").input(state -> ledState = state, () -> ledState);
        device.resource("temperature").output(() -> Map.of("celsius", 23.5));
        device.resource("motion").output(() -> (long) motion.get());
        device.resource("reboot").run(() -> {
        });
        return device;
    }

    @Test
    void eventStreamEchoesThenSendsOnEveryStreamCall() throws Exception {
        startServer();
        IotmpDevice device = deviceWithResources();
        TestIotmpServer.Connection c = connect(device);
        assertThat(device.stream("motion")).as("no stream open yet").isFalse();

        c.sendHex("08 0A 08 05 22 86 6D 6F 74 69 6F 6E"); // F20: START_STREAM id 5 "motion", event mode

        c.expectBytes("01 02 08 05");
        c.expectBytes("0A 04 08 05 18 00"); // echo of the current value 0 (top-level integer → varint)
        motion.set(3);
        assertThat(device.stream("motion")).isTrue();
        c.expectBytes("0A 04 08 05 18 03");
        assertThat(device.stream("temperature")).as("no stream on temperature").isFalse();
        expectNothingSentWithin(Duration.ofMillis(200), device, c); // event mode: nothing without stream()
    }

    @Test
    void aReadThatFailsSendsNothingAndTheNextReadGoesOut() throws Exception {
        startServer();
        IotmpDevice device = newDevice();
        AtomicBoolean busy = new AtomicBoolean();
        device.resource("motion").output(() -> {
            if (busy.get()) {
                throw new IllegalStateException("sensor busy");
            }
            return (long) motion.get();
        });
        TestIotmpServer.Connection c = connect(device);
        c.send(IotmpMessage.startStream(5, "motion", null));
        c.expectBytes("01 02 08 05");
        c.expectBytes("0A 04 08 05 18 00");

        busy.set(true);
        motion.set(3);
        assertThat(device.stream("motion")).as("the stream is open, though its value could not be read").isTrue();
        busy.set(false);
        motion.set(4);
        assertThat(device.stream("motion")).isTrue();

        c.expectBytes("0A 04 08 05 18 04"); // nothing went out for the failed read: the next frame is the value 4
    }

    @Test
    void streamChangedSendsItsValueOnOnChangeStreamsOnlyWithoutReadingTheResource() throws Exception {
        startServer();
        IotmpDevice device = deviceWithResources();
        TestIotmpServer.Connection c = connect(device);
        assertThat(device.streamChanged("motion", 9L)).as("no stream open yet").isFalse();
        c.send(IotmpMessage.startStream(5, "motion", null));
        c.expectBytes("01 02 08 05");
        c.expectBytes("0A 04 08 05 18 00"); // the echo reads the resource
        c.send(IotmpMessage.startStream(6, "motion", Map.of("interval", 3_600_000L)));
        c.expectBytes("01 02 08 06");
        c.expectBytes("0A 04 08 06 18 00");

        assertThat(device.streamChanged("motion", 9L)).isTrue();

        c.expectBytes("0A 04 08 05 18 09"); // 9 on the on-change stream, the resource still reads 0
        expectNothingSentWithin(Duration.ofMillis(200), device, c); // and nothing on the hourly stream
    }

    @Test
    void newEventStreamOnTheSameResourceReplacesTheOldOne() throws Exception {
        startServer();
        IotmpDevice device = deviceWithResources();
        TestIotmpServer.Connection c = connect(device);
        c.send(IotmpMessage.startStream(5, "motion", null));
        c.expectBytes("01 02 08 05");
        c.next(MessageType.STREAM_DATA);

        c.send(IotmpMessage.startStream(6, "motion", Map.of("interval", 0L)));
        c.expectBytes("01 02 08 06");
        c.next(MessageType.STREAM_DATA);

        assertThat(device.stream("motion")).isTrue();
        assertThat(c.next(MessageType.STREAM_DATA).streamId()).isEqualTo(6);
        c.send(IotmpMessage.stopStream(5));
        c.expectBytes("02 02 08 05"); // the replaced stream is gone
    }

    @Test
    void intervalStreamSamplesNoFasterThanTheInterval() throws Exception {
        startServer();
        IotmpDevice device = newDevice();
        List<Long> reads = new ArrayList<>();
        device.resource("temperature").handler(ResourceKind.OUTPUT, request -> {
            synchronized (reads) {
                reads.add(System.nanoTime());
                return Map.of("sample", (long) reads.size());
            }
        });
        TestIotmpServer.Connection c = connect(device);

        c.send(IotmpMessage.startStream(0xA1, "temperature", Map.of("interval", 150L)));

        c.expectBytes("01 03 08 A1 01");
        for (long sample = 1; sample <= 4; sample++) { // the echo, then three interval samples
            IotmpMessage data = c.next(MessageType.STREAM_DATA);
            assertThat(data.streamId()).isEqualTo(0xA1);
            assertThat(data.payload()).isEqualTo(Map.of("sample", sample));
        }
        synchronized (reads) {
            for (int i = 1; i < 4; i++) {
                assertThat(reads.get(i) - reads.get(i - 1)).as("nanos between reads %d and %d", i - 1, i)
                        .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(150));
            }
        }
    }

    @Test
    void bareVarintIntervalIsAcceptedAsEmbeddedDevicesDo() throws Exception {
        startServer();
        IotmpDevice device = deviceWithResources();
        TestIotmpServer.Connection c = connect(device);

        c.send(IotmpMessage.startStream(0xA1, "temperature", 100L)); // F19 shape: PARAMETERS varint

        c.expectBytes("01 03 08 A1 01");
        for (int i = 0; i < 3; i++) { // echo + samples: in event mode only the echo would come
            assertThat(c.next(MessageType.STREAM_DATA).streamId()).isEqualTo(0xA1);
        }
    }

    @Test
    void stopStreamAnswersOkAndEndsSampling() throws Exception {
        startServer();
        IotmpDevice device = deviceWithResources();
        TestIotmpServer.Connection c = connect(device);
        c.send(IotmpMessage.startStream(0xA1, "temperature", Map.of("interval", 100L)));
        c.expectBytes("01 03 08 A1 01");
        c.next(MessageType.STREAM_DATA);

        c.sendHex("09 03 08 A1 01"); // F28

        // samples may already be on their way; after them comes the OK, then silence
        IotmpMessage message;
        do {
            message = c.next();
        } while (message.type() == MessageType.STREAM_DATA);
        assertThat(message).isEqualTo(IotmpMessage.ok(0xA1));
        assertThat(device.stream("temperature")).isFalse();
        expectNothingSentWithin(Duration.ofMillis(350), device, c);
    }

    @Test
    void removingAResourceEndsTheStreamsTheServerOpenedOnIt() throws Exception {
        startServer();
        IotmpDevice device = deviceWithResources();
        TestIotmpServer.Connection c = connect(device);
        c.send(IotmpMessage.startStream(5, "motion", Map.of("interval", 3_600_000L)));
        c.expectBytes("01 02 08 05");
        c.next(MessageType.STREAM_DATA);
        c.send(IotmpMessage.startStream(6, "motion", null));
        c.expectBytes("01 02 08 06");
        c.next(MessageType.STREAM_DATA);
        c.send(IotmpMessage.startStream(7, "temperature", null));
        c.expectBytes("01 02 08 07");
        c.next(MessageType.STREAM_DATA);

        assertThat(device.removeResource("motion")).isTrue();

        // both streams on motion end as a session ending on the device's side does; the hourly one's timer with them
        Set<Integer> stopped = new HashSet<>();
        for (int i = 0; i < 2; i++) {
            stopped.add(c.next(MessageType.STOP_STREAM).streamId());
        }
        assertThat(stopped).containsExactlyInAnyOrder(5, 6);
        c.send(IotmpMessage.ok(5));
        c.send(IotmpMessage.ok(6));
        assertThat(device.stream("motion")).isFalse();
        assertThat(device.stream("temperature")).as("the stream on another resource stays").isTrue();
        assertThat(c.next(MessageType.STREAM_DATA).streamId()).isEqualTo(7);
    }

    @Test
    void stopOfAnUnknownStreamIsAnError() throws Exception {
        startServer();
        IotmpDevice device = deviceWithResources();
        TestIotmpServer.Connection c = connect(device);

        c.send(IotmpMessage.stopStream(7));

        c.expectBytes("02 02 08 07");
    }

    @Test
    void startStreamOnUnknownOrRunResourceIsAnError() throws Exception {
        startServer();
        IotmpDevice device = deviceWithResources();
        TestIotmpServer.Connection c = connect(device);

        c.send(IotmpMessage.startStream(7, "nope", null));
        c.expectBytes("02 02 08 07");
        c.send(IotmpMessage.startStream(8, "reboot", null)); // fn 1 would run on every sample
        c.expectBytes("02 02 08 08");
        assertThat(device.stream("reboot")).isFalse();
    }

    @Test
    void streamDataFromTheServerFeedsAnInputResourceAndEchoesTheNewState() throws Exception {
        startServer();
        IotmpDevice device = deviceWithResources();
        TestIotmpServer.Connection c = connect(device);
        c.send(IotmpMessage.startStream(9, "led", null));
        c.expectBytes("01 02 08 09");
        assertThat(c.next(MessageType.STREAM_DATA).payload()).isEqualTo(Map.of("state", false));

        c.send(IotmpMessage.streamData(9, Map.of("state", true)));

        assertThat(c.next(MessageType.STREAM_DATA)).isEqualTo(IotmpMessage.streamData(9, Map.of("state", true)));
        assertThat(ledState).isEqualTo(Map.of("state", true));
    }

    @Test
    void handlerFailuresOfStreamDataAndUnansweredRunsAreLoggedAtWarnOncePerConnection() throws Exception {
        startServer();
        IotmpDevice device = deviceWithResources();
        AtomicInteger refused = new AtomicInteger();
        device.resource("setting").input(state -> {
            refused.incrementAndGet();
            throw new IllegalArgumentException("setting refused");
        }, () -> "current");
        TestIotmpServer.Connection c = connect(device);
        c.send(IotmpMessage.startStream(9, "setting", null));
        c.expectBytes("01 02 08 09");
        c.next(MessageType.STREAM_DATA); // the echo

        try (StderrCapture stderr = StderrCapture.start()) {
            AtomicLong warnings = stderr.count(line -> line.contains("WARN") && line.contains("setting refused"));
            // a server sending input the handler refuses, on the stream and in RUNs that want no answer
            for (int i = 0; i < 20; i++) {
                c.send(IotmpMessage.streamData(9, "bad " + i));
                c.send(IotmpMessage.run(0, "setting", null, "bad " + i));
            }
            c.send(IotmpMessage.run(1, "motion", null, null));
            assertThat(c.next()).isEqualTo(IotmpMessage.ok(1, 0L)); // handlers run in order: all 40 ran before

            assertThat(refused).hasValue(40);
            assertThat(warnings).as("one WARN for the connection, the rest at DEBUG").hasValue(1);
        }
    }

    @Test
    void streamDataForAnUnknownStreamIsIgnored() throws Exception {
        startServer();
        IotmpDevice device = deviceWithResources();
        TestIotmpServer.Connection c = connect(device);

        c.send(IotmpMessage.streamData(999, "x"));
        c.send(IotmpMessage.run(1, "motion", null, null));

        assertThat(c.next()).isEqualTo(IotmpMessage.ok(1, 0L));
    }

    @Test
    void sessionStreamsOnPatternResourcesCarryBytesBothWays() throws Exception {
        startServer();
        IotmpDevice device = newDevice();
        BlockingQueue<ResourceRequest> terminalInput = new LinkedBlockingQueue<>();
        device.resource("$terminal/:session").handler(ResourceKind.INPUT_OUTPUT, request -> {
            if (!request.describeMode()) {
                terminalInput.add(request);
            }
            return null;
        });
        TestIotmpServer.Connection c = connect(device);
        c.send(IotmpMessage.startStream(0x0A0B, "$terminal/abc", Map.of("cols", 80L, "rows", 24L)));
        c.expectBytes("01 03 08 8B 14");
        c.expectBytes("0A 03 08 8B 14"); // echo of a session without output: STREAM_DATA without payload

        c.sendHex("0A 08 08 8B 14 1A A3 6C 73 0D"); // F26: terminal input "ls\r"
        ResourceRequest input = terminalInput.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(input).isNotNull();
        assertThat((byte[]) input.input()).containsExactly(0x6C, 0x73, 0x0D);
        assertThat(input.pathParams()).containsEntry("session", "abc");
        assertThat(input.streamId()).isEqualTo(0x0A0B);
        assertThat(input.parameters()).isEqualTo(Map.of("cols", 80L, "rows", 24L));

        assertThat(device.stream("$terminal/abc", new byte[] {0x6F, 0x6B})).isTrue();
        c.expectBytes("0A 07 08 8B 14 1A A2 6F 6B");
        assertThat(device.stream("$terminal/other", new byte[] {1})).isFalse();
    }

    @Test
    void gen1StreamDataMarksOutputAndInputPayloads() throws Exception {
        startServer(Generation.GEN1);
        IotmpDevice device = deviceWithResources();
        TestIotmpServer.Connection c = connect(device);

        // START_STREAM id 0xA1 "temperature", gen-1: resource in field 3 as PSON v1 string
        c.sendHex("08 11 08 A1 01 19 4A 0B 74 65 6D 70 65 72 61 74 75 72 65");
        c.expectBytes("01 03 08 A1 01");
        // iotmp-vectors.md §7: STREAM_DATA id 0xA1, params 2 (output), payload {"celsius":23.5}
        c.expectBytes("0A 15 08 A1 01 10 02 19 6A 0D 07 63 65 6C 73 69 75 73 1D 00 00 BC 41");

        c.sendHex("08 08 08 0C 19 4A 03 6C 65 64"); // START_STREAM id 12 "led"
        c.expectBytes("01 02 08 0C");
        // params 1 (input), payload {"state":false} = 6A 07 05 "state" 30
        c.expectBytes("0A 0E 08 0C 10 01 19 6A 07 05 73 74 61 74 65 30");
    }
}
