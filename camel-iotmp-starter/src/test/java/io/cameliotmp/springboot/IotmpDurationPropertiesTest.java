package io.cameliotmp.springboot;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.jayway.jsonpath.JsonPath;
import org.apache.camel.CamelContext;
import org.apache.camel.Component;
import org.apache.camel.spi.PropertyConfigurerGetter;
import org.apache.camel.spring.boot.CamelAutoConfiguration;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every duration option of both components takes what Spring Boot users write for a duration, {@code 7s},
 * {@code PT7S} or {@code 7000} (a bare number is milliseconds, as before), and the component receives it in
 * milliseconds. As {@code Long} properties they took only the bare number: {@code request-timeout=30s} failed the
 * start with "Failed to convert from type [java.lang.String] to type [java.lang.Long]". The options come from the
 * components' own metadata, so a duration option added later is covered without touching this test. No route runs,
 * so no server starts: this looks at the components only.
 */
class IotmpDurationPropertiesTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(CamelAutoConfiguration.class, IotmpComponentConverter.class,
                    IotmpComponentAutoConfiguration.class, IotmpDeviceComponentConverter.class,
                    IotmpDeviceComponentAutoConfiguration.class));

    static Stream<Arguments> spellings() {
        return Stream.of(Arguments.of("7s", 7000L), Arguments.of("PT7S", 7000L), Arguments.of("7000", 7000L),
                Arguments.of("2m", 120000L), Arguments.of("250ms", 250L));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("spellings")
    void everyDurationOptionTakesSpringBootsDurationSpellings(String value, long millis) throws IOException {
        List<String> properties = new ArrayList<>();
        Map<String, List<String>> options = Map.of(
                "iotmp", durationOptions("META-INF/io/cameliotmp/camel/iotmp.json"),
                "iotmp-device", durationOptions("META-INF/io/cameliotmp/camel/device/iotmp-device.json"));
        options.forEach((component, names) -> names
                .forEach(name -> properties.add("camel.component." + component + "." + kebabCase(name) + "=" + value)));
        runner.withPropertyValues(properties.toArray(String[]::new)).run(context -> {
            assertThat(context).hasNotFailed();
            CamelContext camel = context.getBean(CamelContext.class);
            SoftAssertions softly = new SoftAssertions();
            options.forEach((component, names) -> {
                Component target = camel.getComponent(component);
                PropertyConfigurerGetter getter = (PropertyConfigurerGetter) target.getComponentPropertyConfigurer();
                names.forEach(name -> softly.assertThat(getter.getOptionValue(target, name, false))
                        .as(component + "." + name).isEqualTo(millis));
            });
            softly.assertAll();
        });
    }

    @Test
    void aValueThatIsNoDurationFailsTheStartNamingTheProperty() {
        runner.withPropertyValues("camel.component.iotmp.request-timeout=soon").run(context -> {
            assertThat(context).hasFailed();
            assertThat(messages(context.getStartupFailure())).contains("camel.component.iotmp.request-timeout")
                    .contains("soon");
        });
    }

    /** The component options whose type is duration, as the component's metadata lists them. */
    private static List<String> durationOptions(String json) throws IOException {
        URL url = IotmpDurationPropertiesTest.class.getClassLoader().getResource(json);
        assertThat(url).as(json).isNotNull();
        String text;
        try (InputStream in = url.openStream()) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Map<String, Map<String, Object>> options = JsonPath.read(text, "$.componentProperties");
        List<String> names = options.entrySet().stream().filter(e -> "duration".equals(e.getValue().get("type")))
                .map(Map.Entry::getKey).toList();
        assertThat(names).as(json).isNotEmpty();
        return names;
    }

    private static String kebabCase(String camelCase) {
        return camelCase.replaceAll("([A-Z])", "-$1").toLowerCase();
    }

    private static String messages(Throwable failure) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            text.append(t.getMessage()).append('\n');
        }
        return text.toString();
    }
}
