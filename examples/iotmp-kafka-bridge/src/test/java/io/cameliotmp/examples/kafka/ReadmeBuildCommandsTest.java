package io.cameliotmp.examples.kafka;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's {@code mvn -f examples/iotmp-kafka-bridge verify}: Maven takes the nearest folder above the module
 * that holds a {@code .mvn} folder for the repository's root ({@code maven.multiModuleProjectDirectory}), where the
 * build finds the house checkstyle rules. Without one it took the example's own folder, and the command failed after
 * the tests had passed ("Unable to find configuration file at location: examples/iotmp-kafka-bridge/build/...").
 */
class ReadmeBuildCommandsTest {

    /** The tests run in the module's folder. */
    private static final Path ROOT = Path.of("../..");

    @Test
    void theRepositoryRootIsMarkedForMavenWhereTheHouseRulesAre() {
        assertThat(ROOT.resolve(".mvn")).isDirectory();
        assertThat(ROOT.resolve("build/checkstyle.xml")).isRegularFile();
        assertThat(Files.exists(Path.of(".mvn"))).as("no root of its own in the example").isFalse();
    }
}
