package io.cameliotmp.springboot;


import io.cameliotmp.camel.IotmpComponent;
import io.cameliotmp.camel.IotmpConfiguration;
import io.cameliotmp.camel.IotmpOperation;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.server.BackpressurePolicy;
import io.cameliotmp.test.FreePorts;
import org.apache.camel.CamelContext;
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
 * Properties from application.yml, {@code @TestPropertySource} and a dynamic port reach the component, and the
 * server a route starts with them authenticates devices and serves the route's resource.
 */
@CamelSpringBootTest
@SpringBootTest
@DirtiesContext
@TestPropertySource(properties = {
        "camel.component.iotmp.device-credentials=demo/device-1=secret-1",
        "camel.component.iotmp.request-timeout=4500",
        "camel.component.iotmp.connect-timeout=45000", // not the default, yet never reached by a test device
        "camel.component.iotmp.keep-alive=30",
        "camel.component.iotmp.max-frame-size=65536",
        "camel.component.iotmp.max-pending-requests=100",
        "camel.component.iotmp.max-in-flight=8",
        "camel.component.iotmp.max-pson-depth=16",
        "camel.component.iotmp.backpressure-policy=drop-samples",
        "camel.component.iotmp.native-transport=false",
        "camel.component.iotmp.operation=start-stream",
        "camel.component.iotmp.interval=250",
        "camel.component.iotmp.lazy-start-producer=true",
        "camel.component.iotmp.bridge-error-handler=true"
})
@Import(EchoResource.class)
class IotmpComponentPropertiesTest {

    // Chosen before the context starts, since the server binds it as soon as the route starts.
    private static final int PORT = FreePorts.next();

    @DynamicPropertySource
    static void port(DynamicPropertyRegistry registry) {
        registry.add("camel.component.iotmp.port", () -> PORT);
    }

    @Autowired
    CamelContext camelContext;

    @Test
    void everyKindOfPropertyReachesTheComponent() {
        IotmpComponent component = camelContext.getComponent("iotmp", IotmpComponent.class);
        IotmpConfiguration config = component.getConfiguration();

        // application.yml
        assertThat(config.getHost()).isEqualTo("127.0.0.1");
        assertThat(config.getIoThreads()).isEqualTo(1);
        assertThat(config.getWorkerThreads()).isEqualTo(2);
        // @DynamicPropertySource
        assertThat(config.getPort()).isEqualTo(PORT);
        // @TestPropertySource: strings, Long durations in milliseconds, integers, enums in kebab case, booleans
        assertThat(config.getDeviceCredentials()).isEqualTo("demo/device-1=secret-1");
        assertThat(config.getRequestTimeout()).isEqualTo(4500L);
        assertThat(config.getConnectTimeout()).isEqualTo(45000L);
        assertThat(config.getInterval()).isEqualTo(250L);
        assertThat(config.getKeepAlive()).isEqualTo(30);
        assertThat(config.getMaxFrameSize()).isEqualTo(65536);
        assertThat(config.getMaxPendingRequests()).isEqualTo(100);
        assertThat(config.getMaxInFlight()).isEqualTo(8);
        assertThat(config.getMaxPsonDepth()).isEqualTo(16);
        assertThat(config.getBackpressurePolicy()).isEqualTo(BackpressurePolicy.DROP_SAMPLES);
        assertThat(config.isNativeTransport()).isFalse();
        assertThat(config.getOperation()).isEqualTo(IotmpOperation.startStream);
        assertThat(component.isLazyStartProducer()).isTrue();
        assertThat(component.isBridgeErrorHandler()).isTrue();
        // set through no property, so nothing was invented for it
        assertThat(config.getAuthenticator()).isNull();
        assertThat(config.getAuthenticationUri()).isNull();
    }

    @Test
    void deviceWithConfiguredCredentialsConnectsAndRunsTheRouteResource() throws Exception {
        try (RawDevice device = new RawDevice("127.0.0.1", PORT)) {
            device.send(IotmpMessage.connect(0x1234, "demo", "device-1", "secret-1"));
            assertThat(device.readFrameHex()).isEqualTo("01 03 08 B4 24"); // OK, stream id 0x1234

            device.send(IotmpMessage.run(0x42, "echo", null, "hi"));
            assertThat(device.readMessage()).isEqualTo(IotmpMessage.ok(0x42, "echo hi"));
        }
    }

    @Test
    void deviceWithWrongCredentialsIsRefusedAsBadCredentialsAndClosed() throws Exception {
        try (RawDevice device = new RawDevice("127.0.0.1", PORT)) {
            device.send(IotmpMessage.connect(0x1234, "demo", "device-1", "wrong"));
            assertThat(device.readFrameHex()).isEqualTo("02 05 08 B4 24 10 02"); // ERROR, code 2
            assertThat(device.closedWithin(RawDevice.READ_TIMEOUT)).isTrue();
        }
    }
}
