package io.cameliotmp.camel;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.device.ServerStream;
import io.cameliotmp.device.ServiceLayout;
import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpFrames;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.protocol.MessageType;
import io.cameliotmp.testing.Hex;
import io.cameliotmp.testing.IotmpVectors;
import io.cameliotmp.testing.RawIotmpSocket;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static io.cameliotmp.testing.Waits.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Unmodified-device compatibility: every service and event stream through the Java device client in each
 * generation and service layout found in the field, and the bytes a gen-1 device receives where the generations
 * differ (docs/protocol.md §4.3, §12).
 */
class ThingerCompatibilityTest extends IotmpCamelTestSupport {

    private final List<IotmpDevice> devices = new ArrayList<>();

    @Override
    protected String deviceCredentials() {
        return "alice/*=pw,user/dev=pass";
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("iotmp:service:bucket/temps").to("mock:bucket");
                from("iotmp:service:endpoint/alert").setBody(constant("ignored: writes answer with a bare OK"))
                        .to("mock:alert");
                from("iotmp:server:time").setBody(constant("12:00"));
                from("iotmp:topic:sensors/#").to("mock:published");
                from("direct:cmd").to("iotmp:topic:cmd");
                from("direct:firmware").to("iotmp:serverEvent:firmware");
                from("direct:describe").to("iotmp:device:user/dev/led?operation=describe");
                from("iotmp:device:user/dev/temperature").to("mock:gen1Samples");
                from("iotmp:device:alice/compact/data").to("mock:compact");
            }
        };
    }

    @AfterEach
    void closeDevices() {
        devices.forEach(IotmpDevice::close);
    }

    private IotmpDevice device(String name, Generation generation, ServiceLayout layout) {
        IotmpDevice device = IotmpDevice.builder().host("127.0.0.1").port(port).credentials("alice", name, "pw")
                .generation(generation).serviceLayout(layout).build();
        device.resource("led").input(state -> { }, () -> false);
        devices.add(device);
        device.start().toCompletableFuture().join();
        return device;
    }

    private static <T> T await(java.util.concurrent.CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({ "GEN2, EMBEDDED", "GEN2, LINUX", "GEN1, LINUX" })
    void everyServiceInEveryGenerationAndLayout(Generation generation, ServiceLayout layout) throws Exception {
        String name = "d-" + generation + "-" + layout;
        IotmpDevice device = device(name, generation, layout);
        MockEndpoint bucket = getMockEndpoint("mock:bucket");
        bucket.expectedMessageCount(1);
        MockEndpoint alert = getMockEndpoint("mock:alert");
        alert.expectedMessageCount(1);

        assertThat(await(device.writeBucket("temps", Map.of("celsius", 21.5), true))).isNull();
        assertThat(await(device.callEndpoint("alert", Map.of("level", 2), true))).isNull();
        assertThat(await(device.setProperty("mode", Map.of("eco", true), true))).isNull();
        assertThat(await(device.readProperty("mode"))).isEqualTo(Map.of("eco", true));
        assertThat(await(device.runServerResource("time", null))).isEqualTo("12:00");
        bucket.assertIsSatisfied();
        alert.assertIsSatisfied();
        assertThat(bucket.getExchanges().get(0).getMessage().getBody()).isEqualTo(Map.of("celsius", 21.5f));
        assertThat(bucket.getExchanges().get(0).getMessage().getHeader(IotmpConstants.GENERATION))
                .isEqualTo(generation.name());

        if (layout == ServiceLayout.LINUX) {
            IotmpDevice other = device(name + "-peer", generation, layout);
            other.resource("echo").inputOutput(in -> Map.of("echo", in));
            assertThat(await(device.callDevice(name + "-peer", "echo", "hi", true))).isEqualTo(Map.of("echo", "hi"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({ "GEN2", "GEN1" })
    void eventStreamsInBothGenerations(Generation generation) throws Exception {
        IotmpDevice device = device("events-" + generation, generation, ServiceLayout.LINUX);
        BlockingQueue<Object> commands = new LinkedBlockingQueue<>();
        BlockingQueue<Object> firmware = new LinkedBlockingQueue<>();
        BlockingQueue<Object> thresholds = new LinkedBlockingQueue<>();
        await(device.openServerStream(Map.of("event", "device_topic_publish", "scope", "subscribe", "topic", "cmd"),
                commands::add));
        ServerStream publish = await(device.openServerStream(Map.of("event", "device_topic_publish",
                "scope", "publish", "topic", "sensors/t"), data -> { }));
        await(device.openServerStream(Map.of("event", "firmware"), firmware::add));
        await(device.setProperty("threshold", 30, true));
        await(device.openServerStream(Map.of("event", "device_property_update",
                "filters", Map.of("property", "threshold"), "current", true), thresholds::add));

        template.sendBody("direct:cmd", "reboot");
        assertThat(commands.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("reboot");
        template.sendBody("direct:firmware", Map.of("version", "2.0"));
        assertThat(firmware.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(Map.of("version", "2.0"));
        assertThat(thresholds.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("current value").isEqualTo(30L);
        await(device.setProperty("threshold", 35, true));
        assertThat(thresholds.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(35L);

        MockEndpoint published = getMockEndpoint("mock:published");
        published.expectedBodiesReceived("21.5 C");
        await(publish.send("21.5 C"));
        published.assertIsSatisfied();
    }

    /** The gen-1 CONNECT of iotmp-vectors.md §7, then what a gen-1 device receives where the generations differ. */
    @Test
    void genOneDeviceGetsTheGenOneLayoutByteForByte() throws Exception {
        IotmpVectors vectors = IotmpVectors.load();
        String connect = Hex.format(IotmpVectors.parseBytes(vectors.rows("7").get(0).cell("bytes")));
        MockEndpoint samples = getMockEndpoint("mock:gen1Samples");
        try (RawIotmpSocket device = new RawIotmpSocket(port)) {
            device.sendHex(connect);
            assertThat(device.readFrameHex()).isEqualTo("01 02 08 01");

            // the stream consumer's START_STREAM: resource in field 3 as PSON v1 (key 19), as in gen-1 devices
            String start = device.readFrameHex();
            assertThat(start).startsWith("08 ").contains("19 4A 0B 74 65 6D 70 65 72 61 74 75 72 65");
            IotmpMessage startMessage = decode(start, Generation.GEN1);
            assertThat(startMessage.resource()).isEqualTo("temperature");
            device.send(IotmpMessage.ok(startMessage.streamId()), Generation.GEN1);

            // DESCRIBE of one resource: the hand-derived gen-1 example of iotmp-vectors.md §7 (id 4 there)
            java.util.concurrent.CompletableFuture<Object> described = template.asyncRequestBody("direct:describe",
                    null);
            String describe = device.readFrameHex();
            IotmpMessage describeMessage = decode(describe, Generation.GEN1);
            assertThat(describe).isEqualTo(Hex.format(frame(IotmpMessage.describe(describeMessage.streamId(),
                    "led"), Generation.GEN1)));
            assertThat(describe.substring(describe.indexOf(" 19 "))).isEqualTo(" 19 4A 03 6C 65 64");
            device.send(IotmpMessage.ok(describeMessage.streamId(), Map.of("in", Map.of("state", false))),
                    Generation.GEN1);
            assertThat(described.get(WAIT.toMillis(), TimeUnit.MILLISECONDS))
                    .isEqualTo(Map.of("in", Map.of("state", false)));

            // a gen-1 sample carries PARAMETERS 2 (output) and PSON v1: vector §7 row 2, with our stream id
            samples.expectedMessageCount(1);
            device.send(IotmpMessage.of(MessageType.STREAM_DATA, startMessage.streamId(), 2,
                    Map.of("celsius", 23.5), null), Generation.GEN1);
            samples.assertIsSatisfied();
            assertThat(samples.getExchanges().get(0).getMessage().getBody()).isEqualTo(Map.of("celsius", 23.5f));
        }
    }

    @Test
    void compactSamplesAreMappedBackToTheFirstSamplesKeys() throws Exception {
        MockEndpoint compact = getMockEndpoint("mock:compact");
        compact.expectedMessageCount(2);
        try (RawIotmpSocket device = RawIotmpSocket.connect(port, "alice", "compact", "pw")) {
            IotmpMessage start = device.readMessage(Generation.GEN2);
            device.send(IotmpMessage.ok(start.streamId()), Generation.GEN2);
            Map<String, Object> first = new java.util.LinkedHashMap<>();
            first.put("temperature", 23.5);
            first.put("humidity", 60);
            device.send(IotmpMessage.streamData(start.streamId(), first), Generation.GEN2);
            device.send(IotmpMessage.streamData(start.streamId(), List.of(24.0, 61)), Generation.GEN2); // F24 shape
            compact.assertIsSatisfied();
        }
        assertThat(compact.getExchanges().get(1).getMessage().getBody())
                .isEqualTo(Map.of("temperature", 24L, "humidity", 61L));
    }

    private static byte[] frame(IotmpMessage message, Generation generation) {
        ByteBuf buf = Unpooled.buffer();
        try {
            IotmpFrames.encode(message, generation, buf);
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    private static IotmpMessage decode(String hex, Generation generation) {
        ByteBuf buf = Unpooled.wrappedBuffer(Hex.bytes(hex));
        IotmpFrames.Header header = IotmpFrames.peekHeader(buf, Integer.MAX_VALUE);
        return IotmpFrames.decodeBody(MessageType.fromCode(header.typeCode()), buf, header.headerLength(),
                header.frameLength(), generation, false, 32);
    }

}
