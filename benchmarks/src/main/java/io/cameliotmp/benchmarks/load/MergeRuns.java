package io.cameliotmp.benchmarks.load;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;

/**
 * Merges the results of several one-run invocations of {@link Bench} (as {@code benchmarks/issue18-pass.sh} makes
 * them, one directory per run and side) into one table of medians and one set of charts, each system named by its
 * side and its id (short, so that chart labels stay apart):
 *
 * <pre>
 * java -cp benchmarks.jar io.cameliotmp.benchmarks.load.MergeRuns scenario=ingest name=ingest \
 *   out=benchmarks/results/issue18-io charts=docs/performance/issue18-io \
 *   sides=before:benchmarks/results/issue18-io/ingest-before-run,after:benchmarks/results/issue18-io/ingest-after-run
 * </pre>
 */
public final class MergeRuns {

    private MergeRuns() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        String scenario = args.str("scenario", "ingest");
        String name = args.str("name", scenario);
        Map<String, List<Map<String, Double>>> merged = new LinkedHashMap<>();
        for (String side : args.str("sides", "").split(",")) {
            String label = side.substring(0, side.indexOf(':'));
            Path prefix = Path.of(side.substring(side.indexOf(':') + 1));
            File[] dirs = prefix.toAbsolutePath().getParent().toFile()
                    .listFiles(f -> f.isDirectory() && f.getName().startsWith(prefix.getFileName().toString()));
            if (dirs == null) {
                continue;
            }
            Arrays.sort(dirs);
            for (File dir : dirs) {
                File json = new File(dir, scenario + ".json");
                if (!json.exists()) {
                    continue;
                }
                Map<String, Object> doc = Proto.JSON.readValue(json, new TypeReference<>() { });
                Map<String, List<Map<String, Double>>> metrics = Proto.JSON.convertValue(doc.get("metrics"),
                        new TypeReference<>() { });
                metrics.forEach((system, runs) -> merged
                        .computeIfAbsent(label + " " + system, k -> new ArrayList<>()).addAll(runs));
            }
        }
        Path out = Path.of(args.str("out", "benchmarks/results"));
        Files.createDirectories(out);
        String md = Report.markdown(scenario, merged, new LinkedHashMap<>(args.asMap()));
        Files.writeString(out.resolve(name + ".md"), md);
        Charts.render(scenario, name, merged, Path.of(args.str("charts", "docs/performance")));
        System.out.println(md);
    }
}
