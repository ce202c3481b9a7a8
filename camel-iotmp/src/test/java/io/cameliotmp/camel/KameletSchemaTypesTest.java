package io.cameliotmp.camel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.camel.util.json.JsonObject;
import org.apache.camel.util.json.Jsoner;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A kamelet property that becomes an iotmp endpoint option declares the JSON schema type of every value the option
 * takes. requestTimeout and interval were {@code integer}s, milliseconds: the endpoint takes {@code 30s} and
 * {@code PT30S} too, and a tool that checks a binding's properties against the schema refused them.
 */
class KameletSchemaTypesTest {

    private static final Path KAMELETS = Path.of("src/main/resources/kamelets");
    private static final Path METADATA = Path.of("src/generated/resources/META-INF/io/cameliotmp/camel/iotmp.json");

    /** The schema type of each of Camel's option types. */
    private static final Map<String, String> SCHEMA_TYPES = Map.of("duration", "string", "integer", "integer",
            "string", "string", "boolean", "boolean", "enum", "string");

    @Test
    @SuppressWarnings("unchecked")
    void everyPropertyThatIsAnEndpointOptionHasTheSchemaTypeOfItsValues() throws Exception {
        JsonObject options = (JsonObject) ((JsonObject) Jsoner.deserialize(Files.readString(METADATA)))
                .get("properties");
        List<String> checked = new ArrayList<>();
        List<String> wrong = new ArrayList<>();
        for (Path kamelet : kamelets()) {
            Map<String, Object> yaml = (Map<String, Object>) new Load(LoadSettings.builder().build())
                    .loadFromString(Files.readString(kamelet));
            Map<String, Object> spec = (Map<String, Object>) yaml.get("spec");
            Map<String, Map<String, Object>> properties = (Map<String, Map<String, Object>>)
                    ((Map<String, Object>) spec.get("definition")).get("properties");
            properties.forEach((name, schema) -> {
                JsonObject option = (JsonObject) options.get(name);
                if (option == null) {
                    return; // a path part (user, device, resource)
                }
                String expected = SCHEMA_TYPES.get(option.getString("type"));
                checked.add(kamelet.getFileName() + " " + name);
                if (!schema.get("type").equals(expected)) {
                    wrong.add(kamelet.getFileName() + " " + name + ": " + schema.get("type") + ", not " + expected
                              + " (a " + option.getString("type") + " option)");
                }
            });
        }
        assertThat(checked).contains("iotmp-sink.kamelet.yaml requestTimeout", "iotmp-source.kamelet.yaml interval",
                "iotmp-source.kamelet.yaml port");
        assertThat(wrong).isEmpty();
    }

    private static List<Path> kamelets() throws IOException {
        try (Stream<Path> files = Files.list(KAMELETS)) {
            return files.filter(p -> p.toString().endsWith(".kamelet.yaml")).sorted().toList();
        }
    }
}
