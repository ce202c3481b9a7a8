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
 * connection beyond it as it is accepted. With 0 Tomcat's connector is left as it is.
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
     * connector of its own) is warned that its connections are not bounded per address.
     */
    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> iotmpApiConnectionsPerAddressBound(
            ConnectionsPerAddress perAddress) {
        return factory -> {
            if (perAddress.max() == 0) {
                return;
            }
            factory.setProtocol(AddressBoundedNioProtocol.class.getName());
            factory.addConnectorCustomizers((Connector connector) -> {
                if (connector.getProtocolHandler() instanceof AddressBoundedNioProtocol bounded) {
                    bounded.bound(perAddress);
                } else {
                    LOG.warn("Tomcat's connector is {}, not {}: {}.max-connections-per-address ({}) is not enforced",
                            connector.getProtocolHandler().getClass().getName(), AddressBoundedNioProtocol.class
                                    .getSimpleName(), IotmpApiProperties.PREFIX, perAddress.max());
                }
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
