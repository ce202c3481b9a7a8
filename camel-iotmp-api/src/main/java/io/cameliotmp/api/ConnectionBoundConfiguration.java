package io.cameliotmp.api;

import org.apache.catalina.connector.Connector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The bound on the HTTP connections one client address may hold, {@code camel.iotmp.api.max-connections-per-address}
 * ({@link ConnectionsPerAddress}): Tomcat's connector becomes an {@link AddressBoundedNioProtocol}, which refuses a
 * connection beyond it as it is accepted. With 0 nothing is bounded, but the connector is installed all the same: it
 * also gives a Server-Sent Events response's connection the write timeout {@code stream-send-timeout}
 * ({@link ConnectionWriteTimeout}).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(name = "org.apache.catalina.startup.Tomcat")
class ConnectionBoundConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionBoundConfiguration.class);

    @Bean
    ConnectionsPerAddress iotmpApiConnectionsPerAddress(IotmpApiProperties properties) {
        return new ConnectionsPerAddress(properties.maxConnectionsPerAddress());
    }

    /**
     * The main connector's protocol, then its bound. An application that sets a protocol of its own after this (or a
     * connector of its own) is warned of what it loses: the bound per address, and the write timeout of Server-Sent
     * Events responses (a client that stops reading then holds its writer thread until Tomcat's own write timeout).
     */
    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> iotmpApiConnectionsPerAddressBound(
            ConnectionsPerAddress perAddress, IotmpApiProperties properties) {
        return factory -> {
            factory.setProtocol(AddressBoundedNioProtocol.class.getName());
            factory.addConnectorCustomizers((Connector connector) -> {
                if (connector.getProtocolHandler() instanceof AddressBoundedNioProtocol bounded) {
                    if (perAddress.max() > 0) {
                        bounded.bound(perAddress);
                    }
                    return;
                }
                String protocol = connector.getProtocolHandler().getClass().getName();
                if (perAddress.max() > 0) {
                    LOG.warn("Tomcat's connector is {}, not {}: {}.max-connections-per-address ({}) is not enforced",
                            protocol, AddressBoundedNioProtocol.class.getSimpleName(), IotmpApiProperties.PREFIX,
                            perAddress.max());
                }
                LOG.warn("Tomcat's connector is {}, not {}: a Server-Sent Events client that stops reading holds its"
                         + " writer thread until Tomcat's own write timeout (server.tomcat.connection-timeout), not"
                         + " {}.stream-send-timeout ({})", protocol, AddressBoundedNioProtocol.class.getSimpleName(),
                        IotmpApiProperties.PREFIX, properties.streamSendTimeout());
            });
        };
    }

    /** The connections refused per address, and the addresses counted, when Micrometer is there. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "io.micrometer.core.instrument.binder.MeterBinder")
    static class Metrics {

        @Bean
        io.micrometer.core.instrument.binder.MeterBinder iotmpApiConnectionMetrics(ConnectionsPerAddress perAddress) {
            return registry -> {
                io.micrometer.core.instrument.FunctionCounter.builder("iotmp.api.connections.refused", perAddress,
                                ConnectionsPerAddress::refused).tag("reason", "per-address")
                        .description("HTTP connections closed as they were accepted because their client address"
                                     + " had max-connections-per-address open").register(registry);
                io.micrometer.core.instrument.Gauge.builder("iotmp.api.connections.tracked.addresses", perAddress,
                                ConnectionsPerAddress::trackedAddresses)
                        .description("Client addresses with HTTP connections open, counted for"
                                     + " max-connections-per-address").register(registry);
            };
        }
    }
}
