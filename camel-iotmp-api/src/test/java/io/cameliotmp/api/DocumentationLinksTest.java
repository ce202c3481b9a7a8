package io.cameliotmp.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every relative link of the Markdown users read (README.md, CHANGELOG.md, docs/*.md, examples/*&#47;README.md)
 * leads to a file of the repository and, when it names a fragment, to a heading of that file as GitHub anchors it:
 * a renamed heading or a moved document cannot leave a dead link behind. No document sends a reader to
 * {@code ../shared}, which is not part of what users get.
 */
class DocumentationLinksTest {

    /** The repository root, seen from this module's directory (where the build runs the tests). */
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    /** {@code [text](target)} or {@code ![alt](target "title")}: group 1 is the target. */
    private static final Pattern INLINE_LINK = Pattern.compile("\\]\\(\\s*<?([^)\\s>]+)>?(?:\\s+\"[^\"]*\")?\\s*\\)");

    /** {@code [label]: target}, a reference definition: group 1 is the target. */
    private static final Pattern REFERENCE_DEFINITION = Pattern.compile("^ {0,3}\\[[^\\]]+\\]:\\s*<?([^\\s>]+)>?");

    private static final Pattern CODE_SPAN = Pattern.compile("(`+).*?\\1");

    private static final Pattern FENCE = Pattern.compile("^ {0,3}(```|~~~)");

    private static final Pattern MARKDOWN_HEADING = Pattern.compile("^ {0,3}#{1,6}\\s+(.*?)(?:\\s+#+)?\\s*$");

    private static final Pattern ADOC_HEADING = Pattern.compile("^=+\\s+(.*?)\\s*$");

    private static final Pattern ADOC_EXPLICIT_ID =
            Pattern.compile("\\[\\[([\\w.-]+)(?:,[^\\]]*)?\\]\\]|\\[#([\\w.-]+)");

    record Link(Path document, int line, String target) {
        @Override
        public String toString() {
            return ROOT.relativize(document) + ":" + line + " -> " + target;
        }
    }

    /** The documents, relative to the repository root: README.md, CHANGELOG.md, docs/*.md, examples/*&#47;README.md. */
    static Stream<String> documents() throws IOException {
        List<String> documents = new ArrayList<>(List.of("README.md", "CHANGELOG.md"));
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"));
             Stream<Path> examples = Files.list(ROOT.resolve("examples"))) {
            docs.filter(p -> p.toString().endsWith(".md")).map(p -> "docs/" + p.getFileName()).sorted()
                    .forEach(documents::add);
            examples.filter(p -> Files.isRegularFile(p.resolve("README.md")))
                    .map(p -> "examples/" + p.getFileName() + "/README.md").sorted().forEach(documents::add);
        }
        assertThat(documents).hasSizeGreaterThan(15);
        return documents.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("documents")
    void everyRelativeLinkReachesAFileAndItsHeading(String document) throws IOException {
        List<String> broken = new ArrayList<>();
        for (Link link : relativeLinks(ROOT.resolve(document))) {
            String problem = problemOf(link);
            if (problem != null) {
                broken.add(link + ": " + problem);
            }
        }
        assertThat(broken).as("broken links of " + document).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("documents")
    void noDocumentPointsAtTheSharedFolder(String document) throws IOException {
        assertThat(Files.readString(ROOT.resolve(document), StandardCharsets.UTF_8)).as(document)
                .doesNotContain("../shared");
    }

    /** The links are found at all: a reader that found none would pass every document. */
    @Test
    void theLinksOfTheDocumentsAreFound() throws IOException {
        List<Link> links = relativeLinks(ROOT.resolve("docs/README.md"));
        assertThat(links).extracting(Link::target).contains("getting-started.md", "api.md");
        assertThat(relativeLinks(ROOT.resolve("docs/reference.md"))).extracting(Link::target)
                .anyMatch(target -> target.contains(".adoc#"));
    }

    /** GitHub's anchors, on the shapes the documents' headings have. */
    @Test
    void headingsAreAnchoredAsGitHubAnchorsThem() {
        Set<String> markdown = markdownAnchors(List.of(
                "# Limits", "## What happens to hostile or broken input", "## `iotmp.connections` and `maxFrameSize`",
                "### Limits", "### Limits", "## Step 3: run it (TLS, WebSocket)", "```", "# Not a heading", "```",
                "## [A link](other.md) in a *heading*", "## Shared streams at the greatest common divisor",
                "## gen-2 — PSON v2 §3.1"));
        assertThat(markdown).containsExactlyInAnyOrder("limits", "what-happens-to-hostile-or-broken-input",
                "iotmpconnections-and-maxframesize", "limits-1", "limits-2", "step-3-run-it-tls-websocket",
                "a-link-in-a-heading", "shared-streams-at-the-greatest-common-divisor", "gen-2--pson-v2-31");
        Set<String> adoc = adocAnchors(List.of("== URI format", "=== Server options", "== Bodies of `call`",
                "[[custom-id]]", "== Bodies of call", "=== Legacy (Thinger) devices"));
        assertThat(adoc).containsExactlyInAnyOrder("uri-format", "server-options", "bodies-of-call", "custom-id",
                "bodies-of-call-2", "legacy-thinger-devices");
    }

    private static List<Link> relativeLinks(Path document) throws IOException {
        List<Link> links = new ArrayList<>();
        List<String> lines = Files.readAllLines(document, StandardCharsets.UTF_8);
        boolean fenced = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (FENCE.matcher(line).find()) {
                fenced = !fenced;
                continue;
            }
            if (fenced) {
                continue;
            }
            String text = CODE_SPAN.matcher(line).replaceAll("");
            List<String> targets = new ArrayList<>();
            Matcher inline = INLINE_LINK.matcher(text);
            while (inline.find()) {
                targets.add(inline.group(1));
            }
            Matcher definition = REFERENCE_DEFINITION.matcher(text);
            if (definition.find()) {
                targets.add(definition.group(1));
            }
            for (String target : targets) {
                if (!target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) { // http:, https:, mailto: … are not ours
                    links.add(new Link(document, i + 1, target));
                }
            }
        }
        return links;
    }

    /** What is wrong with a link, or null when it leads to a file of the repository and to one of its headings. */
    private static String problemOf(Link link) {
        int hash = link.target().indexOf('#');
        String file = hash < 0 ? link.target() : link.target().substring(0, hash);
        String fragment = hash < 0 ? null : link.target().substring(hash + 1);
        Path target = file.isEmpty() ? link.document()
                : link.document().getParent().resolve(decode(file)).normalize();
        if (!target.startsWith(ROOT)) {
            return "leads out of the repository, which users do not have";
        }
        if (!Files.exists(target)) {
            return "no such file";
        }
        if (fragment == null || fragment.isEmpty()) {
            return null;
        }
        String name = target.getFileName().toString();
        Set<String> anchors;
        if (name.endsWith(".md")) {
            anchors = markdownAnchors(readLines(target));
        } else if (name.endsWith(".adoc")) {
            anchors = adocAnchors(readLines(target));
        } else {
            return null; // a line of a source file and the like: GitHub's, not ours to check
        }
        return anchors.contains(decode(fragment)) ? null : "no heading with the anchor #" + fragment;
    }

    private static String decode(String path) {
        return path.replace("%20", " ");
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * GitHub's anchors of a Markdown document: the heading's text as rendered (code spans, emphasis and links reduced
     * to their text), lower-cased, every character but letters, digits, '_', '-' and spaces removed, each space made a
     * '-'; the second heading with the same anchor gets "-1", the third "-2".
     */
    static Set<String> markdownAnchors(List<String> lines) {
        Set<String> anchors = new HashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        boolean fenced = false;
        for (String line : lines) {
            if (FENCE.matcher(line).find()) {
                fenced = !fenced;
                continue;
            }
            Matcher heading = MARKDOWN_HEADING.matcher(line);
            if (fenced || !heading.matches()) {
                continue;
            }
            String text = heading.group(1)
                    .replaceAll("!?\\[([^\\]]*)\\]\\([^)]*\\)", "$1") // a link: its text
                    .replaceAll("<[^>]+>", "") // inline HTML
                    .replace("`", "").replace("*", "")
                    .replaceAll("(?<![\\p{L}\\p{N}])_([^_]+)_(?![\\p{L}\\p{N}])", "$1"); // _emphasis_, not snake_case
            String anchor = text.strip().toLowerCase(Locale.ROOT)
                    .replaceAll("[^\\p{L}\\p{M}\\p{N}\\p{Pc} -]", "").replace(' ', '-');
            int count = seen.merge(anchor, 1, Integer::sum);
            anchors.add(count == 1 ? anchor : anchor + "-" + (count - 1));
        }
        return anchors;
    }

    /**
     * GitHub's anchors of an AsciiDoc document (Asciidoctor with an empty idprefix and '-' as idseparator): the
     * title lower-cased, every character but letters, digits, '_', '-', '.' and spaces removed, each run of spaces,
     * '.' and '-' made one '-', none at either end; the second title with the same id gets "-2". Explicit ids
     * ({@code [[id]]}, {@code [#id]}) count too.
     */
    static Set<String> adocAnchors(List<String> lines) {
        Set<String> anchors = new HashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        for (String line : lines) {
            Matcher explicit = ADOC_EXPLICIT_ID.matcher(line);
            while (explicit.find()) {
                anchors.add(explicit.group(1) != null ? explicit.group(1) : explicit.group(2));
            }
            Matcher heading = ADOC_HEADING.matcher(line);
            if (!heading.matches()) {
                continue;
            }
            String anchor = heading.group(1).replace("`", "").replace("*", "").toLowerCase(Locale.ROOT)
                    .replaceAll("<[^>]+>|[^\\p{L}\\p{N}\\p{Pc} .-]", "").replaceAll("[ .-]+", "-")
                    .replaceAll("^-|-$", "");
            int count = seen.merge(anchor, 1, Integer::sum);
            anchors.add(count == 1 ? anchor : anchor + "-" + count);
        }
        return anchors;
    }
}
