package io.cameliotmp.benchmarks.load;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The line protocol between the orchestrator ({@link Bench}) and its child processes: commands arrive one per line
 * on standard input; results leave as {@code @TAG {json}} lines on standard output. Anything else a child prints is
 * log output.
 */
final class Proto {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final BufferedReader IN =
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));

    private Proto() {
    }

    static synchronized void emit(String tag, Map<String, ?> values) {
        try {
            System.out.println("@" + tag + " " + JSON.writeValueAsString(values));
            System.out.flush();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The next command, or "quit" when the orchestrator is gone. */
    static String command() {
        try {
            String line = IN.readLine();
            return line == null ? "quit" : line.trim();
        } catch (Exception e) {
            return "quit";
        }
    }

    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    /** Exits the JVM if the orchestrator dies or forgets us: everything stops by itself. */
    static void watchdog(long seconds) {
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(seconds * 1000);
            } catch (InterruptedException e) {
                return;
            }
            System.err.println("watchdog: " + seconds + " s elapsed, exiting");
            Runtime.getRuntime().halt(3);
        }, "watchdog");
        t.setDaemon(true);
        t.start();
    }
}
