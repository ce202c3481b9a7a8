package io.cameliotmp.camel;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.cameliotmp.camel.device.IotmpDeviceComponent;
import io.cameliotmp.server.IotmpServerConfig;
import io.cameliotmp.server.ServerMetrics;
import org.apache.camel.Component;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.PropertyConfigurerGetter;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One default per option: what the generated metadata (and so the adoc and the starter, which tests of their own
 * compare with it) says is the default is what a component left alone has, and the server a default configuration
 * describes is the server {@link IotmpServerConfig#builder()} makes by default. A default written twice (a literal in
 * an annotation and another in a field, a constant of the builder and another of the option) cannot drift apart.
 */
class OneDefaultPerOptionTest {

    /** An option's line of the metadata: its name, Java type and default, if it states one. */
    private static final Pattern OPTION = Pattern.compile("(?m)^    \"([A-Za-z]+)\": \\{ \"index\""
                                                          + ".*?\"javaType\": \"([^\"]+)\""
                                                          + ".*?(?:\"defaultValue\": \"?([^\",]*)\"?,|})");

    @Test
    void theIotmpComponentHasTheDefaultsItsMetadataStates() throws Exception {
        assertDefaults("META-INF/io/cameliotmp/camel/iotmp.json", IotmpComponent.class, "iotmp");
    }

    @Test
    void theIotmpDeviceComponentHasTheDefaultsItsMetadataStates() throws Exception {
        assertDefaults("META-INF/io/cameliotmp/camel/device/iotmp-device.json", IotmpDeviceComponent.class,
                "iotmp-device");
    }

    @Test
    void aDefaultConfigurationDescribesTheServerTheBuilderMakesByDefault() throws Exception {
        IotmpConfiguration defaults = new IotmpConfiguration();
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            IotmpServerConfig fromOptions = defaults.toServerConfig(camel, null, ServerMetrics.Factory.NONE,
                    Duration.ofMillis(defaults.getRequestTimeout()));

            assertThat(fromOptions).isEqualTo(IotmpServerConfig.builder().build());
        }
    }

    private static void assertDefaults(String json, Class<? extends Component> type, String scheme)
            throws Exception {
        String metadata = read(json);
        int componentProperties = metadata.indexOf("\"componentProperties\"");
        int headers = metadata.indexOf("\"headers\"", componentProperties);
        String options = metadata.substring(componentProperties, headers);
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            Component component = camel.getComponent(scheme, type);
            PropertyConfigurerGetter getter = (PropertyConfigurerGetter) component.getComponentPropertyConfigurer();
            SoftAssertions softly = new SoftAssertions();
            Matcher option = OPTION.matcher(options);
            int checked = 0;
            while (option.find()) {
                String name = option.group(1);
                // JSON may escape a slash
                String stated = option.group(3) == null ? null : option.group(3).replace("\\/", "/");
                Object actual = getter.getOptionValue(component, name, false);
                if (stated == null) {
                    // no default stated: a primitive has Java's (ioThreads); an object (configuration) is the bean
                    if (Set.of("int", "long", "boolean").contains(option.group(2))) {
                        softly.assertThat(actual).as(scheme + " " + name).isIn(0, 0L, false);
                    }
                } else {
                    softly.assertThat(String.valueOf(actual)).as(scheme + " " + name).isEqualTo(stated);
                }
                checked++;
            }
            softly.assertAll();
            assertThat(checked).as(scheme + " options").isGreaterThan(30);
        }
    }

    private static String read(String resource) throws IOException {
        try (InputStream in = OneDefaultPerOptionTest.class.getClassLoader().getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
