package io.cameliotmp.camel;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The adoc must document every option and header of the generated metadata, so the reference cannot drift from
 * the code (the metadata itself is regenerated from the annotations by every build). Its header is written by hand
 * (camel-component-maven-plugin does not touch the adoc) and checked here against the same metadata.
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

    /** A string field of iotmp.json's "component" object, such as "firstVersion". */
    private static String componentField(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\": \"([^\"]*)\"").matcher(json);
        assertThat(m.find()).as(field).isTrue();
        return m.group(1);
    }

    /**
     * camel-iotmp has its own version: the header names the camel-iotmp release the component first appeared in
     * (the pom's firstVersion) and the Camel minor it is built against, never "Since Camel …" as Camel's own
     * components do; the dependency snippet shows the release this build becomes.
     */
    @Test
    void headerNamesCamelIotmpsOwnVersionAndTheCamelItRequires() throws IOException {
        String json = read("/META-INF/io/cameliotmp/camel/iotmp.json");
        String adoc = Files.readString(Path.of("src/main/docs/iotmp-component.adoc"));
        String firstVersion = componentField(json, "firstVersion");
        String release = componentField(json, "version").replace("-SNAPSHOT", "");
        Properties camelApi = new Properties();
        try (InputStream in = ComponentDocumentationTest.class
                .getResourceAsStream("/META-INF/maven/org.apache.camel/camel-api/pom.properties")) {
            assertThat(in).as("camel-api's pom.properties").isNotNull();
            camelApi.load(in);
        }
        String camel = camelApi.getProperty("version");
        String camelMinor = camel.substring(0, camel.indexOf('.', camel.indexOf('.') + 1));

        assertThat(adoc)
                .contains(":since: " + firstVersion + "\n")
                .contains("*Since camel-iotmp " + firstVersion + " (requires Apache Camel " + camelMinor + ")*")
                .doesNotContain("Since Camel")
                .contains("<artifactId>camel-iotmp</artifactId>\n    <version>" + release + "</version>");
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
