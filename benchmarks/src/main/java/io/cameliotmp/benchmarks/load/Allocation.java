package io.cameliotmp.benchmarks.load;

import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Map;

/**
 * What the server process allocates and the CPU time it spends during a measured phase: the bytes each live Java
 * thread allocated ({@code com.sun.management.ThreadMXBean#getThreadAllocatedBytes}, counted by the JVM per thread as
 * it hands out heap memory) summed over all threads, and the process CPU time ({@code OperatingSystemMXBean}). A
 * thread that ends during the phase takes its share with it; the servers under test keep their threads (event loops,
 * workers) for their whole life, so that share is small. GC threads are not Java threads and allocate nothing here.
 */
final class Allocation {

    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private Map<Long, Long> atStart = Map.of();
    private long cpuAtStart;

    Allocation() {
        if (threads.isThreadAllocatedMemorySupported()) {
            threads.setThreadAllocatedMemoryEnabled(true);
        }
    }

    void start() {
        atStart = perThread();
        cpuAtStart = os.getProcessCpuTime();
    }

    /** Bytes allocated by all threads since {@link #start} ({@code allocatedBytes}), and CPU nanoseconds. */
    Map<String, Object> end() {
        long cpu = os.getProcessCpuTime() - cpuAtStart;
        long total = 0;
        for (Map.Entry<Long, Long> e : perThread().entrySet()) {
            total += e.getValue() - atStart.getOrDefault(e.getKey(), 0L);
        }
        return Proto.map("allocatedBytes", total, "cpuNanos", cpu);
    }

    private Map<Long, Long> perThread() {
        long[] ids = threads.getAllThreadIds();
        long[] bytes = threads.getThreadAllocatedBytes(ids);
        Map<Long, Long> m = new HashMap<>(ids.length * 2);
        for (int i = 0; i < ids.length; i++) {
            if (bytes[i] >= 0) {
                m.put(ids[i], bytes[i]);
            }
        }
        return m;
    }
}
