package io.cameliotmp.springboot;

import io.cameliotmp.camel.IotmpComponent;
import io.cameliotmp.camel.IotmpConfiguration;
import io.cameliotmp.camel.device.IotmpDeviceComponent;
import org.apache.camel.CamelContext;
import org.apache.camel.Component;
import org.apache.camel.spring.boot.CamelAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The options that hold a comma-separated list, {@code device-credentials} and {@code web-socket-allowed-origins},
 * also take a YAML list, which Spring Boot flattens to {@code name[0]}, {@code name[1]}: a text property bound from a
 * value alone, such a list left it unset without a word, so the server refused every device (every browser origin).
 * Another text property given as a list fails the start naming it. No route runs, so no server starts: these look at
 * the components only.
 */
class IotmpListPropertiesTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(CamelAutoConfiguration.class, IotmpComponentConverter.class,
                    IotmpComponentAutoConfiguration.class, IotmpDeviceComponentConverter.class,
                    IotmpDeviceComponentAutoConfiguration.class));

    @Configuration(proxyBeanMethods = false)
    static class ConfigurationBean {

        @Bean
        IotmpConfiguration serverOptions() {
            IotmpConfiguration options = new IotmpConfiguration();
            options.setPort(26000);
            return options;
        }
    }

    @Test
    void aYamlListOfCredentialsOrOriginsIsTheCommaSeparatedList() {
        runner.withPropertyValues("camel.component.iotmp.device-credentials[0]=demo/device-1=secret-1",
                "camel.component.iotmp.device-credentials[1]=demo/device-2=secret-2",
                "camel.component.iotmp.web-socket-allowed-origins[0]=https://console.example",
                "camel.component.iotmp.web-socket-allowed-origins[1]=https://admin.example:8443").run(context -> {
                    assertThat(context).hasNotFailed();
                    IotmpConfiguration config = context.getBean(CamelContext.class)
                            .getComponent("iotmp", IotmpComponent.class).getConfiguration();
                    assertThat(config.getDeviceCredentials())
                            .isEqualTo("demo/device-1=secret-1,demo/device-2=secret-2");
                    assertThat(config.getWebSocketAllowedOrigins())
                            .isEqualTo("https://console.example,https://admin.example:8443");
                });
    }

    @Test
    void aListGoesOnTopOfAConfigurationBeanAsAValueDoes() {
        runner.withUserConfiguration(ConfigurationBean.class)
                .withPropertyValues("camel.component.iotmp.configuration=#serverOptions",
                        "camel.component.iotmp.device-credentials[0]=demo/device-1=secret-1")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    IotmpConfiguration config = context.getBean(CamelContext.class)
                            .getComponent("iotmp", IotmpComponent.class).getConfiguration();
                    assertThat(config.getPort()).isEqualTo(26000);
                    assertThat(config.getDeviceCredentials()).isEqualTo("demo/device-1=secret-1");
                });
    }

    @Test
    void aCommaSeparatedValueStaysAsItIs() {
        runner.withPropertyValues("camel.component.iotmp.device-credentials=demo/device-1=a,demo/device-2=b")
                .run(context -> assertThat(context.getBean(CamelContext.class)
                        .getComponent("iotmp", IotmpComponent.class).getConfiguration().getDeviceCredentials())
                        .isEqualTo("demo/device-1=a,demo/device-2=b"));
    }

    @Test
    void anotherTextPropertyGivenAsAListFailsTheStartNamingIt() {
        runner.withPropertyValues("camel.component.iotmp.host[0]=10.0.0.1", "camel.component.iotmp.host[1]=10.0.0.2")
                .run(context -> {
                    Throwable failure = catchStart(context.getBean(CamelContext.class), "iotmp", IotmpComponent.class);
                    assertThat(messages(failure)).contains("camel.component.iotmp.host takes one value, not a list");
                });
        runner.withPropertyValues("camel.component.iotmp-device.host[0]=a.example").run(context -> {
            Throwable failure = catchStart(context.getBean(CamelContext.class), "iotmp-device",
                    IotmpDeviceComponent.class);
            assertThat(messages(failure)).contains("camel.component.iotmp-device.host takes one value, not a list");
        });
    }

    /** The failure of Camel creating the component, when the starter's customizer configures it. */
    private static Throwable catchStart(CamelContext camel, String name, Class<? extends Component> type) {
        return catchThrowable(() -> camel.getComponent(name, type));
    }

    private static String messages(Throwable failure) {
        assertThat(failure).isNotNull();
        StringBuilder text = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            text.append(t.getMessage()).append('\n');
        }
        return text.toString();
    }
}
