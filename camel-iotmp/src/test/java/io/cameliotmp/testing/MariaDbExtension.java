package io.cameliotmp.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.mariadb.jdbc.MariaDbDataSource;

/**
 * A real MariaDB server for the tests, private and thrown away, as {@link PostgresExtension} is for PostgreSQL: the
 * machine's {@code mariadb-install-db} and {@code mariadbd} (Debian's {@code mariadb-server}) run a new server in a
 * temporary folder, on a free loopback port, with none of the machine's option files ({@code --no-defaults}: the
 * server's compiled defaults, as a server nobody tuned has them, Latin-1 among them). It is started once per test
 * run and stopped, its folder deleted, when the run ends; every {@link #newDatabase()} is an empty database of its
 * own. As root the server runs as root ({@code --user=root}), which it otherwise refuses.
 * <p>
 * Without the binaries the test fails, saying how to install them, rather than being skipped.
 */
public final class MariaDbExtension implements BeforeAllCallback {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(
            MariaDbExtension.class);
    /** Bound of the server's start: creating its system tables on a loaded machine takes seconds, never this. */
    private static final Duration START = Duration.ofMinutes(2);
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private Server server;

    @Override
    public void beforeAll(ExtensionContext context) {
        server = context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(Server.class, k -> Server.start(),
                Server.class);
    }

    /** A new, empty database of the server, as a data source that opens a connection per call (no pool). */
    public DataSource newDatabase() {
        return newDatabase("");
    }

    /** The same, created with {@code options} of CREATE DATABASE ({@code CHARACTER SET utf8mb4}). */
    public DataSource newDatabase(String options) {
        String name = "iotmp_test_" + DATABASES.incrementAndGet();
        try (Connection c = server.dataSource("", "").getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name + " " + options);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name, e);
        }
        return server.dataSource(name, "");
    }

    /**
     * A data source of the database {@code name} (of a {@link #newDatabase()}), whose connections have the driver's
     * {@code options} ({@code sessionVariables=sql_mode='ANSI_QUOTES'}).
     */
    public DataSource dataSource(DataSource database, String options) {
        try {
            return server.dataSource(database.getConnection().getCatalog(), options);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The running server, closed by JUnit when the root context (the whole run) ends. */
    private static final class Server implements AutoCloseable {

        private final Path dir;
        private final int port;
        private final Process mariadbd;

        private Server(Path dir, int port, Process mariadbd) {
            this.dir = dir;
            this.port = port;
            this.mariadbd = mariadbd;
        }

        static Server start() {
            Path bin = binary("mariadbd").orElseThrow(() -> new IllegalStateException(
                    "this test needs a MariaDB server's binaries (mariadb-install-db, mariadbd) in /usr/sbin,"
                    + " /usr/bin or on the PATH (Debian: apt-get install mariadb-server; .ci/run installs it)"));
            Path install = binary("mariadb-install-db").orElseThrow(() -> new IllegalStateException(
                    "this test needs mariadb-install-db (Debian: apt-get install mariadb-server)"));
            Path dir = null;
            try {
                dir = Files.createTempDirectory("iotmp-mariadb");
                String user = System.getProperty("user.name");
                run(dir, "install.log", install.toString(), "--no-defaults", "--datadir=" + dir.resolve("data"),
                        "--user=" + user, "--auth-root-authentication-method=normal", "--skip-test-db");
                // a free port can be taken by another process before mariadbd binds it: then try another one
                for (int attempt = 1; ; attempt++) {
                    int port = DatabaseProcesses.freeLoopbackPort();
                    Process mariadbd = command(dir, "mariadbd.log", bin.toString(), "--no-defaults",
                            "--datadir=" + dir.resolve("data"), "--port=" + port, "--bind-address=127.0.0.1",
                            "--socket=" + dir.resolve("sock"), "--pid-file=" + dir.resolve("pid"),
                            "--user=" + user, "--skip-name-resolve",
                            // a throw-away database: durability is not what is tested
                            "--innodb-flush-log-at-trx-commit=0", "--sync-binlog=0").start();
                    Server server = new Server(dir, port, mariadbd);
                    Path log = dir.resolve("mariadbd.log");
                    Waits.eventually().atMost(START).until(() -> server.ready() || !mariadbd.isAlive());
                    if (mariadbd.isAlive()) {
                        Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "stop-mariadb"));
                        return server;
                    }
                    if (attempt == 3 || !Files.readString(log).contains("Do you already have another")) {
                        throw new IllegalStateException("mariadbd did not start; its log:\n" + Files.readString(log));
                    }
                }
            } catch (IOException e) {
                DatabaseProcesses.deleteTree(dir);
                throw new UncheckedIOException(e);
            } catch (RuntimeException e) {
                DatabaseProcesses.deleteTree(dir);
                throw e;
            }
        }

        MariaDbDataSource dataSource(String database, String options) {
            try {
                return new MariaDbDataSource("jdbc:mariadb://127.0.0.1:" + port + "/" + database + "?user=root"
                                             + (options.isEmpty() ? "" : "&" + options));
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }

        private boolean ready() {
            try (Connection c = dataSource("", "").getConnection()) {
                return c.isValid((int) Waits.WAIT.toSeconds());
            } catch (SQLException e) {
                return false; // not listening yet
            }
        }

        @Override
        public void close() {
            stop();
        }

        /** A normal shutdown (SIGTERM ends open connections), then the folder goes. Runs once. */
        private synchronized void stop() {
            if (!Files.exists(dir)) {
                return;
            }
            try {
                mariadbd.destroy();
                if (!mariadbd.waitFor(START.toSeconds(), TimeUnit.SECONDS)) {
                    mariadbd.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                mariadbd.destroyForcibly();
            } finally {
                DatabaseProcesses.deleteTree(dir);
            }
        }

        /** Runs a command to its end, failing with its output when it fails. */
        private static void run(Path dir, String log, String... command) throws IOException {
            DatabaseProcesses.runToEnd(command[0], command(dir, log, command), dir.resolve(log), START);
        }

        private static ProcessBuilder command(Path dir, String log, String... command) {
            List<String> line = new ArrayList<>(List.of(command));
            return new ProcessBuilder(line).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve(log).toFile());
        }

        /** {@code name} in Debian's {@code /usr/sbin} or {@code /usr/bin}, else on the PATH. */
        private static Optional<Path> binary(String name) {
            List<String> folders = new ArrayList<>(List.of("/usr/sbin", "/usr/bin"));
            folders.addAll(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
            return folders.stream().filter(p -> !p.isEmpty()).map(p -> Path.of(p).resolve(name))
                    .filter(Files::isExecutable).findFirst();
        }
    }
}
