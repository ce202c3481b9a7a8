package io.cameliotmp.benchmarks.load;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The memory probe of a server process: a full GC ({@code System.gc()}, a full collection with G1 unless
 * explicit GCs are disabled, which they are not here), then the used heap from the {@code MemoryMXBean} and the
 * resident set size from {@code /proc/self/status}.
 */
final class Mem {

    private Mem() {
    }

    static Map<String, Object> afterFullGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long nonHeap = ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage().getUsed();
        return Proto.map("heapUsed", heap, "nonHeapUsed", nonHeap, "rss", rss(), "threads",
                Thread.activeCount());
    }

    static long heapUsedNow() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Resident set size in bytes, from /proc/self/status (VmRSS). */
    static long rss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    String kb = line.substring(6).trim().split("\\s+")[0];
                    return Long.parseLong(kb) * 1024;
                }
            }
        } catch (Exception e) {
            return -1;
        }
        return -1;
    }
}
