package io.cameliotmp;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The release profile's Central bundle ({@code central-publishing-maven-plugin} in the root pom) holds every module of
 * the build except the examples and the benchmarks, which are run from the repository and never published: their
 * {@code maven.deploy.skip} does not keep them out of the bundle, only {@code excludeArtifacts} does, so a new example
 * not listed there would be uploaded unsigned, without sources or javadoc, and fail Central's validation.
 */
class ReleaseBundleTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void theBundleLeavesOutExactlyTheExamplesAndTheBenchmarks() throws Exception {
        Set<String> unpublished = new TreeSet<>();
        Set<String> published = new TreeSet<>();
        List<Path> poms = new ArrayList<>();
        collect(ROOT, poms);
        for (Path pom : poms) {
            String artifactId = child(parse(pom).getDocumentElement(), "artifactId").getTextContent().trim();
            Path module = ROOT.relativize(pom.getParent());
            boolean runFromTheRepository = module.startsWith("examples") || module.startsWith("benchmarks");
            (runFromTheRepository ? unpublished : published).add(artifactId);
        }

        Set<String> excluded = new TreeSet<>();
        NodeList artifacts = parse(ROOT.resolve("pom.xml")).getElementsByTagName("excludeArtifacts");
        assertThat(artifacts.getLength()).as("excludeArtifacts in the root pom").isEqualTo(1);
        NodeList listed = ((Element) artifacts.item(0)).getElementsByTagName("artifact");
        for (int i = 0; i < listed.getLength(); i++) {
            excluded.add(listed.item(i).getTextContent().trim());
        }

        assertThat(published).as("modules published").contains("camel-iotmp", "camel-iotmp-starter");
        assertThat(unpublished).as("modules run from the repository").contains("iotmp-quickstart");
        assertThat(excluded).as("the release profile's excludeArtifacts").isEqualTo(unpublished);
    }

    /** {@code pom} and the poms of its modules, those of its profiles included, recursively. */
    private static void collect(Path dir, List<Path> poms) throws Exception {
        Path pom = dir.resolve("pom.xml");
        poms.add(pom);
        NodeList modules = parse(pom).getElementsByTagName("module");
        for (int i = 0; i < modules.getLength(); i++) {
            Path module = dir.resolve(modules.item(i).getTextContent().trim()).normalize();
            if (Files.isRegularFile(module.resolve("pom.xml")) && !poms.contains(module.resolve("pom.xml"))) {
                collect(module, poms);
            }
        }
    }

    private static Document parse(Path pom) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(pom.toFile());
    }

    /** The direct child element {@code name} of {@code parent} (not the parent pom's artifactId). */
    private static Node child(Element parent, String name) {
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element && element.getTagName().equals(name)) {
                return element;
            }
        }
        throw new AssertionError("no " + name + " in " + parent.getTagName());
    }
}
