package io.cameliotmp.camel.device;

import java.util.Map;

import io.cameliotmp.camel.IotmpComponent;
import io.cameliotmp.camel.IotmpConfiguration;
import io.cameliotmp.camel.dsl.IotmpDeviceComponentBuilderFactory;
import io.cameliotmp.camel.dsl.IotmpDeviceEndpointBuilderFactory.IotmpDeviceBuilders;
import io.cameliotmp.device.DeviceClientConfig;
import io.cameliotmp.testing.TestPorts;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.builder.endpoint.EndpointRouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.testing.Waits.WAIT;
import static io.cameliotmp.testing.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * iotmp-device routes written with the generated Endpoint DSL and Component DSL builders, and in the YAML DSL, with
 * options of each kind (enum, duration text, JSON text, boolean), answering the server and calling its services.
 */
class IotmpDeviceRouteDslsTest {

    private final int port = TestPorts.next();
    private final CamelContext context = new DefaultCamelContext();

    @BeforeEach
    void server() throws Exception {
        IotmpConfiguration server = context.getComponent("iotmp", IotmpComponent.class).getConfiguration();
        server.setHost("127.0.0.1");
        server.setPort(port);
        server.setDeviceCredentials("demo/gateway=gw-secret");
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("iotmp:service:bucket/*").to("mock:bucket"); // also starts the server
            }
        });
    }

    @AfterEach
    void stop() {
        context.stop();
    }

    @Test
    void endpointDslBuilders() throws Exception {
        IotmpDeviceComponentBuilderFactory.iotmpDevice().host("127.0.0.1").port(port).user("demo").device("gateway")
                .credential("gw-secret").reconnectBackoffInitial(50L).register(context, "iotmp-device");
        context.addRoutes(new Routes());
        context.start();

        assertTheRoutesWork();
    }

    /** The Endpoint DSL's iotmp-device builders, through the interface the generator makes for a route builder. */
    private static final class Routes extends EndpointRouteBuilder implements IotmpDeviceBuilders {
        @Override
        public void configure() {
            from(iotmpDevice("greeting").resourceKind(IotmpResourceKind.inputOutput).inputSample("{\"name\":\"x\"}")
                    .advanced().keepAlive("20s").minStreamInterval("250ms"))
                    .setBody(simple("hello ${body}"));
            from(direct("reading"))
                    .to(iotmpDevice("readings").operation(IotmpDeviceOperation.writeBucket).confirm(true)
                            // the endpoints of one connection agree on its options
                            .advanced().keepAlive("20s").minStreamInterval("250ms"));
        }
    }

    @Test
    void yamlDsl() throws Exception {
        IotmpDeviceConfiguration device = context.getComponent("iotmp-device", IotmpDeviceComponent.class)
                .getConfiguration();
        device.setHost("127.0.0.1");
        device.setPort(port);
        device.setUser("demo");
        device.setDevice("gateway");
        device.setCredential("gw-secret");
        device.setReconnectBackoffInitial(50);
        PluginHelper.getRoutesLoader(context).loadRoutes(ResourceHelper.fromString("device.yaml", """
                - route:
                    from:
                      uri: iotmp-device:greeting
                      parameters:
                        resourceKind: inputOutput
                        inputSample: '{"name":"x"}'
                        keepAlive: 20s
                        minStreamInterval: 250ms
                      steps:
                        - setBody:
                            simple: "hello ${body}"
                - route:
                    from:
                      uri: direct:reading
                      steps:
                        - to:
                            uri: iotmp-device:readings
                            parameters:
                              operation: writeBucket
                              confirm: true
                              keepAlive: 20s
                              minStreamInterval: 250ms
                """));
        context.start();

        assertTheRoutesWork();
    }

    private void assertTheRoutesWork() throws Exception {
        IotmpDeviceComponent component = context.getComponent("iotmp-device", IotmpDeviceComponent.class);
        eventually().until(() -> component.connections().all().stream().allMatch(d -> d.device().isConnected())
                                 && !component.connections().all().isEmpty());
        DeviceClientConfig config = component.connections().all().get(0).device().config();
        assertThat(config.keepAlive().toMillis()).isEqualTo(20_000);
        assertThat(config.minStreamInterval().toMillis()).isEqualTo(250);

        Object answer = context.createProducerTemplate().requestBody("iotmp:device:demo/gateway/greeting", "camel");
        assertThat(answer).isEqualTo("hello camel");
        Object described = context.createProducerTemplate().requestBodyAndHeader("iotmp:device:demo/gateway/greeting",
                null, "CamelIotmpOperation", "describe");
        assertThat(described).isInstanceOfSatisfying(Map.class,
                api -> assertThat(api).containsEntry("in", Map.of("name", "x")));

        MockEndpoint bucket = context.getEndpoint("mock:bucket", MockEndpoint.class);
        bucket.expectedMessageCount(1);
        bucket.message(0).body().isEqualTo(Map.of("celsius", 21L));
        context.createProducerTemplate().sendBody("direct:reading", Map.of("celsius", 21));
        bucket.assertIsSatisfied(WAIT.toMillis());
    }
}
