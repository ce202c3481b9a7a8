package io.cameliotmp.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** What the throw-away database servers of the tests ({@link PostgresExtension}, {@link MariaDbExtension}) share. */
final class DatabaseProcesses {

    private DatabaseProcesses() {
    }

    /**
     * Runs a command ({@code name} in failures) to its end within {@code limit}, failing with its output (in
     * {@code log}) when it fails or does not end.
     */
    static void runToEnd(String name, ProcessBuilder command, Path log, Duration limit) throws IOException {
        try {
            Process p = command.start();
            if (!p.waitFor(limit.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(name + " did not end; its output:\n" + Files.readString(log));
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(name + " failed (" + p.exitValue() + "); its output:\n"
                                                + Files.readString(log));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** A port nothing listens on now, on loopback (a server started on it may still find it taken: retry then). */
    static int freeLoopbackPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Deletes a temporary folder and all in it, as far as it can. */
    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // a temporary folder: nothing more to do
        }
    }
}
