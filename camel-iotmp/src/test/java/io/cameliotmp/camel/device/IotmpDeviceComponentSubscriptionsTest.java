package io.cameliotmp.camel.device;

import java.util.List;
import java.util.Map;

import io.cameliotmp.camel.IotmpConstants;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.testing.Waits.WAIT;
import static io.cameliotmp.testing.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/** Topic, property and server-event consumers of the device, fed by the server's routes. */
class IotmpDeviceComponentSubscriptionsTest extends IotmpDeviceTestSupport {

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("iotmp-device:topic:commands/#").routeId("commands").to("mock:commands");
                from("iotmp-device:property:threshold").routeId("threshold").to("mock:threshold");
                from("iotmp-device:property:mode?currentValue=false").routeId("mode").to("mock:mode");
                from("iotmp-device:serverEvent:firmware").routeId("firmware").to("mock:firmware");
            }
        };
    }

    /** Waits until the server accepted the subscriptions of these routes. */
    private void awaitSubscribed(String... routeIds) {
        awaitConnected();
        for (String routeId : routeIds) {
            IotmpDeviceSubscriptionConsumer consumer = (IotmpDeviceSubscriptionConsumer) context.getRoute(routeId)
                    .getConsumer();
            eventually().until(consumer::isSubscribed);
        }
    }

    private static List<Object> bodies(MockEndpoint mock) {
        return mock.getExchanges().stream().map(e -> e.getMessage().getBody()).toList();
    }

    @Test
    void topicMessagesOfTheDevicesUserArrive() {
        MockEndpoint commands = getMockEndpoint("mock:commands");
        awaitSubscribed("commands");

        template.sendBodyAndHeader("iotmp:topic:commands/now", "reboot", IotmpConstants.USER, USER);
        eventually().until(() -> bodies(commands).equals(List.of("reboot")));

        // what the device must not see goes first, so that it would arrive before the message it must see
        template.sendBodyAndHeader("iotmp:topic:commands/later", "other user", IotmpConstants.USER, "someone");
        template.sendBodyAndHeader("iotmp:topic:status/later", "other topic", IotmpConstants.USER, USER);
        template.sendBodyAndHeader("iotmp:topic:commands/later", Map.of("at", 5), IotmpConstants.USER, USER);
        eventually().until(() -> bodies(commands).size() == 2);
        assertThat(bodies(commands)).containsExactly("reboot", Map.of("at", 5L));
    }

    @Test
    void propertyUpdatesArriveWithThePresentValueFirst() throws Exception {
        MockEndpoint threshold = getMockEndpoint("mock:threshold");
        MockEndpoint mode = getMockEndpoint("mock:mode");
        mode.setResultWaitTime(WAIT.toMillis());
        mode.expectedBodiesReceived("eco");
        awaitSubscribed("threshold", "mode");

        template.sendBody(SERVER_SIDE + "/threshold?operation=setProperty", 30);
        eventually().until(() -> bodies(threshold).equals(List.of(30L)));
        template.sendBody(SERVER_SIDE + "/threshold?operation=setProperty", 31);
        template.sendBody(SERVER_SIDE + "/mode?operation=setProperty", "eco");

        eventually().until(() -> bodies(threshold).size() == 2);
        assertThat(bodies(threshold)).containsExactly(30L, 31L);
        mode.assertIsSatisfied(); // currentValue=false: only the update
    }

    @Test
    void serverEventsArrive() throws Exception {
        MockEndpoint firmware = getMockEndpoint("mock:firmware");
        firmware.setResultWaitTime(WAIT.toMillis());
        firmware.expectedBodiesReceived("v2");
        awaitSubscribed("firmware");

        Exchange raised = template.request("iotmp:serverEvent:firmware", e -> {
            e.getMessage().setBody("v2");
            e.getMessage().setHeader(IotmpConstants.USER, USER);
        });
        assertThat(raised.getMessage().getHeader(IotmpConstants.DELIVERED)).isEqualTo(1);

        firmware.assertIsSatisfied();
    }
}
