package io.cameliotmp.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.cameliotmp.server.QuotaExceededException;
import io.cameliotmp.server.Refusal;
import io.cameliotmp.server.ServerMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Names the documents users read give, and the code must have: every test a document cites as proof exists (and so
 * does the test method it names), every meter a document names is registered under that name, with the tags and tag
 * values it shows, by one of the modules, the reasons of {@code iotmp.refusals} and the quotas of
 * {@code iotmp.quota.refusals} the operations guide and the component reference list are exactly the code's, and
 * every cross reference of the Asciidoc references leads to one of their sections. A renamed test, meter or section
 * cannot leave a document behind.
 */
class DocumentedNamesTest {

    /** The repository root, seen from this module's directory (where the build runs the tests). */
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    /** The modules whose main sources register meters. */
    private static final List<String> MODULES = List.of("camel-iotmp", "camel-iotmp-api", "camel-iotmp-cluster",
            "camel-iotmp-starter");

    /**
     * {@code FooTest}, {@code FooIT}, {@code FooTest#method} or {@code FooTest.method}; not an annotation
     * ({@code @FuzzTest}) nor a qualified name's tail. Group 1 is the class, group 2 the method.
     */
    private static final Pattern CITED_TEST =
            Pattern.compile("(?<![@\\w.$])([A-Z][a-z]\\w*(?:Test|IT))\\b(?:[#.]([a-z]\\w*)(?![\\w.]))?");

    /** A code span naming a meter, {@code iotmp.name} with tags such as {@code {reason=device-blocked}}. */
    private static final Pattern METER_SPAN = Pattern.compile("`(iotmp\\.[a-z][a-z.]*[a-z])(\\{[^}`]*\\})?`");

    /**
     * Code spans of the {@code iotmp.} form that are no meter: the component's metadata file, and the details of the
     * iotmp health check as Spring Boot's actuator shows them.
     */
    private static final Set<String> NOT_METERS = Set.of("iotmp.json", "iotmp.data");

    /**
     * The documents users read, relative to the repository root: those whose links {@link DocumentationLinksTest}
     * follows but the changelog (which names what was, not what is), and the modules' Asciidoc references.
     */
    static Stream<String> documents() throws IOException {
        List<String> documents = new ArrayList<>(DocumentationLinksTest.documents()
                .filter(document -> !"CHANGELOG.md".equals(document)).toList());
        documents.addAll(references());
        assertThat(documents).contains("docs/operations.md", "camel-iotmp/src/main/docs/iotmp-component.adoc");
        return documents.stream();
    }

    /**
     * The documents that name meters: all but the examples' READMEs, whose {@code iotmp.} names are their own (the
     * Kafka bridge's topics).
     */
    static Stream<String> guides() throws IOException {
        return documents().filter(document -> !document.startsWith("examples/"));
    }

    /** The Asciidoc references of the modules. */
    static List<String> references() throws IOException {
        List<String> references = new ArrayList<>();
        for (String module : MODULES) {
            Path docs = ROOT.resolve(module).resolve("src/main/docs");
            if (Files.isDirectory(docs)) {
                try (Stream<Path> files = Files.list(docs)) {
                    files.filter(p -> p.toString().endsWith(".adoc")).sorted()
                            .forEach(p -> references.add(module + "/src/main/docs/" + p.getFileName()));
                }
            }
        }
        return references;
    }

    private static String read(String document) {
        try {
            return Files.readString(ROOT.resolve(document), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Test sources of the repository by class name: every module's and every example's {@code src/test/java}. */
    private static Map<String, Path> testClasses() throws IOException {
        Map<String, Path> classes = new HashMap<>();
        try (Stream<Path> files = Files.walk(ROOT)) {
            files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> ROOT.relativize(p).toString().replace('\\', '/').contains("/src/test/java/"))
                    .filter(p -> !ROOT.relativize(p).toString().contains("target"))
                    .forEach(p -> classes.put(p.getFileName().toString().replace(".java", ""), p));
        }
        return classes;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("documents")
    void everyTestADocumentCitesExists(String document) throws IOException {
        Map<String, Path> tests = testClasses();
        assertThat(tests).containsKeys("DocumentedNamesTest", "ComponentDocumentationTest");
        List<String> missing = new ArrayList<>();
        Matcher cited = CITED_TEST.matcher(read(document));
        while (cited.find()) {
            Path source = tests.get(cited.group(1));
            String method = cited.group(2);
            if (source == null) {
                missing.add(cited.group());
            } else if (method != null && !method.equals("java")
                       && !Pattern.compile("\\b" + method + "\\s*\\(").matcher(Files.readString(source)).find()) {
                missing.add(cited.group() + " (no such method)");
            }
        }
        assertThat(missing).as("tests %s cites that do not exist", document).isEmpty();
    }

    /** Every string literal of the modules' main sources. */
    private static Set<String> literals() throws IOException {
        Set<String> literals = new HashSet<>();
        Pattern literal = Pattern.compile("\"((?:[^\"\\\\\\n]|\\\\.)*)\"");
        for (String module : MODULES) {
            try (Stream<Path> files = Files.walk(ROOT.resolve(module).resolve("src/main/java"))) {
                for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    Matcher m = literal.matcher(Files.readString(file));
                    while (m.find()) {
                        literals.add(m.group(1));
                    }
                }
            }
        }
        return literals;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("guides")
    void everyMeterADocumentNamesIsRegisteredWithItsTags(String document) throws IOException {
        Set<String> literals = literals();
        assertThat(literals).contains("iotmp.devices.connected", "iotmp.api.sessions", "event");
        Set<String> tagValues = new HashSet<>(literals);
        Arrays.stream(Refusal.values()).map(Refusal::tag).forEach(tagValues::add);
        Arrays.stream(QuotaExceededException.Quota.values()).map(QuotaExceededException.Quota::tag)
                .forEach(tagValues::add);
        Arrays.stream(ServerMetrics.FirmwareOutcome.values()).map(ServerMetrics.FirmwareOutcome::tag)
                .forEach(tagValues::add);
        List<String> unknown = new ArrayList<>();
        Matcher span = METER_SPAN.matcher(read(document));
        while (span.find()) {
            String name = span.group(1);
            if (NOT_METERS.contains(name)) {
                continue;
            }
            if (!literals.contains(name)) {
                unknown.add(span.group());
                continue;
            }
            if (span.group(2) == null) {
                continue;
            }
            // {key}, {key=value}, {key=a|b} (a table cell escapes the bar), {key=…}
            for (String tag : span.group(2).substring(1, span.group(2).length() - 1).split(",")) {
                String[] keyAndValues = tag.trim().split("=", 2);
                if (!literals.contains(keyAndValues[0])) {
                    unknown.add(span.group() + " (tag " + keyAndValues[0] + ")");
                }
                if (keyAndValues.length == 2 && !keyAndValues[1].equals("…")) {
                    for (String value : keyAndValues[1].split("\\\\?\\|")) {
                        if (!tagValues.contains(value)) {
                            unknown.add(span.group() + " (value " + value + ")");
                        }
                    }
                }
            }
        }
        assertThat(unknown).as("meters %s names that no module registers", document).isEmpty();
    }

    /** The code spans of {@code text} from {@code from} up to {@code to} that are tags: lower case, with dashes. */
    private static Set<String> tagsBetween(String text, String from, String to) {
        int start = text.indexOf(from);
        assertThat(start).as(from).isNotNegative();
        int end = text.indexOf(to, start + from.length());
        assertThat(end).as(to + " after " + from).isPositive();
        Set<String> tags = new TreeSet<>();
        Matcher span = Pattern.compile("`([a-z]+(?:-[a-z]+)*)`").matcher(text.substring(start + from.length(), end));
        while (span.find()) {
            tags.add(span.group(1));
        }
        return tags;
    }

    @Test
    void theReasonsAndQuotasTheDocumentsListAreTheCodes() {
        Set<String> reasons = Arrays.stream(Refusal.values()).map(Refusal::tag).collect(Collectors.toSet());
        Set<String> quotas = Arrays.stream(QuotaExceededException.Quota.values())
                .map(QuotaExceededException.Quota::tag).collect(Collectors.toSet());
        String guide = read("docs/operations.md");
        assertThat(tagsBetween(guide, "| `iotmp.refusals` | counter | `port`, `reason` =", " | "))
                .as("docs/operations.md's reasons").containsExactlyInAnyOrderElementsOf(reasons);
        assertThat(tagsBetween(guide, "| `iotmp.quota.refusals` | counter | `port`, `quota` =", " | "))
                .as("docs/operations.md's quotas").containsExactlyInAnyOrderElementsOf(quotas);
        String reference = read("camel-iotmp/src/main/docs/iotmp-component.adoc");
        assertThat(tagsBetween(reference, "`iotmp.refusals` (`reason` =", "and `iotmp.quota.refusals`"))
                .as("the component reference's reasons").containsExactlyInAnyOrderElementsOf(reasons);
        assertThat(tagsBetween(reference, "`iotmp.quota.refusals` (`quota` =", "With camel-health"))
                .as("the component reference's quotas").containsExactlyInAnyOrderElementsOf(quotas);
    }

    @Test
    void everyCrossReferenceOfTheAsciidocReferencesLeadsToASection() throws IOException {
        Pattern crossReference = Pattern.compile("<<([^,>]+)(?:,[^>]*)?>>");
        Pattern title = Pattern.compile("(?m)^=+\\s+(.*?)\\s*$");
        int checked = 0;
        List<String> broken = new ArrayList<>();
        for (String reference : references()) {
            String text = read(reference);
            Set<String> targets = new HashSet<>(DocumentationLinksTest.adocAnchors(text.lines().toList()));
            Matcher heading = title.matcher(text);
            while (heading.find()) {
                targets.add(heading.group(1)); // a natural cross reference names the title itself
            }
            Matcher link = crossReference.matcher(text);
            while (link.find()) {
                checked++;
                if (!targets.contains(link.group(1).trim())) {
                    broken.add(reference + ": " + link.group());
                }
            }
        }
        assertThat(checked).as("cross references found").isGreaterThan(2);
        assertThat(broken).as("cross references that lead to no section").isEmpty();
    }
}
