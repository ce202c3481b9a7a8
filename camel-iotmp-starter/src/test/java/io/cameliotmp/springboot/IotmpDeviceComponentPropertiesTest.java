package io.cameliotmp.springboot;

import java.time.Duration;
import java.util.Map;

import io.cameliotmp.camel.device.IotmpDeviceComponent;
import io.cameliotmp.camel.device.IotmpDeviceConfiguration;
import io.cameliotmp.camel.device.IotmpDeviceOperation;
import io.cameliotmp.camel.device.IotmpResourceKind;
import io.cameliotmp.device.ServiceLayout;
import io.cameliotmp.protocol.Generation;
import io.cameliotmp.test.FreePorts;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * camel.component.iotmp-device.* properties reach the component, and a route of the application is a resource of
 * the device they describe, here connected to the iotmp server of the same application.
 */
@CamelSpringBootTest
@SpringBootTest
@DirtiesContext
@TestPropertySource(properties = {
        "camel.component.iotmp.device-credentials=demo/gateway=gw-secret",
        "camel.component.iotmp-device.host=127.0.0.1",
        "camel.component.iotmp-device.user=demo",
        "camel.component.iotmp-device.device=gateway",
        "camel.component.iotmp-device.credential=gw-secret",
        "camel.component.iotmp-device.request-timeout=4500",
        "camel.component.iotmp-device.keep-alive=20000",
        "camel.component.iotmp-device.reconnect-backoff-initial=100",
        "camel.component.iotmp-device.reconnect-backoff-max=2000",
        "camel.component.iotmp-device.generation=gen1",
        "camel.component.iotmp-device.service-layout=linux",
        "camel.component.iotmp-device.resource-kind=input-output",
        "camel.component.iotmp-device.operation=write-bucket",
        "camel.component.iotmp-device.confirm=false",
        "camel.component.iotmp-device.web-socket-text-frames=false",
        "camel.component.iotmp-device.health-check-enabled=false"
})
class IotmpDeviceComponentPropertiesTest {

    // Chosen before the context starts, since the server binds it as soon as a route starts.
    private static final int PORT = FreePorts.next();

    @DynamicPropertySource
    static void port(DynamicPropertyRegistry registry) {
        registry.add("camel.component.iotmp.port", () -> PORT);
        registry.add("camel.component.iotmp-device.port", () -> PORT);
    }

    @TestConfiguration
    static class Routes {

        @Bean
        RouteBuilder deviceRoutes() {
            return new RouteBuilder() {
                @Override
                public void configure() {
                    from("iotmp:events").to("log:server-events"); // starts the server
                    from("iotmp-device:echo").setBody(simple("echo ${body}"));
                }
            };
        }
    }

    @Autowired
    CamelContext camelContext;

    @Autowired
    ProducerTemplate template;

    @Test
    void everyKindOfPropertyReachesTheComponent() {
        IotmpDeviceComponent component = camelContext.getComponent("iotmp-device", IotmpDeviceComponent.class);
        IotmpDeviceConfiguration config = component.getConfiguration();

        assertThat(config.getHost()).isEqualTo("127.0.0.1");
        assertThat(config.getPort()).isEqualTo(PORT);
        assertThat(config.getUser()).isEqualTo("demo");
        assertThat(config.getDevice()).isEqualTo("gateway");
        assertThat(config.getCredential()).isEqualTo("gw-secret");
        assertThat(config.getRequestTimeout()).isEqualTo(4500L);
        assertThat(config.getKeepAlive()).isEqualTo(20000L);
        assertThat(config.getReconnectBackoffInitial()).isEqualTo(100L);
        assertThat(config.getReconnectBackoffMax()).isEqualTo(2000L);
        assertThat(config.getGeneration()).isEqualTo(Generation.GEN1);
        assertThat(config.getServiceLayout()).isEqualTo(ServiceLayout.LINUX);
        assertThat(config.getResourceKind()).isEqualTo(IotmpResourceKind.inputOutput);
        assertThat(config.getOperation()).isEqualTo(IotmpDeviceOperation.writeBucket);
        assertThat(config.isConfirm()).isFalse();
        assertThat(config.isWebSocketTextFrames()).isFalse();
        assertThat(component.isHealthCheckEnabled()).isFalse();
        // set through no property, so nothing was invented for it
        assertThat(config.getSslContextParameters()).isNull();
        assertThat(config.getWebSocketPath()).isNull();
    }

    @Test
    void theRouteIsAResourceOfTheConfiguredDevice() {
        // a gen-1 device (PSON v1) answering through the server of the same application
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                template.requestBody("iotmp:device:demo/gateway?operation=status", null, Map.class))
                .containsEntry("connected", true).containsEntry("generation", "GEN1"));
        assertThat(template.requestBody("iotmp:device:demo/gateway/echo", "hi")).isEqualTo("echo hi");
    }
}
