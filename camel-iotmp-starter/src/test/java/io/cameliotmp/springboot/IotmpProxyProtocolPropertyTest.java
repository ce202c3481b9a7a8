package io.cameliotmp.springboot;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import io.cameliotmp.camel.IotmpComponent;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.test.FreePorts;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code camel.component.iotmp.proxy-protocol} reaches the server: a device behind a load balancer that sends the
 * PROXY protocol is registered with the address of the balancer's header.
 */
@CamelSpringBootTest
@SpringBootTest
@DirtiesContext
@TestPropertySource(properties = {
        "camel.component.iotmp.device-credentials=demo/device-1=secret-1",
        "camel.component.iotmp.proxy-protocol=true"
})
@Import(EchoResource.class)
class IotmpProxyProtocolPropertyTest {

    // Chosen before the context starts, since the server binds it as soon as the route starts.
    private static final int PORT = FreePorts.next();

    @DynamicPropertySource
    static void port(DynamicPropertyRegistry registry) {
        registry.add("camel.component.iotmp.port", () -> PORT);
    }

    @Autowired
    CamelContext camelContext;

    @Test
    void aDeviceBehindTheBalancerIsRegisteredWithItsOwnAddress() throws Exception {
        assertThat(camelContext.getComponent("iotmp", IotmpComponent.class).getConfiguration().isProxyProtocol())
                .isTrue();
        try (RawDevice device = new RawDevice("127.0.0.1", PORT)) {
            device.sendRaw("PROXY TCP4 203.0.113.7 10.0.0.1 40001 25204\r\n".getBytes(StandardCharsets.US_ASCII));
            device.send(IotmpMessage.connect(0x1234, "demo", "device-1", "secret-1"));
            assertThat(device.readFrameHex()).isEqualTo("01 03 08 B4 24"); // OK, stream id 0x1234
            ProducerTemplate producer = camelContext.createProducerTemplate();
            List<?> listed = producer.requestBody("iotmp:device:demo?operation=devices", null, List.class);
            assertThat(listed).hasSize(1);
            assertThat(((Map<?, ?>) listed.get(0)).get("remoteAddress")).isEqualTo("/203.0.113.7:40001");
        }
    }
}
