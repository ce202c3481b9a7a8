package io.cameliotmp.examples.mqtt;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * Eclipse Mosquitto, the broker most bridges run against, as a process of the test (Debian's {@code mosquitto},
 * which {@code .ci/run} installs). Moquette, the broker embedded in the other tests, sends a retained message with
 * the RETAIN flag cleared when a client subscribes, so only a broker that follows MQTT 3.1.1 here shows what the
 * bridge does with one.
 */
final class MosquittoBroker implements AutoCloseable {

    private static final Path EXECUTABLE = Path.of("/usr/sbin/mosquitto");

    private final Process process;
    private final int port;

    private MosquittoBroker(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts a broker on {@code 127.0.0.1:port}, its configuration and log in {@code dir}; waits until it listens. */
    static MosquittoBroker start(int port, Path dir, Duration wait) throws IOException {
        if (!Files.isExecutable(EXECUTABLE)) {
            throw new IllegalStateException(EXECUTABLE + " is missing: install Debian's mosquitto (.ci/run does)");
        }
        Path config = dir.resolve("mosquitto.conf");
        Path log = dir.resolve("mosquitto.log");
        // run as root, mosquitto would switch to a "mosquitto" user that may not be able to read the test's files
        Files.writeString(config, "listener " + port + " 127.0.0.1\nallow_anonymous true\npersistence false\n"
                                  + "user " + System.getProperty("user.name") + "\n");
        Process process = new ProcessBuilder(EXECUTABLE.toString(), "-c", config.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        MosquittoBroker broker = new MosquittoBroker(process, port);
        try {
            await().atMost(wait).until(() -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException("mosquitto ended (" + process.exitValue() + "): "
                                                    + Files.readString(log));
                }
                return listens(port);
            });
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
        return broker;
    }

    private static boolean listens(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Freezes the broker ({@code SIGSTOP}): its connections stay open, its kernel still accepts, nothing answers. */
    void hang() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** Lets a {@link #hang() hung} broker go on ({@code SIGCONT}). */
    void resume() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).inheritIO().start();
        if (!kill.waitFor(30, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
        }
    }

    String url() {
        return "tcp://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        try {
            resume(); // a hung broker would not end on SIGTERM
        } catch (IOException | RuntimeException e) {
            // ended already: destroy below is enough
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
