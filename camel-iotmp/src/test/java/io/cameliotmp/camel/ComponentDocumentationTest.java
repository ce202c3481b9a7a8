package io.cameliotmp.camel;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The adoc must document every option and header of the generated metadata, so the reference cannot drift from
 * the code (the metadata itself is regenerated from the annotations by every build).
 */
class ComponentDocumentationTest {

    private static String read(String resource) throws IOException {
        try (InputStream in = ComponentDocumentationTest.class.getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Keys of one top-level object of iotmp.json, e.g. "properties". */
    private static List<String> keysOf(String json, String section) {
        int start = json.indexOf("\"" + section + "\": {");
        assertThat(start).as(section).isNotNegative();
        int depth = 0;
        int end = start;
        for (int i = json.indexOf('{', start); i < json.length(); i++) {
            char c = json.charAt(i);
            depth += c == '{' ? 1 : c == '}' ? -1 : 0;
            if (depth == 0) {
                end = i;
                break;
            }
        }
        List<String> keys = new ArrayList<>();
        Matcher m = Pattern.compile("\\n    \"([A-Za-z]+)\": \\{").matcher(json.substring(start, end));
        while (m.find()) {
            keys.add(m.group(1));
        }
        return keys;
    }

    @Test
    void everyOptionAndHeaderIsDocumented() throws IOException {
        String json = read("/META-INF/io/cameliotmp/camel/iotmp.json");
        String adoc = Files.readString(Path.of("src/main/docs/iotmp-component.adoc"));
        List<String> names = new ArrayList<>();
        names.addAll(keysOf(json, "componentProperties"));
        names.addAll(keysOf(json, "properties"));
        names.addAll(keysOf(json, "headers"));
        assertThat(names).contains("host", "operation", "CamelIotmpUser").hasSizeGreaterThan(40);
        for (String name : names) {
            assertThat(adoc).as("iotmp-component.adoc documents " + name).containsPattern("[*`]" + name + "[*`]");
        }
    }
}
