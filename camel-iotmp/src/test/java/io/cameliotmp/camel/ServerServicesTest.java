package io.cameliotmp.camel;

import java.util.Map;

import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.protocol.MessageType;
import io.cameliotmp.server.DeviceId;
import io.cameliotmp.testing.RawIotmpSocket;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Thinger service calls in both wire layouts: the built-in property, call-device and lock services, routes that
 * override them, and services that need a route. Requests are written from the raw bytes of the vectors where one
 * exists (S3, S4, S5).
 */
class ServerServicesTest extends IotmpCamelTestSupport {


    @Override
    protected String deviceCredentials() {
        return "alice/*=pw";
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("iotmp:service:property/override").setBody(constant("from the route"));
                from("iotmp:service:endpoint/alert").to("mock:alert");
                from("iotmp:service:bucket/sensor_data").to("mock:sensorData");
            }
        };
    }


    private RawIotmpSocket device(String name) throws Exception {
        return RawIotmpSocket.connect(port, "alice", name, "pw");
    }

    /** Gen-2 Linux layout: code in RESOURCE, target in PARAMETERS. */
    private static IotmpMessage linux(int id, int code, Object target, Object payload) {
        return IotmpMessage.of(MessageType.RUN, id, target, payload, code);
    }

    /** Embedded (Arduino, ESP-IDF, Zephyr) layout: code in PARAMETERS, target in RESOURCE. */
    private static IotmpMessage embedded(int id, int code, String target, Object payload) {
        return IotmpMessage.of(MessageType.RUN, id, code, payload, target);
    }

    @Test
    void readPropertyLinuxLayoutFromVectorS3() throws Exception {
        server(port).properties().set(new DeviceId("alice", "esp32"), "config", Map.of("threshold", 30));
        try (RawIotmpSocket device = device("esp32")) {
            device.sendHex("06 0D 08 80 02 12 86 63 6F 6E 66 69 67 20 01");
            assertThat(device.readMessage(Generation.GEN2)).isEqualTo(IotmpMessage.ok(0x100, Map.of("threshold", 30)));
        }
    }

    @Test
    void setAndReadPropertyInBothLayoutsIsPerDevice() throws Exception {
        try (RawIotmpSocket device = device("esp32"); RawIotmpSocket other = device("other")) {
            device.send(embedded(5, 2, "mode", Map.of("eco", true)), Generation.GEN2);
            assertThat(device.readMessage(Generation.GEN2)).isEqualTo(IotmpMessage.ok(5));
            device.send(linux(6, 1, "mode", null), Generation.GEN2);
            assertThat(device.readMessage(Generation.GEN2)).isEqualTo(IotmpMessage.ok(6, Map.of("eco", true)));
            other.send(embedded(7, 1, "mode", null), Generation.GEN2);
            assertThat(other.readMessage(Generation.GEN2))
                    .isEqualTo(IotmpMessage.error(7, 404, Map.of("error", "property 'mode' not found")));
        }
        assertThat(server(port).properties().read(new DeviceId("alice", "esp32"), "mode"))
                .isEqualTo(Map.of("eco", true));
    }

    @Test
    void callDeviceFromVectorS4RunsTheOtherDevicesResource() throws Exception {
        try (RawIotmpSocket caller = device("esp32"); RawIotmpSocket dev2 = device("dev2")) {
            caller.sendHex("06 11 08 09 12 E2 84 64 65 76 32 83 6C 65 64 1A 61 20 03");
            IotmpMessage run = dev2.readMessage(Generation.GEN2);
            assertThat(run.type()).isEqualTo(MessageType.RUN);
            assertThat(run.resource()).isEqualTo("led");
            assertThat(run.payload()).isEqualTo(true);
            dev2.send(IotmpMessage.ok(run.streamId(), Map.of("state", true)), Generation.GEN2);
            assertThat(caller.readMessage(Generation.GEN2)).isEqualTo(IotmpMessage.ok(9, Map.of("state", true)));
        }
    }

    @Test
    void callDeviceOfADisconnectedDeviceIsAnError() throws Exception {
        try (RawIotmpSocket caller = device("esp32")) {
            caller.sendHex("06 11 08 09 12 E2 84 64 65 76 32 83 6C 65 64 1A 61 20 03");
            assertThat(caller.readMessage(Generation.GEN2))
                    .isEqualTo(IotmpMessage.error(9, 404, Map.of("error", "device dev2 is not connected")));
        }
    }

    @Test
    void syncLockHonoursSlotsAndUnlock() throws Exception {
        try (RawIotmpSocket a = device("a"); RawIotmpSocket b = device("b")) {
            a.send(linux(1, 6, "door", Map.of("slots", 1, "timeout", 30)), Generation.GEN2);
            IotmpMessage granted = a.readMessage(Generation.GEN2);
            assertThat(granted.type()).isEqualTo(MessageType.OK);
            Object token = ((Map<?, ?>) granted.payload()).get("lock");

            b.send(linux(2, 6, "door", Map.of("slots", 1)), Generation.GEN2);
            assertThat(b.readMessage(Generation.GEN2).type()).isEqualTo(MessageType.ERROR);

            a.send(linux(3, 7, "door", Map.of("lock", token)), Generation.GEN2);
            assertThat(a.readMessage(Generation.GEN2)).isEqualTo(IotmpMessage.ok(3));

            b.send(linux(4, 6, "door", Map.of("slots", 1)), Generation.GEN2);
            assertThat(b.readMessage(Generation.GEN2).type()).isEqualTo(MessageType.OK);
        }
    }

    @Test
    void aRouteOverridesTheBuiltInService() throws Exception {
        try (RawIotmpSocket device = device("esp32")) {
            device.send(embedded(8, 1, "override", null), Generation.GEN2);
            assertThat(device.readMessage(Generation.GEN2)).isEqualTo(IotmpMessage.ok(8, "from the route"));
        }
    }

    @Test
    void fireAndForgetEndpointCallFromVectorS5ReachesTheRouteAndGetsNoReply() throws Exception {
        MockEndpoint alert = getMockEndpoint("mock:alert");
        alert.expectedMessageCount(1);
        alert.expectedHeaderReceived(IotmpConstants.REPLY_EXPECTED, false);
        alert.expectedHeaderReceived(IotmpConstants.SERVICE, "endpoint");
        try (RawIotmpSocket device = device("esp32")) {
            device.sendHex("06 09 12 85 61 6C 65 72 74 20 04");
            alert.assertIsSatisfied();
            device.sendHex("05 00");
            assertThat(device.readFrameHex()).isEqualTo("05 00");
        }
    }

    /** Vectors S1 (IOTMP-Arduino/ESP-IDF/Zephyr layout) and S2 (IOTMP-Linux layout): the same bucket write. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = { "S1", "S2" })
    void bucketWriteInBothLayoutsReachesTheRouteAndIsAcknowledged(String vector) throws Exception {
        MockEndpoint bucket = getMockEndpoint("mock:sensorData");
        bucket.expectedMessageCount(1);
        try (RawIotmpSocket device = device("esp32")) {
            device.sendHex(io.cameliotmp.testing.Hex.format(io.cameliotmp.testing.IotmpVectors.load().bytes(vector)));
            assertThat(device.readFrameHex()).isEqualTo("01 03 08 B4 24");
            bucket.assertIsSatisfied();
        }
        assertThat(bucket.getExchanges().get(0).getMessage().getBody()).isEqualTo(Map.of("temp", 21L));
        assertThat(bucket.getExchanges().get(0).getMessage().getHeader(IotmpConstants.RESOURCE))
                .isEqualTo("sensor_data");
    }

    @Test
    void bucketWriteWithoutARouteIsAnErrorNotASilentOk() throws Exception {
        try (RawIotmpSocket device = device("esp32")) {
            device.send(embedded(0x1234, 5, "nobody_reads_this", Map.of("temp", 21)), Generation.GEN2);
            IotmpMessage answer = device.readMessage(Generation.GEN2);
            assertThat(answer.type()).isEqualTo(MessageType.ERROR);
            assertThat(answer.streamId()).isEqualTo(0x1234);
            assertThat(answer.parameters()).isEqualTo(404L);
            // still open and served: the next frame is the echo of a keep-alive sent after the error
            device.sendHex("05 00");
            assertThat(device.readFrameHex()).isEqualTo("05 00");
        }
    }

    @Test
    void unknownServiceCodeIsAnError() throws Exception {
        try (RawIotmpSocket device = device("esp32")) {
            device.send(linux(3, 99, "x", null), Generation.GEN2);
            assertThat(device.readMessage(Generation.GEN2).parameters()).isEqualTo(404L);
        }
    }
}
