package io.cameliotmp.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.sql.DataSource;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A real PostgreSQL server for the tests, private and thrown away: the PostgreSQL binaries of the machine (Debian's
 * {@code /usr/lib/postgresql/<version>/bin}, else the PATH) run a new cluster in a temporary folder, on a free
 * loopback port, trusting local connections. It is started once per test run, on the first class that registers the
 * extension, and stopped (and its folder deleted) when the run ends; every {@link #newDatabase()} is an empty
 * database of its own, so tests do not see each other's tables.
 * <p>
 * PostgreSQL refuses to run as root: as root, {@code initdb}, {@code postgres} and {@code pg_ctl} run as the
 * {@code postgres} user ({@code runuser}), which owns the folder. Without the binaries the test fails, saying how to
 * install them, rather than being skipped: a database it claims to be tested against must not silently go untested.
 * <pre>
 * &#64;RegisterExtension
 * static final PostgresExtension POSTGRES = new PostgresExtension();
 * ...
 * DataSource database = POSTGRES.newDatabase();
 * </pre>
 */
public final class PostgresExtension implements BeforeAllCallback {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(
            PostgresExtension.class);
    /** Bound of the server's start: initdb and a first start on a loaded machine take seconds, never this long. */
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

    /** The same, created with {@code options} of CREATE DATABASE ({@code ENCODING 'LATIN1' TEMPLATE template0}). */
    public DataSource newDatabase(String options) {
        String name = "iotmp_test_" + DATABASES.incrementAndGet();
        try (Connection c = server.dataSource("postgres").getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name + " " + options);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name, e);
        }
        return server.dataSource(name);
    }

    /** A data source of the database behind {@code dataSource}, with {@code options} (libpq's {@code -c} settings). */
    public DataSource withOptions(DataSource dataSource, String options) {
        PGSimpleDataSource of = (PGSimpleDataSource) dataSource;
        PGSimpleDataSource with = server.dataSource(of.getDatabaseName());
        with.setOptions(options);
        return with;
    }

    /** The running server, closed by JUnit when the root context (the whole run) ends. */
    private static final class Server implements AutoCloseable {

        private final Path bin;
        private final Path dir;
        private final int port;
        private final Process postgres;

        private Server(Path bin, Path dir, int port, Process postgres) {
            this.bin = bin;
            this.dir = dir;
            this.port = port;
            this.postgres = postgres;
        }

        static Server start() {
            Path bin = binaries().orElseThrow(() -> new IllegalStateException(
                    "this test needs a PostgreSQL server's binaries (initdb, postgres, pg_ctl, pg_isready) in"
                    + " /usr/lib/postgresql/<version>/bin or on the PATH (Debian: apt-get install postgresql;"
                    + " .ci/run installs it)"));
            Path dir = null;
            try {
                dir = Files.createTempDirectory("iotmp-postgres");
                if (asRoot()) {
                    UserPrincipal owner = dir.getFileSystem().getUserPrincipalLookupService()
                            .lookupPrincipalByName("postgres");
                    Files.setOwner(dir, owner);
                }
                run(dir, "initdb.log", bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(),
                        "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync");
                // a free port can be taken by another process before postgres binds it: then try another one
                for (int attempt = 1; ; attempt++) {
                    int port = DatabaseProcesses.freeLoopbackPort();
                    Process postgres = command(dir, "postgres.log", bin.resolve("postgres").toString(),
                            "-D", dir.resolve("data").toString(), "-p", Integer.toString(port),
                            "-k", dir.toString(), "-h", "127.0.0.1",
                            // a throw-away database: durability is not what is tested
                            "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off")
                            .start();
                    Server server = new Server(bin, dir, port, postgres);
                    Path log = dir.resolve("postgres.log");
                    Waits.eventually().atMost(START).until(() -> server.ready() || !postgres.isAlive());
                    if (postgres.isAlive()) {
                        Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "stop-postgres"));
                        return server;
                    }
                    if (attempt == 3 || !Files.readString(log).contains("could not bind")) {
                        throw new IllegalStateException("postgres did not start; its log:\n" + Files.readString(log));
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

        PGSimpleDataSource dataSource(String database) {
            PGSimpleDataSource ds = new PGSimpleDataSource();
            ds.setServerNames(new String[] {"127.0.0.1"});
            ds.setPortNumbers(new int[] {port});
            ds.setDatabaseName(database);
            ds.setUser("postgres");
            return ds;
        }

        private boolean ready() throws IOException, InterruptedException {
            Process check = new ProcessBuilder(bin.resolve("pg_isready").toString(), "-q", "-h", "127.0.0.1", "-p",
                    Integer.toString(port)).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return check.waitFor(Waits.WAIT.toSeconds(), TimeUnit.SECONDS) && check.exitValue() == 0;
        }

        @Override
        public void close() {
            stop();
        }

        /** A fast shutdown (open connections are ended), then the folder goes. Runs once, from close or the hook. */
        private synchronized void stop() {
            if (!Files.exists(dir)) {
                return;
            }
            try {
                if (postgres.isAlive()) {
                    run(dir, "pg_ctl.log", bin.resolve("pg_ctl").toString(), "stop", "-D",
                            dir.resolve("data").toString(), "-m", "fast", "-w");
                    if (!postgres.waitFor(START.toSeconds(), TimeUnit.SECONDS)) {
                        postgres.destroyForcibly();
                    }
                }
            } catch (IOException | RuntimeException e) {
                postgres.destroyForcibly();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                postgres.destroyForcibly();
            } finally {
                DatabaseProcesses.deleteTree(dir);
            }
        }

        /** Runs a command to its end, failing with its output when it fails. */
        private static void run(Path dir, String log, String... command) throws IOException {
            DatabaseProcesses.runToEnd(command[0], command(dir, log, command), dir.resolve(log), START);
        }

        /** A command in {@code dir}, as the postgres user when this is root, its output into {@code log}. */
        private static ProcessBuilder command(Path dir, String log, String... command) {
            List<String> line = new ArrayList<>();
            if (asRoot()) {
                line.addAll(List.of("runuser", "-u", "postgres", "--"));
            }
            line.addAll(List.of(command));
            return new ProcessBuilder(line).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve(log).toFile());
        }

        private static boolean asRoot() {
            return "root".equals(System.getProperty("user.name"));
        }

        /** Debian's newest {@code /usr/lib/postgresql/<version>/bin}, else the folder of {@code initdb} on the PATH. */
        private static Optional<Path> binaries() {
            Path debian = Path.of("/usr/lib/postgresql");
            if (Files.isDirectory(debian)) {
                try (Stream<Path> versions = Files.list(debian)) {
                    Optional<Path> newest = versions.map(v -> v.resolve("bin"))
                            .filter(Server::hasBinaries)
                            .max(Comparator.comparing(b -> version(b.getParent().getFileName().toString())));
                    if (newest.isPresent()) {
                        return newest;
                    }
                } catch (IOException e) {
                    // then look on the PATH
                }
            }
            return Stream.of(System.getenv().getOrDefault("PATH", "").split(":")).filter(p -> !p.isEmpty())
                    .map(Path::of).filter(Server::hasBinaries).findFirst();
        }

        private static boolean hasBinaries(Path bin) {
            return Stream.of("initdb", "postgres", "pg_ctl", "pg_isready")
                    .allMatch(name -> Files.isExecutable(bin.resolve(name)));
        }

        private static int version(String name) {
            try {
                return Integer.parseInt(name);
            } catch (NumberFormatException e) {
                return -1;
            }
        }
    }
}
