package io.cameliotmp.server;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import javax.sql.DataSource;

import io.cameliotmp.protocol.PsonFormat;

/**
 * Device properties in a relational database, so they survive restarts. Values are stored as PSON v2 bytes, which
 * keeps every type exactly (maps, floats, bytes…) without a schema per property.
 * <p>
 * The table is created if missing with standard SQL that H2 and PostgreSQL both accept ({@code BYTEA} is mapped by
 * H2 too); writes update first and insert when nothing was updated, inside one transaction, which needs no vendor
 * upsert syntax.
 * <p>
 * A device's properties are bounded here as in memory: at most {@code maxPropertiesPerDevice} properties and
 * {@code maxPropertyBytesPerDevice} bytes of names and PSON-encoded values (as the database counts them,
 * {@code OCTET_LENGTH}), checked inside the write's transaction; a write beyond either fails with
 * {@link QuotaExceededException} and changes nothing. Without them a device could fill the database with
 * properties of a whole frame each. Writes of one device that run at the same moment (a route's and the device's)
 * may each pass the check: the device's own writes run one after the other.
 */
public final class JdbcPropertyStore implements PropertyStore {

    public static final String DEFAULT_TABLE = "iotmp_device_property";

    private final DataSource dataSource;
    private final String table;
    private final int maxProperties;
    private final long maxBytes;

    /** In {@link #DEFAULT_TABLE}, with the default quotas of {@link ServerQuotas}. */
    public JdbcPropertyStore(DataSource dataSource) {
        this(dataSource, DEFAULT_TABLE);
    }

    /** With the default quotas of {@link ServerQuotas}. */
    public JdbcPropertyStore(DataSource dataSource, String table) {
        this(dataSource, table, ServerQuotas.DEFAULT_MAX_PROPERTIES_PER_DEVICE,
                ServerQuotas.DEFAULT_MAX_PROPERTY_BYTES_PER_DEVICE);
    }

    /**
     * @param maxPropertiesPerDevice    properties one device may have in the table
     * @param maxPropertyBytesPerDevice bytes of property names and PSON-encoded values one device may have in it
     */
    public JdbcPropertyStore(DataSource dataSource, String table, int maxPropertiesPerDevice,
                             long maxPropertyBytesPerDevice) {
        if (!table.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("not a plain table name: " + table);
        }
        IotmpServerConfig.requirePositive(maxPropertiesPerDevice, "maxPropertiesPerDevice");
        IotmpServerConfig.requirePositive(maxPropertyBytesPerDevice, "maxPropertyBytesPerDevice");
        this.dataSource = dataSource;
        this.table = table;
        this.maxProperties = maxPropertiesPerDevice;
        this.maxBytes = maxPropertyBytesPerDevice;
        createTable();
    }

    private void createTable() {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + table + " ("
                      + "user_id VARCHAR(64) NOT NULL, device_id VARCHAR(64) NOT NULL, property VARCHAR(255) NOT NULL,"
                      + " pson BYTEA NOT NULL, updated_at TIMESTAMP NOT NULL,"
                      + " PRIMARY KEY (user_id, device_id, property))");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create property table " + table, e);
        }
    }

    @Override
    public Object read(DeviceId device, String property) {
        String sql = "SELECT pson FROM " + table + " WHERE user_id = ? AND device_id = ? AND property = ?";
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            bindKey(s, device, property, 1);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? PsonFormat.V2.decode(r.getBytes(1)) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read property " + property + " of " + device, e);
        }
    }

    /** @throws QuotaExceededException if the device would have too many properties or bytes of them */
    @Override
    public void write(DeviceId device, String property, Object value) {
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                if (value == null) {
                    try (PreparedStatement s = c.prepareStatement(
                            "DELETE FROM " + table + " WHERE user_id = ? AND device_id = ? AND property = ?")) {
                        bindKey(s, device, property, 1);
                        s.executeUpdate();
                    }
                } else {
                    upsert(c, device, property, PsonFormat.V2.toBytes(value));
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot write property " + property + " of " + device, e);
        }
    }

    private void upsert(Connection c, DeviceId device, String property, byte[] pson) throws SQLException {
        checkQuotas(c, device, property, pson);
        Timestamp now = new Timestamp(System.currentTimeMillis());
        try (PreparedStatement update = c.prepareStatement("UPDATE " + table
                + " SET pson = ?, updated_at = ? WHERE user_id = ? AND device_id = ? AND property = ?")) {
            update.setBytes(1, pson);
            update.setTimestamp(2, now);
            bindKey(update, device, property, 3);
            if (update.executeUpdate() > 0) {
                return;
            }
        }
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + table
                + " (user_id, device_id, property, pson, updated_at) VALUES (?, ?, ?, ?, ?)")) {
            bindKey(insert, device, property, 1);
            insert.setBytes(4, pson);
            insert.setTimestamp(5, now);
            insert.executeUpdate();
        }
    }

    /** Refuses a write that would take the device beyond its quotas; replacing a value counts the difference. */
    private void checkQuotas(Connection c, DeviceId device, String property, byte[] pson) throws SQLException {
        String cost = "OCTET_LENGTH(property) + OCTET_LENGTH(pson)";
        String sql = "SELECT COUNT(*), COALESCE(SUM(" + cost + "), 0),"
                     + " COALESCE(SUM(CASE WHEN property = ? THEN 1 ELSE 0 END), 0),"
                     + " COALESCE(SUM(CASE WHEN property = ? THEN " + cost + " ELSE 0 END), 0)"
                     + " FROM " + table + " WHERE user_id = ? AND device_id = ?";
        long count;
        long bytes;
        boolean replacing;
        long previous;
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, property);
            s.setString(2, property);
            s.setString(3, device.user());
            s.setString(4, device.device());
            try (ResultSet r = s.executeQuery()) {
                r.next();
                count = r.getLong(1);
                bytes = r.getLong(2);
                replacing = r.getLong(3) > 0;
                previous = r.getLong(4);
            }
        }
        long after = bytes - previous + PropertyQuotas.cost(property, pson);
        PropertyQuotas.checkDevice(property, replacing, count, after, maxProperties, maxBytes);
    }

    private static void bindKey(PreparedStatement s, DeviceId device, String property, int first)
            throws SQLException {
        s.setString(first, device.user());
        s.setString(first + 1, device.device());
        s.setString(first + 2, property);
    }
}
