package io.cameliotmp.camel.device;

import java.util.LinkedHashMap;
import java.util.Map;

import io.cameliotmp.camel.IotmpConstants;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.testing.Waits.WAIT;
import static io.cameliotmp.testing.Waits.eventually;

/** Topic, property and server-event consumers of the device, fed by the server's routes. */
class IotmpDeviceComponentSubscriptionsTest extends IotmpDeviceTestSupport {

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("iotmp-device:topic:commands/#").to("mock:commands");
                from("iotmp-device:property:threshold").to("mock:threshold");
                from("iotmp-device:property:mode?currentValue=false").to("mock:mode");
                from("iotmp-device:serverEvent:firmware").to("mock:firmware");
            }
        };
    }

    @Test
    void topicMessagesOfTheDevicesUserArrive() throws Exception {
        MockEndpoint commands = getMockEndpoint("mock:commands");
        commands.setResultWaitTime(WAIT.toMillis());
        commands.expectedBodiesReceived("reboot");
        awaitConnected();

        // retained, so the message reaches the subscription whether it opened before or after
        template.sendBodyAndHeader("iotmp:topic:commands/now?retained=true", "reboot", IotmpConstants.USER, USER);
        commands.assertIsSatisfied();
        commands.reset();
        commands.expectedBodiesReceived(new LinkedHashMap<>(Map.of("at", 5L)));
        // what the device must not see goes first, so that it would arrive before the message it must see
        template.sendBodyAndHeader("iotmp:topic:commands/later", "other user", IotmpConstants.USER, "someone");
        template.sendBodyAndHeader("iotmp:topic:status/later", "other topic", IotmpConstants.USER, USER);
        template.sendBodyAndHeader("iotmp:topic:commands/later", Map.of("at", 5), IotmpConstants.USER, USER);
        commands.assertIsSatisfied();
    }

    @Test
    void propertyUpdatesArriveWithThePresentValueFirst() throws Exception {
        MockEndpoint threshold = getMockEndpoint("mock:threshold");
        threshold.setResultWaitTime(WAIT.toMillis());
        threshold.expectedBodiesReceived(30L, 31L);
        MockEndpoint mode = getMockEndpoint("mock:mode");
        mode.setResultWaitTime(WAIT.toMillis());
        mode.expectedBodiesReceived("eco");
        awaitConnected();

        // set before or after the subscription opened: either the present value or the update brings 30
        template.sendBody(SERVER_SIDE + "/threshold?operation=setProperty", 30);
        eventually().until(() -> threshold.getReceivedCounter() == 1);
        template.sendBody(SERVER_SIDE + "/threshold?operation=setProperty", 31);
        template.sendBody(SERVER_SIDE + "/mode?operation=setProperty", "eco");

        MockEndpoint.assertIsSatisfied(WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS, threshold, mode);
    }

    @Test
    void serverEventsArrive() throws Exception {
        MockEndpoint firmware = getMockEndpoint("mock:firmware");
        firmware.setResultWaitTime(WAIT.toMillis());
        firmware.expectedBodiesReceived("v2");
        awaitConnected();

        // an event reaches the subscriptions open when it is raised: raise it until the subscription counts it
        eventually().until(() -> template.request("iotmp:serverEvent:firmware", e -> {
            e.getMessage().setBody("v2");
            e.getMessage().setHeader(IotmpConstants.USER, USER);
        }).getMessage().getHeader(IotmpConstants.DELIVERED, Integer.class) == 1);

        firmware.assertIsSatisfied();
    }
}
