package io.cameliotmp.camel.dsl;

import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import io.cameliotmp.camel.IotmpComponent;
import io.cameliotmp.camel.dsl.IotmpComponentBuilderFactory.IotmpComponentBuilder;
import io.cameliotmp.camel.dsl.IotmpEndpointBuilderFactory.AdvancedIotmpEndpointBuilder;
import io.cameliotmp.camel.dsl.IotmpEndpointBuilderFactory.IotmpEndpointBuilder;
import org.apache.camel.Component;
import org.apache.camel.util.json.JsonObject;
import org.apache.camel.util.json.Jsoner;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The generated builders cover the component's metadata (META-INF/io/cameliotmp/camel/iotmp.json): an option whose
 * builder was not regenerated fails here (every option needs a method, and the component builder must apply it).
 */
class DslCoverageTest {

    private static JsonObject metadata() throws Exception {
        try (InputStream in = DslCoverageTest.class.getResourceAsStream("/META-INF/io/cameliotmp/camel/iotmp.json")) {
            assertThat(in).as("iotmp.json").isNotNull();
            return (JsonObject) Jsoner.deserialize(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    private static List<String> options(String section, String kind) throws Exception {
        List<String> names = new ArrayList<>();
        for (Map.Entry<?, ?> option : metadata().getMap(section).entrySet()) {
            if (kind.equals(((Map<?, ?>) option.getValue()).get("kind"))) {
                names.add((String) option.getKey());
            }
        }
        return names;
    }

    /** The public one-argument methods named {@code name} of the given builder types (inherited ones included). */
    private static List<Method> methods(String name, Class<?>... types) {
        return Arrays.stream(types).flatMap(type -> Arrays.stream(type.getMethods()))
                .filter(m -> m.getName().equals(name) && m.getParameterCount() == 1
                             && Modifier.isPublic(m.getModifiers()))
                .toList();
    }

    @Test
    void everyEndpointOptionHasABuilderMethod() throws Exception {
        List<String> options = options("properties", "parameter");
        assertThat(options).contains("host", "operation", "interval", "deviceCredentials").hasSizeGreaterThan(30);
        Class<?>[] builders = {IotmpEndpointBuilder.class, AdvancedIotmpEndpointBuilder.class};
        List<String> missing = options.stream().filter(o -> methods(o, builders).isEmpty()).toList();
        assertThat(missing).as("endpoint options without a method in the endpoint builders").isEmpty();
        // and a String variant for every option that is not a String already (placeholders, durations, #beans)
        List<String> withoutText = options.stream().filter(o -> methods(o, builders).stream()
                .noneMatch(m -> m.getParameterTypes()[0] == String.class)).toList();
        assertThat(withoutText).as("endpoint options without a String variant").isEmpty();
    }

    @Test
    void everyComponentOptionHasABuilderMethodThatReachesTheComponent() throws Exception {
        List<String> options = options("componentProperties", "property");
        assertThat(options).contains("configuration", "metricsEnabled", "useGlobalSslContextParameters")
                .hasSizeGreaterThan(30);
        Class<?> impl = IotmpComponentBuilderFactory.iotmp().getClass();
        Method set = impl.getDeclaredMethod("setPropertyOnComponent", Component.class, String.class, Object.class);
        set.setAccessible(true);
        List<String> missing = new ArrayList<>();
        List<String> notApplied = new ArrayList<>();
        for (String option : options) {
            List<Method> methods = methods(option, IotmpComponentBuilder.class);
            if (methods.isEmpty()) {
                missing.add(option);
                continue;
            }
            Class<?> type = methods.stream().map(m -> m.getParameterTypes()[0]).filter(t -> t != String.class)
                    .findFirst().orElse(String.class);
            Object value = sample(type);
            if (!(Boolean) set.invoke(IotmpComponentBuilderFactory.iotmp(), new IotmpComponent(), option, value)) {
                notApplied.add(option);
            }
        }
        assertThat(missing).as("component options without a method in IotmpComponentBuilder").isEmpty();
        assertThat(notApplied).as("component options setPropertyOnComponent does not know").isEmpty();
    }
    private static Object sample(Class<?> type) {
        if (type == int.class) {
            return 1;
        } else if (type == long.class) {
            return 1L;
        } else if (type == boolean.class) {
            return true;
        } else if (type == String.class) {
            return "x";
        } else if (type.isEnum()) {
            return type.getEnumConstants()[0];
        }
        return null;
    }
}
