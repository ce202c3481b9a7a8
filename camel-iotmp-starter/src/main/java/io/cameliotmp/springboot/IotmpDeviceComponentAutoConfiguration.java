package io.cameliotmp.springboot;

import io.cameliotmp.camel.device.IotmpDeviceComponent;
import org.apache.camel.Component;
import org.apache.camel.spi.ComponentCustomizer;
import org.apache.camel.spring.boot.CamelAutoConfiguration;
import org.apache.camel.spring.boot.ComponentConfigurationProperties;
import org.apache.camel.spring.boot.util.ConditionalOnCamelContextAndAutoConfigurationBeans;
import org.apache.camel.spring.boot.util.ConditionalOnHierarchicalProperties;
import org.apache.camel.spring.boot.util.HierarchicalPropertiesEvaluator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Lazy;

/**
 * Configures the iotmp-device component from the {@code camel.component.iotmp-device.*} properties when Camel creates
 * it: which server to connect to, as which user and device, with which credential and transport.
 * <p>
 * {@code camel.component.iotmp-device.enabled=false} (or {@code camel.component.enabled=false}) turns this
 * auto-configuration off; {@code camel.component.iotmp-device.customizer.enabled=false} keeps the properties bound
 * but leaves the component alone.
 */
@AutoConfiguration(after = {CamelAutoConfiguration.class, IotmpDeviceComponentConverter.class})
@Conditional(ConditionalOnCamelContextAndAutoConfigurationBeans.class)
@EnableConfigurationProperties({ComponentConfigurationProperties.class, IotmpDeviceComponentConfiguration.class})
@ConditionalOnHierarchicalProperties({"camel.component", "camel.component.iotmp-device"})
public class IotmpDeviceComponentAutoConfiguration {

    private final ApplicationContext applicationContext;
    private final IotmpDeviceComponentConfiguration configuration;

    public IotmpDeviceComponentAutoConfiguration(ApplicationContext applicationContext,
                                                 IotmpDeviceComponentConfiguration configuration) {
        this.applicationContext = applicationContext;
        this.configuration = configuration;
    }

    @Lazy
    @Bean
    public ComponentCustomizer configureIotmpDeviceComponent() {
        return new ComponentCustomizer() {
            @Override
            public void configure(String name, Component target) {
                StarterProperties.copy(applicationContext.getEnvironment(),
                        "camel.component.iotmp-device.", configuration, target);
            }

            @Override
            public boolean isEnabled(String name, Component target) {
                return HierarchicalPropertiesEvaluator.evaluate(
                        applicationContext,
                        "camel.component.customizer",
                        "camel.component.iotmp-device.customizer")
                       && target instanceof IotmpDeviceComponent;
            }
        };
    }
}
