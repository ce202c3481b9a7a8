package io.cameliotmp.device;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.protocol.IotmpFrames;
import io.cameliotmp.protocol.legacy.LegacyFrames;
import io.cameliotmp.protocol.legacy.LegacyMessage;
import io.cameliotmp.protocol.legacy.SignalFlag;
import io.cameliotmp.testing.Hex;
import io.cameliotmp.testing.LegacyVectors;
import io.cameliotmp.testing.RawIotmpSocket;
import io.cameliotmp.testing.Waits;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The device client in legacy mode against a server made of a plain socket: every frame it writes is compared with
 * the reference vectors byte for byte, and every vector the server sends is fed to it.
 */
class LegacyDeviceClientTest {

    private ServerSocket listener;
    private IotmpDevice device;
    private volatile Object led = false;

    @AfterEach
    void close() throws Exception {
        if (device != null) {
            device.closeAsync().toCompletableFuture().get(Waits.WAIT.toSeconds(), TimeUnit.SECONDS);
        }
        if (listener != null) {
            listener.close();
        }
    }

    private static String hex(String vector) {
        return Hex.format(LegacyVectors.row(vector).bytes());
    }

    private static <T> T await(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(Waits.WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    /** The device of the vectors' session, connected: L01 read, L02 answered. */
    private RawIotmpSocket connect() throws Exception {
        listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        device = IotmpDevice.builder().host("127.0.0.1").port(listener.getLocalPort())
                .credentials("alice", "esp32", "s3cr3t").legacy().noReconnect()
                // no keep-alive in the middle of the compared frames
                .keepAlive(Duration.ofHours(1))
                .idGenerator(DeviceTestBase.ids(1, 48919, 7, 55905)).build();
        Map<String, Object> temperature = new LinkedHashMap<>();
        temperature.put("celsius", 23.5f);
        temperature.put("humidity", 61);
        device.resource("temperature").output(() -> temperature);
        device.resource("led").input(state -> led = state, () -> led);
        device.resource("sum").inputOutput(in -> {
            Map<?, ?> values = (Map<?, ?>) in;
            long sum = ((Number) values.get("value1")).longValue() + ((Number) values.get("value2")).longValue();
            return Map.of("result", sum);
        });
        device.resource("reboot").run(() -> { });
        CompletionStage<Void> started = device.start();
        RawIotmpSocket server = new RawIotmpSocket(listener.accept());
        assertThat(server.readFrameHex()).isEqualTo(hex("L01"));
        server.sendHex(hex("L02"));
        await(started);
        return server;
    }

    private static void exchange(RawIotmpSocket server, String request, String... answers) throws Exception {
        server.sendHex(hex(request));
        for (String answer : answers) {
            assertThat(server.readFrameHex()).as(request + " → " + answer).isEqualTo(hex(answer));
        }
    }

    /**
     * Found by ClientConnectionFuzzTest: a request as the first frame after the AUTH was answered (REQUEST_ERROR)
     * before the device was authenticated. The library takes any first frame but REQUEST_OK as a failed AUTH.
     */
    @Test
    void aRequestInsteadOfTheAuthAnswerEndsTheAttemptUnanswered() throws Exception {
        listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        device = IotmpDevice.builder().host("127.0.0.1").port(listener.getLocalPort())
                .credentials("alice", "esp32", "s3cr3t").legacy().noReconnect().build();
        CompletionStage<Void> started = device.start();
        try (java.net.Socket server = listener.accept()) {
            server.setSoTimeout((int) Waits.WAIT.toMillis());
            java.io.DataInputStream in = new java.io.DataInputStream(server.getInputStream());
            byte[] auth = new byte[LegacyVectors.row("L01").bytes().length];
            in.readFully(auth);
            assertThat(Hex.format(auth)).isEqualTo(hex("L01"));
            // stream 13, no resource: once authenticated, the device answers it REQUEST_ERROR
            server.getOutputStream().write(LegacyVectors.row("L43").bytes());

            assertThat(in.read()).as("closed without another byte").isEqualTo(-1);
        }
        assertThat(started.toCompletableFuture()).failsWithin(Waits.WAIT)
                .withThrowableThat().havingRootCause().isInstanceOf(IotmpConnectRefusedException.class);
    }

    @Test
    void resourcesAnswerTheServerWithTheLibrarysBytes() throws Exception {
        try (RawIotmpSocket server = connect()) {
            exchange(server, "L06", "L07");
            exchange(server, "L08", "L09");
            assertThat(led).isEqualTo(false);
            exchange(server, "L10", "L11");
            exchange(server, "L12", "L13");
            exchange(server, "L16", "L17");
            exchange(server, "L41", "L42");
        }
    }

    @Test
    void streamsStartWithTheirFirstSampleOrEventAndStopByResource() throws Exception {
        try (RawIotmpSocket server = connect()) {
            exchange(server, "L18", "L19", "L20");
            exchange(server, "L21", "L22", "L23");
            exchange(server, "L27", "L28");
        }
    }

    @Test
    void whatTheLibraryRefusesOrIgnoresIsAnsweredAsItDoes() throws Exception {
        try (RawIotmpSocket server = connect()) {
            // no resource: REQUEST_ERROR
            exchange(server, "L43", "L44");
            // a string path: OK, and nothing runs
            exchange(server, "L45", "L46");
            assertThat(led).isEqualTo(false);
            // an answer nobody asked for is taken for a request without resource
            server.sendHex("01 04 08 63 10 01");
            assertThat(server.readFrameHex()).isEqualTo("01 04 08 63 10 02");
        }
    }

    @Test
    void serviceCallsAreTheLibrarysFlagsAcknowledgedOnlyWhenAsked() throws Exception {
        try (RawIotmpSocket server = connect()) {
            Map<String, Object> record = new LinkedHashMap<>();
            record.put("temp", 23.5f);
            record.put("hum", 61);
            await(device.writeBucket("temps", record, false));
            assertThat(server.readFrameHex()).isEqualTo(hex("L30"));

            CompletionStage<Object> confirmed = device.writeBucket("temps", Map.of("temp", 23.5f), true);
            assertThat(server.readFrameHex()).isEqualTo(hex("L31"));
            server.sendHex(hex("L32"));
            await(confirmed);

            await(device.callEndpoint("alert", Map.of("level", "high"), false));
            assertThat(server.readFrameHex()).isEqualTo(hex("L33"));
            await(device.callDevice("esp8266", "relay", true, false));
            assertThat(server.readFrameHex()).isEqualTo(hex("L34"));

            CompletionStage<Object> property = device.readProperty("config");
            assertThat(server.readFrameHex()).isEqualTo(hex("L35"));
            server.sendHex(hex("L36"));
            assertThat(await(property)).isEqualTo(Map.of("threshold", 30L, "mode", "auto"));

            CompletionStage<Object> set = device.setProperty("config", Map.of("threshold", 31), true);
            assertThat(server.readFrameHex()).isEqualTo(hex("L37"));
            server.sendHex(hex("L38"));
            await(set);
        }
    }

    /**
     * A GET_PROPERTY has no id and its answer is the next frame without one, so two reads on the wire at once could
     * not be told apart: the second read took the first one's value, and the first waited for its timeout. Like the
     * library, which blocks on its read, the device now has one read on the wire and sends the next when it is
     * answered.
     */
    @Test
    void propertyReadsGoOneAtATimeSoEachGetsItsOwnValue() throws Exception {
        try (RawIotmpSocket server = connect()) {
            CompletableFuture<Object> config = device.readProperty("config").toCompletableFuture();
            CompletableFuture<Object> mode = device.readProperty("mode").toCompletableFuture();
            assertThat(server.readFrameHex()).isEqualTo(hex("L35"));

            server.sendHex(frameHex(LegacyMessage.ok(0, "config's value")));
            Waits.eventually().until(() -> config.isDone() || mode.isDone());
            assertThat(mode).as("the second read does not take the first one's answer").isNotDone();
            assertThat(config).isCompletedWithValue("config's value");

            assertThat(server.readFrameHex()).as("the second read, once the first is answered")
                    .isEqualTo(frameHex(LegacyMessage.service(SignalFlag.GET_PROPERTY, 0, "mode", null, null)));
            server.sendHex(frameHex(LegacyMessage.ok(0, "mode's value")));
            assertThat(await(mode)).isEqualTo("mode's value");
        }
    }

    /**
     * A resource removed while the server streams it: an IOTMP device ends the stream with STOP_STREAM, which the
     * legacy protocol has not (a board's resources never go), so nothing can be sent. The adapter refused the device's
     * stop and kept the stream, and answered a STOP_STREAM of a resource without stream with OK whether the device had
     * it or not: the server's stop of the removed resource was forwarded as the stop of a stream that was gone, one of
     * a resource the device never had was OK, and once the resource was added again its stop failed. Now the removed
     * resource is the library's not-found (REQUEST_ERROR) for every request, {@code ["api"]} no longer lists it, and a
     * resource added again is a resource without stream.
     */
    @Test
    void aResourceRemovedWhileStreamedIsNotFoundAndNothingIsSentForIt() throws Exception {
        try (RawIotmpSocket server = connect()) {
            exchange(server, "L21", "L22", "L23");
            assertThat(device.removeResource("led")).isTrue();
            // the device has ended the stream on its side once its loop has run the removal's task
            device.eventLoop().submit(() -> { }).get(Waits.WAIT.toSeconds(), TimeUnit.SECONDS);

            // nothing was sent for the removal: the next frame is the answer to the next request
            assertThat(answerTo(server, SignalFlag.RUN, 31, "led")).isEqualTo(LegacyMessage.error(31));
            assertThat(answerTo(server, SignalFlag.RUN, 32, "led", "api")).isEqualTo(LegacyMessage.error(32));
            LegacyMessage api = answerTo(server, SignalFlag.RUN, 33, "api");
            assertThat(api.flag()).isEqualTo(SignalFlag.REQUEST_OK);
            List<Object> listed = new ArrayList<>(((Map<?, ?>) api.payload()).keySet());
            assertThat(listed).containsExactly("temperature", "sum", "reboot");
            // a stop of a resource it never had is not-found; of one it has, without stream, OK
            assertThat(answerTo(server, SignalFlag.STOP_STREAM, 34, "nope")).isEqualTo(LegacyMessage.error(34));
            assertThat(answerTo(server, SignalFlag.STOP_STREAM, 35, "sum")).isEqualTo(LegacyMessage.ok(35, null));

            // added again: a resource without stream, not one whose stream is gone
            device.resource("led").input(state -> led = state, () -> led);
            assertThat(answerTo(server, SignalFlag.STOP_STREAM, 36, "led")).isEqualTo(LegacyMessage.ok(36, null));
            exchange(server, "L21", "L22", "L23");

            // removed again: every request on it is not-found, its stop too
            assertThat(device.removeResource("led")).isTrue();
            device.eventLoop().submit(() -> { }).get(Waits.WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(answerTo(server, SignalFlag.STOP_STREAM, 37, "led")).isEqualTo(LegacyMessage.error(37));
            assertThat(answerTo(server, SignalFlag.START_STREAM, 38, "led")).isEqualTo(LegacyMessage.error(38));
        }
    }

    /**
     * A START_STREAM of a resource already streamed replaces its stream, whatever its id, and the stop of the old one
     * goes unanswered. The adapter marked the old id as stopped only after passing the stop on, which the device
     * answers at once: the server got a REQUEST_OK it never asked for, and the mark stayed, one for every replaced
     * id, swallowing the device's next answer on that id. A hostile server replacing streams under fresh ids grew it
     * without bound.
     */
    @Test
    void aStreamReplacedUnderANewIdIsStoppedWithoutAnAnswerAndItsIdIsFreeAgain() throws Exception {
        try (RawIotmpSocket server = connect()) {
            assertThat(answerTo(server, SignalFlag.START_STREAM, 40, "led")).isEqualTo(LegacyMessage.ok(40, null));
            assertThat(nextMessage(server).flag()).isEqualTo(SignalFlag.STREAM_EVENT);

            assertThat(answerTo(server, SignalFlag.START_STREAM, 41, "led"))
                    .as("the replaced stream's stop is not answered").isEqualTo(LegacyMessage.ok(41, null));
            LegacyMessage event = nextMessage(server);
            assertThat(event.flag()).isEqualTo(SignalFlag.STREAM_EVENT);
            assertThat(event.streamId()).isEqualTo(41);

            assertThat(answerTo(server, SignalFlag.RUN, 40, "reboot"))
                    .as("a request reusing the replaced id is answered").isEqualTo(LegacyMessage.ok(40, null));
        }
    }

    /** Sends the server's request {@code flag} on {@code path} under {@code id}; returns the device's next frame. */
    private static LegacyMessage answerTo(RawIotmpSocket server, SignalFlag flag, int id, String... path)
            throws Exception {
        server.sendHex(frameHex(LegacyMessage.of(flag, id, List.of((Object[]) path), null)));
        return nextMessage(server);
    }

    /** The device's next frame. */
    private static LegacyMessage nextMessage(RawIotmpSocket server) throws Exception {
        byte[] frame = Hex.bytes(server.readFrameHex());
        ByteBuf buf = Unpooled.wrappedBuffer(frame);
        IotmpFrames.Header header = IotmpFrames.peekHeader(buf, Integer.MAX_VALUE);
        return LegacyFrames.decodeBody(buf, header.headerLength(), frame.length, 32, Long.MAX_VALUE);
    }

    private static String frameHex(LegacyMessage message) {
        ByteBuf frame = Unpooled.buffer();
        try {
            LegacyFrames.encode(message, frame);
            return Hex.format(frame);
        } finally {
            frame.release();
        }
    }
}
