package io.cameliotmp.server;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;

import io.cameliotmp.protocol.PsonFormat;
import io.cameliotmp.testing.PostgresExtension;
import io.cameliotmp.testing.Waits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.ds.PGSimpleDataSource;

import static io.cameliotmp.testing.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link JdbcPropertyStoreTest}'s tests against a real PostgreSQL server, and what only PostgreSQL does. */
class JdbcPropertyStorePostgresTest extends JdbcPropertyStoreTest {

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    private DataSource database;

    @Override
    DataSource database() {
        if (database == null) {
            database = POSTGRES.newDatabase();
        }
        return database;
    }

    /**
     * Two servers started at once against one database both create the tables. PostgreSQL's CREATE TABLE IF NOT
     * EXISTS is no guard against a table being created at the same time: the second waits for the first's
     * transaction, then fails on a key of PostgreSQL's own catalog (23505), and that server did not start. Here the
     * other server is a transaction the test holds open, having created the table.
     */
    @Test
    void twoServersCreatingTheTablesAtOnceBothStart() throws Exception {
        DataSource database = database();
        ExecutorService threads = Executors.newSingleThreadExecutor();
        try (Connection other = database.getConnection(); Statement s = other.createStatement()) {
            other.setAutoCommit(false);
            s.execute("CREATE TABLE " + JdbcPropertyStore.DEFAULT_TABLE + " (user_id VARCHAR(128) NOT NULL,"
                      + " device_id VARCHAR(128) NOT NULL, property VARCHAR(256) NOT NULL, pson BYTEA NOT NULL,"
                      + " updated_at TIMESTAMP NOT NULL, PRIMARY KEY (user_id, device_id, property))");
            Future<JdbcPropertyStore> starting = threads.submit(() -> new JdbcPropertyStore(database));
            eventually().until(() -> waitingForALock(database) || starting.isDone());
            other.commit();

            JdbcPropertyStore store = starting.get(Waits.WAIT.toMillis(), TimeUnit.MILLISECONDS);
            store.write(new DeviceId("demo", "device-1"), "p", 1);
            assertThat(store.read(new DeviceId("demo", "device-1"), "p")).isEqualTo(1L);
        } finally {
            threads.shutdownNow();
        }
    }

    /**
     * PostgreSQL shortens a name longer than 63 bytes without an error, so a long table name's totals tables were
     * silently other names, of 62 characters the same for both totals, and the store started but failed every
     * write. A name whose totals tables' names the database cannot hold is refused at once.
     */
    @Test
    void aTableNameTheDatabaseWouldShortenIsRefused() {
        String longest = "t".repeat(63 - JdbcPropertyStore.DEVICE_TABLE_SUFFIX.length());
        assertThatThrownBy(() -> new JdbcPropertyStore(database(), longest + "t"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("63");
        assertThatThrownBy(() -> new JdbcPropertyStore(database(), "t".repeat(62)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("63");

        JdbcPropertyStore store = new JdbcPropertyStore(database(), longest);
        store.write(new DeviceId("demo", "device-1"), "p", 1);
        assertThat(store.read(new DeviceId("demo", "device-1"), "p")).isEqualTo(1L);
    }

    /**
     * A property's cost is its name's UTF-8 bytes and its value's, as in memory. In a database that keeps text in
     * another encoding (LATIN1 here; MySQL's latin1 tables likewise) the database's count of a name is another
     * number: the cost replaced was taken from the database, the new one from the name's UTF-8, and each replacement
     * of a property named with an accent added a byte to its user's total, until the user's quota refused writes.
     */
    @Test
    void replacingAPropertyNamedWithAnAccentKeepsItsCostInALatin1Database() throws Exception {
        DataSource latin1 = POSTGRES.newDatabase("ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0");
        String name = "température";
        long cost = PropertyQuotas.cost(name, PsonFormat.V2.toBytes(20));
        JdbcPropertyStore store = new JdbcPropertyStore(latin1, JdbcPropertyStore.DEFAULT_TABLE, 128, cost, cost);
        DeviceId device = new DeviceId("demo", "device-1");
        for (int degrees = 20; degrees < 30; degrees++) {
            store.write(device, name, degrees);
        }
        assertThat(store.read(device, name)).isEqualTo(29L);
        assertThat(count(latin1, "SELECT bytes FROM " + JdbcPropertyStore.DEFAULT_TABLE
                                 + JdbcPropertyStore.USER_TABLE_SUFFIX)).isEqualTo(cost);
        assertThat(count(latin1, "SELECT bytes FROM " + JdbcPropertyStore.DEFAULT_TABLE
                                 + JdbcPropertyStore.DEVICE_TABLE_SUFFIX)).isEqualTo(cost);
    }

    /**
     * A pool may hand out connections that do not commit by themselves (Hikari's {@code autoCommit=false}). The
     * tables the store created on such a connection went with its rollback when it closed (PostgreSQL's DDL is
     * transactional), and every write failed; the writes committed themselves already.
     */
    @Test
    void connectionsThatDoNotCommitByThemselvesKeepTheTablesAndTheWrites() {
        DataSource database = database();
        DataSource manual = (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    Object result = method.invoke(database, args);
                    if (result instanceof Connection c) {
                        c.setAutoCommit(false);
                    }
                    return result;
                });
        DeviceId device = new DeviceId("demo", "device-1");
        new JdbcPropertyStore(manual).write(device, "p", "v");
        assertThat(new JdbcPropertyStore(database).read(device, "p")).isEqualTo("v");
    }

    /** Writes that fail, refused by a quota or by the database, give their connections back. */
    @Test
    void failedWritesLeaveNoConnectionOpen() throws Exception {
        DataSource database = database();
        JdbcPropertyStore store = new JdbcPropertyStore(database, JdbcPropertyStore.DEFAULT_TABLE, 1, 1 << 20);
        DeviceId device = new DeviceId("demo", "device-1");
        store.write(device, "p", 1);
        for (int i = 0; i < 10; i++) {
            assertThatThrownBy(() -> store.write(device, "q", 1)).isInstanceOf(QuotaExceededException.class);
        }
        try (Connection c = database.getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE " + JdbcPropertyStore.DEFAULT_TABLE + JdbcPropertyStore.USER_TABLE_SUFFIX);
        }
        for (int i = 0; i < 10; i++) {
            assertThatThrownBy(() -> store.write(device, "p", 2)).isInstanceOf(IllegalStateException.class);
        }
        eventually().until(() -> connections(database) == 1); // the one counting
    }

    /**
     * A read waiting for a lock nobody releases (a table another session locked, and keeps) waited without end on the
     * device's worker thread: now it fails after the statement timeout with 503.
     */
    @Test
    void aReadWaitingForALockNobodyReleasesFailsAfterTheStatementTimeout() throws Exception {
        DataSource database = database();
        JdbcPropertyStore store = new JdbcPropertyStore(database, JdbcPropertyStore.DEFAULT_TABLE, 128, 1 << 16,
                1 << 24, Duration.ofSeconds(1));
        DeviceId device = new DeviceId("demo", "device-1");
        store.write(device, "p", "v");
        ExecutorService threads = Executors.newSingleThreadExecutor();
        try (Connection holder = database.getConnection()) {
            holder.setAutoCommit(false);
            try (Statement s = holder.createStatement()) {
                s.execute("LOCK TABLE " + JdbcPropertyStore.DEFAULT_TABLE + " IN ACCESS EXCLUSIVE MODE");
            }
            Future<Object> read = threads.submit(() -> store.read(device, "p"));
            assertThatThrownBy(() -> read.get(Waits.WAIT.toMillis(), TimeUnit.MILLISECONDS))
                    .isInstanceOf(ExecutionException.class).cause()
                    .isInstanceOfSatisfying(DeviceCallException.class,
                            e -> assertThat(e.status()).isEqualTo(JdbcPropertyStore.UNAVAILABLE));
            holder.rollback();
        } finally {
            threads.shutdownNow();
        }
        assertThat(store.read(device, "p")).isEqualTo("v");
    }

    /**
     * A database that went away after the store started (connection refused) fails reads and writes with 503, the
     * database's unavailability, rather than an error of the server's own (500).
     */
    @Test
    void aDatabaseThatCannotBeReachedFailsReadsAndWritesWith503() throws Exception {
        PGSimpleDataSource reachable = (PGSimpleDataSource) database();
        AtomicBoolean down = new AtomicBoolean();
        PGSimpleDataSource gone = new PGSimpleDataSource();
        gone.setServerNames(new String[] {"127.0.0.1"});
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            gone.setPortNumbers(new int[] {closed.getLocalPort()}); // nothing listens there once it is closed
        }
        gone.setDatabaseName(reachable.getDatabaseName());
        gone.setUser(reachable.getUser());
        DataSource database = (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    try {
                        return method.invoke(down.get() ? gone : reachable, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        JdbcPropertyStore store = new JdbcPropertyStore(database);
        DeviceId device = new DeviceId("demo", "device-1");
        store.write(device, "p", "v");
        down.set(true);
        assertThatThrownBy(() -> store.read(device, "p")).isInstanceOfSatisfying(DeviceCallException.class,
                e -> assertThat(e.status()).isEqualTo(JdbcPropertyStore.UNAVAILABLE));
        assertThatThrownBy(() -> store.write(device, "p", "w")).isInstanceOfSatisfying(DeviceCallException.class,
                e -> assertThat(e.status()).isEqualTo(JdbcPropertyStore.UNAVAILABLE));
        down.set(false);
        assertThat(store.read(device, "p")).isEqualTo("v");
    }

    private static boolean waitingForALock(DataSource database) throws Exception {
        return count(database, "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database()"
                               + " AND wait_event_type = 'Lock'") > 0;
    }

    private static long connections(DataSource database) throws Exception {
        return count(database, "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database()");
    }

    private static long count(DataSource database, String sql) throws Exception {
        try (Connection c = database.getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }
}
