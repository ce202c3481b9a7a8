package io.cameliotmp.springboot;

import org.apache.camel.builder.RouteBuilder;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * A route of the component, so that its server runs: the resource {@code echo}, which answers {@code echo <input>}.
 * Imported by the tests that need a server; component scanning leaves it out, as it does every test configuration.
 */
@TestConfiguration(proxyBeanMethods = false)
class EchoResource {

    @Bean
    RouteBuilder echoResource() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("iotmp:server:echo").setBody(simple("echo ${body}"));
            }
        };
    }
}
