package io.cameliotmp.camel;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.cameliotmp.testing.TestPorts;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.util.URISupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Device credentials given in an endpoint URI (the kamelets put them there) are masked wherever Camel shows the URI:
 * tracing, message history, logs, the route console and JMX all show it through {@link URISupport#sanitizeUri}, which
 * masks only the option names it knows as secret, not the component's {@code secret = true} metadata.
 */
class EndpointUriSecretsTest {

    private final int port = TestPorts.next();
    private final CamelContext context = new DefaultCamelContext();

    @AfterEach
    void stop() {
        context.stop();
    }

    @Test
    void deviceCredentialsInEndpointUrisAreMaskedWhereCamelShowsThem() throws Exception {
        context.getComponent("iotmp", IotmpComponent.class).getConfiguration().setHost("127.0.0.1");
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("iotmp:events?port=" + port + "&deviceCredentials=RAW(alice/*=topsecret)")
                        .routeId("events").to("mock:events");
            }
        });
        PluginHelper.getRoutesLoader(context).loadRoutes(ResourceHelper.fromString("kamelet.yaml", """
                - route:
                    from:
                      uri: direct:echo
                      steps:
                        - to:
                            uri: kamelet:iotmp-sink
                            parameters:
                              user: alice
                              device: esp32
                              resource: echo
                              port: %d
                              deviceCredentials: "alice/*=topsecret"
                """.formatted(port)));
        context.start();

        long iotmpEndpoints = context.getEndpoints().stream()
                .filter(endpoint -> endpoint.getEndpointUri().startsWith("iotmp:")).count();
        assertThat(iotmpEndpoints).isEqualTo(2);
        for (Endpoint endpoint : context.getEndpoints()) {
            assertThat(endpoint.toString()).doesNotContain("topsecret");
            assertThat(URISupport.sanitizeUri(endpoint.getEndpointUri())).doesNotContain("topsecret");
        }
        assertThat(URISupport.sanitizeUri(context.getRoute("events").getEndpoint().getEndpointUri()))
                .contains("deviceCredentials=xxxxxx");
    }

    @Test
    void theDeviceComponentsCredentialIsMaskedToo() {
        Endpoint endpoint = context.getEndpoint(
                "iotmp-device:temperature?host=127.0.0.1&port=" + port
                                                                + "&user=alice&device=esp32&credential=topsecret");
        assertThat(endpoint.toString()).doesNotContain("topsecret");
        assertThat(URISupport.sanitizeUri(endpoint.getEndpointUri())).contains("credential=xxxxxx");
    }

    /** A secret option added to either component without being registered with the sanitizer fails here. */
    @Test
    void everySecretOptionOfBothComponentsIsMasked() throws IOException {
        context.getComponent("iotmp");
        context.getComponent("iotmp-device");
        Set<String> secrets = new LinkedHashSet<>();
        String[] components = {
                "/META-INF/io/cameliotmp/camel/iotmp.json", "/META-INF/io/cameliotmp/camel/device/iotmp-device.json" };
        for (String metadata : components) {
            Matcher option = Pattern.compile("\"(\\w+)\": \\{ \"index\"[^}]*\"secret\": true").matcher(read(metadata));
            while (option.find()) {
                secrets.add(option.group(1));
            }
        }
        assertThat(secrets).contains("deviceCredentials", "credential");
        for (String name : secrets) {
            assertThat(URISupport.sanitizeUri("iotmp:events?port=1&" + name + "=topsecret")).as(name)
                    .isEqualTo("iotmp:events?port=1&" + name + "=xxxxxx");
        }
    }

    private static String read(String resource) throws IOException {
        try (InputStream in = EndpointUriSecretsTest.class.getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
