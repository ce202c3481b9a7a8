package io.cameliotmp.server;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.protocol.PsonValues;
import io.cameliotmp.testing.Hex;
import io.cameliotmp.testing.LegacyVectors;
import io.cameliotmp.testing.RawIotmpSocket;
import io.cameliotmp.testing.Waits;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.testing.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rows of the legacy vector file that only the codec test checked, through a real server over loopback: the
 * server's requests are the rows' bytes exactly (the server is given the rows' own stream ids), and the values of
 * the device's rows reach the server's model exactly as the row states them. Edge values first: every PSON type,
 * uint64 max, float32 against float64, a bare negative, unset, empty containers, 2- and 3-byte varints.
 */
class LegacyVectorTranslationTest {

    private static final DeviceId DEVICE = new DeviceId("alice", "esp32");
    private static final Duration TIMEOUT = Waits.WAIT;

    private IotmpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    /** A server whose first legacy stream id for the device is {@code firstId}, and the device connected to it. */
    private RawIotmpSocket deviceWithIdsFrom(int firstId) throws Exception {
        server = new IotmpServer(IotmpServerConfig.builder().host("127.0.0.1").port(0).nativeTransport(false)
                .authenticator(StaticAuthenticator.parse("alice/esp32=s3cr3t"))
                .legacy(new LegacyListeners(true, 0, LegacyListeners.NONE)).build(),
                LegacyTestIds.startingAt(firstId));
        server.start();
        RawIotmpSocket device = new RawIotmpSocket(server.legacyAddress().getPort());
        device.sendHex(hex("L01"));
        assertThat(device.readFrameHex()).isEqualTo(hex("L02"));
        eventually().until(() -> server.registry().registration(DEVICE).isPresent());
        return device;
    }

    private static String hex(String row) {
        return Hex.format(LegacyVectors.row(row).bytes());
    }

    private static Object payloadOf(String row) {
        return LegacyVectors.row(row).message().payload();
    }

    /** Sends {@code request}, checks the device gets {@code requestHex}, and answers with {@code answerRow}. */
    private DeviceReply call(RawIotmpSocket device, DeviceRequest request, String requestHex, String answerRow)
            throws Exception {
        CompletableFuture<DeviceReply> reply = server.send(DEVICE, request, TIMEOUT);
        assertThat(device.readFrameHex()).isEqualTo(requestHex);
        device.sendHex(hex(answerRow));
        return reply.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    /** A RUN whose answer is the device's row {@code answerRow}: its value reaches the server exactly. */
    private void answerCarriesItsValue(RawIotmpSocket device, String answerRow) throws Exception {
        CompletableFuture<DeviceReply> reply = server.send(DEVICE, DeviceRequest.run("r", null), TIMEOUT);
        device.readFrameHex();
        device.sendHex(hex(answerRow));
        Object payload = reply.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).payload();
        assertThat(PsonValues.equal(payload, payloadOf(answerRow)))
                .as("%s: got %s", answerRow, PsonValues.toString(payload)).isTrue();
    }

    @Test
    void edgeValuesL51ToL59TravelExactlyBothWays() throws Exception {
        try (RawIotmpSocket device = deviceWithIdsFrom(20)) {
            // the device's answers (stream 20 to 26): every type, a bare negative, float32, float64, unset, {}, [..]
            for (String row : new String[] { "L51", "L52", "L53", "L54", "L55" }) {
                answerCarriesItsValue(device, row);
            }
            DeviceReply empty = call(device, DeviceRequest.run("empty", payloadOf("L56")), hex("L56"), "L57");
            assertThat(empty.payload()).isEqualTo(Map.of());
            answerCarriesItsValue(device, "L58");
            // the server's input with every type (stream 27): the row's bytes, but for "unset", which the server's
            // model has no value for: its null is written as null (00)
            String l59 = hex("L59").replace("05 75 6E 73 65 74 78", "05 75 6E 73 65 74 00");
            CompletableFuture<DeviceReply> types = server.send(DEVICE, DeviceRequest.run("types", payloadOf("L59")),
                    TIMEOUT);
            assertThat(device.readFrameHex()).isEqualTo(l59);
            device.sendHex("01 04 08 1B 10 01");
            assertThat(types.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).payload()).isNull();
        }
    }

    @Test
    void aStreamIdAndAnIntervalOfSeveralVarintBytesAreL60() throws Exception {
        try (RawIotmpSocket device = deviceWithIdsFrom(300)) {
            CompletableFuture<DeviceReply> started = server.send(DEVICE, DeviceRequest.startStream("types", 60000,
                    sample -> CompletableFuture.completedFuture(null)), TIMEOUT);
            assertThat(device.readFrameHex()).isEqualTo(hex("L60"));
            device.sendHex("01 05 08 AC 02 10 01");
            assertThat(started.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).streamId()).isPositive();
        }
    }

    @Test
    void rowsL14ToL28ThroughTheServer() throws Exception {
        try (RawIotmpSocket device = deviceWithIdsFrom(6)) {
            DeviceReply sum = call(device, DeviceRequest.describe("sum"), hex("L14"), "L15");
            assertThat(PsonValues.equal(sum.payload(), payloadOf("L15"))).isTrue();
            assertThat(call(device, DeviceRequest.run("reboot", null), hex("L16"), "L17").payload()).isNull();
            Samples temperature = new Samples();
            DeviceReply started = call(device, DeviceRequest.startStream("temperature", 5000, temperature),
                    hex("L18"), "L19");
            device.sendHex(hex("L20"));
            assertThat(temperature.next()).isEqualTo(Map.of("celsius", 23.5f, "humidity", 61L));
            Samples led = new Samples();
            call(device, DeviceRequest.startStream("led", 0, led), hex("L21"), "L22");
            device.sendHex(hex("L23"));
            assertThat(led.next()).isEqualTo(false);
            call(device, DeviceRequest.run("led", true), hex("L24"), "L25");
            device.sendHex(hex("L26"));
            assertThat(led.next()).isEqualTo(true);
            call(device, DeviceRequest.stopStream(started.streamId()), hex("L27"), "L28");
        }
    }

    @Test
    void rowsL47ToL50ThroughTheServer() throws Exception {
        try (RawIotmpSocket device = deviceWithIdsFrom(15)) {
            DeviceReply options = call(device, DeviceRequest.run("$ota/options", null), hex("L47"), "L48");
            assertThat(PsonValues.equal(options.payload(), payloadOf("L48"))).isTrue();
            DeviceReply write = call(device, DeviceRequest.run("$ota/write", payloadOf("L49")), hex("L49"), "L50");
            assertThat(write.payload()).isEqualTo(Map.of("success", true));
        }
    }

    private static final class Samples implements StreamListener {
        final BlockingQueue<Object> payloads = new LinkedBlockingQueue<>();

        @Override
        public CompletionStage<Void> onSample(StreamSample sample) {
            payloads.add(sample.payload());
            return CompletableFuture.completedFuture(null);
        }

        Object next() throws InterruptedException {
            Object payload = payloads.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertThat(payload).as("a sample").isNotNull();
            return payload;
        }
    }
}
