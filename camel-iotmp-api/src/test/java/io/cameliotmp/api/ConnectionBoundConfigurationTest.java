package io.cameliotmp.api;

import java.util.Map;

import org.apache.catalina.connector.Connector;
import org.apache.coyote.http11.Http11NioProtocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.test.util.ReflectionTestUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tomcat's connector is {@link AddressBoundedNioProtocol} even with no bound per address (0): it also gives the
 * Server-Sent Events responses' connections their write timeout. An application that installs a protocol of its own
 * is warned that stuck writes to those clients then last until Tomcat's own write timeout.
 */
@ExtendWith(OutputCaptureExtension.class)
class ConnectionBoundConfigurationTest {

    @Test
    void installsTheConnectorWithNoBoundPerAddress(CapturedOutput output) {
        TomcatServletWebServerFactory factory = customized("0");

        Connector connector = connector(factory);

        assertThat(connector.getProtocolHandler()).isInstanceOf(AddressBoundedNioProtocol.class);
        assertThat(output).doesNotContain("Tomcat's connector is");
    }

    @Test
    void warnsAnApplicationWithAProtocolOfItsOwn(CapturedOutput output) {
        TomcatServletWebServerFactory factory = customized("0");
        factory.setProtocol(Http11NioProtocol.class.getName());

        connector(factory);

        assertThat(output).contains("a Server-Sent Events client that stops reading holds its writer thread until"
                                    + " Tomcat's own write timeout (server.tomcat.connection-timeout), not"
                                    + " camel.iotmp.api.stream-send-timeout (PT10S)")
                .doesNotContain("max-connections-per-address");
    }

    /** A factory as the application's configuration leaves it, {@code max-connections-per-address} as given. */
    private static TomcatServletWebServerFactory customized(String maxPerAddress) {
        IotmpApiProperties properties = new Binder(new MapConfigurationPropertySource(Map.of(
                IotmpApiProperties.PREFIX + ".max-connections-per-address", maxPerAddress)))
                .bindOrCreate(IotmpApiProperties.PREFIX, IotmpApiProperties.class);
        ConnectionBoundConfiguration configuration = new ConnectionBoundConfiguration();
        TomcatServletWebServerFactory factory = new TomcatServletWebServerFactory();
        configuration.iotmpApiConnectionsPerAddressBound(
                configuration.iotmpApiConnectionsPerAddress(properties), properties).customize(factory);
        return factory;
    }

    /** The connector the factory makes, customized as Tomcat would be. */
    private static Connector connector(TomcatServletWebServerFactory factory) {
        Connector connector = new Connector((String) ReflectionTestUtils.getField(factory, "protocol"));
        factory.getTomcatConnectorCustomizers().forEach(customizer -> customizer.customize(connector));
        return connector;
    }
}
