package io.cameliotmp.server;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

import io.cameliotmp.protocol.PsonFormat;

/**
 * Device properties in a relational database, so they survive restarts. Values are stored as PSON v2 bytes, which
 * keeps every type exactly (maps, floats, bytes…) without a schema per property.
 * <p>
 * The tables are created if missing ({@link JdbcPropertyTables}) with SQL that H2 and PostgreSQL both accept
 * ({@code BYTEA} is mapped by H2 too), and their own column types in MariaDB and MySQL; the store's tests run against
 * H2, PostgreSQL and MariaDB. Writes update a row they found and insert
 * one they did not, inside one transaction, which needs no vendor upsert syntax. Writes run at READ COMMITTED, whatever
 * the isolation the data source's connections have, since the locks below are made for it.
 * <p>
 * A device's properties are bounded here as in memory: at most {@code maxPropertiesPerDevice} properties and
 * {@code maxPropertyBytesPerDevice} bytes of names (UTF-8) and PSON-encoded values ({@link PropertyQuotas#cost}; a
 * missing totals row, below, is counted by the database, {@code OCTET_LENGTH}, the same in a UTF-8 database), and
 * {@code maxPropertyBytesPerUser} bytes for all the devices of a user together, checked
 * inside the write's transaction; a write beyond any of them fails with {@link QuotaExceededException} and changes
 * nothing. Without them a device could fill the database with properties of a whole frame each, and a device that
 * logs in under ever new ids (an authenticator accepting any device id of a user) with ever new devices' properties.
 * <p>
 * The totals are kept in two more tables, {@code <table>_device_totals} (a row per device with properties: their
 * count and bytes) and {@code <table>_user_bytes} (a row per user), changed in the write's transaction. They are what
 * makes the checks hold under concurrent writers: a COUNT or SUM over the rows would not, since under READ COMMITTED
 * (the default of H2 and PostgreSQL) two writers each count the rows committed before them, neither sees the other's
 * insert, and both pass; row locks do not stop an insert of a new row. A write locks, in this order: the property's
 * own row (an update locks it; two inserts of one new property collide on the key, and the second tries again), then
 * the device's totals, then the user's ({@code SELECT … FOR UPDATE}), checks the quotas against them and changes them.
 * The totals are locked last, after the property's row is written, and held only until the commit: a slow write of
 * a property (a large value, a busy database) therefore holds up the other writes of that property alone, not every
 * write of its device or user, while the totals change one writer at a time and stay exact. The order is the same
 * for every writer, so they cannot deadlock. A device's totals row goes with its last property, so devices that
 * came and went leave nothing behind. A missing totals row (a table written before it existed, a row deleted after
 * rows were changed outside this store) is made from the rows; a writer that races to make it too fails on the key
 * and tries again, as does a write the database rolled back itself (a deadlock's victim).
 * <p>
 * Reads and writes run on the device's worker thread, so each is bounded by a statement timeout
 * ({@link #DEFAULT_STATEMENT_TIMEOUT}), a read's one statement and a write's statements and attempts together: a
 * database that holds a lock for good (another session's transaction left open; PostgreSQL waits for a row lock
 * without end by default) or a statement that runs on held the worker, and every device sharing it, as long. A read or
 * write the database does not finish in time, or cannot be reached for, fails with {@link DeviceCallException} 503
 * (a write cancelled in time changed nothing; one whose connection broke in its commit may be kept). Taking a
 * connection is the data source's to bound (a pool's connection timeout), and a database that stops answering at all
 * the driver's (a socket timeout): a cancelled statement needs its answer.
 */
public final class JdbcPropertyStore implements PropertyStore {

    public static final String DEFAULT_TABLE = "iotmp_device_property";
    /** Appended to the table's name for the table of the users' totals. */
    public static final String USER_TABLE_SUFFIX = "_user_bytes";
    /** Appended to the table's name for the table of the devices' totals. */
    public static final String DEVICE_TABLE_SUFFIX = "_device_totals";
    /**
     * The SQL state class of integrity constraint violations: two writers created the same property, device totals
     * or user totals row (23505 in H2 and PostgreSQL, 23000 in MySQL and MariaDB). Another violation fails again and
     * is thrown after the attempts.
     */
    private static final String INTEGRITY_VIOLATION_CLASS = "23";
    /**
     * The SQL state class of transactions the database rolled back itself: a serialization failure (40001), a
     * deadlock's victim (40P01 in PostgreSQL, 40001 in MySQL and MariaDB). The write changed nothing and is tried
     * again; writes run at READ COMMITTED, where PostgreSQL has none, but MySQL and MariaDB may pick a victim.
     */
    private static final String ROLLED_BACK_CLASS = "40";
    /**
     * Writes tried in all when they lose a race to create a row: the next attempt finds the row, so one race of each
     * of the three rows (the property, the device's totals, the user's) and one more.
     */
    private static final int ATTEMPTS = 4;
    private static final String COST = "OCTET_LENGTH(property) + OCTET_LENGTH(pson)";
    /** How long a read, or a write with all its attempts, may take in the database unless told otherwise. */
    public static final Duration DEFAULT_STATEMENT_TIMEOUT = Duration.ofSeconds(10);
    /** The status of a read or write the database did not finish in time or could not be reached for. */
    static final int UNAVAILABLE = 503;
    /**
     * SQL states of a statement cancelled by its timeout where the driver throws no {@link SQLTimeoutException}:
     * 57014 (PostgreSQL's and H2's cancelled statement), HYT00 (H2's lock timeout), 70100 (MariaDB's interrupted
     * statement). The class 08, a connection that failed, counts alike: the database cannot be reached.
     */
    private static final Set<String> TIMED_OUT = Set.of("57014", "HYT00", "HYT01", "70100");
    private static final String CONNECTION_FAILED_CLASS = "08";

    private final DataSource dataSource;
    /** The tables' names as the SQL spells them (quoted; see {@link JdbcPropertyTables}). */
    private final String table;
    private final String userTable;
    private final String deviceTable;
    private final int maxProperties;
    private final long maxBytes;
    private final long maxUserBytes;
    private final long timeoutNanos;
    /** The widths of the key's columns as the table has them: one made by an older version is narrower. */
    private final JdbcPropertyTables.KeyWidths widths;

    /** In {@link #DEFAULT_TABLE}, with the default quotas of {@link ServerQuotas}. */
    public JdbcPropertyStore(DataSource dataSource) {
        this(dataSource, DEFAULT_TABLE);
    }

    /** With the default quotas of {@link ServerQuotas}. */
    public JdbcPropertyStore(DataSource dataSource, String table) {
        this(dataSource, table, ServerQuotas.DEFAULT_MAX_PROPERTIES_PER_DEVICE,
                ServerQuotas.DEFAULT_MAX_PROPERTY_BYTES_PER_DEVICE);
    }

    /** With the default {@code maxPropertyBytesPerUser} of {@link ServerQuotas}. */
    public JdbcPropertyStore(DataSource dataSource, String table, int maxPropertiesPerDevice,
                             long maxPropertyBytesPerDevice) {
        this(dataSource, table, maxPropertiesPerDevice, maxPropertyBytesPerDevice,
                ServerQuotas.DEFAULT_MAX_PROPERTY_BYTES_PER_USER);
    }

    /**
     * @param maxPropertiesPerDevice    properties one device may have in the table
     * @param maxPropertyBytesPerDevice bytes of property names and PSON-encoded values one device may have in it
     * @param maxPropertyBytesPerUser   the same bytes for all the devices of one user together
     */
    public JdbcPropertyStore(DataSource dataSource, String table, int maxPropertiesPerDevice,
                             long maxPropertyBytesPerDevice, long maxPropertyBytesPerUser) {
        this(dataSource, table, maxPropertiesPerDevice, maxPropertyBytesPerDevice, maxPropertyBytesPerUser,
                DEFAULT_STATEMENT_TIMEOUT);
    }

    /**
     * @param statementTimeout how long a read, or a write with all its attempts, may take in the database; a second or
     *                         more (JDBC counts whole seconds, so it is rounded up to them)
     */
    public JdbcPropertyStore(DataSource dataSource, String table, int maxPropertiesPerDevice,
                             long maxPropertyBytesPerDevice, long maxPropertyBytesPerUser, Duration statementTimeout) {
        if (statementTimeout.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("statementTimeout must be a second or more, got " + statementTimeout);
        }
        IotmpServerConfig.requirePositive(maxPropertiesPerDevice, "maxPropertiesPerDevice");
        IotmpServerConfig.requirePositive(maxPropertyBytesPerDevice, "maxPropertyBytesPerDevice");
        IotmpServerConfig.requirePositive(maxPropertyBytesPerUser, "maxPropertyBytesPerUser");
        JdbcPropertyTables tables = JdbcPropertyTables.open(dataSource, table);
        this.dataSource = dataSource;
        this.table = tables.table();
        this.userTable = tables.userTable();
        this.deviceTable = tables.deviceTable();
        this.maxProperties = maxPropertiesPerDevice;
        this.maxBytes = maxPropertyBytesPerDevice;
        this.maxUserBytes = maxPropertyBytesPerUser;
        this.timeoutNanos = statementTimeout.toNanos();
        this.widths = tables.widths();
    }


    @Override
    public Object read(DeviceId device, String property) {
        if (refusedKey(device, property) != null) {
            return null; // never stored
        }
        String sql = "SELECT pson FROM " + table + " WHERE user_id = ? AND device_id = ? AND property = ?";
        long deadline = System.nanoTime() + timeoutNanos;
        try (Connection c = dataSource.getConnection(); PreparedStatement s = prepare(c, sql, deadline)) {
            bindKey(s, device, property, 1);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? PsonFormat.V2.decode(r.getBytes(1)) : null;
            }
        } catch (SQLException e) {
            String failed = "cannot read property " + property + " of " + device;
            throw isUnavailable(e) ? unavailable(failed, e) : new IllegalStateException(failed, e);
        }
    }

    /**
     * @throws QuotaExceededException if the device or its user would have too many properties or bytes of them, or
     *                                a key is longer than the table's column for it
     */
    @Override
    public void write(DeviceId device, String property, Object value) {
        QuotaExceededException refused = refusedKey(device, property);
        if (refused != null) {
            if (value == null) {
                return; // nothing to delete: it could never be stored
            }
            throw refused;
        }
        byte[] pson = value == null ? null : PsonFormat.V2.toBytes(value);
        long deadline = System.nanoTime() + timeoutNanos;
        for (int attempt = 1; ; attempt++) {
            try {
                writeOnce(device, property, pson, deadline);
                return;
            } catch (SQLException e) {
                String state = e.getSQLState() == null ? "" : e.getSQLState();
                boolean rolledBack = state.startsWith(ROLLED_BACK_CLASS);
                String failed = "cannot write property " + property + " of " + device;
                if (isUnavailable(e)) {
                    throw unavailable(failed, e);
                }
                if (!rolledBack && !state.startsWith(INTEGRITY_VIOLATION_CLASS)) {
                    throw new IllegalStateException(failed, e);
                }
                if (attempt == ATTEMPTS) {
                    throw new IllegalStateException(failed + ": "
                                                    + (rolledBack ? "the database aborted it" : "it lost a race")
                                                    + " " + ATTEMPTS + " times in a row (SQL state " + state + ")",
                            e);
                }
                // another writer created a row first (the property's, the device's or the user's totals), or the
                // database rolled the transaction back: this attempt changed nothing, the next one finds the row
            }
        }
    }

    /**
     * Why the table cannot hold a key, or null: one longer than its column ({@code NAME_LENGTH}), or one it cannot keep
     * apart from others ({@code NAME_INVALID}, {@link #unkeepable}).
     */
    private QuotaExceededException refusedKey(DeviceId device, String property) {
        String tooLong = widths.tooLong(device, property);
        if (tooLong != null) {
            return new QuotaExceededException(QuotaExceededException.Quota.NAME_LENGTH, tooLong);
        }
        String unkeepable = unkeepable(device, property);
        return unkeepable == null ? null
                : new QuotaExceededException(QuotaExceededException.Quota.NAME_INVALID, unkeepable);
    }

    /**
     * Why a key cannot be kept apart from others in a database, or null: a NUL (PostgreSQL's text refuses it, an
     * ERROR 500) or an unpaired surrogate, which the drivers send as {@code ?} (PostgreSQL, and MariaDB where more
     * follows), so a route's write of {@code a} and a lone surrogate replaced {@code a?}. Devices send neither (their
     * names are decoded UTF-8 without control characters); routes may.
     */
    private static String unkeepable(DeviceId device, String property) {
        String[] keys = {device.user(), device.device(), property};
        String[] what = {"user name", "device id", "property name"};
        for (int i = 0; i < keys.length; i++) {
            if (keys[i].indexOf('\0') >= 0 || PsonFormat.loneSurrogateAt(keys[i]) >= 0) {
                return what[i] + " with a NUL or an unpaired surrogate, which the property table cannot keep apart";
            }
        }
        return null;
    }

    /** Whether {@code e} is a statement the database did not finish in time, or a connection that failed. */
    private static boolean isUnavailable(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        return e instanceof SQLTimeoutException || TIMED_OUT.contains(state)
               || state.startsWith(CONNECTION_FAILED_CLASS);
    }

    private DeviceCallException unavailable(String failed, SQLException e) {
        DeviceCallException unavailable = new DeviceCallException(UNAVAILABLE, failed
                + ": the database did not answer within " + TimeUnit.NANOSECONDS.toSeconds(timeoutNanos) + " s"
                + " or could not be reached");
        unavailable.initCause(e);
        return unavailable;
    }

    /** A write's connection, whose statements may run until the write's deadline (a {@link System#nanoTime}). */
    private record Timed(Connection connection, long deadline) {

        PreparedStatement prepareStatement(String sql) throws SQLException {
            return prepare(connection, sql, deadline);
        }
    }

    /**
     * A statement that may run until {@code deadline} (a {@link System#nanoTime}): a second at least, which is the
     * least a JDBC timeout takes; none when the deadline has passed.
     */
    private static PreparedStatement prepare(Connection c, String sql, long deadline) throws SQLException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new SQLTimeoutException("the statement timeout ran out before " + sql);
        }
        PreparedStatement s = c.prepareStatement(sql);
        try {
            s.setQueryTimeout((int) Math.min(Integer.MAX_VALUE, Math.max(1, TimeUnit.NANOSECONDS.toSeconds(
                    left + TimeUnit.SECONDS.toNanos(1) - 1))));
        } catch (SQLException | RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    private void writeOnce(DeviceId device, String property, byte[] pson, long deadline) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            int isolation = c.getTransactionIsolation();
            if (isolation != Connection.TRANSACTION_READ_COMMITTED) {
                // the locks above are what keeps the totals exact; a stricter level (a pool's or the database's
                // default) only aborts writers that would wait for a row (PostgreSQL) or deadlocks writers of new
                // rows on gap locks (MySQL and MariaDB at their default, REPEATABLE READ)
                c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            }
            c.setAutoCommit(false);
            try {
                Timed t = new Timed(c, deadline);
                Long previous = lockProperty(t, device, property);
                if (pson == null) {
                    if (previous != null) {
                        delete(t, device, property);
                        changeTotals(t, device, property, previous, null);
                    }
                } else {
                    upsert(t, device, property, pson, previous != null);
                    changeTotals(t, device, property, previous, PropertyQuotas.cost(property, pson));
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                    restore(c, autoCommit, isolation);
                } catch (SQLException alsoFailed) {
                    // a connection that broke: what failed the write decides (a quota refusal stays one, a lost
                    // race is tried again on another connection), not the rollback that could not reach the database
                    e.addSuppressed(alsoFailed);
                }
                throw e;
            }
            restore(c, autoCommit, isolation);
        }
    }

    /** Gives a pooled connection back as it came. */
    private static void restore(Connection c, boolean autoCommit, int isolation) throws SQLException {
        c.setAutoCommit(autoCommit);
        if (isolation != Connection.TRANSACTION_READ_COMMITTED) {
            c.setTransactionIsolation(isolation);
        }
    }

    /**
     * Locks the property's row until the transaction ends, and returns what it costs; null when the device has no
     * such property (then nothing is locked, and a writer inserting it too collides with this one on the key).
     * The name's bytes are counted as its new cost counts them ({@link PropertyQuotas#cost}, UTF-8): a database
     * keeping text in another encoding (LATIN1) counts them otherwise, and each replacement of a name with an accent
     * changed the totals by the difference.
     */
    private Long lockProperty(Timed c, DeviceId device, String property) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT OCTET_LENGTH(pson) FROM " + table
                + " WHERE user_id = ? AND device_id = ? AND property = ? FOR UPDATE")) {
            bindKey(s, device, property, 1);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? PropertyQuotas.cost(property, new byte[0]) + r.getLong(1) : null;
            }
        }
    }

    private void delete(Timed c, DeviceId device, String property) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "DELETE FROM " + table + " WHERE user_id = ? AND device_id = ? AND property = ?")) {
            bindKey(s, device, property, 1);
            s.executeUpdate();
        }
    }

    private void upsert(Timed c, DeviceId device, String property, byte[] pson, boolean exists)
            throws SQLException {
        Timestamp now = new Timestamp(System.currentTimeMillis());
        if (exists) {
            try (PreparedStatement update = c.prepareStatement("UPDATE " + table
                    + " SET pson = ?, updated_at = ? WHERE user_id = ? AND device_id = ? AND property = ?")) {
                update.setBytes(1, pson);
                update.setTimestamp(2, now);
                bindKey(update, device, property, 3);
                update.executeUpdate();
            }
            return;
        }
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + table
                + " (user_id, device_id, property, pson, updated_at) VALUES (?, ?, ?, ?, ?)")) {
            bindKey(insert, device, property, 1);
            insert.setBytes(4, pson);
            insert.setTimestamp(5, now);
            insert.executeUpdate();
        }
    }

    /**
     * Locks the device's totals, then the user's, refuses a write beyond the quotas ({@link QuotaExceededException},
     * and the transaction rolls back) and changes the totals by the property's cost: {@code previous} before (null
     * when it had none) and {@code cost} after (null when it is removed). Replacing a value counts the difference.
     */
    private void changeTotals(Timed c, DeviceId device, String property, Long previous, Long cost)
            throws SQLException {
        long change = (cost == null ? 0 : cost) - (previous == null ? 0 : previous);
        int countChange = (cost == null ? 0 : 1) - (previous == null ? 0 : 1);
        Totals before = lockDevice(c, device, property, previous);
        if (cost != null) {
            PropertyQuotas.checkDevice(property, previous != null, before.properties, before.bytes + change,
                    maxProperties, maxBytes);
        }
        long userBefore = lockUser(c, device, property, previous);
        if (cost != null) {
            PropertyQuotas.checkUser(property, userBefore + change, maxUserBytes);
        }
        Totals after = new Totals(before.properties + countChange, before.bytes + change, before.stored);
        if (after.properties == 0) {
            // the device's last property: its totals go too, or every device id that ever wrote one kept a row
            if (before.stored) {
                try (PreparedStatement s = c.prepareStatement(
                        "DELETE FROM " + deviceTable + " WHERE user_id = ? AND device_id = ?")) {
                    s.setString(1, device.user());
                    s.setString(2, device.device());
                    s.executeUpdate();
                }
            }
        } else {
            try (PreparedStatement s = c.prepareStatement(before.stored
                    ? "UPDATE " + deviceTable + " SET properties = ?, bytes = ? WHERE user_id = ? AND device_id = ?"
                    : "INSERT INTO " + deviceTable + " (properties, bytes, user_id, device_id) VALUES (?, ?, ?, ?)")) {
                s.setLong(1, after.properties);
                s.setLong(2, after.bytes);
                s.setString(3, device.user());
                s.setString(4, device.device());
                s.executeUpdate(); // a new row stays locked by this transaction
            }
        }
        if (change != 0) {
            try (PreparedStatement s = c.prepareStatement(
                    "UPDATE " + userTable + " SET bytes = ? WHERE user_id = ?")) {
                s.setLong(1, userBefore + change);
                s.setString(2, device.user());
                s.executeUpdate();
            }
        }
    }

    /** A device's count and bytes of properties; {@code stored} when they are a row of the totals table. */
    private record Totals(long properties, long bytes, boolean stored) {
    }

    /**
     * Locks the device's totals row until the transaction ends and returns it, as it was before this write. A missing
     * row is counted from the device's other rows (this transaction's own write of {@code property} is not counted:
     * {@code previous} stands for it) and is not stored yet.
     */
    private Totals lockDevice(Timed c, DeviceId device, String property, Long previous) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT properties, bytes FROM " + deviceTable
                + " WHERE user_id = ? AND device_id = ? FOR UPDATE")) {
            s.setString(1, device.user());
            s.setString(2, device.device());
            try (ResultSet r = s.executeQuery()) {
                if (r.next()) {
                    return new Totals(r.getLong(1), r.getLong(2), true);
                }
            }
        }
        try (PreparedStatement s = c.prepareStatement("SELECT COUNT(*), COALESCE(SUM(" + COST + "), 0) FROM " + table
                + " WHERE user_id = ? AND device_id = ? AND property <> ?")) {
            bindKey(s, device, property, 1);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return new Totals(r.getLong(1) + (previous == null ? 0 : 1),
                        r.getLong(2) + (previous == null ? 0 : previous), false);
            }
        }
    }

    /**
     * Locks the user's totals row until the transaction ends and returns the user's bytes before this write. A missing
     * row is made from the user's other rows (this transaction's own write is not counted: {@code previous} stands
     * for it); a writer that races to make it too fails on the key and tries again.
     */
    private long lockUser(Timed c, DeviceId device, String property, Long previous) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT bytes FROM " + userTable + " WHERE user_id = ? FOR UPDATE")) {
            s.setString(1, device.user());
            try (ResultSet r = s.executeQuery()) {
                if (r.next()) {
                    return r.getLong(1);
                }
            }
        }
        long bytes;
        try (PreparedStatement s = c.prepareStatement("SELECT COALESCE(SUM(" + COST + "), 0) FROM " + table
                + " WHERE user_id = ? AND NOT (device_id = ? AND property = ?)")) {
            bindKey(s, device, property, 1);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                bytes = r.getLong(1) + (previous == null ? 0 : previous);
            }
        }
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO " + userTable + " (user_id, bytes) VALUES (?, ?)")) {
            s.setString(1, device.user());
            s.setLong(2, bytes);
            s.executeUpdate(); // the new row stays locked by this transaction
        }
        return bytes;
    }

    private static void bindKey(PreparedStatement s, DeviceId device, String property, int first)
            throws SQLException {
        s.setString(first, device.user());
        s.setString(first + 1, device.device());
        s.setString(first + 2, property);
    }
}
