package io.cameliotmp.server;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

import io.cameliotmp.testing.MariaDbExtension;
import io.cameliotmp.testing.Waits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link JdbcPropertyStoreTest}'s tests against a real MariaDB server (and so MySQL's SQL), and what only it does. The
 * server runs on its compiled defaults: Latin-1, case-insensitive text, REPEATABLE READ.
 */
class JdbcPropertyStoreMariaDbTest extends JdbcPropertyStoreTest {

    @RegisterExtension
    static final MariaDbExtension MARIADB = new MariaDbExtension();

    private DataSource database;

    @Override
    DataSource database() {
        if (database == null) {
            database = MARIADB.newDatabase();
        }
        return database;
    }

    @Override
    String bytesType() {
        return "LONGBLOB";
    }

    /**
     * A server whose default engine has no transactions (MyISAM) kept what a refused write had written before its
     * quota was checked, and held no lock: the tables are InnoDB whatever the default.
     */
    @Test
    void aRefusedWriteChangesNothingWhateverTheDefaultEngine() throws Exception {
        DataSource myisam = MARIADB.dataSource(database(), "sessionVariables=default_storage_engine=MyISAM");
        JdbcPropertyStore store = new JdbcPropertyStore(myisam, JdbcPropertyStore.DEFAULT_TABLE, 1, 1 << 20);
        DeviceId device = new DeviceId("demo", "device-1");
        store.write(device, "p", 1);
        assertThatThrownBy(() -> store.write(device, "q", 2)).isInstanceOf(QuotaExceededException.class);
        assertThat(store.read(device, "q")).isNull();
        assertThat(count("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE()"
                         + " AND engine <> 'InnoDB'")).isZero();
    }

    /** A session in ANSI_QUOTES mode ({@code "} quotes names, not strings) finds and writes the same tables. */
    @Test
    void aSessionInAnsiQuotesModeUsesTheSameTables() {
        DeviceId device = new DeviceId("demo", "device-1");
        new JdbcPropertyStore(database(), "order").write(device, "p", "v");
        DataSource ansi = MARIADB.dataSource(database(), "sessionVariables=sql_mode='ANSI_QUOTES'");
        JdbcPropertyStore store = new JdbcPropertyStore(ansi, "order");
        assertThat(store.read(device, "p")).isEqualTo("v");
        store.write(device, "q", "w");
        assertThat(new JdbcPropertyStore(database(), "order").read(device, "q")).isEqualTo("w");
    }

    /**
     * A server whose new tables have an older row format (COMPACT: 767 bytes of a column in an index) could not make
     * the key of the property table, 256 characters of UTF-8 in 1024 bytes: the tables are made DYNAMIC.
     */
    @Test
    void theTablesAreMadeOnAServerWhoseDefaultRowFormatIsCompact() throws Exception {
        DataSource database = database();
        try (Connection c = database.getConnection(); Statement s = c.createStatement()) {
            s.execute("SET GLOBAL innodb_default_row_format = 'compact'");
            try {
                JdbcPropertyStore store = new JdbcPropertyStore(database);
                DeviceId device = new DeviceId("demo", "device-1");
                store.write(device, "p".repeat(ServerQuotas.DEFAULT_MAX_NAME_LENGTH), 1);
                assertThat(store.read(device, "p".repeat(ServerQuotas.DEFAULT_MAX_NAME_LENGTH))).isEqualTo(1L);
            } finally {
                s.execute("SET GLOBAL innodb_default_row_format = 'dynamic'");
            }
        }
    }

    /** MariaDB's names have at most 64 characters: a name whose totals tables' names would be longer is refused. */
    @Test
    void aTableNameTooLongForTheDatabaseIsRefused() {
        String longest = "t".repeat(64 - JdbcPropertyStore.DEVICE_TABLE_SUFFIX.length());
        assertThatThrownBy(() -> new JdbcPropertyStore(database(), longest + "t"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("64");
        JdbcPropertyStore store = new JdbcPropertyStore(database(), longest);
        store.write(new DeviceId("demo", "device-1"), "p", 1);
        assertThat(store.read(new DeviceId("demo", "device-1"), "p")).isEqualTo(1L);
    }

    /**
     * The store tries a write again when its SQL state is of class 40: MariaDB's deadlock (error 1213) must be one,
     * or its victim failed the device's write (ERROR 500). A real deadlock: two transactions wait for each other.
     */
    @Test
    void aDeadlocksVictimHasTheSqlStateTheStoreTriesAgain() throws Exception {
        DataSource database = database();
        ExecutorService threads = Executors.newSingleThreadExecutor();
        try (Connection a = database.getConnection(); Connection b = database.getConnection();
             Statement sa = a.createStatement(); Statement sb = b.createStatement()) {
            sa.execute("CREATE TABLE deadlock (id INT PRIMARY KEY, n INT) ENGINE=InnoDB");
            sa.execute("INSERT INTO deadlock VALUES (1, 0), (2, 0)");
            a.setAutoCommit(false);
            b.setAutoCommit(false);
            sa.execute("UPDATE deadlock SET n = 1 WHERE id = 1");
            sb.execute("UPDATE deadlock SET n = 1 WHERE id = 2");
            // whichever of the two asks first waits for the other, and the other's request closes the cycle: no
            // need to know that the first is waiting yet (a server's view of its lock waits is not to be relied on)
            Future<SQLException> first = threads.submit(
                    () -> failure(sa, "UPDATE deadlock SET n = 2 WHERE id = 2"));
            SQLException second = failure(sb, "UPDATE deadlock SET n = 2 WHERE id = 1");
            SQLException victim = second != null ? second
                    : first.get(Waits.WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat((Throwable) victim).as("a deadlock's victim").isNotNull();
            assertThat(victim.getErrorCode()).isEqualTo(1213);
            assertThat(victim.getSQLState()).isEqualTo("40001");
            a.rollback();
            b.rollback();
        } finally {
            threads.shutdownNow();
        }
    }

    private static SQLException failure(Statement s, String sql) {
        try {
            s.execute(sql);
            return null;
        } catch (SQLException e) {
            return e;
        }
    }

    private long count(String sql) throws Exception {
        try (Connection c = database().getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }
}
