package io.cameliotmp.api;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Parameter;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.DefaultValue;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every {@code camel.iotmp.api.*} property is documented where users look for it, with the default it really has: a
 * row of the table in {@code docs/api.md} and a {@code @param} of {@link IotmpApiProperties}' javadoc.
 */
class ApiPropertiesDocumentationTest {

    @Test
    void everyPropertyHasItsRowWithItsDefaultAndItsJavadoc() throws IOException, ReflectiveOperationException {
        String table = Files.readString(Path.of("../docs/api.md"));
        String source = Files.readString(Path.of("src/main/java/io/cameliotmp/api/IotmpApiProperties.java"));
        RecordComponent[] components = IotmpApiProperties.class.getRecordComponents();
        Constructor<IotmpApiProperties> canonical = IotmpApiProperties.class.getDeclaredConstructor(
                Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new));
        Parameter[] parameters = canonical.getParameters();
        for (int i = 0; i < components.length; i++) {
            String name = components[i].getName();
            assertThat(source).as("javadoc of %s", name).containsPattern("@param " + name + "\\s+\\S");
            if ("tokens".equals(name)) {
                // a list of records, documented by its fields in one row
                assertThat(table).contains("| `tokens[n].name`");
                continue;
            }
            DefaultValue defaultValue = parameters[i].getAnnotation(DefaultValue.class);
            assertThat(defaultValue).as("the default of %s", name).isNotNull();
            // a bare @DefaultValue is an empty list, shown as none
            String shown = defaultValue.value().length == 0 ? "none" : "`" + defaultValue.value()[0] + "`";
            String row = "| `" + kebab(name) + "` | " + shown + " |";
            assertThat(table).as("docs/api.md's row of %s", name).contains(row);
        }
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }
}
