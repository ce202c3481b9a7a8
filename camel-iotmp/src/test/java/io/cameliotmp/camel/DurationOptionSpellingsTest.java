package io.cameliotmp.camel;

import java.util.Map;

import io.cameliotmp.camel.device.IotmpDeviceComponent;
import io.cameliotmp.camel.device.IotmpDeviceConfiguration;
import io.cameliotmp.camel.device.IotmpDeviceEndpoint;
import org.apache.camel.CamelContext;
import org.apache.camel.Component;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PropertyBindingSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Duration options take Camel's duration spellings wherever Camel reads them: in a URI (and so a YAML route or a
 * kamelet's property) and as component properties, bound the way Camel Main binds camel.component.iotmp.*; a bare
 * number is milliseconds. The Spring Boot starter takes Spring Boot's spellings (IotmpDurationPropertiesTest).
 */
class DurationOptionSpellingsTest {

    /** The options an iotmp-device endpoint cannot do without. */
    private static final String DEVICE = "host=127.0.0.1&user=demo&device=d&credential=c";

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

    /** Every spelling Camel reads as it is written still binds, to what it says. */
    @Test
    void unitsInOrderDaysAndFractionsOfIsoDurationsAreTaken() {
        IotmpConfiguration config = context.getEndpoint("iotmp:device:demo/device-1/temperature?requestTimeout=1h30m"
                                                        + "&interval=2m500ms&batchTimeout=PT0.5S&maxLockTimeout=1d"
                                                        + "&firmwareRebootTimeout=0", IotmpEndpoint.class)
                .getConfiguration();
        assertThat(config.getRequestTimeout()).isEqualTo(5_400_000L);
        assertThat(config.getInterval()).isEqualTo(120_500L);
        assertThat(config.getBatchTimeout()).isEqualTo(500L);
        assertThat(config.getMaxLockTimeout()).isEqualTo(86_400_000L);
        assertThat(config.getFirmwareRebootTimeout()).isZero();
        IotmpDeviceConfiguration device = context.getEndpoint("iotmp-device:temperature?" + DEVICE
                                                              + "&keepAlive=2m&reconnectBackoffMax=PT1M"
                                                              + "&serverSilenceTimeout=5m",
                IotmpDeviceEndpoint.class).getConfiguration();
        assertThat(device.getKeepAlive()).isEqualTo(120_000L);
        assertThat(device.getReconnectBackoffMax()).isEqualTo(60_000L);
        assertThat(device.getServerSilenceTimeout()).isEqualTo(300_000L);
    }

    /**
     * Camel reads a duration it does not understand as zero, silently: Spring Boot's {@code 10S}, {@code 1M} and
     * {@code P1D}, a negative or a made-up unit streamed on change, stopped the keep-alive or the reconnects. They
     * fail now, naming the option, in a URI and as Camel Main binds component properties.
     */
    @Test
    void aSpellingCamelWouldReadAsZeroFailsNamingTheOption() {
        Map<String, String> server = Map.of("interval", "10S", "batchTimeout", "P1D", "authFailureBlock", "-5s",
                "requestTimeout", "30x", "frameReadTimeout", "1M", "connectTimeout", "abc");
        server.forEach((option, value) -> {
            assertThatThrownBy(() -> context.getEndpoint("iotmp:device:demo/d/t?" + option + "=" + value))
                    .as(option).hasStackTraceContaining(option + ": '" + value + "' is not a duration");
            IotmpComponent component = context.getComponent("iotmp", IotmpComponent.class);
            assertThatThrownBy(() -> bind(component, option, value)).as(option)
                    .hasStackTraceContaining(option + ": '" + value + "' is not a duration");
        });
        Map<String, String> device = Map.of("keepAlive", "1M", "reconnectBackoffMax", "0.5s",
                "serverSilenceTimeout", "P1D", "minStreamInterval", "100 ms");
        device.forEach((option, value) -> {
            assertThatThrownBy(() -> context.getEndpoint("iotmp-device:t?" + DEVICE + "&" + option + "=" + value))
                    .as(option).hasStackTraceContaining(option + ": '" + value + "' is not a duration");
            IotmpDeviceComponent component = context.getComponent("iotmp-device", IotmpDeviceComponent.class);
            assertThatThrownBy(() -> bind(component, option, value)).as(option)
                    .hasStackTraceContaining(option + ": '" + value + "' is not a duration");
        });
    }

    private void bind(Component component, String option, String value) {
        PropertyBindingSupport.build().withCamelContext(context).withTarget(component)
                .withConfigurer(component.getComponentPropertyConfigurer()).withProperty(option, value).bind();
    }

    @Test
    void theCheckKnowsEveryDurationOptionAndNoOther() {
        assertThat(DurationSpellings.durationsOf(IotmpConfiguration.class)).contains("requesttimeout", "interval",
                "batchtimeout", "connecttimeout", "authfailureblock", "maxlocktimeout", "tlshandshaketimeout")
                .doesNotContain("keepalive", "maxdownloadsize", "port");
        assertThat(DurationSpellings.durationsOf(IotmpDeviceConfiguration.class)).contains("keepalive",
                "serversilencetimeout", "reconnectbackoffinitial", "minstreaminterval").doesNotContain("port");
    }
}
