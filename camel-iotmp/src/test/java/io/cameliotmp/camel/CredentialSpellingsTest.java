package io.cameliotmp.camel;

import io.cameliotmp.testing.TestPorts;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A credential with the characters a URI gives a meaning ({@code +}, {@code &}, {@code %}) reaches the server as it is
 * the ways the component's guide names: a YAML route's {@code parameters:} as they are, and {@code RAW(...)} in a URI
 * string and in a kamelet's parameters (camel-kamelet puts those in a URI of its own, where {@code &} starts another
 * parameter: without RAW the kamelet's server got {@code alice/*=p+w}).
 */
class CredentialSpellingsTest {

    private static final String CREDENTIALS = "alice/*=p+w&x%41";

    private final CamelContext context = new DefaultCamelContext();

    @AfterEach
    void stop() {
        context.stop();
    }

    @Test
    void yamlParametersAndRawKeepTheCredential() throws Exception {
        context.getPropertiesComponent().addInitialProperty("iotmp.credentials", CREDENTIALS);
        PluginHelper.getRoutesLoader(context).loadRoutes(ResourceHelper.fromString("routes.yaml", """
                - route:
                    from:
                      uri: kamelet:iotmp-events-source
                      parameters:
                        port: %d
                        deviceCredentials: "RAW({{iotmp.credentials}})"
                      steps:
                        - to: log:events
                - route:
                    from:
                      uri: kamelet:iotmp-source
                      parameters:
                        port: %d
                        resource: literal
                        deviceCredentials: "RAW(alice/*=p+w&x%%41)"
                      steps:
                        - to: log:events
                - route:
                    from:
                      uri: iotmp:server:yaml
                      parameters:
                        port: %d
                        deviceCredentials: "{{iotmp.credentials}}"
                      steps:
                        - to: log:yaml
                - route:
                    from:
                      uri: "iotmp:server:raw?port=%d&deviceCredentials=RAW({{iotmp.credentials}})"
                      steps:
                        - to: log:raw
                """.formatted(TestPorts.next(), TestPorts.next(), TestPorts.next(), TestPorts.next())));
        context.getComponent("iotmp", IotmpComponent.class).getConfiguration().setHost("127.0.0.1");
        context.start();
        assertThat(context.getEndpoints().stream().filter(IotmpEndpoint.class::isInstance)
                .map(e -> e.getEndpointBaseUri() + " " + ((IotmpEndpoint) e).getConfiguration().getDeviceCredentials()))
                .containsExactlyInAnyOrder("iotmp://events " + CREDENTIALS, "iotmp://device:*/*/literal " + CREDENTIALS,
                        "iotmp://server:yaml " + CREDENTIALS, "iotmp://server:raw " + CREDENTIALS);
    }
}
