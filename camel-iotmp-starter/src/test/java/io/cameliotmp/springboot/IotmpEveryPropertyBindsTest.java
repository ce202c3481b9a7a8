package io.cameliotmp.springboot;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.jayway.jsonpath.JsonPath;
import org.apache.camel.CamelContext;
import org.apache.camel.Component;
import org.apache.camel.spi.PropertyConfigurerGetter;
import org.apache.camel.spring.boot.CamelAutoConfiguration;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every property of the starter's metadata that is no bean reference, set to a value other than its default, reaches
 * the component: a property that bound to nothing (copied under a name the component does not know, which Camel
 * ignores without a word) keeps the default here. The options come from the components' own metadata, so an option
 * added later is covered too; bean references are covered by {@code IotmpBeanReferencePropertyTest}. No route runs,
 * so no server starts: {@code EveryServerOptionReachesTheServerTest} takes the options from the component on.
 */
class IotmpEveryPropertyBindsTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(CamelAutoConfiguration.class, IotmpComponentConverter.class,
                    IotmpComponentAutoConfiguration.class, IotmpDeviceComponentConverter.class,
                    IotmpDeviceComponentAutoConfiguration.class));

    static Stream<String[]> components() {
        return Stream.of(new String[] {"iotmp", "META-INF/io/cameliotmp/camel/iotmp.json"},
                new String[] {"iotmp-device", "META-INF/io/cameliotmp/camel/device/iotmp-device.json"});
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("components")
    void everyPropertySetToAnotherValueThanItsDefaultReachesTheComponent(String component, String json)
            throws IOException {
        Map<String, String> expected = new LinkedHashMap<>();
        List<String> properties = new ArrayList<>();
        componentOptions(json).forEach((option, model) -> {
            String[] value = otherValue(model);
            if (value != null) {
                properties.add("camel.component." + component + "." + kebabCase(option) + "=" + value[0]);
                expected.put(option, value[1]);
            }
        });
        assertThat(expected).hasSizeGreaterThan(20);
        runner.withPropertyValues(properties.toArray(String[]::new)).run(context -> {
            assertThat(context).hasNotFailed();
            Component target = context.getBean(CamelContext.class).getComponent(component);
            PropertyConfigurerGetter getter = (PropertyConfigurerGetter) target.getComponentPropertyConfigurer();
            SoftAssertions softly = new SoftAssertions();
            expected.forEach((option, value) -> softly
                    .assertThat(String.valueOf(getter.getOptionValue(target, option, false))).as(option)
                    .isEqualTo(value));
            softly.assertAll();
        });
    }

    /** The property's text and the value the component then holds, or null for bean references. */
    private static String[] otherValue(Map<String, Object> model) {
        Object defaultValue = model.get("defaultValue");
        String text = defaultValue == null ? null : defaultValue.toString();
        @SuppressWarnings("unchecked")
        List<String> enums = (List<String>) model.get("enum");
        return switch ((String) model.get("type")) {
            case "boolean" -> {
                String other = String.valueOf(!Boolean.parseBoolean(text));
                yield new String[] {other, other};
            }
            case "integer" -> {
                String other = String.valueOf(text == null ? 1 : Long.parseLong(text) + 1);
                yield new String[] {other, other};
            }
            case "duration" -> {
                long millis = (text == null ? 0 : Long.parseLong(text)) + 1000;
                yield new String[] {millis + "ms", String.valueOf(millis)};
            }
            case "enum" -> {
                String other = enums.stream().filter(e -> !e.equals(text)).findFirst().orElseThrow();
                yield new String[] {other, other};
            }
            case "string" -> {
                String other = text == null ? "other" : text + "-other";
                yield new String[] {other, other};
            }
            default -> null; // objects: bean references
        };
    }

    private static Map<String, Map<String, Object>> componentOptions(String json) throws IOException {
        URL url = IotmpEveryPropertyBindsTest.class.getClassLoader().getResource(json);
        assertThat(url).as(json).isNotNull();
        try (InputStream in = url.openStream()) {
            return JsonPath.read(new String(in.readAllBytes(), StandardCharsets.UTF_8), "$.componentProperties");
        }
    }

    private static String kebabCase(String camelCase) {
        return camelCase.replaceAll("([A-Z])", "-$1").toLowerCase();
    }
}
