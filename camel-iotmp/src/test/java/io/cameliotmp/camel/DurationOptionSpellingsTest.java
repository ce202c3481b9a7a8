package io.cameliotmp.camel;

import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PropertyBindingSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Duration options take Camel's duration spellings wherever Camel reads them: in a URI (and so a YAML route or a
 * kamelet's property) and as component properties, bound the way Camel Main binds camel.component.iotmp.*; a bare
 * number is milliseconds. The Spring Boot starter takes Spring Boot's spellings (IotmpDurationPropertiesTest).
 */
class DurationOptionSpellingsTest {

    private final CamelContext context = new DefaultCamelContext();

    @AfterEach
    void stop() {
        context.stop();
    }

    @Test
    void aUriTakesSecondsIsoDurationsAndMilliseconds() {
        IotmpEndpoint endpoint = context.getEndpoint("iotmp:device:demo/device-1/temperature?requestTimeout=30s"
                                                     + "&interval=PT2S&batchTimeout=1m30s&firmwareRebootTimeout=5000",
                IotmpEndpoint.class);
        IotmpConfiguration config = endpoint.getConfiguration();
        assertThat(config.getRequestTimeout()).isEqualTo(30_000L);
        assertThat(config.getInterval()).isEqualTo(2_000L);
        assertThat(config.getBatchTimeout()).isEqualTo(90_000L);
        assertThat(config.getFirmwareRebootTimeout()).isEqualTo(5_000L);
    }

    @Test
    void componentPropertiesBoundAsCamelMainBindsThemTakeTheSameSpellings() {
        IotmpComponent component = context.getComponent("iotmp", IotmpComponent.class);
        PropertyBindingSupport.build().withCamelContext(context).withTarget(component)
                .withConfigurer(component.getComponentPropertyConfigurer())
                .withProperty("requestTimeout", "30s").withProperty("connect-timeout", "PT5S")
                .withProperty("frameReadTimeout", "45000").bind();
        IotmpConfiguration config = component.getConfiguration();
        assertThat(config.getRequestTimeout()).isEqualTo(30_000L);
        assertThat(config.getConnectTimeout()).isEqualTo(5_000L);
        assertThat(config.getFrameReadTimeout()).isEqualTo(45_000L);
    }
}
