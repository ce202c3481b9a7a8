package io.cameliotmp.benchmarks.soak;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads what the server process holds from outside it: the live heap (the total of {@code jcmd GC.class_histogram}:
 * the objects its full GC left, counted at the same safepoint), direct memory (the JVM's {@code direct} buffer pool,
 * through the actuator's {@code jvm.buffer.memory.used}), open file descriptors ({@code /proc/<pid>/fd}) and the
 * size of its log.
 */
final class Probe {

    private static final Pattern HISTOGRAM_TOTAL = Pattern.compile("(?m)^Total\\s+\\d+\\s+(\\d+)\\s*$");
    private static final Pattern METRIC_VALUE = Pattern.compile("\"value\"\\s*:\\s*([0-9.Ee+-]+)");

    private final long pid;
    private final Path log;
    private final HttpClient http;
    private final URI actuator;

    Probe(long pid, Path log, HttpClient http, int managementPort) {
        this.pid = pid;
        this.log = log;
        this.http = http;
        this.actuator = URI.create("http://127.0.0.1:" + managementPort + "/actuator/metrics/");
    }

    /**
     * Bytes of the objects a full GC leaves: what the server holds. Read as the class histogram's total, which the JVM
     * counts at the safepoint of the histogram's own full GC; {@code GC.heap_info} after {@code GC.run} would also
     * count what the attack allocated in between, up to tens of megabytes under a family that floods the server.
     */
    long heapAfterGc() throws IOException, InterruptedException {
        Matcher total = HISTOGRAM_TOTAL.matcher(jcmd("GC.class_histogram"));
        if (!total.find()) {
            throw new IOException("no total in jcmd GC.class_histogram");
        }
        return Long.parseLong(total.group(1));
    }

    /** Bytes of the JVM's direct buffer pool (Netty's pooled and unpooled direct buffers both come from it). */
    long directMemory() throws IOException, InterruptedException {
        return (long) metric("jvm.buffer.memory.used?tag=id:direct");
    }

    /** A gauge of the actuator, or -1 when it is not there. */
    double metric(String nameAndTags) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(actuator.resolve(nameAndTags))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            return -1;
        }
        Matcher value = METRIC_VALUE.matcher(response.body());
        return value.find() ? Double.parseDouble(value.group(1)) : -1;
    }

    long openFiles() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc", String.valueOf(pid), "fd"))) {
            return fds.count();
        }
    }

    long logBytes() throws IOException {
        return Files.size(log);
    }

    /** Whether the log reports an OutOfMemoryError anywhere. */
    boolean logShowsOutOfMemory() throws IOException {
        try (Stream<String> lines = Files.lines(log, StandardCharsets.UTF_8)) {
            return lines.anyMatch(line -> line.contains("OutOfMemoryError"));
        } catch (java.io.UncheckedIOException e) {
            // a line that is not UTF-8: read it as bytes instead
            return new String(Files.readAllBytes(log), StandardCharsets.ISO_8859_1).contains("OutOfMemoryError");
        }
    }

    boolean alive() {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private String jcmd(String command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("jcmd", String.valueOf(pid), command).redirectErrorStream(true).start();
        byte[] out = process.getInputStream().readAllBytes();
        if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException("jcmd " + command + " failed: " + new String(out, StandardCharsets.UTF_8));
        }
        return new String(out, StandardCharsets.UTF_8);
    }
}
