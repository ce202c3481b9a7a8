package io.cameliotmp.camel;

import java.time.Duration;

import io.cameliotmp.server.IotmpServer;
import io.cameliotmp.testing.TestPorts;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The component's requestTimeout (camel.component.iotmp.request-timeout) is also the timeout of what the server asks
 * of devices without an endpoint's call behind it: the streams device consumers open, forwarded calls that name
 * none, and what the dev console shows. The server kept the built-in 10 s whatever the component said; endpoints
 * still set their own calls' timeout, and share the server whatever it is.
 */
class ServerRequestTimeoutOptionTest {

    @Test
    void theServerTakesTheComponentsRequestTimeoutAndEndpointsStillShareIt() throws Exception {
        int port = TestPorts.next();
        try (CamelContext camel = new DefaultCamelContext()) {
            IotmpComponent component = camel.getComponent("iotmp", IotmpComponent.class);
            component.getConfiguration().setRequestTimeout(4500);
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("iotmp:events?host=127.0.0.1&port=" + port).to("log:ignored");
                    from("iotmp:device:alice/*/temperature?host=127.0.0.1&port=" + port + "&requestTimeout=1000")
                            .to("log:ignored");
                    from("direct:call").to("iotmp:device:alice/sensor/led?host=127.0.0.1&port=" + port
                                           + "&requestTimeout=30000");
                }
            });
            camel.start();

            assertThat(component.servers().running()).hasSize(1);
            IotmpServer server = component.servers().running().get(0);
            assertThat(server.config().requestTimeout()).isEqualTo(Duration.ofMillis(4500));
            assertThat(ServerViews.limits(server.config()).getLong("requestTimeoutMillis")).isEqualTo(4500L);
        }
    }
}
