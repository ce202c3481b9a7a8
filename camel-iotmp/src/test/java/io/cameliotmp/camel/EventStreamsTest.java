package io.cameliotmp.camel;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.protocol.MessageType;
import io.cameliotmp.testing.RawIotmpSocket;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.testing.Waits.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

/** Devices' event streams (START_STREAM on RESOURCE 8): topics, property updates and server events. */
class EventStreamsTest extends IotmpCamelTestSupport {

    private static final int SUBSCRIBE_EVENT = 8;


    @Override
    protected String deviceCredentials() {
        return "alice/*=pw,bob/*=pw";
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:cmd").to("iotmp:topic:cmd");
                from("direct:retained").to("iotmp:topic:config/esp32?retained=true");
                from("direct:firmware").to("iotmp:serverEvent:firmware");
                from("direct:run").to("iotmp:device:alice/esp32");
                from("iotmp:topic:sensors/+/temp").to("mock:temperatures");
                from("direct:setThreshold").to("iotmp:device:alice/esp32/threshold?operation=setProperty");
                from("direct:getThreshold").to("iotmp:device:alice/esp32/threshold?operation=getProperty");
            }
        };
    }

    private RawIotmpSocket device(String user, String name) throws Exception {
        return RawIotmpSocket.connect(port, user, name, "pw");
    }

    private static void open(RawIotmpSocket device, int id, Map<String, Object> params, Object expectedAnswer)
            throws Exception {
        device.send(IotmpMessage.startStream(id, SUBSCRIBE_EVENT, params), Generation.GEN2);
        assertThat(device.readMessage(Generation.GEN2)).isEqualTo(IotmpMessage.ok(id, expectedAnswer));
    }

    @Test
    void subscriptionFromVectorS6ReceivesWhatARoutePublishes() throws Exception {
        try (RawIotmpSocket device = device("alice", "esp32")) {
            device.sendHex("08 3C 08 81 02 12 C3 85 65 76 65 6E 74 94 64 65 76 69 63 65 5F 74 6F 70 69 63 5F 70 75"
                           + " 62 6C 69 73 68 85 73 63 6F 70 65 89 73 75 62 73 63 72 69 62 65 85 74 6F 70 69 63 83 63"
                           + " 6D 64 20 08");
            assertThat(device.readFrameHex()).isEqualTo("01 03 08 81 02");
            template.sendBody("direct:cmd", "reboot");
            assertThat(device.readMessage(Generation.GEN2)).isEqualTo(IotmpMessage.streamData(0x101, "reboot"));
        }
    }

    @Test
    void devicePublishReachesRoutesAndSubscribersOfTheSameUserOnly() throws Exception {
        MockEndpoint temperatures = getMockEndpoint("mock:temperatures");
        temperatures.expectedMessageCount(1);
        temperatures.expectedHeaderReceived(IotmpConstants.TOPIC, "sensors/esp32/temp");
        temperatures.expectedHeaderReceived(IotmpConstants.DEVICE, "esp32");
        try (RawIotmpSocket publisher = device("alice", "esp32");
             RawIotmpSocket sameUser = device("alice", "display");
             RawIotmpSocket otherUser = device("bob", "display")) {
            Map<String, Object> subscribe = Map.of("event", "device_topic_publish", "scope", "subscribe",
                    "topic", "sensors/#");
            open(sameUser, 3, subscribe, null);
            open(otherUser, 3, subscribe, null);
            open(publisher, 5, Map.of("event", "device_topic_publish", "scope", "publish",
                    "topic", "sensors/esp32/temp"), null);
            publisher.send(IotmpMessage.streamData(5, Map.of("t", 21)), Generation.GEN2);

            assertThat(sameUser.readMessage(Generation.GEN2)).isEqualTo(IotmpMessage.streamData(3, Map.of("t", 21)));
            temperatures.assertIsSatisfied();
            otherUser.sendHex("05 00");
            assertThat(otherUser.readFrameHex()).as("nothing crossed to another user").isEqualTo("05 00");
        }
    }

    @Test
    void propertySubscriptionGetsTheCurrentValueAndEveryUpdate() throws Exception {
        try (RawIotmpSocket device = device("alice", "esp32")) {
            device.send(IotmpMessage.of(MessageType.RUN, 2, 2, 40, "threshold"), Generation.GEN2);
            assertThat(device.readMessage(Generation.GEN2)).isEqualTo(IotmpMessage.ok(2));
            open(device, 9, Map.of("event", "device_property_update", "filters", Map.of("property", "threshold"),
                    "current", true), 40);
            device.send(IotmpMessage.of(MessageType.RUN, 4, 2, 45, "threshold"), Generation.GEN2);
            IotmpMessage first = device.readMessage(Generation.GEN2);
            IotmpMessage second = device.readMessage(Generation.GEN2);
            assertThat(java.util.List.of(first, second))
                    .containsExactlyInAnyOrder(IotmpMessage.ok(4), IotmpMessage.streamData(9, 45));
        }
    }

    @Test
    void aRouteSettingAPropertyReachesTheSubscribedDevice() throws Exception {
        try (RawIotmpSocket device = device("alice", "esp32")) {
            open(device, 9, Map.of("event", "device_property_update", "filters", Map.of("property", "threshold")),
                    null);
            template.sendBody("direct:setThreshold", 55);
            assertThat(device.readMessage(Generation.GEN2)).isEqualTo(IotmpMessage.streamData(9, 55));
            assertThat(template.requestBody("direct:getThreshold", (Object) null, Object.class)).isEqualTo(55L);
        }
    }

    @Test
    void serverEventReachesSubscribedDevicesUntilTheyStop() throws Exception {
        try (RawIotmpSocket device = device("alice", "esp32")) {
            open(device, 7, Map.of("event", "firmware"), null);
            Object delivered = template.requestBody("direct:firmware", Map.of("version", "1.2.0"),
                    Object.class);
            assertThat(device.readMessage(Generation.GEN2))
                    .isEqualTo(IotmpMessage.streamData(7, Map.of("version", "1.2.0")));
            assertThat(template.request("direct:firmware", e -> e.getMessage().setBody("again"))
                    .getMessage().getHeader(IotmpConstants.DELIVERED)).isEqualTo(1);
            assertThat(device.readMessage(Generation.GEN2)).isEqualTo(IotmpMessage.streamData(7, "again"));

            device.send(IotmpMessage.stopStream(7), Generation.GEN2);
            assertThat(device.readMessage(Generation.GEN2)).isEqualTo(IotmpMessage.ok(7));
            assertThat(template.request("direct:firmware", e -> e.getMessage().setBody("late"))
                    .getMessage().getHeader(IotmpConstants.DELIVERED)).isEqualTo(0);
            assertThat(delivered).isNotNull();
        }
    }

    @Test
    void retainedMessageReachesLaterSubscribers() throws Exception {
        template.sendBody("direct:retained", Map.of("mode", "eco"));
        try (RawIotmpSocket device = device("alice", "esp32")) {
            device.send(IotmpMessage.startStream(2, SUBSCRIBE_EVENT, Map.of("event", "device_topic_publish",
                    "scope", "subscribe", "topic", "config/+")), Generation.GEN2);
            assertThat(device.readMessage(Generation.GEN2)).isEqualTo(IotmpMessage.ok(2));
            assertThat(device.readMessage(Generation.GEN2))
                    .isEqualTo(IotmpMessage.streamData(2, Map.of("mode", "eco")));
        }
    }

    @Test
    void serverNeverUsesAStreamIdTheDeviceHasOpen() throws Exception {
        try (RawIotmpSocket device = device("alice", "esp32")) {
            open(device, 1, Map.of("event", "firmware"), null);
            open(device, 2, Map.of("event", "other"), null);
            CompletableFuture<Object> reply = template.asyncRequestBodyAndHeader("direct:run", null,
                    IotmpConstants.RESOURCE, "temperature");
            IotmpMessage run = device.readMessage(Generation.GEN2);
            assertThat(run.streamId()).isNotIn(1, 2);
            device.send(IotmpMessage.ok(run.streamId(), 20), Generation.GEN2);
            assertThat(reply.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(20L);
        }
    }

    @Test
    void invalidEventStreamsAreRefused() throws Exception {
        try (RawIotmpSocket device = device("alice", "esp32")) {
            device.send(IotmpMessage.startStream(3, SUBSCRIBE_EVENT, Map.of("event", "device_topic_publish",
                    "scope", "subscribe", "topic", "a/#/b")), Generation.GEN2);
            assertThat(device.readMessage(Generation.GEN2).type()).isEqualTo(MessageType.ERROR);
            device.send(IotmpMessage.startStream(4, "not-a-server-stream", null), Generation.GEN2);
            assertThat(device.readMessage(Generation.GEN2).parameters()).isEqualTo(404L);
            // still open and served: the next frame is the echo of a keep-alive sent after the error
            device.sendHex("05 00");
            assertThat(device.readFrameHex()).isEqualTo("05 00");
        }
    }
}
