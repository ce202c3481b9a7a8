package io.cameliotmp.camel;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.cameliotmp.camel.device.IotmpDeviceComponent;
import io.cameliotmp.camel.device.IotmpDeviceConfiguration;
import io.cameliotmp.server.AuthDecision;
import io.cameliotmp.server.DeviceAuthenticator;
import org.apache.camel.CamelContext;
import org.apache.camel.Component;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PropertyBindingSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code camel.component.iotmp.configuration=#bean} with other {@code camel.component.iotmp.*} properties, bound as
 * Camel Main binds them (Camel's property binding, which binds the options whose value is a bean reference after the
 * others): the bean's options stay where no property is set, and the properties set with it override it. The bean,
 * bound last, threw the other properties away, reference-valued ones included.
 */
class ConfigurationBeanPropertiesTest {

    private static final DeviceAuthenticator AUTHENTICATOR = request -> CompletableFuture.completedFuture(
            AuthDecision.accept());

    /** As Camel Main's MainHelper.setPropertiesOnTarget binds a component's camel.component.* properties. */
    private static void bindAsCamelMain(CamelContext camel, Component component, Map<String, Object> properties) {
        assertThat(PropertyBindingSupport.build().withMandatory(true).withRemoveParameters(false)
                .withConfigurer(component.getComponentPropertyConfigurer()).withIgnoreCase(true)
                .bind(camel, component, properties)).isTrue();
    }

    @Test
    void thePropertiesSetWithTheConfigurationBeanOverrideIt() throws Exception {
        IotmpConfiguration bean = new IotmpConfiguration();
        bean.setMaxInFlight(7);
        bean.setPort(40000);
        try (CamelContext camel = new DefaultCamelContext()) {
            camel.getRegistry().bind("sharedOptions", bean);
            camel.getRegistry().bind("deviceAuthenticator", AUTHENTICATOR);
            IotmpComponent component = camel.getComponent("iotmp", IotmpComponent.class);
            Map<String, Object> properties = new LinkedHashMap<>();
            properties.put("configuration", "#sharedOptions");
            properties.put("port", "31111");
            properties.put("request-timeout", "30s");
            properties.put("authenticator", "#deviceAuthenticator");
            properties.put("metrics-enabled", "false");

            bindAsCamelMain(camel, component, properties);

            IotmpConfiguration config = component.getConfiguration();
            assertThat(config).isSameAs(bean);
            assertThat(config.getMaxInFlight()).as("the bean's, no property set").isEqualTo(7);
            assertThat(config.getPort()).as("camel.component.iotmp.port").isEqualTo(31111);
            assertThat(config.getRequestTimeout()).as("camel.component.iotmp.request-timeout").isEqualTo(30_000L);
            assertThat(config.getAuthenticator()).as("camel.component.iotmp.authenticator").isSameAs(AUTHENTICATOR);
            assertThat(component.isMetricsEnabled()).isFalse();
        }
    }

    @Test
    void aPropertySetToTheDefaultStillOverridesTheBean() throws Exception {
        IotmpConfiguration bean = new IotmpConfiguration();
        bean.setWorkerThreads(3);
        try (CamelContext camel = new DefaultCamelContext()) {
            camel.getRegistry().bind("sharedOptions", bean);
            IotmpComponent component = camel.getComponent("iotmp", IotmpComponent.class);

            bindAsCamelMain(camel, component, new LinkedHashMap<>(Map.of(
                    "configuration", "#sharedOptions", "workerThreads", "16")));

            assertThat(component.getConfiguration().getWorkerThreads()).isEqualTo(16);
        }
    }

    @Test
    void theDeviceComponentKeepsThePropertiesSetWithItsConfigurationBean() throws Exception {
        IotmpDeviceConfiguration bean = new IotmpDeviceConfiguration();
        bean.setUser("demo");
        bean.setHost("bean.example.com");
        try (CamelContext camel = new DefaultCamelContext()) {
            camel.getRegistry().bind("deviceOptions", bean);
            IotmpDeviceComponent component = camel.getComponent("iotmp-device", IotmpDeviceComponent.class);

            bindAsCamelMain(camel, component, new LinkedHashMap<>(Map.of(
                    "configuration", "#deviceOptions", "host", "127.0.0.1", "keep-alive", "30s")));

            IotmpDeviceConfiguration config = component.getConfiguration();
            assertThat(config.getUser()).isEqualTo("demo");
            assertThat(config.getHost()).isEqualTo("127.0.0.1");
            assertThat(config.getKeepAlive()).isEqualTo(30_000L);
        }
    }
}
