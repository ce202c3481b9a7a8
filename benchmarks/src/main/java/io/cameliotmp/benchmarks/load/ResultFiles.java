package io.cameliotmp.benchmarks.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Where a benchmark leaves its results: the figures as JSON beside the report in Markdown, also logged. */
final class ResultFiles {

    private ResultFiles() {
    }

    /** Writes {@code name.json} and {@code name.md} into {@code folder} (made if missing) and logs the report. */
    static void write(Path folder, String name, Map<String, Object> figures, CharSequence report) throws IOException {
        Files.createDirectories(folder);
        Files.writeString(folder.resolve(name + ".json"),
                Proto.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(figures));
        Files.writeString(folder.resolve(name + ".md"), report.toString());
        Bench.log(report.toString());
    }
}
