package io.cameliotmp.springboot;

import java.util.Arrays;
import java.util.Set;

import io.cameliotmp.camel.IotmpComponent;
import io.cameliotmp.camel.IotmpConfiguration;
import io.cameliotmp.server.DeviceAuthenticator;
import org.apache.camel.Component;
import org.apache.camel.spi.ComponentCustomizer;
import org.apache.camel.spring.boot.CamelAutoConfiguration;
import org.apache.camel.spring.boot.ComponentConfigurationProperties;
import org.apache.camel.spring.boot.util.ConditionalOnCamelContextAndAutoConfigurationBeans;
import org.apache.camel.spring.boot.util.ConditionalOnHierarchicalProperties;
import org.apache.camel.spring.boot.util.HierarchicalPropertiesEvaluator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.BeanFactoryUtils;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Lazy;

import static org.springframework.util.StringUtils.hasText;

/**
 * Configures the iotmp component from the {@code camel.component.iotmp.*} properties when Camel creates it.
 * <p>
 * Besides the properties, the customizer gives the component the application's {@link DeviceAuthenticator} bean when
 * there is exactly one (or one marked {@code @Primary}) and none of {@code authenticator}, {@code deviceCredentials}
 * and {@code authenticationUri} is configured, so that declaring the bean is all it takes to authenticate devices.
 * Anything configured explicitly wins, and with several candidate beans none is guessed: without an authenticator the
 * server refuses every device.
 * <p>
 * {@code camel.component.iotmp.enabled=false} (or {@code camel.component.enabled=false}) turns this auto-configuration
 * off; {@code camel.component.iotmp.customizer.enabled=false} keeps the properties bound but leaves the component
 * alone.
 */
@AutoConfiguration(after = {CamelAutoConfiguration.class, IotmpComponentConverter.class})
@Conditional(ConditionalOnCamelContextAndAutoConfigurationBeans.class)
@EnableConfigurationProperties({ComponentConfigurationProperties.class, IotmpComponentConfiguration.class})
@ConditionalOnHierarchicalProperties({"camel.component", "camel.component.iotmp"})
public class IotmpComponentAutoConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(IotmpComponentAutoConfiguration.class);

    /** The text options that hold comma-separated lists, which a YAML list may give too. */
    private static final Set<String> LIST_OPTIONS = Set.of("deviceCredentials", "webSocketAllowedOrigins");

    private final ApplicationContext applicationContext;
    private final IotmpComponentConfiguration configuration;
    private final ObjectProvider<DeviceAuthenticator> authenticators;

    public IotmpComponentAutoConfiguration(ApplicationContext applicationContext,
                                           IotmpComponentConfiguration configuration,
                                           ObjectProvider<DeviceAuthenticator> authenticators) {
        this.applicationContext = applicationContext;
        this.configuration = configuration;
        this.authenticators = authenticators;
    }

    @Lazy
    @Bean
    public ComponentCustomizer configureIotmpComponent() {
        return new ComponentCustomizer() {
            @Override
            public void configure(String name, Component target) {
                StarterProperties.copy(applicationContext.getEnvironment(),
                        "camel.component.iotmp.", configuration, target, LIST_OPTIONS);
                useTheAuthenticatorBean(name, (IotmpComponent) target);
            }

            @Override
            public boolean isEnabled(String name, Component target) {
                return HierarchicalPropertiesEvaluator.evaluate(
                        applicationContext,
                        "camel.component.customizer",
                        "camel.component.iotmp.customizer")
                       && target instanceof IotmpComponent;
            }
        };
    }

    private void useTheAuthenticatorBean(String componentName, IotmpComponent component) {
        // Looks at the component rather than at the properties, so that a component bean the application set up
        // itself (or the configuration option) keeps its own authentication.
        IotmpConfiguration config = component.getConfiguration();
        if (config == null || config.getAuthenticator() != null || hasText(config.getDeviceCredentials())
            || hasText(config.getAuthenticationUri())) {
            return;
        }
        // with ancestors, as the ObjectProvider sees them
        String[] candidates = BeanFactoryUtils.beanNamesForTypeIncludingAncestors(applicationContext,
                DeviceAuthenticator.class);
        DeviceAuthenticator authenticator = authenticators.getIfUnique();
        if (authenticator != null) {
            LOG.info("The {} component authenticates devices with the application's DeviceAuthenticator bean {}",
                    componentName, candidates.length == 1 ? candidates[0]
                            : "marked @Primary among " + Arrays.toString(candidates));
            config.setAuthenticator(authenticator);
        } else if (candidates.length > 1) {
            LOG.warn("The {} component has no authenticator configured and {} DeviceAuthenticator beans {} to choose"
                     + " from; it uses none of them, so its servers refuse every device. Mark one @Primary or set"
                     + " camel.component.{}.authenticator=#beanName.",
                    componentName, candidates.length, Arrays.toString(candidates), componentName);
        }
    }
}
