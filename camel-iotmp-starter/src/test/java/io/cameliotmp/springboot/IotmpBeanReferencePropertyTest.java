package io.cameliotmp.springboot;

import io.cameliotmp.camel.IotmpComponent;
import io.cameliotmp.camel.device.IotmpDeviceComponent;
import io.cameliotmp.camel.device.IotmpDeviceConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.spring.boot.CamelAutoConfiguration;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Object-typed properties take a bean reference, {@code #name} or {@code #bean:name}. A value without the {@code #}
 * (the bean's name alone, the usual slip) fails the start naming the property: it converted to null and the option
 * stayed unset without a word, so {@code ssl-context-parameters=serverTls} started a plain TCP server, and
 * {@code authenticator}, {@code property-store} or {@code server-cluster} fell back to their defaults. No route runs,
 * so no server starts: these look at the components only.
 */
class IotmpBeanReferencePropertyTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(CamelAutoConfiguration.class, IotmpComponentConverter.class,
                    IotmpComponentAutoConfiguration.class, IotmpDeviceComponentConverter.class,
                    IotmpDeviceComponentAutoConfiguration.class))
            .withUserConfiguration(Beans.class);

    @Configuration(proxyBeanMethods = false)
    static class Beans {

        @Bean
        SSLContextParameters serverTls() {
            return new SSLContextParameters();
        }

        @Bean
        IotmpDeviceConfiguration deviceOptions() {
            IotmpDeviceConfiguration options = new IotmpDeviceConfiguration();
            options.setUser("demo");
            return options;
        }
    }

    @Test
    void aReferenceWithTheHashIsTheBean() {
        runner.withPropertyValues("camel.component.iotmp.ssl-context-parameters=#serverTls",
                "camel.component.iotmp-device.configuration=#bean:deviceOptions").run(context -> {
                    assertThat(context).hasNotFailed();
                    CamelContext camel = context.getBean(CamelContext.class);
                    assertThat(camel.getComponent("iotmp", IotmpComponent.class).getConfiguration()
                            .getSslContextParameters()).isSameAs(context.getBean("serverTls"));
                    assertThat(camel.getComponent("iotmp-device", IotmpDeviceComponent.class).getConfiguration()
                            .getUser()).isEqualTo("demo");
                });
    }

    @Test
    void theBeanNameWithoutTheHashFailsTheStartInsteadOfLeavingTheServerWithoutTls() {
        runner.withPropertyValues("camel.component.iotmp.ssl-context-parameters=serverTls").run(context -> {
            assertThat(context).hasFailed();
            assertThat(messages(context.getStartupFailure())).contains("camel.component.iotmp.ssl-context-parameters")
                    .contains("'serverTls' is no bean reference").contains("#serverTls");
        });
    }

    @Test
    void theDeviceComponentsConfigurationWithoutTheHashFailsTheStart() {
        runner.withPropertyValues("camel.component.iotmp-device.configuration=deviceOptions").run(context -> {
            assertThat(context).hasFailed();
            assertThat(messages(context.getStartupFailure())).contains("camel.component.iotmp-device.configuration")
                    .contains("#deviceOptions");
        });
    }

    @Test
    void aMissingBeanFailsTheStartNamingIt() {
        runner.withPropertyValues("camel.component.iotmp.authenticator=#noSuchAuthenticator").run(context -> {
            assertThat(context).hasFailed();
            assertThat(messages(context.getStartupFailure())).contains("camel.component.iotmp.authenticator")
                    .contains("noSuchAuthenticator");
        });
    }

    @Test
    void anEmptyValueLeavesTheOptionUnset() {
        runner.withPropertyValues("camel.component.iotmp.property-store=").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(CamelContext.class).getComponent("iotmp", IotmpComponent.class)
                    .getConfiguration().getPropertyStore()).isNull();
        });
    }

    private static String messages(Throwable failure) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            text.append(t.getMessage()).append('\n');
        }
        return text.toString();
    }
}
