package io.cameliotmp.camel;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.protocol.IotmpFrames;
import io.cameliotmp.protocol.legacy.LegacyFrames;
import io.cameliotmp.protocol.legacy.LegacyMessage;
import io.cameliotmp.protocol.legacy.SignalFlag;
import io.cameliotmp.server.DeviceErrorException;
import io.cameliotmp.server.LegacyListeners;
import io.cameliotmp.testing.Hex;
import io.cameliotmp.testing.LegacyVectors;
import io.cameliotmp.testing.RawIotmpSocket;
import io.cameliotmp.testing.TestPorts;
import io.cameliotmp.testing.Waits;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.testing.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A legacy Thinger device through Camel routes, as raw bytes and as the device client in legacy mode: the producer
 * runs and describes it, a device consumer streams from it, service routes take its bucket writes and property
 * reads, and all of them see it as generation LEGACY.
 */
class LegacyDeviceRoutesTest extends IotmpCamelTestSupport {

    private final int legacyPort = TestPorts.next();
    private final List<Exchange> samples = new CopyOnWriteArrayList<>();
    private final List<Exchange> buckets = new CopyOnWriteArrayList<>();
    private final List<Exchange> events = new CopyOnWriteArrayList<>();

    @Override
    protected String deviceCredentials() {
        return "alice/esp32=s3cr3t";
    }

    @Override
    protected void configure(IotmpConfiguration config) {
        config.setLegacyEnabled(true);
        config.setLegacyPort(legacyPort);
        config.setLegacyTlsPort(LegacyListeners.NONE);
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:run").to("iotmp:device:alice/esp32/temperature");
                from("direct:describe").to("iotmp:device:alice/esp32?operation=describe");
                from("iotmp:device:alice/esp32/temperature?interval=5000").process(samples::add);
                from("iotmp:service:bucket/temps").process(buckets::add);
                from("iotmp:service:property/mode").setBody(constant("auto"));
                from("iotmp:events").process(events::add);
            }
        };
    }

    private static LegacyMessage read(RawIotmpSocket device) throws Exception {
        byte[] frame = Hex.bytes(device.readFrameHex());
        ByteBuf buf = Unpooled.wrappedBuffer(frame);
        IotmpFrames.Header header = IotmpFrames.peekHeader(buf, Integer.MAX_VALUE);
        assertThat(header.typeCode()).isEqualTo(LegacyFrames.TYPE_MESSAGE);
        return LegacyFrames.decodeBody(buf, header.headerLength(), frame.length, 32, Long.MAX_VALUE);
    }

    private static void send(RawIotmpSocket device, LegacyMessage message) throws Exception {
        ByteBuf buf = Unpooled.buffer();
        LegacyFrames.encode(message, buf);
        device.sendHex(Hex.format(buf));
        buf.release();
    }

    @Test
    void aLegacyDeviceIsRunDescribedStreamedAndServedByRoutes() throws Exception {
        try (RawIotmpSocket device = new RawIotmpSocket(legacyPort)) {
            device.sendHex(Hex.format(LegacyVectors.row("L01").bytes()));
            assertThat(device.readFrameHex()).isEqualTo("01 02 10 01");

            // the consumer's stream opens on its own, with a bare interval
            LegacyMessage start = read(device);
            assertThat(start.flag()).isEqualTo(SignalFlag.START_STREAM);
            assertThat(start.path()).containsExactly("temperature");
            assertThat(start.payload()).isEqualTo(5000L);
            send(device, LegacyMessage.ok(start.streamId(), null));
            send(device, LegacyMessage.of(SignalFlag.STREAM_SAMPLE, start.streamId(), null,
                    Map.of("out", Map.of("celsius", 23.5f))));
            eventually().until(() -> samples.size() == 1);
            assertThat(samples.get(0).getMessage().getBody()).isEqualTo(Map.of("celsius", 23.5f));
            assertThat(samples.get(0).getMessage().getHeader(IotmpConstants.GENERATION)).isEqualTo("LEGACY");

            CompletableFuture<Object> run = template.asyncRequestBody("direct:run", null);
            LegacyMessage request = read(device);
            assertThat(request.flag()).isEqualTo(SignalFlag.RUN);
            assertThat(request.path()).containsExactly("temperature");
            send(device, LegacyMessage.ok(request.streamId(), Map.of("celsius", 24.5f)));
            assertThat(run.get(Waits.WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(Map.of("celsius", 24.5f));

            CompletableFuture<Object> describe = template.asyncRequestBody("direct:describe", null);
            LegacyMessage api = read(device);
            assertThat(api.path()).containsExactly("api");
            send(device, new LegacyMessage(false, api.streamId(), SignalFlag.REQUEST_OK, null, null,
                    LegacyVectors.row("L05").message().payload()));
            @SuppressWarnings("unchecked")
            Map<String, Object> resources = (Map<String, Object>) describe.get(Waits.WAIT.toSeconds(),
                    TimeUnit.SECONDS);
            assertThat(resources).containsKeys("led", "temperature", "$ota/options", "$ota/write")
                    .containsEntry("temperature", Map.of("fn", 3L, "al", 2L));

            // a device's error fails the exchange with the typed exception, without detail
            CompletableFuture<Exchange> failing = template.asyncSend("direct:run", e -> { });
            LegacyMessage again = read(device);
            send(device, LegacyMessage.error(again.streamId()));
            Exchange failed = failing.get(Waits.WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(failed.getException()).isInstanceOf(DeviceErrorException.class);

            device.sendHex(Hex.format(LegacyVectors.row("L30").bytes()));
            eventually().until(() -> buckets.size() == 1);
            assertThat(buckets.get(0).getMessage().getBody()).isEqualTo(Map.of("temp", 23.5f, "hum", 61L));
            assertThat(buckets.get(0).getMessage().getHeader(IotmpConstants.DEVICE)).isEqualTo("esp32");

            eventually().until(() -> !events.isEmpty());
            assertThat(events.get(0).getMessage().getHeader(IotmpConstants.GENERATION)).isEqualTo("LEGACY");
        }
        // the dev console and JMX views show the legacy listener that is bound (no TLS one without TLS)
        assertThat((Map<?, ?>) ServerViews.server(server(port)).get("legacy")).isEqualTo(Map.of("port", legacyPort));
    }

    @Test
    void theLegacyDeviceClientWorksThroughRoutes() throws Exception {
        IotmpDevice device = IotmpDevice.builder().host("127.0.0.1").port(legacyPort)
                .credentials("alice", "esp32", "s3cr3t").legacy().noReconnect().build();
        try {
            device.resource("temperature").output(() -> Map.of("celsius", 21.5f));
            device.resource("led").input(state -> { }, () -> true);
            device.start().toCompletableFuture().get(Waits.WAIT.toSeconds(), TimeUnit.SECONDS);
            // the consumer's stream: its first sample comes right after the device accepted it
            eventually().until(() -> !samples.isEmpty());
            assertThat(samples.get(0).getMessage().getBody()).isEqualTo(Map.of("celsius", 21.5f));

            assertThat(template.requestBody("direct:run", (Object) null)).isEqualTo(Map.of("celsius", 21.5f));
            @SuppressWarnings("unchecked")
            Map<String, Object> resources = (Map<String, Object>) template.requestBody("direct:describe",
                    (Object) null);
            assertThat(resources).containsEntry("temperature", Map.of("fn", 3L, "al", 0L))
                    .containsEntry("led", Map.of("fn", 2L, "al", 0L));

            device.writeBucket("temps", Map.of("temp", 1), true).toCompletableFuture()
                    .get(Waits.WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(buckets).hasSize(1);
            assertThat(buckets.get(0).getMessage().getBody()).isEqualTo(Map.of("temp", 1L));
            assertThat(device.readProperty("mode").toCompletableFuture().get(Waits.WAIT.toSeconds(),
                    TimeUnit.SECONDS)).isEqualTo("auto");
        } finally {
            device.closeAsync().toCompletableFuture().get(Waits.WAIT.toSeconds(), TimeUnit.SECONDS);
        }
    }
}
