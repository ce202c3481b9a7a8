package io.cameliotmp.springboot;

import java.util.concurrent.CompletableFuture;

import io.cameliotmp.camel.IotmpComponent;
import io.cameliotmp.camel.IotmpConfiguration;
import io.cameliotmp.server.AuthDecision;
import io.cameliotmp.server.DeviceAuthenticator;
import org.apache.camel.CamelContext;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.test.annotation.DirtiesContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code camel.component.iotmp.enabled=false} switches the auto-configuration off: the component Camel creates keeps
 * its own defaults although application.yml sets host and thread counts, and the authenticator bean is not used.
 */
@CamelSpringBootTest
@SpringBootTest(properties = {
        "camel.component.iotmp.enabled=false",
        "camel.component.iotmp.device-credentials=demo/device-1=secret-1"
})
@DirtiesContext
class IotmpAutoConfigurationDisabledTest {

    @TestConfiguration
    static class Beans {

        @Bean
        DeviceAuthenticator acceptEveryone() {
            return request -> CompletableFuture.completedFuture(AuthDecision.accept());
        }
    }

    @Autowired
    ApplicationContext applicationContext;

    @Autowired
    CamelContext camelContext;

    @Test
    void noAutoConfigurationBeansAreRegistered() {
        assertThat(applicationContext.getBeansOfType(IotmpComponentAutoConfiguration.class)).isEmpty();
        assertThat(applicationContext.getBeansOfType(IotmpComponentConfiguration.class)).isEmpty();
        assertThat(applicationContext.containsBean("configureIotmpComponent")).isFalse();
    }

    @Test
    void theComponentKeepsItsDefaults() {
        IotmpConfiguration config = camelContext.getComponent("iotmp", IotmpComponent.class).getConfiguration();
        IotmpConfiguration defaults = new IotmpConfiguration();
        assertThat(config.getHost()).isEqualTo(defaults.getHost()).isNotEqualTo("127.0.0.1");
        assertThat(config.getWorkerThreads()).isEqualTo(defaults.getWorkerThreads()).isNotEqualTo(2);
        assertThat(config.getIoThreads()).isEqualTo(defaults.getIoThreads()).isNotEqualTo(1);
        assertThat(config.getDeviceCredentials()).isNull();
        assertThat(config.getAuthenticator()).isNull();
    }
}
