package io.cameliotmp.fuzz;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Stream;

import io.cameliotmp.protocol.PsonFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the committed seed corpora of the fuzz tests equal to what the seed builders of the fuzz test classes produce
 * (from the vectors, the hand-written malformed cases and the conformance table), so a change of a target's input
 * layout cannot leave stale seeds behind. Files named {@code crash-*} or {@code regression-*} are findings kept as
 * regression inputs and are left alone.
 * <p>
 * To rewrite the corpora after changing a builder:
 * {@code mvn -pl camel-iotmp test -Dtest=SeedCorpusTest -Dfuzz.writeSeeds=true}.
 */
class SeedCorpusTest {

    private static final Path ROOT = Path.of("src/test/resources/io/cameliotmp/fuzz");

    static Stream<Arguments> corpora() {
        return Stream.of(
                corpus("FrameDecoderFuzzTestInputs/decodeChunked", FrameDecoderFuzzTest::seeds),
                corpus("PsonFuzzTestInputs/psonV1", () -> PsonFuzzTest.seeds(PsonFormat.V1)),
                corpus("PsonFuzzTestInputs/psonV2", () -> PsonFuzzTest.seeds(PsonFormat.V2)),
                corpus("ServerConnectionFuzzTestInputs/connection", ServerConnectionFuzzTest::seeds),
                corpus("ClientConnectionFuzzTestInputs/connection", ClientConnectionFuzzTest::seeds),
                corpus("LegacyServerConnectionFuzzTestInputs/connection", LegacyServerConnectionFuzzTest::seeds));
    }

    private static Arguments corpus(String directory, Supplier<Map<String, byte[]>> seeds) {
        return Arguments.argumentSet(directory, directory, seeds);
    }

    @ParameterizedTest
    @MethodSource("corpora")
    void committedSeedsAreWhatTheBuildersProduce(String directory, Supplier<Map<String, byte[]>> builder)
            throws IOException {
        Map<String, byte[]> seeds = builder.get();
        Path dir = ROOT.resolve(directory);
        if (Boolean.getBoolean("fuzz.writeSeeds")) {
            write(dir, seeds);
        }
        Map<String, byte[]> committed = read(dir);
        List<String> wrong = new ArrayList<>();
        for (Map.Entry<String, byte[]> seed : seeds.entrySet()) {
            byte[] file = committed.get(seed.getKey());
            if (file == null || !Arrays.equals(file, seed.getValue())) {
                wrong.add(seed.getKey() + (file == null ? " (missing)" : " (differs)"));
            }
        }
        for (String name : committed.keySet()) {
            if (!seeds.containsKey(name) && !isFinding(name)) {
                wrong.add(name + " (stale)");
            }
        }
        assertThat(wrong).as("seed files in %s; rewrite them with -Dfuzz.writeSeeds=true", dir).isEmpty();
        assertThat(seeds).as("seeds of %s", directory).hasSizeGreaterThan(20);
    }

    private static boolean isFinding(String name) {
        return name.startsWith("crash-") || name.startsWith("regression-");
    }

    private static Map<String, byte[]> read(Path dir) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> list = Files.list(dir)) {
                for (Path file : list.sorted().toList()) {
                    files.put(file.getFileName().toString(), Files.readAllBytes(file));
                }
            }
        }
        return files;
    }

    private static void write(Path dir, Map<String, byte[]> seeds) throws IOException {
        Files.createDirectories(dir);
        for (String name : new TreeSet<>(read(dir).keySet())) {
            if (!isFinding(name) && !seeds.containsKey(name)) {
                Files.delete(dir.resolve(name));
            }
        }
        for (Map.Entry<String, byte[]> seed : seeds.entrySet()) {
            Files.write(dir.resolve(seed.getKey()), seed.getValue());
        }
    }
}
