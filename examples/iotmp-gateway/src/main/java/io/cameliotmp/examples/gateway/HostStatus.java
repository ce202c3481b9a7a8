package io.cameliotmp.examples.gateway;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the gateway reads on its host, for the resources of routes.yaml: the system load, free memory and free disk
 * space, and the one setting the server can change, the gateway's label. Values are plain maps, which travel as
 * PSON maps to the server.
 */
public class HostStatus {

    private static final long MB = 1024 * 1024;
    private static final int MAX_LABEL = 32;

    private final OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    private volatile String label = "gateway";
    private volatile List<String> disks = List.of(File.separator);

    /** {@code {"load1": 0.42, "cpus": 2}}: the system load average of the last minute, absent where there is none. */
    public Map<String, Object> load() {
        Map<String, Object> load = new LinkedHashMap<>();
        double average = os.getSystemLoadAverage();
        if (average >= 0) {
            load.put("load1", Math.round(average * 100) / 100.0);
        }
        load.put("cpus", os.getAvailableProcessors());
        return load;
    }

    /** {@code {"freeMb": 1234, "totalMb": 7900, "usedPercent": 84.4}}: the host's physical memory. */
    public Map<String, Object> memory() {
        Map<String, Object> memory = new LinkedHashMap<>();
        if (os instanceof com.sun.management.OperatingSystemMXBean physical) {
            long total = physical.getTotalMemorySize();
            long free = physical.getFreeMemorySize();
            memory.put("freeMb", free / MB);
            memory.put("totalMb", total / MB);
            memory.put("usedPercent", total == 0 ? 0.0 : Math.round(1000.0 * (total - free) / total) / 10.0);
        } else {
            Runtime jvm = Runtime.getRuntime(); // a JVM without the com.sun.management extension: its own heap
            memory.put("freeMb", (jvm.maxMemory() - jvm.totalMemory() + jvm.freeMemory()) / MB);
            memory.put("totalMb", jvm.maxMemory() / MB);
        }
        return memory;
    }

    /**
     * {@code {"path": "/", "freeMb": 12000, "totalMb": 50000}} for the file system of {@code input}: one of the
     * paths of {@code gateway.disks} ({@link #setDisks}), as text or as a map with a {@code path}; nothing for the
     * first of them.
     *
     * @throws IllegalArgumentException for any other path (the server receives an ERROR saying so)
     */
    public Map<String, Object> disk(Object input) {
        Object path = input instanceof Map<?, ?> map ? map.get("path") : input;
        String name = path == null || path.toString().isBlank() ? disks.get(0) : path.toString();
        if (!disks.contains(name)) {
            // any other path would let the server find out which files exist on the host; the input is not
            // repeated: it is the server's, of any length
            throw new IllegalArgumentException("not a path this gateway reports on; it reports on " + disks);
        }
        File file = new File(name);
        Map<String, Object> disk = new LinkedHashMap<>();
        disk.put("path", name);
        disk.put("freeMb", file.getUsableSpace() / MB);
        disk.put("totalMb", file.getTotalSpace() / MB);
        return disk;
    }

    /**
     * The paths, comma-separated, whose file systems the server may ask about ({@code gateway.disks}): the server
     * is told about these and looks at no other path of the host.
     */
    public void setDisks(String paths) {
        List<String> listed = Arrays.stream(paths.split(",")).map(String::trim).filter(p -> !p.isEmpty()).toList();
        if (listed.isEmpty()) {
            throw new IllegalArgumentException("gateway.disks names no path");
        }
        this.disks = listed;
    }

    /** What the gateway writes to its bucket: its label, load and memory. */
    public Map<String, Object> summary() {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("label", label);
        record.putAll(load());
        Map<String, Object> memory = memory();
        record.put("freeMb", memory.get("freeMb"));
        return record;
    }

    public String getLabel() {
        return label;
    }

    /**
     * Sets the label from the server's input (the label resource).
     *
     * @throws IllegalArgumentException for anything but a text of 1 to 32 characters
     */
    public void setLabel(Object label) {
        if (!(label instanceof String text) || text.isBlank() || text.length() > MAX_LABEL) {
            throw new IllegalArgumentException("a label is a text of 1 to " + MAX_LABEL + " characters, not "
                                               + shown(label));
        }
        this.label = text;
    }

    /**
     * A refused input as the ERROR shows it: as it is when short, else only what it is. The input is the server's,
     * of any length; printed in full, a list of 8,000 zeros made a message of 24,000 characters.
     */
    private static String shown(Object input) {
        String text = String.valueOf(input);
        if (text.length() <= 2 * MAX_LABEL) {
            return text;
        }
        return input instanceof String ? "a text of " + text.length() + " characters"
                : "a " + input.getClass().getSimpleName() + " of " + text.length() + " characters as text";
    }
}
