package io.cameliotmp.camel;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each component's adoc must document every option and header of its generated metadata, so the reference cannot
 * drift from the code (the metadata itself is regenerated from the annotations by every build). Its header is written
 * by hand (camel-component-maven-plugin does not touch the adoc) and checked here against the same metadata.
 */
class ComponentDocumentationTest {

    /** A component of this artifact: its generated metadata, its adoc, and names its metadata must hold. */
    record Documented(String json, String adoc, int minimumNames, String... someNames) {
        @Override
        public String toString() {
            return adoc;
        }
    }

    static Stream<Documented> components() {
        return Stream.of(
                new Documented("/META-INF/io/cameliotmp/camel/iotmp.json", "src/main/docs/iotmp-component.adoc", 40,
                        "host", "operation", "CamelIotmpUser"),
                new Documented("/META-INF/io/cameliotmp/camel/device/iotmp-device.json",
                        "src/main/docs/iotmp-device-component.adoc", 30, "host", "credential", "resourceKind",
                        "CamelIotmpDeviceTarget"));
    }

    private static String read(String resource) throws IOException {
        try (InputStream in = ComponentDocumentationTest.class.getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Keys of one top-level object of a component's json, e.g. "properties". */
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

    /** A string field of a component json's "component" object, such as "firstVersion". */
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
    @ParameterizedTest
    @MethodSource("components")
    void headerNamesCamelIotmpsOwnVersionAndTheCamelItRequires(Documented component) throws IOException {
        String json = read(component.json());
        String adoc = Files.readString(Path.of(component.adoc()));
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

    /**
     * Camel's options that the reference names in its prose rather than in a table: the nested configuration object
     * (whose options are the table's) and the generic autowiring switch.
     */
    private static final List<String> OPTIONS_IN_PROSE = List.of("configuration", "autowiredEnabled");

    /**
     * Every option has its row in an option table and every header its row in the headers table: a name merely
     * mentioned somewhere in the text (another option's description, an example) documents nothing.
     */
    @ParameterizedTest
    @MethodSource("components")
    void everyOptionAndHeaderHasItsRow(Documented component) throws IOException {
        String json = read(component.json());
        String adoc = Files.readString(Path.of(component.adoc()));
        List<String> options = new ArrayList<>();
        options.addAll(keysOf(json, "componentProperties"));
        options.addAll(keysOf(json, "properties"));
        List<String> headers = keysOf(json, "headers");
        assertThat(concat(options, headers)).contains(component.someNames())
                .hasSizeGreaterThan(component.minimumNames());
        for (String name : options) {
            if (OPTIONS_IN_PROSE.contains(name)) {
                assertThat(adoc).as(component.adoc() + " names " + name).contains("`" + name + "`");
            } else {
                assertThat(rowsOf(adoc, name)).as(component.adoc() + ": the row of option " + name).hasSize(1);
            }
        }
        for (String name : headers) {
            assertThat(adoc).as(component.adoc() + ": the row of header " + name)
                    .containsPattern("(?m)^\\| `" + name + "` \\|");
        }
    }

    /**
     * The type an option's row shows is its metadata's: the simple name of its Java type, or Duration for the
     * options Camel binds from a duration (such as {@code 5s}) whatever their Java type.
     */
    @ParameterizedTest
    @MethodSource("components")
    void everyDocumentedTypeIsTheCodesType(Documented component) throws IOException {
        String json = read(component.json());
        String adoc = Files.readString(Path.of(component.adoc()));
        Matcher option = Pattern.compile("(?m)^    \"([A-Za-z]+)\": \\{ \"index\".*?\"type\": \"([a-z]+)\".*?"
                                         + "\"javaType\": \"([\\w.$<>, ]+)\"").matcher(json);
        int checked = 0;
        while (option.find()) {
            String name = option.group(1);
            if (OPTIONS_IN_PROSE.contains(name)) {
                continue;
            }
            String javaType = option.group(3);
            String expected = option.group(2).equals("duration") ? "Duration"
                    : javaType.substring(javaType.lastIndexOf('.') + 1);
            for (String row : rowsOf(adoc, name)) {
                assertThat(cells(row).get(2)).as(component.adoc() + ": the type of " + name).isEqualTo(expected);
                checked++;
            }
        }
        assertThat(checked).as("options with a type").isGreaterThan(component.minimumNames());
    }

    /**
     * The default an option's row of the adoc shows in its default column (in backticks, perhaps followed by a unit
     * such as "(ms)") is the one its generated metadata has: a default changed in the code cannot leave the reference
     * behind. A default written elsewhere in the row (a value its description mentions) does not count.
     */
    @ParameterizedTest
    @MethodSource("components")
    void everyDocumentedDefaultIsTheCodesDefault(Documented component) throws IOException {
        String json = read(component.json());
        String adoc = Files.readString(Path.of(component.adoc()));
        Matcher option = Pattern.compile("(?m)^    \"([A-Za-z]+)\": \\{ \"index\".*?\"defaultValue\": \"?([^\",]*)\"?,")
                .matcher(json);
        int checked = 0;
        while (option.find()) {
            String name = option.group(1);
            String defaultValue = option.group(2).replace("\\/", "/"); // JSON may escape a slash
            if (OPTIONS_IN_PROSE.contains(name)) {
                continue;
            }
            for (String row : rowsOf(adoc, name)) {
                assertThat(cells(row).get(1)).as(component.adoc() + ": the default of " + name)
                        .matches(Pattern.quote("`" + defaultValue + "`") + "( \\(.*\\))?");
                checked++;
            }
        }
        assertThat(checked).as("options with a default").isGreaterThan(component.minimumNames() / 2);
    }

    /** A row's description, default and type, its lines joined; the default and type cells hold no '|'. */
    private static List<String> cells(String row) {
        String text = row.replaceAll("\\s+", " ").strip();
        int type = text.lastIndexOf('|');
        int defaultValue = text.lastIndexOf('|', type - 1);
        assertThat(defaultValue).as("cells of " + text).isPositive();
        return List.of(text.substring(0, defaultValue).strip(), text.substring(defaultValue + 1, type).strip(),
                text.substring(type + 1).strip());
    }

    private static List<String> concat(List<String> first, List<String> second) {
        List<String> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }

    /**
     * The iotmp reference's table of exceptions is where routes learn what to catch: every exception class of the
     * server's packages (what producers fail with, and what server and service routes throw to choose a device's
     * ERROR) has its row there, and every row names a class that exists.
     */
    @Test
    void theExceptionsTableListsEveryExceptionOfTheServer() throws IOException {
        Path server = Path.of("src/main/java/io/cameliotmp/server");
        List<String> classes = new ArrayList<>();
        for (Path dir : List.of(server, server.resolve("ota"))) {
            String prefix = dir.equals(server) ? "" : "ota.";
            try (Stream<Path> files = Files.list(dir)) {
                files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith("Exception.java"))
                        .map(n -> prefix + n.substring(0, n.length() - ".java".length())).forEach(classes::add);
            }
        }
        String adoc = Files.readString(Path.of("src/main/docs/iotmp-component.adoc"));
        String table = adoc.substring(adoc.indexOf("== Exceptions"), adoc.indexOf("== Metrics and health"));
        List<String> rows = new ArrayList<>();
        Matcher row = Pattern.compile("(?m)^\\| `([\\w.]+)` \\|").matcher(table);
        while (row.find()) {
            rows.add(row.group(1));
        }
        assertThat(classes).contains("DeviceNotConnectedException", "ota.FirmwareUpdateException");
        assertThat(rows).as("the rows of the exceptions table").containsExactlyInAnyOrderElementsOf(classes);
    }

    /** An option's default in a guide's prose: {@code `maxFrameSize` (256 KiB)}, {@code `maxInFlight` (64 per …)}. */
    private static final Pattern DEFAULT_IN_PARENTHESES = Pattern.compile("`([a-z][A-Za-z]+)` \\((?:default )?"
            + "(\\d[\\d,]*)(?: ?(B|KiB|MiB|GiB|ms|s|min|minutes|h|hour))?(?=[;,)]| by default| per )");

    /** An option's default in the column after it: {@code | `maxFrameSize` | 262,144 B |}. */
    private static final Pattern DEFAULT_IN_TABLE = Pattern.compile("\\| `([a-z][A-Za-z]+)`(?: \\([a-z]+\\))? \\| "
            + "(\\d[\\d,]*)(?: ?(B|KiB|MiB|GiB|ms|s|min|minutes|h|hour))?(?![\\w.,])");

    /** An option of a component's metadata with a numeric default. */
    private static final Pattern NUMERIC_DEFAULT =
            Pattern.compile("(?m)^    \"([A-Za-z]+)\": \\{ \"index\".*?\"defaultValue\": \"?(-?\\d+)\"?,");

    private static final Map<String, Long> UNITS = Map.of("B", 1L, "KiB", 1024L, "MiB", 1024L * 1024,
            "GiB", 1024L * 1024 * 1024, "ms", 1L, "s", 1000L, "min", 60_000L, "minutes", 60_000L, "h", 3_600_000L,
            "hour", 3_600_000L);

    /**
     * The guides (docs/*.md but the performance report, whose runs set options to the values measured) give options'
     * defaults in their prose and tables: each is a default of that option in the generated metadata of iotmp or
     * iotmp-device, in the unit written (durations are in milliseconds in the metadata; an integer option counted in
     * seconds, such as keepAlive, is written in seconds).
     */
    @Test
    void everyDefaultTheGuidesGiveIsTheCodes() throws IOException {
        Map<String, List<Long>> defaults = new HashMap<>();
        for (Documented component : components().toList()) {
            Matcher option = NUMERIC_DEFAULT.matcher(read(component.json()));
            while (option.find()) {
                long value = Long.parseLong(option.group(2));
                defaults.computeIfAbsent(option.group(1), name -> new ArrayList<>()).add(value);
            }
        }
        List<Path> guides;
        try (Stream<Path> docs = Files.list(Path.of("../docs"))) {
            guides = docs.filter(p -> p.toString().endsWith(".md"))
                    .filter(p -> !p.getFileName().toString().equals("performance.md")).sorted().toList();
        }
        List<String> wrong = new ArrayList<>();
        int checked = 0;
        for (Path guide : guides) {
            String text = Files.readString(guide);
            for (Pattern form : List.of(DEFAULT_IN_PARENTHESES, DEFAULT_IN_TABLE)) {
                Matcher given = form.matcher(text);
                while (given.find()) {
                    List<Long> codes = defaults.get(given.group(1));
                    if (codes == null || given.group(1).equals("port")) {
                        continue; // not an option of the components (the cluster's, the device API's, its port)
                    }
                    checked++;
                    long number = Long.parseLong(given.group(2).replace(",", ""));
                    String unit = given.group(3);
                    long value = number * (unit == null ? 1 : UNITS.get(unit));
                    if (!codes.contains(value) && !("s".equals(unit) && codes.contains(number))) {
                        wrong.add(guide.getFileName() + ": " + given.group() + " (the code's: " + codes + ")");
                    }
                }
            }
        }
        assertThat(checked).as("defaults found in the guides").isGreaterThan(40);
        assertThat(wrong).as("defaults the guides give that are not the code's").isEmpty();
    }

    /** The rows of the adoc's option tables that start with {@code | *name*}, each up to the next row or table end. */
    private static List<String> rowsOf(String adoc, String name) {
        List<String> rows = new ArrayList<>();
        Matcher row = Pattern.compile("(?ms)^\\| \\*" + name + "\\*.*?(?=^\\| |^\\|===)").matcher(adoc);
        while (row.find()) {
            rows.add(row.group());
        }
        return rows;
    }
}
