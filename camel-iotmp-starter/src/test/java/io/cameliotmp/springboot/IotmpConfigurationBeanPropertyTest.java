package io.cameliotmp.springboot;

import io.cameliotmp.camel.IotmpComponent;
import io.cameliotmp.camel.IotmpConfiguration;
import io.cameliotmp.server.BackpressurePolicy;
import org.apache.camel.CamelContext;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code camel.component.iotmp.configuration=#bean} gives the component the bean's options, and the properties the
 * application sets besides override them; the properties it does not set leave the bean alone. The starter copied
 * all its properties, the unset ones with their defaults, in the order of a hash map: the bean's requestTimeout and
 * other options after it in that order became the defaults again, and explicit properties before it were lost.
 */
@CamelSpringBootTest
@SpringBootTest(classes = {IotmpStarterTestApplication.class, IotmpConfigurationBeanPropertyTest.Beans.class})
@DirtiesContext
@TestPropertySource(properties = {
        "camel.component.iotmp.configuration=#sharedIotmpOptions",
        "camel.component.iotmp.max-frame-size=65536",
        "camel.component.iotmp.backpressure-policy=drop-samples",
        "camel.component.iotmp.interval=250"
})
class IotmpConfigurationBeanPropertyTest {

    @TestConfiguration
    static class Beans {
        @Bean
        IotmpConfiguration sharedIotmpOptions() {
            IotmpConfiguration options = new IotmpConfiguration();
            options.setRequestTimeout(4500);
            options.setKeepAlive(30);
            options.setMaxInFlight(8);
            options.setWorkerThreads(3);
            options.setMaxConnections(500);
            options.setDeviceCredentials("demo/*=secret");
            options.setMaxFrameSize(1000);
            return options;
        }
    }

    @Autowired
    CamelContext camelContext;

    @Test
    void theBeansOptionsStayAndTheSetPropertiesOverrideThem() {
        IotmpConfiguration config = camelContext.getComponent("iotmp", IotmpComponent.class).getConfiguration();

        // the bean's, where no property is set
        assertThat(config.getRequestTimeout()).isEqualTo(4500L);
        assertThat(config.getKeepAlive()).isEqualTo(30);
        assertThat(config.getMaxInFlight()).isEqualTo(8);
        assertThat(config.getMaxConnections()).isEqualTo(500);
        assertThat(config.getDeviceCredentials()).isEqualTo("demo/*=secret");
        // the properties', set besides the bean: application.yml's and @TestPropertySource's
        assertThat(config.getHost()).isEqualTo("127.0.0.1");
        assertThat(config.getIoThreads()).isEqualTo(1);
        assertThat(config.getWorkerThreads()).isEqualTo(2);
        assertThat(config.getMaxFrameSize()).isEqualTo(65536);
        assertThat(config.getBackpressurePolicy()).isEqualTo(BackpressurePolicy.DROP_SAMPLES);
        assertThat(config.getInterval()).isEqualTo(250L);
    }
}
