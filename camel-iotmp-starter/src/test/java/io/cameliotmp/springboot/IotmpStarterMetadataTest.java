package io.cameliotmp.springboot;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import com.jayway.jsonpath.JsonPath;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.convert.DurationStyle;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the starter's properties, its generated Spring configuration metadata, each component's own metadata
 * ({@code iotmp.json} and {@code iotmp-device.json} in the camel-iotmp jar) and the property tables of the starter's
 * adoc files from drifting apart.
 */
class IotmpStarterMetadataTest {

    /** The cluster properties: not component options, documented in a table of their own. */
    private static final String CLUSTER_PREFIX = "camel.component.iotmp.cluster.";

    /** What the description of every duration property adds to the component option's description. */
    private static final String DURATION_SENTENCE =
            "The option is a java.time.Duration type, such as 30s, 5m or PT30S; a bare number is milliseconds.";

    private static final Map<String, String> WRAPPERS = Map.of(
            "int", "java.lang.Integer", "long", "java.lang.Long", "boolean", "java.lang.Boolean");

    /** A component of camel-iotmp, its properties' prefix and the adoc that documents them. */
    record Starter(String component, String json, String adoc) {
        String prefix() {
            return "camel.component." + component + ".";
        }

        String enabled() {
            return prefix() + "enabled";
        }

        String customizerEnabled() {
            return prefix() + "customizer.enabled";
        }

        @Override
        public String toString() {
            return component;
        }
    }

    static Stream<Starter> starters() {
        return Stream.of(
                new Starter("iotmp", "META-INF/io/cameliotmp/camel/iotmp.json", "src/main/docs/iotmp-starter.adoc"),
                new Starter("iotmp-device", "META-INF/io/cameliotmp/camel/device/iotmp-device.json",
                        "src/main/docs/iotmp-device-starter.adoc"));
    }

    @ParameterizedTest
    @MethodSource("starters")
    void everyComponentOptionIsAStarterPropertyOfTheSameTypeAndDefault(Starter starter) throws IOException {
        Map<String, Map<String, Object>> properties = starterProperties(starter);
        SoftAssertions softly = new SoftAssertions();
        componentOptions(starter).forEach((option, model) -> {
            String name = starter.prefix() + kebabCase(option);
            Map<String, Object> property = properties.get(name);
            softly.assertThat(property).as(name).isNotNull();
            if (property == null) {
                return;
            }
            String javaType = (String) model.get("javaType");
            if (isDuration(model)) {
                // a Duration, so that Spring Boot binds 30s and PT30S; its default is the component's milliseconds
                softly.assertThat(property.get("type")).as(name + " type").isEqualTo(Duration.class.getName());
                softly.assertThat(millisOrNull(property.get("defaultValue"))).as(name + " default")
                        .isEqualTo(componentDefault(model));
                return;
            }
            softly.assertThat(property.get("type")).as(name + " type")
                    .isEqualTo(WRAPPERS.getOrDefault(javaType, javaType));
            softly.assertThat(stringOrNull(property.get("defaultValue"))).as(name + " default")
                    .isEqualTo(componentDefault(model));
        });
        softly.assertAll();
    }

    @ParameterizedTest
    @MethodSource("starters")
    void everyStarterPropertyHasTheComponentOptionsDescription(Starter starter) throws IOException {
        Map<String, Map<String, Object>> properties = starterProperties(starter);
        SoftAssertions softly = new SoftAssertions();
        componentOptions(starter).forEach((option, model) -> {
            Map<String, Object> property = properties.get(starter.prefix() + kebabCase(option));
            if (property == null) {
                return; // reported by the test above
            }
            softly.assertThat(normalizedText(property.get("description"))).as(option)
                    .isEqualTo(normalizedText(expectedDescription(model)));
        });
        softly.assertAll();
    }

    @ParameterizedTest
    @MethodSource("starters")
    void theStarterHasNoPropertyTheComponentLacks(Starter starter) throws IOException {
        List<String> fromComponent = componentOptions(starter).keySet().stream()
                .map(o -> starter.prefix() + kebabCase(o)).toList();
        assertThat(starterProperties(starter).keySet()).containsExactlyInAnyOrderElementsOf(
                concat(fromComponent, starter.enabled(), starter.customizerEnabled()));
        assertThat(starterProperties(starter).get(starter.enabled()).get("description")).asString().isNotBlank();
    }

    @ParameterizedTest
    @MethodSource("starters")
    void theEnabledSwitchDocumentsItsDefault(Starter starter) throws IOException {
        assertThat(starterProperties(starter).get(starter.enabled()).get("defaultValue")).isEqualTo(true);
    }

    /** The dependency snippet shows the release this build becomes, the same version as camel-iotmp. */
    @ParameterizedTest
    @MethodSource("starters")
    void theDocumentedDependencyIsThisRelease(Starter starter) throws IOException {
        URL url = IotmpStarterMetadataTest.class.getClassLoader().getResource(starter.json());
        assertThat(url).as(starter.json() + " of the camel-iotmp jar").isNotNull();
        String release = JsonPath.<String>read(read(url), "$.component.version").replace("-SNAPSHOT", "");
        assertThat(Files.readString(Path.of(starter.adoc()), StandardCharsets.UTF_8))
                .contains("<artifactId>camel-iotmp-starter</artifactId>\n  <version>" + release + "</version>");
    }

    @ParameterizedTest
    @MethodSource("starters")
    void theDocumentedTableListsEveryPropertyWithItsMetadata(Starter starter) throws IOException {
        Map<String, Map<String, Object>> properties = starterProperties(starter);
        Map<String, List<String>> rows = documentedRows(starter);
        // like the tables of Camel's own starters, the customizer switch is described in the text, not the table
        assertThat(rows.keySet()).containsExactlyInAnyOrderElementsOf(
                properties.keySet().stream().filter(n -> !n.equals(starter.customizerEnabled())).toList());
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
     * What camel-spring-boot's generator writes for an option: its description, plus the Java type for object
     * options, which take a bean reference. Duration options say how to write them instead.
     */
    private static String expectedDescription(Map<String, Object> model) {
        String description = (String) model.get("description");
        String end = description.endsWith(".") ? "" : ".";
        if (isDuration(model)) {
            return description + end + " " + DURATION_SENTENCE;
        }
        boolean typed = "object".equals(model.get("type")) && model.get("enum") == null;
        if (!typed) {
            return description;
        }
        return description + end + " The option is a " + model.get("javaType") + " type.";
    }

    private static boolean isDuration(Map<String, Object> model) {
        return "duration".equals(model.get("type"));
    }

    /** A Duration default as the metadata spells it (10s, 500ms), in milliseconds as the component spells it. */
    private static String millisOrNull(Object value) {
        return value == null ? null
                : String.valueOf(DurationStyle.detectAndParse(value.toString(), ChronoUnit.MILLIS).toMillis());
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

    private static Map<String, Map<String, Object>> componentOptions(Starter starter) throws IOException {
        URL url = IotmpStarterMetadataTest.class.getClassLoader().getResource(starter.json());
        assertThat(url).as(starter.json() + " of the camel-iotmp jar").isNotNull();
        Map<String, Map<String, Object>> options = JsonPath.read(read(url), "$.componentProperties");
        assertThat(options).isNotEmpty();
        return options;
    }

    /**
     * The component's properties in this starter's metadata, told apart from the other jars' files of the same name
     * by its group, and from the other component's properties by their prefix.
     */
    private static Map<String, Map<String, Object>> starterProperties(Starter starter) throws IOException {
        List<String> ours = new ArrayList<>();
        for (URL url : Collections.list(IotmpStarterMetadataTest.class.getClassLoader()
                .getResources("META-INF/spring-configuration-metadata.json"))) {
            String json = read(url);
            List<String> groups = JsonPath.read(json, "$.groups[*].name");
            if (groups.contains("camel.component." + starter.component())) {
                ours.add(json);
            }
        }
        assertThat(ours).as("spring-configuration-metadata.json files with camel.component." + starter.component())
                .hasSize(1);
        List<Map<String, Object>> properties = JsonPath.read(ours.get(0), "$.properties");
        Map<String, Map<String, Object>> byName = new TreeMap<>();
        properties.stream().filter(p -> ((String) p.get("name")).startsWith(starter.prefix()))
                .filter(p -> !((String) p.get("name")).startsWith(CLUSTER_PREFIX))
                .forEach(p -> byName.put((String) p.get("name"), p));
        assertThat(byName).isNotEmpty();
        return byName;
    }

    /** The camel.component.iotmp.cluster.* properties, by name, from the starter's metadata. */
    private static Map<String, Map<String, Object>> clusterProperties() throws IOException {
        Map<String, Map<String, Object>> byName = new TreeMap<>();
        for (URL url : Collections.list(IotmpStarterMetadataTest.class.getClassLoader()
                .getResources("META-INF/spring-configuration-metadata.json"))) {
            List<Map<String, Object>> properties = JsonPath.read(read(url), "$.properties");
            properties.stream().filter(p -> ((String) p.get("name")).startsWith(CLUSTER_PREFIX))
                    .forEach(p -> byName.put((String) p.get("name"), p));
        }
        return byName;
    }

    /** The cluster table of the starter's adoc lists every cluster property with its description, default, type. */
    @org.junit.jupiter.api.Test
    void theClusterTableListsEveryClusterPropertyWithItsMetadata() throws IOException {
        Map<String, Map<String, Object>> properties = clusterProperties();
        assertThat(properties).containsKeys(CLUSTER_PREFIX + "enabled", CLUSTER_PREFIX + "name",
                CLUSTER_PREFIX + "port", CLUSTER_PREFIX + "members");
        Map<String, List<String>> rows = rows("src/main/docs/iotmp-starter.adoc", CLUSTER_PREFIX);
        assertThat(rows.keySet()).containsExactlyInAnyOrderElementsOf(properties.keySet());
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

    /** The cluster properties' defaults are the cluster options' own. */
    @org.junit.jupiter.api.Test
    void theClusterDefaultsAreTheClusterOptionsDefaults() {
        IotmpClusterProperties defaults = new IotmpClusterProperties();
        assertThat(defaults.getName()).isEqualTo(io.cameliotmp.cluster.ClusterOptions.DEFAULT_NAME);
        assertThat(defaults.getBindAddress()).isEqualTo(io.cameliotmp.cluster.ClusterOptions.DEFAULT_BIND_ADDRESS);
        assertThat(defaults.getPort()).isEqualTo(io.cameliotmp.cluster.ClusterOptions.DEFAULT_PORT);
        assertThat(defaults.getFdPortOffset()).isEqualTo(io.cameliotmp.cluster.ClusterOptions.DEFAULT_FD_PORT_OFFSET);
        assertThat(defaults.toOptions().relayBounds()).isEqualTo(io.cameliotmp.cluster.RelayBounds.DEFAULTS);
        assertThat(defaults.getDnsRecordType()).isEqualTo(io.cameliotmp.cluster.ClusterOptions.Dns.DEFAULT_RECORD_TYPE);
        assertThat(defaults.isEnabled()).isFalse();
    }

    /** Rows of the property table: name to description, default and type. */
    private static Map<String, List<String>> documentedRows(Starter starter) throws IOException {
        Map<String, List<String>> rows = rows(starter.adoc(), starter.prefix());
        rows.keySet().removeIf(name -> name.startsWith(CLUSTER_PREFIX));
        return rows;
    }

    /** Rows of the property tables of an adoc whose names start with the prefix. */
    private static Map<String, List<String>> rows(String adoc, String prefix) throws IOException {
        Map<String, List<String>> rows = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of(adoc), StandardCharsets.UTF_8)) {
            if (!line.startsWith("| *" + prefix)) {
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
