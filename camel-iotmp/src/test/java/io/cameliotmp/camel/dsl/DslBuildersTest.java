package io.cameliotmp.camel.dsl;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.camel.IotmpComponent;
import io.cameliotmp.camel.IotmpEndpoint;
import io.cameliotmp.camel.IotmpOperation;
import io.cameliotmp.camel.device.IotmpDeviceEndpoint;
import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.server.BackpressurePolicy;
import io.cameliotmp.server.DeviceAuthenticator;
import io.cameliotmp.server.StaticAuthenticator;
import io.cameliotmp.server.Transport;
import io.cameliotmp.testing.TestPorts;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.EndpointConsumerResolver;
import org.apache.camel.EndpointProducerResolver;
import org.apache.camel.builder.endpoint.AbstractEndpointBuilder;
import org.apache.camel.builder.endpoint.EndpointRouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.util.URISupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.camel.dsl.IotmpEndpoints.iotmp;
import static io.cameliotmp.camel.dsl.IotmpEndpoints.iotmpDevice;
import static io.cameliotmp.camel.dsl.IotmpEndpoints.iotmpEvents;
import static io.cameliotmp.camel.dsl.IotmpEndpoints.iotmpServer;
import static io.cameliotmp.camel.dsl.IotmpEndpoints.iotmpServerEvent;
import static io.cameliotmp.camel.dsl.IotmpEndpoints.iotmpService;
import static io.cameliotmp.camel.dsl.IotmpEndpoints.iotmpTopic;
import static io.cameliotmp.testing.Waits.WAIT;
import static io.cameliotmp.testing.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/** The builders make the same endpoints as the URI strings they stand for, and run real routes. */
class DslBuildersTest {

    private final CamelContext context = new DefaultCamelContext();

    @AfterEach
    void stop() {
        context.stop();
    }

    /** The same endpoint: path and options equal once decoded (a builder URL-encodes values, e.g. / as %2F). */
    private static void assertSameEndpoint(Object builder, CamelContext context, String uri) throws Exception {
        // consumer-only, producer-only and advanced options return narrower builders of the generated factory
        Endpoint built = builder instanceof EndpointConsumerResolver consumer ? consumer.resolve(context)
                : ((EndpointProducerResolver) builder).resolve(context);
        Endpoint parsed = context.getEndpoint(uri);
        assertThat(built.getEndpointBaseUri()).isEqualTo(parsed.getEndpointBaseUri());
        assertThat(options(built)).isEqualTo(options(parsed));
    }

    private static Map<String, String> options(Endpoint endpoint) throws Exception {
        Map<String, String> decoded = new TreeMap<>();
        URISupport.parseQuery(URISupport.extractQuery(endpoint.getEndpointUri()))
                .forEach((key, value) -> decoded.put(key, URLDecoder.decode(value.toString(), StandardCharsets.UTF_8)));
        return decoded;
    }

    @Test
    void buildersAndStringsMakeTheSameEndpoints() throws Exception {
        assertSameEndpoint(iotmpDevice("demo", "device-1", "temperature").interval(5000),
                context, "iotmp:device:demo/device-1/temperature?interval=5000");
        assertSameEndpoint(iotmpDevice("demo", "*", "$fs/get/log").interval("5s").requestTimeout(2000L),
                context, "iotmp:device:demo/*/$fs/get/log?interval=5s&requestTimeout=2000");
        assertSameEndpoint(iotmpDevice("demo", null, null).operation(IotmpOperation.devices),
                context, "iotmp:device:demo?operation=devices");
        assertSameEndpoint(iotmp("device:demo/device-1").operation("status").advanced().lazyStartProducer(true),
                context, "iotmp:device:demo/device-1?lazyStartProducer=true&operation=status");
        assertSameEndpoint(iotmpServer("time").port(26000).advanced().workerThreads(0),
                context, "iotmp:server:time?port=26000&workerThreads=0");
        assertSameEndpoint(iotmpService("bucket", "*").advanced().backpressurePolicy(BackpressurePolicy.DROP_SAMPLES),
                context, "iotmp:service:bucket/*?backpressurePolicy=DROP_SAMPLES");
        assertSameEndpoint(
                iotmpEvents().transport(Transport.WEBSOCKET).port("{{ws.port}}").advanced().webSocketPath("/ws"),
                withProperty("ws.port", "8443"), "iotmp:events?port=8443&transport=WEBSOCKET&webSocketPath=/ws");
        assertThat(((IotmpEndpoint) iotmpEvents().advanced().webSocketPath("/ws").resolve(context)).getConfiguration()
                .getWebSocketPath()).isEqualTo("/ws");
        assertSameEndpoint(iotmpTopic("commands/reboot").retained(true),
                context, "iotmp:topic:commands/reboot?retained=true");
        assertSameEndpoint(iotmpServerEvent("firmware").deviceCredentials("demo/*=pw"),
                context, "iotmp:serverEvent:firmware?deviceCredentials=demo/*=pw");
        assertThat(((AbstractEndpointBuilder) iotmpDevice("demo", "device-1", "led")).getUri(context))
                .isEqualTo("iotmp://device:demo/device-1/led");
    }

    private CamelContext withProperty(String key, String value) {
        context.getPropertiesComponent().addInitialProperty(key, value);
        return context;
    }

    @Test
    void objectOptionsReachTheEndpoint() {
        DeviceAuthenticator authenticator = StaticAuthenticator.parse("demo/device-1=pw");
        IotmpEndpoint endpoint = (IotmpEndpoint) iotmpServer("time").authenticator(authenticator).resolve(context);
        assertThat(endpoint.getConfiguration().getAuthenticator()).isSameAs(authenticator);

        context.getRegistry().bind("auth", authenticator);
        IotmpEndpoint byName = (IotmpEndpoint) iotmpServer("time").authenticator("#auth").resolve(context);
        assertThat(byName.getConfiguration().getAuthenticator()).isSameAs(authenticator);
    }

    @Test
    void componentAndEndpointBuildersRunARoute() throws Exception {
        int port = TestPorts.next();
        IotmpComponentBuilderFactory.iotmp().host("127.0.0.1").port(port).deviceCredentials("demo/device-1=pw")
                .requestTimeout(30_000L).metricsEnabled(false).register(context, "iotmp");
        IotmpComponent component = context.getComponent("iotmp", IotmpComponent.class);
        assertThat(component.getConfiguration().getPort()).isEqualTo(port);
        assertThat(component.isMetricsEnabled()).isFalse();

        context.addRoutes(new EndpointRouteBuilder() {
            @Override
            public void configure() {
                from(iotmpServer("time")).setBody(constant("12:00"));
                from(direct("ask")).to(iotmpDevice("demo", "device-1", "temperature"));
            }
        });
        context.start();

        IotmpDevice device = IotmpDevice.builder().host("127.0.0.1").port(port)
                .credentials("demo", "device-1", "pw").build();
        device.resource("temperature").output(() -> Map.of("celsius", 20));
        try (device) {
            device.start().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(device.runServerResource("time", null).toCompletableFuture()
                    .get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("12:00");
            assertThat(context.createProducerTemplate().requestBody("direct:ask", (Object) null))
                    .isEqualTo(Map.of("celsius", 20L));
        }
    }

    /**
     * The iotmp-device builders run a device route: the component builder configures the connection, the endpoint
     * builder names the resource, and the iotmp server reads it.
     */
    @Test
    void deviceBuildersRunARouteTheServerReads() throws Exception {
        int port = TestPorts.next();
        IotmpComponentBuilderFactory.iotmp().host("127.0.0.1").port(port).deviceCredentials("demo/device-1=pw")
                .metricsEnabled(false).register(context, "iotmp");
        IotmpDeviceComponentBuilderFactory.iotmpDevice().host("127.0.0.1").port(port).user("demo").device("device-1")
                .credential("pw").keepAlive(30_000L).register(context, "iotmp-device");

        context.addRoutes(new EndpointRouteBuilder() {
            @Override
            public void configure() {
                from(IotmpDeviceEndpointBuilderFactory.endpointBuilder("iotmp-device", "temperature")
                        .currentValue(false).advanced().reconnectBackoffInitial("1s")).setBody(constant(21));
                from(direct("ask")).to(iotmpDevice("demo", "device-1", "temperature"));
            }
        });
        context.start();

        IotmpDeviceEndpoint endpoint = context.getEndpoints().stream().filter(IotmpDeviceEndpoint.class::isInstance)
                .map(IotmpDeviceEndpoint.class::cast).findFirst().orElseThrow();
        assertThat(endpoint.getConfiguration().getKeepAlive()).isEqualTo(30_000L);
        assertThat(endpoint.getConfiguration().getReconnectBackoffInitial()).isEqualTo(1_000L);
        assertThat(endpoint.getConfiguration().isCurrentValue()).isFalse();
        // the device connects on its own; ask until the server has it
        eventually().ignoreExceptions().untilAsserted(() -> assertThat(
                context.createProducerTemplate().requestBody("direct:ask", (Object) null)).isEqualTo(21L));
    }

    /**
     * The routes of the component reference's <em>Java builders</em> snippet, as written there but for the port,
     * start together: they share one server, so none of them may set a server option of its own.
     */
    @Test
    void theReferencesSnippetStartsAsWritten() throws Exception {
        IotmpComponentBuilderFactory.iotmp().host("127.0.0.1").port(TestPorts.next()).deviceCredentials("demo/*=secret")
                .register(context, "iotmp");
        context.addRoutes(new EndpointRouteBuilder() {
            @Override
            public void configure() {
                from(iotmpDevice("demo", "*", "temperature").interval(5000)).to("log:temperatures");
                from("direct:led").to(iotmpDevice("demo", "device-1", "led").requestTimeout("5s"));
                from(iotmpEvents()).log("${header.CamelIotmpEventType}");
                from(iotmpServer("time")).setBody(constant("12:00"));
                from("direct:status")
                        .to(iotmp("device:demo/device-1").operation("status").advanced().lazyStartProducer(true));
            }
        });
        context.start();
        assertThat(context.getRouteController().getRouteStatus(context.getRoutes().get(3).getRouteId()).isStarted())
                .isTrue();
        assertThat(context.createProducerTemplate().requestBody("direct:status", (Object) null))
                .isEqualTo(Map.of("user", "demo", "device", "device-1", "connected", false));
    }

    /** A route builder may implement IotmpBuilders and use the methods unqualified. */
    @Test
    void routeBuildersCanMixInTheMethods() throws Exception {
        class Routes extends EndpointRouteBuilder implements IotmpBuilders {
            @Override
            public void configure() {
                from(iotmpEvents().port(TestPorts.next()).deviceCredentials("demo/*=pw")).to(log("events"));
            }
        }
        context.addRoutes(new Routes());
        List<RouteDefinition> routes = ((ModelCamelContext) context).getRouteDefinitions();
        assertThat(routes).hasSize(1);
        assertThat(routes.get(0).getInput().getEndpointUri()).startsWith("iotmp://events?");
    }
}
