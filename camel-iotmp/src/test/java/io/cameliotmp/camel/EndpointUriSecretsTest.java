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
import org.apache.camel.support.CamelContextHelper;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.util.URISupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

    /**
     * A malformed {@code deviceCredentials} fails the start naming the option and the entry, but never shows what may
     * be a credential: Camel logs the message at ERROR and Camel Main prints it again as the exception of its main
     * thread. An empty credential (a placeholder that resolved to nothing) fails too instead of being accepted.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "alice/esp32=ok-secret,alice/lamp:topsecret | entry 2 of 2 is not user/device=credential",
            "alice/esp32=ok-secret,topsecret            | entry 2 of 2 is not user/device=credential",
            "alice-esp32=topsecret                      | entry 1 of 1: expected user/device, got 'alice-esp32'",
            "alice/esp32=                               | entry 1 of 1: alice/esp32 has an empty credential" })
    void aMalformedDeviceCredentialsEntryIsNamedWithoutItsCredential(String credentials, String message)
            throws Exception {
        context.getComponent("iotmp", IotmpComponent.class).getConfiguration().setHost("127.0.0.1");
        context.getComponent("iotmp", IotmpComponent.class).getConfiguration().setDeviceCredentials(credentials);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("iotmp:events?port=" + port).to("mock:events");
            }
        });
        assertThatThrownBy(context::start).satisfies(failure -> assertThat(messages(failure))
                .contains("iotmp option deviceCredentials: " + message)
                .doesNotContain("topsecret").doesNotContain("ok-secret"));
    }

    /** The errors of a misshapen URI show it as Camel does, without the credentials it carries. */
    @Test
    void aMisshapenUrisErrorMasksItsCredentials() throws Exception {
        String misspeltKind = "iotmp:devices:alice/esp32?deviceCredentials=RAW(alice/*=topsecret)";
        assertThatThrownBy(() -> context.getEndpoint(misspeltKind))
                .satisfies(failure -> assertThat(messages(failure))
                        .contains("Unknown iotmp endpoint kind 'devices'").doesNotContain("topsecret"));
        context.getComponent("iotmp", IotmpComponent.class).getConfiguration().setHost("127.0.0.1");
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("iotmp:device:alice/esp32?port=" + port + "&deviceCredentials=RAW(alice/*=topsecret)")
                        .to("mock:samples");
            }
        });
        assertThatThrownBy(context::start).satisfies(failure -> assertThat(messages(failure))
                .contains("a device consumer needs").doesNotContain("topsecret"));
    }

    private static String messages(Throwable failure) {
        StringBuilder messages = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            messages.append(t).append('\n');
        }
        return messages.toString();
    }

    /**
     * A secret option added to either component without being registered with the sanitizer and the context's
     * sensitive keywords fails here.
     */
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
            // as Camel Main's start-up summary decides (CamelMainSummaryTest)
            assertThat(CamelContextHelper.containsSensitive(context, "camel.component.iotmp." + name)).as(name)
                    .isTrue();
        }
    }

    private static String read(String resource) throws IOException {
        try (InputStream in = EndpointUriSecretsTest.class.getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
