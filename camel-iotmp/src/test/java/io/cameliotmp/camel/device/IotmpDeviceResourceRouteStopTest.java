package io.cameliotmp.camel.device;

import java.util.concurrent.atomic.AtomicLong;

import io.cameliotmp.camel.IotmpConstants;
import io.cameliotmp.server.DeviceErrorException;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.testing.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The route of a resource stops while the server streams it: the device ends the stream (STOP_STREAM) rather than
 * keep sampling a route that refuses every sample, and the server's stream ends for its consumer.
 */
class IotmpDeviceResourceRouteStopTest extends IotmpDeviceTestSupport {

    private final AtomicLong counter = new AtomicLong();

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("iotmp-device:counter").routeId("counter").process(e -> e.getMessage()
                        .setBody(counter.incrementAndGet()));
                // keeps the device connected while the counter route is stopped
                from("iotmp-device:uptime").setBody(constant(1));
                from("direct:stream").to(SERVER_SIDE + "/counter?operation=startStream&interval=100"
                                         + "&streamTo=mock:samples");
            }
        };
    }

    @Test
    void stoppingTheRouteEndsTheStreamTheServerOpenedOnItsResource() throws Exception {
        awaitConnected();
        MockEndpoint samples = getMockEndpoint("mock:samples");
        template.sendBody("direct:stream", null);
        eventually().until(() -> samples.getReceivedCounter() >= 2);

        context.getRouteController().stopRoute("counter");

        eventually().until(() -> samples.getExchanges().stream().anyMatch(IotmpDeviceResourceRouteStopTest::ended));
        Exchange last = samples.getExchanges().get(samples.getExchanges().size() - 1);
        assertThat(ended(last)).as("the end is the stream's last exchange").isTrue();
        assertThat(last.getMessage().getHeader(IotmpConstants.STREAM_ENDED, String.class)).contains("device");
    }

    /**
     * A suspended resource route leaves the device's API, so the server's RUN is answered with ERROR (no such
     * resource) while it is suspended, and the route serves again once resumed, on the same connection.
     */
    @Test
    void aSuspendedRouteIsAnsweredWithAnErrorAndServesAgainOnceResumed() throws Exception {
        awaitConnected();
        assertThat(template.requestBody(SERVER_SIDE + "/counter", (Object) null)).isNotNull();

        context.getRouteController().suspendRoute("counter");
        Exchange refused = template.send(SERVER_SIDE + "/counter", e -> e.getMessage().setBody(null));
        assertThat(refused.getException()).isInstanceOf(DeviceErrorException.class);
        assertThat(connection().device().isConnected()).as("the uptime route keeps the connection").isTrue();

        context.getRouteController().resumeRoute("counter");
        eventually().until(() -> template.send(SERVER_SIDE + "/counter", e -> e.getMessage().setBody(null))
                .getException() == null);
    }

    private static boolean ended(Exchange exchange) {
        return exchange.getMessage().getHeader(IotmpConstants.STREAM_ENDED) != null;
    }
}
