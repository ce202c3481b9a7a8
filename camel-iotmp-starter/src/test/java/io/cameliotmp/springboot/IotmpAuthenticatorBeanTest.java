package io.cameliotmp.springboot;

import java.util.concurrent.CompletableFuture;

import io.cameliotmp.camel.IotmpComponent;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.server.AuthDecision;
import io.cameliotmp.server.DeviceAuthenticator;
import io.cameliotmp.test.FreePorts;
import org.apache.camel.CamelContext;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The application's only {@link DeviceAuthenticator} bean authenticates devices without any authentication property.
 */
@CamelSpringBootTest
@SpringBootTest
@DirtiesContext
@Import(EchoResource.class)
class IotmpAuthenticatorBeanTest {

    private static final int PORT = FreePorts.next();

    @DynamicPropertySource
    static void port(DynamicPropertyRegistry registry) {
        registry.add("camel.component.iotmp.port", () -> PORT);
    }

    @TestConfiguration
    static class Beans {

        /** Accepts one device with a credential no property mentions, so only this bean can let it in. */
        @Bean
        DeviceAuthenticator greenhouseAuthenticator() {
            return request -> CompletableFuture.completedFuture(
                    "greenhouse".equals(request.user()) && "probe-7".equals(request.device())
                    && "from-the-bean".equals(request.credential())
                            ? AuthDecision.accept()
                            : AuthDecision.badCredentials());
        }

    }

    @Autowired
    CamelContext camelContext;

    @Autowired
    DeviceAuthenticator greenhouseAuthenticator;

    @Test
    void theBeanBecomesTheComponentAuthenticator() {
        IotmpComponent component = camelContext.getComponent("iotmp", IotmpComponent.class);
        assertThat(component.getConfiguration().getAuthenticator()).isSameAs(greenhouseAuthenticator);
    }

    @Test
    void deviceTheBeanAcceptsConnects() throws Exception {
        try (RawDevice device = new RawDevice("127.0.0.1", PORT)) {
            device.send(IotmpMessage.connect(0x1234, "greenhouse", "probe-7", "from-the-bean"));
            assertThat(device.readFrameHex()).isEqualTo("01 03 08 B4 24");

            device.send(IotmpMessage.run(0x42, "echo", null, "leaf"));
            assertThat(device.readMessage()).isEqualTo(IotmpMessage.ok(0x42, "echo leaf"));
        }
    }

    @Test
    void deviceTheBeanRefusesIsTurnedAway() throws Exception {
        try (RawDevice device = new RawDevice("127.0.0.1", PORT)) {
            device.send(IotmpMessage.connect(0x1234, "greenhouse", "probe-7", "guess"));
            assertThat(device.readFrameHex()).isEqualTo("02 05 08 B4 24 10 02");
            assertThat(device.closedWithin(RawDevice.READ_TIMEOUT)).isTrue();
        }
    }
}
