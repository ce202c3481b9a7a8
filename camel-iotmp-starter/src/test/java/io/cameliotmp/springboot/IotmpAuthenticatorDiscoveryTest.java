package io.cameliotmp.springboot;

import java.util.concurrent.CompletableFuture;

import io.cameliotmp.camel.IotmpComponent;
import io.cameliotmp.camel.IotmpConfiguration;
import io.cameliotmp.server.AuthDecision;
import io.cameliotmp.server.DeviceAuthenticator;
import org.apache.camel.CamelContext;
import org.apache.camel.spring.boot.CamelAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When the customizer hands the component a {@link DeviceAuthenticator} bean and when it must not, plus bean
 * references and the customizer switch. No route runs, so no server starts: these look at the component only.
 */
class IotmpAuthenticatorDiscoveryTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(CamelAutoConfiguration.class, IotmpComponentConverter.class,
                    IotmpComponentAutoConfiguration.class));

    @Configuration(proxyBeanMethods = false)
    static class OneAuthenticator {

        @Bean
        DeviceAuthenticator onlyAuthenticator() {
            return request -> CompletableFuture.completedFuture(AuthDecision.accept());
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class TwoAuthenticators {

        @Bean
        DeviceAuthenticator firstAuthenticator() {
            return request -> CompletableFuture.completedFuture(AuthDecision.accept());
        }

        @Bean
        DeviceAuthenticator secondAuthenticator() {
            return request -> CompletableFuture.completedFuture(AuthDecision.badCredentials());
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class PrimaryAmongTwo {

        @Bean
        @Primary
        DeviceAuthenticator preferredAuthenticator() {
            return request -> CompletableFuture.completedFuture(AuthDecision.accept());
        }

        @Bean
        DeviceAuthenticator otherAuthenticator() {
            return request -> CompletableFuture.completedFuture(AuthDecision.badCredentials());
        }
    }

    private static IotmpConfiguration componentConfiguration(AssertableApplicationContext context) {
        assertThat(context).hasNotFailed();
        return context.getBean(CamelContext.class).getComponent("iotmp", IotmpComponent.class).getConfiguration();
    }

    @Test
    void theOnlyBeanIsUsedWhenNothingIsConfigured() {
        runner.withUserConfiguration(OneAuthenticator.class).run(context -> assertThat(
                componentConfiguration(context).getAuthenticator()).isSameAs(context.getBean("onlyAuthenticator")));
    }

    @Test
    void deviceCredentialsWinOverTheBean() {
        runner.withUserConfiguration(OneAuthenticator.class)
                .withPropertyValues("camel.component.iotmp.device-credentials=demo/device-1=secret-1")
                .run(context -> {
                    IotmpConfiguration config = componentConfiguration(context);
                    assertThat(config.getDeviceCredentials()).isEqualTo("demo/device-1=secret-1");
                    assertThat(config.getAuthenticator()).isNull();
                });
    }

    @Test
    void authenticationUriWinsOverTheBean() {
        runner.withUserConfiguration(OneAuthenticator.class)
                .withPropertyValues("camel.component.iotmp.authentication-uri=direct:auth")
                .run(context -> {
                    IotmpConfiguration config = componentConfiguration(context);
                    assertThat(config.getAuthenticationUri()).isEqualTo("direct:auth");
                    assertThat(config.getAuthenticator()).isNull();
                });
    }

    @Test
    void noBeanIsGuessedAmongSeveral() {
        runner.withUserConfiguration(TwoAuthenticators.class)
                .run(context -> assertThat(componentConfiguration(context).getAuthenticator()).isNull());
    }

    @Test
    void thePrimaryBeanIsUsedAmongSeveral() {
        runner.withUserConfiguration(PrimaryAmongTwo.class).run(context -> assertThat(
                componentConfiguration(context).getAuthenticator())
                .isSameAs(context.getBean("preferredAuthenticator")));
    }

    @Test
    void authenticatorPropertyRefersToABeanByName() {
        runner.withUserConfiguration(TwoAuthenticators.class)
                .withPropertyValues("camel.component.iotmp.authenticator=#secondAuthenticator")
                .run(context -> assertThat(componentConfiguration(context).getAuthenticator())
                        .isSameAs(context.getBean("secondAuthenticator")));
    }

    @Test
    void disabledCustomizerLeavesTheComponentAlone() {
        runner.withUserConfiguration(OneAuthenticator.class)
                .withPropertyValues("camel.component.iotmp.customizer.enabled=false",
                        "camel.component.iotmp.host=127.0.0.1")
                .run(context -> {
                    // the properties are still bound, they are just not applied
                    assertThat(context.getBean(IotmpComponentConfiguration.class).getHost()).isEqualTo("127.0.0.1");
                    IotmpConfiguration config = componentConfiguration(context);
                    assertThat(config.getHost()).isEqualTo("0.0.0.0");
                    assertThat(config.getAuthenticator()).isNull();
                });
    }
}
