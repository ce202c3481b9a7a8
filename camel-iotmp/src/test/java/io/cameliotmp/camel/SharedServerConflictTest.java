package io.cameliotmp.camel;

import io.cameliotmp.testing.TestPorts;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Two endpoints on one host and port share a server, so they must agree on its options; when they do not, the second
 * route's start fails naming the options that differ, with both values when they are plain settings, and never the
 * text of an authenticator (whose entries hold credentials). The message used to say only that the configuration
 * differed, leaving some fifty options to compare.
 */
class SharedServerConflictTest {

    @Test
    void theSecondRouteFailsNamingTheOptionsItDisagreesOn() throws Exception {
        int port = TestPorts.next();
        try (CamelContext camel = new DefaultCamelContext()) {
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("iotmp:events?host=127.0.0.1&port=" + port).to("log:ignored");
                    from("iotmp:topic:alarms?host=127.0.0.1&port=" + port
                         + "&maxFrameSize=65536&keepAlive=30&maxPropertiesPerDevice=8&legacyEnabled=true"
                         + "&deviceCredentials=alice/*=hunter2").to("log:ignored");
                }
            });
            Throwable failure = catchThrowable(camel::start);

            assertThat(failure).isNotNull();
            StringBuilder messages = new StringBuilder();
            for (Throwable t = failure; t != null; t = t.getCause()) {
                messages.append(t.getMessage()).append('\n');
            }
            assertThat(messages.toString())
                    .contains("IOTMP server 127.0.0.1:" + port + " is already running with another configuration")
                    .contains("maxFrameSize (running: 262144, this endpoint: 65536)")
                    .contains("keepAlive (running: 60 s, this endpoint: 30 s)")
                    .contains("maxPropertiesPerDevice (running: 128, this endpoint: 8)")
                    .contains("legacyEnabled (running: false, this endpoint: true)")
                    .contains("authenticator/deviceCredentials/authenticationUri")
                    .doesNotContain("hunter2")
                    .doesNotContain("maxConnections");
        }
    }
}
