package io.cameliotmp.benchmarks.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.core.type.TypeReference;

/** A child JVM of the orchestrator, pinned with taskset, spoken to with {@link Proto}'s line protocol. */
final class Child implements AutoCloseable {

    private final String name;
    private final Process process;
    private final PrintWriter stdin;
    private final BlockingQueue<String[]> messages = new LinkedBlockingQueue<>();

    Child(String name, String cpus, List<String> jvmOptions, String mainClass, List<String> args, Path log)
            throws IOException {
        this.name = name;
        List<String> cmd = new ArrayList<>();
        if (cpus != null && !cpus.isEmpty()) {
            cmd.add("taskset");
            cmd.add("-c");
            cmd.add(cpus);
        }
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.addAll(args);
        Files.createDirectories(log.getParent());
        Writer logWriter = Files.newBufferedWriter(log, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        logWriter.write("# " + String.join(" ", cmd) + "\n");
        logWriter.flush();
        process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        stdin = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8)); logWriter) {
                String line;
                while ((line = r.readLine()) != null) {
                    logWriter.write(line + "\n");
                    logWriter.flush();
                    if (line.startsWith("@")) {
                        int sp = line.indexOf(' ');
                        messages.add(new String[] {line.substring(1, sp), line.substring(sp + 1)});
                    }
                }
            } catch (IOException ignored) {
                // process gone
            }
            messages.add(new String[] {"EXIT", "{}"});
        }, name + "-reader");
        reader.setDaemon(true);
        reader.start();
        Bench.log("started " + name + " pid " + process.pid() + ": " + String.join(" ", args));
    }

    void send(String command) {
        stdin.println(command);
    }

    /** Waits for the next message with this tag; fails on another tag, on exit or after the timeout. */
    Map<String, Object> await(String tag, long timeoutSeconds) throws InterruptedException {
        String[] m = messages.poll(timeoutSeconds, TimeUnit.SECONDS);
        if (m == null) {
            throw new IllegalStateException(name + ": no @" + tag + " within " + timeoutSeconds + " s");
        }
        if (!m[0].equals(tag)) {
            throw new IllegalStateException(name + ": expected @" + tag + ", got @" + m[0] + " " + m[1]);
        }
        try {
            return Proto.JSON.readValue(m[1], new TypeReference<Map<String, Object>>() { });
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    Map<String, Object> call(String command, String tag, long timeoutSeconds) throws InterruptedException {
        send(command);
        return await(tag, timeoutSeconds);
    }

    /** SIGKILL: no goodbye to anyone (a crash). */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            send("quit");
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroy();
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
        }
    }
}
