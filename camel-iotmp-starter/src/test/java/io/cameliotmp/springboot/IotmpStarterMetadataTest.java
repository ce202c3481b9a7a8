package io.cameliotmp.springboot;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.jayway.jsonpath.JsonPath;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the starter's properties, its generated Spring configuration metadata, the component's own metadata
 * ({@code iotmp.json} in the camel-iotmp jar) and the property table of iotmp-starter.adoc from drifting apart.
 */
class IotmpStarterMetadataTest {

    private static final String PREFIX = "camel.component.iotmp.";
    private static final String ENABLED = PREFIX + "enabled";
    private static final String CUSTOMIZER_ENABLED = PREFIX + "customizer.enabled";
    private static final Map<String, String> WRAPPERS = Map.of(
            "int", "java.lang.Integer", "long", "java.lang.Long", "boolean", "java.lang.Boolean");

    @Test
    void everyComponentOptionIsAStarterPropertyOfTheSameTypeAndDefault() throws IOException {
        Map<String, Map<String, Object>> properties = starterProperties();
        SoftAssertions softly = new SoftAssertions();
        componentOptions().forEach((option, model) -> {
            String name = PREFIX + kebabCase(option);
            Map<String, Object> property = properties.get(name);
            softly.assertThat(property).as(name).isNotNull();
            if (property == null) {
                return;
            }
            String javaType = (String) model.get("javaType");
            softly.assertThat(property.get("type")).as(name + " type")
                    .isEqualTo(WRAPPERS.getOrDefault(javaType, javaType));
            softly.assertThat(stringOrNull(property.get("defaultValue"))).as(name + " default")
                    .isEqualTo(componentDefault(model));
        });
        softly.assertAll();
    }

    @Test
    void everyStarterPropertyHasTheComponentOptionsDescription() throws IOException {
        Map<String, Map<String, Object>> properties = starterProperties();
        SoftAssertions softly = new SoftAssertions();
        componentOptions().forEach((option, model) -> {
            Map<String, Object> property = properties.get(PREFIX + kebabCase(option));
            if (property == null) {
                return; // reported by the test above
            }
            softly.assertThat(normalizedText(property.get("description"))).as(option)
                    .isEqualTo(normalizedText(expectedDescription(model)));
        });
        softly.assertAll();
    }

    @Test
    void theStarterHasNoPropertyTheComponentLacks() throws IOException {
        List<String> fromComponent = componentOptions().keySet().stream().map(o -> PREFIX + kebabCase(o)).toList();
        assertThat(starterProperties().keySet())
                .containsExactlyInAnyOrderElementsOf(concat(fromComponent, ENABLED, CUSTOMIZER_ENABLED));
        assertThat(starterProperties().get(ENABLED).get("description")).asString().isNotBlank();
    }

    @Test
    void theEnabledSwitchDocumentsItsDefault() throws IOException {
        assertThat(starterProperties().get(ENABLED).get("defaultValue")).isEqualTo(true);
    }

    /** The dependency snippet shows the release this build becomes, the same version as camel-iotmp. */
    @Test
    void theDocumentedDependencyIsThisRelease() throws IOException {
        URL url = IotmpStarterMetadataTest.class.getClassLoader()
                .getResource("META-INF/io/cameliotmp/camel/iotmp.json");
        assertThat(url).as("iotmp.json of the camel-iotmp jar").isNotNull();
        String release = JsonPath.<String>read(read(url), "$.component.version").replace("-SNAPSHOT", "");
        assertThat(Files.readString(Path.of("src/main/docs/iotmp-starter.adoc"), StandardCharsets.UTF_8))
                .contains("<artifactId>camel-iotmp-starter</artifactId>\n  <version>" + release + "</version>");
    }

    @Test
    void theDocumentedTableListsEveryPropertyWithItsMetadata() throws IOException {
        Map<String, Map<String, Object>> properties = starterProperties();
        Map<String, List<String>> rows = documentedRows();
        // like the tables of Camel's own starters, the customizer switch is described in the text, not the table
        assertThat(rows.keySet()).containsExactlyInAnyOrderElementsOf(
                properties.keySet().stream().filter(n -> !n.equals(CUSTOMIZER_ENABLED)).toList());
        SoftAssertions softly = new SoftAssertions();
        rows.forEach((name, cells) -> {
            Map<String, Object> property = properties.get(name);
            Object defaultValue = property.get("defaultValue");
            String type = (String) property.get("type");
            softly.assertThat(cells.get(0)).as(name + " description").isEqualTo(property.get("description"));
            softly.assertThat(cells.get(1)).as(name + " default")
                    .isEqualTo(defaultValue == null ? "" : defaultValue.toString());
            softly.assertThat(cells.get(2)).as(name + " type").isEqualTo(type.substring(type.lastIndexOf('.') + 1));
        });
        softly.assertAll();
    }

    /**
     * What camel-spring-boot's generator writes for an option: its description, plus the Java type for options
     * Spring Boot cannot bind from text by itself (objects, and durations it binds as plain numbers).
     */
    private static String expectedDescription(Map<String, Object> model) {
        String description = (String) model.get("description");
        boolean typed = ("object".equals(model.get("type")) || "duration".equals(model.get("type")))
                        && model.get("enum") == null;
        if (!typed) {
            return description;
        }
        return description + (description.endsWith(".") ? "" : ".") + " The option is a " + model.get("javaType")
               + " type.";
    }

    /**
     * Defaults must be spelled as the component spells them (PAUSE, 10000). Spring Boot's processor writes enum
     * defaults in lower kebab case (pause, drop-samples), so META-INF/additional-spring-configuration-metadata.json
     * restates them, and the default of the enabled switch, which the processor cannot see.
     */
    private static String stringOrNull(Object value) {
        return value == null ? null : value.toString();
    }

    /**
     * The component's default as iotmp.json states it; a primitive option without one (ioThreads) still has the
     * Java default, which the starter documents rather than leaving the cell blank.
     */
    private static String componentDefault(Map<String, Object> model) {
        Object value = model.get("defaultValue");
        if (value != null) {
            return value.toString();
        }
        return switch ((String) model.get("javaType")) {
            case "int", "long" -> "0";
            case "boolean" -> "false";
            default -> null;
        };
    }

    /**
     * Line breaks differ between Javadoc and JSON; and Camel's tooling drops '*' from descriptions (deviceCredentials
     * reads "user/ accepts" in iotmp.json where the component says "user/* accepts"), which the starter keeps.
     */
    private static String normalizedText(Object text) {
        return text == null ? null : text.toString().replace("*", "").replaceAll("\\s+", " ").trim();
    }

    private static String kebabCase(String camelCase) {
        return camelCase.replaceAll("([A-Z])", "-$1").toLowerCase();
    }

    private static List<String> concat(List<String> names, String... more) {
        List<String> all = new ArrayList<>(names);
        Collections.addAll(all, more);
        return all;
    }

    private static Map<String, Map<String, Object>> componentOptions() throws IOException {
        URL url = IotmpStarterMetadataTest.class.getClassLoader()
                .getResource("META-INF/io/cameliotmp/camel/iotmp.json");
        assertThat(url).as("iotmp.json of the camel-iotmp jar").isNotNull();
        Map<String, Map<String, Object>> options = JsonPath.read(read(url), "$.componentProperties");
        assertThat(options).isNotEmpty();
        return options;
    }

    /** This starter's metadata, told apart from the other jars' files of the same name by its group. */
    private static Map<String, Map<String, Object>> starterProperties() throws IOException {
        List<String> ours = new ArrayList<>();
        for (URL url : Collections.list(IotmpStarterMetadataTest.class.getClassLoader()
                .getResources("META-INF/spring-configuration-metadata.json"))) {
            String json = read(url);
            List<String> groups = JsonPath.read(json, "$.groups[*].name");
            if (groups.contains("camel.component.iotmp")) {
                ours.add(json);
            }
        }
        assertThat(ours).as("spring-configuration-metadata.json files with camel.component.iotmp").hasSize(1);
        List<Map<String, Object>> properties = JsonPath.read(ours.get(0), "$.properties");
        Map<String, Map<String, Object>> byName = new TreeMap<>();
        properties.forEach(p -> byName.put((String) p.get("name"), p));
        assertThat(byName.keySet()).allMatch(n -> n.startsWith(PREFIX));
        return byName;
    }

    /** Rows of the property table: name to description, default and type. */
    private static Map<String, List<String>> documentedRows() throws IOException {
        Map<String, List<String>> rows = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of("src/main/docs/iotmp-starter.adoc"), StandardCharsets.UTF_8)) {
            if (!line.startsWith("| *" + PREFIX)) {
                continue;
            }
            // "| *name* | description | default | type", cells may be empty
            String[] cells = line.substring(1).split(" \\|", -1);
            assertThat(cells).as(line).hasSize(4);
            String name = cells[0].trim().replace("*", "");
            assertThat(rows.put(name, List.of(cells[1].trim(), cells[2].trim(), cells[3].trim()))).as(name).isNull();
        }
        return rows;
    }

    private static String read(URL url) throws IOException {
        try (InputStream in = url.openStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
