package io.cameliotmp.benchmarks.load;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** What the report says about the machine. */
final class Machine {

    private Machine() {
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (Exception e) {
            return "?";
        }
    }

    static Map<String, Object> describe(String serverCpus, String loadCpus) {
        String cpu = "?";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?");
        } catch (Exception ignored) {
            // not Linux
        }
        return Proto.map("cpu", cpu, "cpus", Runtime.getRuntime().availableProcessors(),
                "memoryBytes", ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                        .getOperatingSystemMXBean()).getTotalMemorySize(),
                "os", System.getProperty("os.name") + " " + System.getProperty("os.version"),
                "java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                "serverCpus", serverCpus, "loadGeneratorCpus", loadCpus,
                "loadAverageAtStart", loadAverage());
    }
}
