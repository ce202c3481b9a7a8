package io.cameliotmp.server;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

import io.cameliotmp.protocol.PsonFormat;
import io.cameliotmp.testing.Waits;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Property writes of a {@link JdbcPropertyStore} wait for each other only where they must: a write of a property
 * waits for another write of that property, and for the totals, which each write holds only from its check to its
 * commit. A slow statement is one the test holds at a gate ({@link GatedDataSource}), never a time. Against H2 here,
 * against PostgreSQL in {@link JdbcPropertyStoreConcurrencyPostgresTest}.
 */
class JdbcPropertyStoreConcurrencyTest {

    private static final String TABLE = JdbcPropertyStore.DEFAULT_TABLE;
    private static final long WAIT_MILLIS = Waits.WAIT.toMillis();

    @TempDir
    Path dir;

    /** The test's database, open from before each test. */
    DataSource database;
    private Connection keepOpen;
    private final ExecutorService threads = Executors.newCachedThreadPool();

    /** A new database for the test. */
    DataSource newDatabase() {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:file:" + dir.resolve("properties") + ";DB_CLOSE_DELAY=0");
        return h2;
    }

    @BeforeEach
    void open() throws Exception {
        database = newDatabase();
        keepOpen = database.getConnection(); // the file database stays open between writes
    }

    @AfterEach
    void close() throws Exception {
        threads.shutdownNow();
        keepOpen.close();
    }

    /**
     * One slow write (a large value, a busy database) held up every other property write of its user, of every one of
     * the user's devices, for as long as it took: each write locked the user's totals first and kept them to its
     * commit. Now the property's row is written before the totals are locked, so the other properties of its device
     * and the other devices of its user are written meanwhile.
     */
    @Test
    void aSlowWriteHoldsUpNoOtherPropertyOfItsUser() throws Exception {
        CountDownLatch inSlowStatement = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean armed = new AtomicBoolean();
        JdbcPropertyStore store = new JdbcPropertyStore(GatedDataSource.gated(database, TABLE,
                name -> "slow".equals(name) && armed.get(), () -> {
                    inSlowStatement.countDown();
                    release.await(WAIT_MILLIS, TimeUnit.MILLISECONDS);
                }));
        DeviceId device = new DeviceId("demo", "device-1");
        store.write(device, "slow", 1); // a row to update
        armed.set(true);

        Future<?> slow = threads.submit(() -> store.write(device, "slow", new byte[1000]));
        assertThat(inSlowStatement.await(WAIT_MILLIS, TimeUnit.MILLISECONDS)).isTrue();
        try {
            threads.submit(() -> {
                store.write(device, "other", "v");
                store.write(new DeviceId("demo", "device-2"), "p", new byte[100]);
                store.write(new DeviceId("demo", "device-3"), "p", 3);
                store.write(new DeviceId("demo", "device-3"), "p", null);
                return null;
            }).get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
            assertThat(slow).as("still held at the gate").isNotDone();
        } finally {
            release.countDown();
        }
        slow.get(WAIT_MILLIS, TimeUnit.MILLISECONDS);

        assertThat((byte[]) store.read(device, "slow")).hasSize(1000);
        assertThat(store.read(device, "other")).isEqualTo("v");
        assertTotalsAreTheRows();
    }

    /**
     * Writers of new properties of one device, all in the middle of their writes at once (each has inserted its row,
     * none has committed), still leave the device exactly its quota of properties: the count is checked and changed
     * under the device's totals, one writer at a time.
     */
    @Test
    void writersInTheMiddleOfTheirWritesAtOnceKeepExactlyADevicesQuota() throws Exception {
        int writers = 8;
        int maxProperties = 5;
        CountDownLatch allInserting = new CountDownLatch(writers);
        JdbcPropertyStore store = new JdbcPropertyStore(gatedUntilAll(allInserting), TABLE, maxProperties, 1 << 20);
        DeviceId device = new DeviceId("demo", "device-1");

        Outcomes outcomes = writeAtOnce(writers, i -> store.write(device, "p" + i, i));

        assertThat(outcomes.written.get()).isEqualTo(maxProperties);
        assertThat(outcomes.refused).containsOnly(QuotaExceededException.Quota.PROPERTIES);
        assertThat(outcomes.refused).hasSize(writers - maxProperties);
        assertTotalsAreTheRows();
    }

    /** The same for the bytes of the user's devices together, each writer a device of its own. */
    @Test
    void writersInTheMiddleOfTheirWritesAtOnceKeepExactlyAUsersQuota() throws Exception {
        int writers = 8;
        int fitting = 3;
        long cost = PropertyQuotas.cost("p", PsonFormat.V2.toBytes(new byte[200]));
        CountDownLatch allInserting = new CountDownLatch(writers);
        JdbcPropertyStore store = new JdbcPropertyStore(gatedUntilAll(allInserting), TABLE, 128, 1 << 20,
                fitting * cost);

        Outcomes outcomes = writeAtOnce(writers, i -> store.write(new DeviceId("demo", "device-" + i), "p",
                new byte[200]));

        assertThat(outcomes.written.get()).isEqualTo(fitting);
        assertThat(outcomes.refused).containsOnly(QuotaExceededException.Quota.USER_PROPERTY_BYTES);
        assertThat(outcomes.refused).hasSize(writers - fitting);
        assertTotalsAreTheRows();
    }

    /**
     * A device's totals go with its last property: a device that logs in under ever new ids, sets a property and
     * removes it would otherwise leave a row behind each time.
     */
    @Test
    void aDeviceWithoutPropertiesKeepsNoTotals() throws Exception {
        JdbcPropertyStore store = new JdbcPropertyStore(database);
        for (int i = 0; i < 5; i++) {
            DeviceId device = new DeviceId("demo", "device-" + i);
            store.write(device, "p", i);
            store.write(device, "q", i);
            store.write(device, "p", null);
            store.write(device, "q", null);
        }
        store.write(new DeviceId("demo", "kept"), "p", 1);

        assertThat(count("SELECT COUNT(*) FROM " + TABLE + JdbcPropertyStore.DEVICE_TABLE_SUFFIX)).isEqualTo(1);
        assertTotalsAreTheRows();
    }

    /** Totals of an older table (none per device) are counted from its rows on a device's next write. */
    @Test
    void aDeviceWithoutTotalsIsCountedFromItsRows() throws Exception {
        JdbcPropertyStore store = new JdbcPropertyStore(database, TABLE, 2, 1 << 20);
        DeviceId device = new DeviceId("demo", "device-1");
        store.write(device, "p0", 0);
        store.write(device, "p1", 1);
        try (Statement s = keepOpen.createStatement()) {
            s.execute("DELETE FROM " + TABLE + JdbcPropertyStore.DEVICE_TABLE_SUFFIX);
        }
        try {
            store.write(device, "p2", 2);
            throw new AssertionError("a third property was written");
        } catch (QuotaExceededException e) {
            assertThat(e.quota()).isEqualTo(QuotaExceededException.Quota.PROPERTIES);
        }
        store.write(device, "p1", "replaced");
        assertTotalsAreTheRows();
    }

    /**
     * A write waiting for a lock that nobody releases (another session's transaction left open, a hung writer of
     * another server) waited without end in PostgreSQL, and for the database's own lock timeout elsewhere, on the
     * device's worker thread and every device sharing it: now it fails after the statement timeout with 503, changes
     * nothing, and the property is written once the lock is gone. The lock is held by the test, not by time.
     */
    @Test
    void aWriteWaitingForALockNobodyReleasesFailsAfterTheStatementTimeout() throws Exception {
        JdbcPropertyStore store = new JdbcPropertyStore(database, TABLE, 128, 1 << 16, 1 << 24,
                Duration.ofSeconds(1));
        DeviceId device = new DeviceId("demo", "device-1");
        store.write(device, "p", 1);
        try (Connection holder = database.getConnection()) {
            holder.setAutoCommit(false);
            try (Statement s = holder.createStatement()) {
                assertThat(s.executeUpdate("UPDATE " + TABLE + " SET updated_at = updated_at WHERE property = 'p'"))
                        .isEqualTo(1);
            }
            Future<?> write = threads.submit(() -> store.write(device, "p", 2));
            assertThatThrownBy(() -> write.get(WAIT_MILLIS, TimeUnit.MILLISECONDS))
                    .isInstanceOf(ExecutionException.class).cause()
                    .isInstanceOfSatisfying(DeviceCallException.class,
                            e -> assertThat(e.status()).isEqualTo(JdbcPropertyStore.UNAVAILABLE));
            holder.rollback();
        }
        assertThat(((Number) store.read(device, "p")).longValue()).isEqualTo(1L);
        store.write(device, "p", 3);
        assertThat(((Number) store.read(device, "p")).longValue()).isEqualTo(3L);
        assertTotalsAreTheRows();
    }

    /** Writes whose property rows wait until {@code all} writes have reached theirs (or the wait's bound passed). */
    private DataSource gatedUntilAll(CountDownLatch all) {
        return GatedDataSource.gated(database, TABLE, name -> true, () -> {
            all.countDown();
            all.await(WAIT_MILLIS, TimeUnit.MILLISECONDS);
        });
    }

    private interface Write {
        void run(int i);
    }

    private record Outcomes(AtomicInteger written, List<QuotaExceededException.Quota> refused) {
    }

    private Outcomes writeAtOnce(int writers, Write write) throws Exception {
        Outcomes outcomes = new Outcomes(new AtomicInteger(), Collections.synchronizedList(new ArrayList<>()));
        List<Future<?>> done = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int i = w;
            done.add(threads.submit(() -> {
                try {
                    write.run(i);
                    outcomes.written.incrementAndGet();
                } catch (QuotaExceededException e) {
                    outcomes.refused.add(e.quota());
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
        }
        return outcomes;
    }

    /** The totals of every device and user are what their rows add up to. */
    void assertTotalsAreTheRows() throws Exception {
        String cost = "OCTET_LENGTH(property) + OCTET_LENGTH(pson)";
        String devices = TABLE + JdbcPropertyStore.DEVICE_TABLE_SUFFIX;
        String users = TABLE + JdbcPropertyStore.USER_TABLE_SUFFIX;
        assertThat(count("SELECT COUNT(*) FROM (SELECT user_id, device_id, COUNT(*) n, SUM(" + cost + ") b FROM "
                         + TABLE + " GROUP BY user_id, device_id) r LEFT JOIN " + devices
                         + " d ON d.user_id = r.user_id AND d.device_id = r.device_id"
                         + " WHERE d.properties IS NULL OR d.properties <> r.n OR d.bytes <> r.b"))
                .as("devices whose totals are not their rows").isZero();
        assertThat(count("SELECT COUNT(*) FROM " + devices + " d WHERE NOT EXISTS (SELECT 1 FROM " + TABLE
                         + " r WHERE r.user_id = d.user_id AND r.device_id = d.device_id)"))
                .as("totals of devices without properties").isZero();
        assertThat(count("SELECT COUNT(*) FROM " + users + " u WHERE u.bytes <> (SELECT COALESCE(SUM(" + cost
                         + "), 0) FROM " + TABLE + " r WHERE r.user_id = u.user_id)"))
                .as("users whose total is not their rows").isZero();
    }

    private long count(String sql) throws Exception {
        try (Statement s = keepOpen.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }
}
