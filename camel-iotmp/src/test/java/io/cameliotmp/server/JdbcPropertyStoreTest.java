package io.cameliotmp.server;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

import io.cameliotmp.protocol.PsonFormat;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The JDBC property store against a real (embedded, file-based) H2 database; {@link JdbcPropertyStorePostgresTest}
 * and {@link JdbcPropertyStoreMariaDbTest} run the same tests against PostgreSQL and MariaDB.
 */
class JdbcPropertyStoreTest {

    @TempDir
    Path dir;

    /** The test's database: every call of one test is the same database, as a restarted server finds it. */
    DataSource database() {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:file:" + dir.resolve("properties") + ";DB_CLOSE_DELAY=0");
        return ds;
    }

    /** The type of the values' column in a table a test makes itself, as an older version made it. */
    String bytesType() {
        return "BYTEA";
    }

    @Test
    void valuesKeepTheirTypesAndSurviveARestart() {
        DeviceId device = new DeviceId("demo", "device-1");
        Map<String, Object> config = Map.of("threshold", 23.5f, "tags", List.of("a", "b"), "raw", new byte[] {1, 2});
        new JdbcPropertyStore(database()).write(device, "config", config);

        JdbcPropertyStore reopened = new JdbcPropertyStore(database());
        assertThat(io.cameliotmp.protocol.PsonValues.equal(reopened.read(device, "config"), config)).isTrue();
        assertThat(reopened.read(device, "missing")).isNull();
        assertThat(reopened.read(new DeviceId("demo", "device-2"), "config")).isNull();
    }

    @Test
    void overwriteAndRemove() {
        JdbcPropertyStore store = new JdbcPropertyStore(database());
        DeviceId device = new DeviceId("demo", "device-1");
        store.write(device, "mode", "eco");
        store.write(device, "mode", "boost");
        assertThat(store.read(device, "mode")).isEqualTo("boost");
        store.write(device, "mode", null);
        assertThat(store.read(device, "mode")).isNull();
    }

    /**
     * A device could otherwise fill the database with properties of a whole frame each: the count and the bytes of
     * names and values per device are bounded as in memory, a replaced value counting only the difference.
     */
    @Test
    void aDevicesPropertiesAreBoundedByItsQuotas() {
        JdbcPropertyStore store = new JdbcPropertyStore(database(), JdbcPropertyStore.DEFAULT_TABLE, 2, 1000);
        DeviceId device = new DeviceId("demo", "device-1");
        store.write(device, "p0", new byte[300]);
        store.write(device, "p1", new byte[300]);
        assertThatThrownBy(() -> store.write(device, "p2", 1)).isInstanceOfSatisfying(QuotaExceededException.class,
                e -> assertThat(e.quota()).isEqualTo(QuotaExceededException.Quota.PROPERTIES));
        store.write(device, "p0", new byte[600]); // replaced: about 300 + 600 bytes
        assertThatThrownBy(() -> store.write(device, "p1", new byte[700]))
                .isInstanceOfSatisfying(QuotaExceededException.class,
                        e -> assertThat(e.quota()).isEqualTo(QuotaExceededException.Quota.PROPERTY_BYTES));
        assertThat((byte[]) store.read(device, "p1")).as("a refused write changes nothing").hasSize(300);

        store.write(device, "p1", null);
        store.write(device, "p2", 1);
        store.write(new DeviceId("demo", "device-2"), "p9", new byte[900]); // quotas are per device
        assertThat(store.read(device, "p2")).isNotNull();
    }

    /**
     * An authenticator may accept any device id of a user, so a device logging in under ever new ids could otherwise
     * fill the database with new devices' properties: all the devices of a user share maxPropertyBytesPerUser.
     */
    @Test
    void theDevicesOfAUserShareTheUsersQuota() {
        long cost = PropertyQuotas.cost("p0", PsonFormat.V2.toBytes(new byte[400]));
        JdbcPropertyStore store = new JdbcPropertyStore(database(), JdbcPropertyStore.DEFAULT_TABLE, 128, 1000,
                2 * cost);
        DeviceId first = new DeviceId("demo", "device-1");
        DeviceId second = new DeviceId("demo", "device-2");
        store.write(first, "p0", new byte[400]);
        store.write(second, "p0", new byte[400]);
        assertThatThrownBy(() -> store.write(new DeviceId("demo", "device-3"), "p0", new byte[1]))
                .isInstanceOfSatisfying(QuotaExceededException.class,
                        e -> assertThat(e.quota()).isEqualTo(QuotaExceededException.Quota.USER_PROPERTY_BYTES));
        assertThatThrownBy(() -> store.write(second, "p0", new byte[401]))
                .as("a replaced value counts the difference, here one byte too many")
                .isInstanceOfSatisfying(QuotaExceededException.class,
                        e -> assertThat(e.quota()).isEqualTo(QuotaExceededException.Quota.USER_PROPERTY_BYTES));
        assertThat((byte[]) store.read(second, "p0")).as("a refused write changes nothing").hasSize(400);
        store.write(new DeviceId("other", "device-1"), "p0", new byte[400]); // another user has a quota of its own

        store.write(first, "p0", null); // a removed property frees its share
        store.write(new DeviceId("demo", "device-3"), "p0", new byte[400]);
        assertThat(new JdbcPropertyStore(database(), JdbcPropertyStore.DEFAULT_TABLE, 128, 1000, 2 * cost)
                .read(new DeviceId("demo", "device-3"), "p0")).as("the total survives a restart").isNotNull();
        assertThatThrownBy(() -> new JdbcPropertyStore(database(), JdbcPropertyStore.DEFAULT_TABLE, 128, 1000,
                2 * cost).write(first, "p0", new byte[1])).isInstanceOf(QuotaExceededException.class);
    }

    /**
     * Rows written before the users' totals existed (an earlier version), or after the total was deleted because rows
     * were changed by hand, count: a user without a total is counted from its rows.
     */
    @Test
    void aUserWithoutATotalIsCountedFromItsRows() throws Exception {
        long cost = PropertyQuotas.cost("p0", PsonFormat.V2.toBytes(new byte[400]));
        DataSource database = database();
        JdbcPropertyStore store = new JdbcPropertyStore(database, JdbcPropertyStore.DEFAULT_TABLE, 128, 1000,
                2 * cost);
        store.write(new DeviceId("demo", "device-1"), "p0", new byte[400]);
        store.write(new DeviceId("demo", "device-2"), "p0", new byte[400]);
        try (Connection c = database.getConnection(); Statement s = c.createStatement()) {
            s.execute("DELETE FROM " + JdbcPropertyStore.DEFAULT_TABLE + JdbcPropertyStore.USER_TABLE_SUFFIX);
        }
        assertThatThrownBy(() -> store.write(new DeviceId("demo", "device-3"), "p0", new byte[1]))
                .isInstanceOfSatisfying(QuotaExceededException.class,
                        e -> assertThat(e.quota()).isEqualTo(QuotaExceededException.Quota.USER_PROPERTY_BYTES));
        store.write(new DeviceId("demo", "device-2"), "p0", null);
        store.write(new DeviceId("demo", "device-3"), "p0", new byte[400]);
    }

    /**
     * Writers of different devices of one user run at once (each device has its own connection and thread): each
     * must see what the others committed, or each would pass the check and together exceed the user's quota.
     */
    @Test
    void concurrentWritersOfOneUserKeepExactlyItsQuota() throws Exception {
        int writers = 8;
        int writesEach = 20;
        int fitting = 50;
        long cost = PropertyQuotas.cost("p00", PsonFormat.V2.toBytes(new byte[100]));
        DataSource database = database();
        JdbcPropertyStore store = new JdbcPropertyStore(database, JdbcPropertyStore.DEFAULT_TABLE, 128,
                writesEach * cost, fitting * cost);
        AtomicInteger written = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(writers);
        try (Connection keepOpen = database.getConnection()) { // the file database stays open between writes
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                DeviceId device = new DeviceId("demo", "device-" + w);
                done.add(threads.submit(() -> {
                    start.await();
                    for (int i = 0; i < writesEach; i++) {
                        try {
                            store.write(device, String.format("p%02d", i), new byte[100]);
                            written.incrementAndGet();
                        } catch (QuotaExceededException e) {
                            assertThat(e.quota()).isEqualTo(QuotaExceededException.Quota.USER_PROPERTY_BYTES);
                            refused.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
            assertThat(written.get()).isEqualTo(fitting);
            assertThat(refused.get()).isEqualTo(writers * writesEach - fitting);
            try (Statement s = keepOpen.createStatement(); ResultSet r = s.executeQuery(
                    "SELECT COUNT(*), SUM(OCTET_LENGTH(property) + OCTET_LENGTH(pson)) FROM "
                    + JdbcPropertyStore.DEFAULT_TABLE + " WHERE user_id = 'demo'")) {
                r.next();
                assertThat(r.getLong(1)).isEqualTo(fitting);
                assertThat(r.getLong(2)).isEqualTo(fitting * cost);
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void tableNameMustBePlain() {
        assertThatThrownBy(() -> new JdbcPropertyStore(database(), "x; DROP TABLE y"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * A table may be named as an SQL keyword: the names are quoted, as the database keeps an unquoted name (upper case
     * in H2, lower case in PostgreSQL), so the tables are the ones the unquoted name meant. Unquoted, such a name was
     * a syntax error at start-up.
     */
    @Test
    void aTableMayBeNamedAsAKeyword() throws Exception {
        DataSource database = database();
        JdbcPropertyStore store = new JdbcPropertyStore(database, "order");
        DeviceId device = new DeviceId("demo", "device-1");
        store.write(device, "p", "v");
        assertThat(new JdbcPropertyStore(database, "order").read(device, "p")).isEqualTo("v");
        store.write(device, "p", null);
        assertThat(store.read(device, "p")).isNull();
    }

    /**
     * A transaction the database aborts (a serialization failure, a deadlock's victim: SQL state class 40) changed
     * nothing and is tried again, counted once; one aborted every time fails with an error that says so.
     */
    @Test
    void aWriteTheDatabaseAbortsIsTriedAgainAndCountedOnce() throws Exception {
        AtomicInteger aborts = new AtomicInteger(2);
        DataSource database = database();
        JdbcPropertyStore store = new JdbcPropertyStore(AbortingDataSource.aborting(database, aborts));
        DeviceId device = new DeviceId("demo", "device-1");
        store.write(device, "p", new byte[100]);
        assertThat(aborts.get()).as("both aborts happened").isZero();
        assertThat((byte[]) store.read(device, "p")).hasSize(100);
        try (Connection c = database.getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT bytes FROM " + JdbcPropertyStore.DEFAULT_TABLE
                                          + JdbcPropertyStore.USER_TABLE_SUFFIX + " WHERE user_id = 'demo'")) {
            assertThat(r.next()).isTrue();
            assertThat(r.getLong(1)).isEqualTo(PropertyQuotas.cost("p", PsonFormat.V2.toBytes(new byte[100])));
        }

        aborts.set(Integer.MAX_VALUE);
        assertThatThrownBy(() -> store.write(device, "p", 1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("aborted").hasMessageContaining("40001");
        assertThat((byte[]) store.read(device, "p")).as("an aborted write changes nothing").hasSize(100);
    }

    /**
     * A rollback that fails (the connection broke) does not hide why the write failed: a refused write is still a
     * quota refusal (ERROR 413, not 500), and an aborted one is still tried again on another connection.
     */
    @Test
    void aRollbackThatFailsHidesNotWhyTheWriteFailed() {
        AtomicInteger aborts = new AtomicInteger(1);
        JdbcPropertyStore store = new JdbcPropertyStore(AbortingDataSource.aborting(database(), aborts, true),
                JdbcPropertyStore.DEFAULT_TABLE, 1, 1 << 20);
        DeviceId device = new DeviceId("demo", "device-1");
        store.write(device, "p", 1);
        assertThat(aborts.get()).as("the first attempt was aborted").isZero();
        assertThat(store.read(device, "p")).isEqualTo(1L);
        assertThatThrownBy(() -> store.write(device, "q", 2)).isInstanceOfSatisfying(QuotaExceededException.class,
                e -> assertThat(e.getSuppressed()).hasSize(1));
        assertThat(store.read(device, "q")).isNull();
    }

    /** A new table holds the longest ids and names the server accepts by default. */
    @Test
    void aNewTableHoldsTheLongestIdsAndNamesOfTheDefaultLimits() {
        JdbcPropertyStore store = new JdbcPropertyStore(database());
        DeviceId longest = new DeviceId("u".repeat(ServerLimits.DEFAULT_MAX_IDENTIFIER_LENGTH),
                "d".repeat(ServerLimits.DEFAULT_MAX_IDENTIFIER_LENGTH));
        String name = "p".repeat(ServerQuotas.DEFAULT_MAX_NAME_LENGTH);
        store.write(longest, name, 1);
        assertThat(store.read(longest, name)).isEqualTo(1L);
    }

    /**
     * A table made by an older version has narrower key columns (64 characters of ids, 255 of a name): a longer key
     * is refused as a name too long (ERROR 400 to a device), where the database's error made it an ERROR 500; it is
     * never found by a read, and deleting it changes nothing.
     */
    @Test
    void keysLongerThanAnOlderTablesColumnsAreRefusedAsTooLong() throws Exception {
        DataSource database = database();
        try (Connection c = database.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE " + JdbcPropertyStore.DEFAULT_TABLE + " (user_id VARCHAR(64) NOT NULL,"
                      + " device_id VARCHAR(64) NOT NULL, property VARCHAR(255) NOT NULL, pson " + bytesType()
                      + " NOT NULL,"
                      + " updated_at TIMESTAMP NOT NULL, PRIMARY KEY (user_id, device_id, property))");
        }
        JdbcPropertyStore store = new JdbcPropertyStore(database);
        DeviceId fits = new DeviceId("demo", "d".repeat(64));
        DeviceId tooLong = new DeviceId("demo", "d".repeat(65));
        store.write(fits, "p".repeat(255), "ok");
        assertThat(store.read(fits, "p".repeat(255))).isEqualTo("ok");

        assertThatThrownBy(() -> store.write(tooLong, "p", "v")).isInstanceOfSatisfying(QuotaExceededException.class,
                e -> {
                    assertThat(e.quota()).isEqualTo(QuotaExceededException.Quota.NAME_LENGTH);
                    assertThat(e.getMessage()).contains("device id of 65 characters", "64");
                });
        assertThatThrownBy(() -> store.write(fits, "p".repeat(256), "v")).isInstanceOf(QuotaExceededException.class)
                .hasMessageContaining("property name of 256 characters");
        assertThat(store.read(tooLong, "p")).isNull();
        store.write(tooLong, "p", null);
    }

    /**
     * Keys are compared as they are: names differing in case, accents or trailing spaces are other properties, of
     * other devices. MariaDB and MySQL compare text without them by default, and {@code Sensor}'s write replaced
     * {@code sensor}'s property.
     */
    @Test
    void namesDifferingInCaseAccentsOrTrailingSpacesAreOtherProperties() {
        JdbcPropertyStore store = new JdbcPropertyStore(database());
        List<String> names = List.of("mode", "Mode", "modé", "mode ");
        for (String device : names) {
            for (String name : names) {
                store.write(new DeviceId("demo", device), name, device + "/" + name);
            }
        }
        for (String device : names) {
            for (String name : names) {
                assertThat(store.read(new DeviceId("demo", device), name)).isEqualTo(device + "/" + name);
            }
        }
    }

    /**
     * Names of any script are kept, whatever the database's own character set: MariaDB's is Latin-1 unless set, and
     * a name beyond it failed (ERROR 500) or was kept as question marks, one property for all such names.
     */
    @Test
    void namesBeyondLatin1AreKept() {
        JdbcPropertyStore store = new JdbcPropertyStore(database());
        DeviceId device = new DeviceId("\u7528\u6237", "\u6e29\u5ea6\u8ba1");
        store.write(device, "\u6e29\u5ea6", 1);
        store.write(device, "\u6e7f\u5ea6", 2);
        store.write(device, "\ud83c\udf21", 3);
        assertThat(store.read(device, "\u6e29\u5ea6")).isEqualTo(1L);
        assertThat(store.read(device, "\u6e7f\u5ea6")).isEqualTo(2L);
        assertThat(store.read(device, "\ud83c\udf21")).isEqualTo(3L);
    }

    /**
     * A key the database cannot keep apart from another is refused (400, {@code name-invalid}), in every database
     * alike: the drivers sent an unpaired surrogate as {@code ?}, so a route's write of {@code a} and a lone surrogate
     * replaced the property {@code a?} (and a device id with one was another device's), and PostgreSQL's text failed
     * on a NUL (ERROR 500) where H2 and MariaDB kept it.
     */
    @Test
    void keysTheDatabaseCannotKeepApartAreRefused() {
        JdbcPropertyStore store = new JdbcPropertyStore(database());
        DeviceId device = new DeviceId("demo", "device-1");
        store.write(device, "a?", "kept");
        store.write(device, "b?x", "kept");
        for (String name : List.of("a\uD800", "b\uDC00x", "nul\u0000x")) {
            assertThatThrownBy(() -> store.write(device, name, "other")).as(name)
                    .isInstanceOfSatisfying(QuotaExceededException.class,
                            e -> assertThat(e.quota()).isEqualTo(QuotaExceededException.Quota.NAME_INVALID));
            assertThat(store.read(device, name)).as(name).isNull();
            store.write(device, name, null); // nothing to remove
        }
        assertThatThrownBy(() -> store.write(new DeviceId("demo", "device-1\uD800"), "a?", "other"))
                .isInstanceOf(QuotaExceededException.class);
        assertThat(store.read(device, "a?")).isEqualTo("kept");
        assertThat(store.read(device, "b?x")).isEqualTo("kept");
    }
}
