package io.cameliotmp.server;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import javax.sql.DataSource;

/**
 * The tables of a {@link JdbcPropertyStore}, created if missing: their names as the store's SQL spells them and the
 * widths of their key columns.
 * <p>
 * The names are quoted, so that a table may be named as an SQL keyword ({@code order}, {@code user}), but in the case
 * the database keeps an unquoted name in (upper case in H2, lower case in PostgreSQL, as written in MariaDB and MySQL,
 * quoted there in backticks, which a session in ANSI_QUOTES mode takes too), so that they are the tables
 * the unquoted name means, those an earlier version created. A name the database would shorten (PostgreSQL shortens
 * names beyond 63 bytes without an error, and a long table's two totals tables became one other table) is refused.
 *
 * @param table       the property table's name, quoted
 * @param userTable   the users' totals' name, quoted
 * @param deviceTable the devices' totals' name, quoted
 * @param widths      the widths of the key's columns
 */
record JdbcPropertyTables(String table, String userTable, String deviceTable, KeyWidths widths) {

    /**
     * Tries to create the tables in all: a first attempt that fails because another server created a table at the
     * same moment, and one that finds it.
     */
    private static final int CREATE_ATTEMPTS = 2;
    /** The SQL state of PostgreSQL's "relation already exists" (a table created at the same moment). */
    private static final String DUPLICATE_TABLE = "42P07";

    /** Creates the tables of {@code name} if they are missing and reads their key's widths. */
    static JdbcPropertyTables open(DataSource dataSource, String name) {
        if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("not a plain table name: " + name);
        }
        for (int attempt = 1; ; attempt++) {
            try (Connection c = dataSource.getConnection()) {
                DatabaseMetaData database = c.getMetaData();
                requireNamesFit(database, name);
                JdbcPropertyTables tables = new JdbcPropertyTables(quoted(database, name),
                        quoted(database, name + JdbcPropertyStore.USER_TABLE_SUFFIX),
                        quoted(database, name + JdbcPropertyStore.DEVICE_TABLE_SUFFIX), null);
                tables.create(c);
                return new JdbcPropertyTables(tables.table, tables.userTable, tables.deviceTable,
                        tables.keyWidths(c));
            } catch (SQLException e) {
                if (attempt == CREATE_ATTEMPTS || !createdMeanwhile(e)) {
                    throw new IllegalStateException("cannot create property table " + name, e);
                }
                // PostgreSQL's CREATE TABLE IF NOT EXISTS waited for another server creating the table, then failed
                // on a key of its catalog: the next attempt finds the table
            }
        }
    }

    private static boolean createdMeanwhile(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("23") || state.equals(DUPLICATE_TABLE));
    }

    /** The longest name, the devices' totals', must fit the database's names, or it would be another name. */
    private static void requireNamesFit(DatabaseMetaData database, String name) throws SQLException {
        int max = database.getMaxTableNameLength(); // 0: no limit, or none the driver knows
        String longest = name + JdbcPropertyStore.DEVICE_TABLE_SUFFIX;
        if (max > 0 && longest.length() > max) {
            throw new IllegalArgumentException("property table name " + name + " too long for "
                                               + database.getDatabaseProductName() + ": the table " + longest
                                               + " of the devices' totals has " + longest.length()
                                               + " characters, more than the " + max + " its names may have");
        }
    }

    /** {@code name} as the database keeps it unquoted, quoted. */
    private static String quoted(DatabaseMetaData database, String name) throws SQLException {
        String kept = database.storesUpperCaseIdentifiers() ? name.toUpperCase(Locale.ROOT)
                : database.storesLowerCaseIdentifiers() ? name.toLowerCase(Locale.ROOT) : name;
        String quote = database.getIdentifierQuoteString();
        return quote == null || quote.isBlank() ? kept : quote + kept + quote;
    }

    /**
     * Creates the tables if they are missing, their key columns as wide as the server's default limits allow
     * ({@link ServerLimits#DEFAULT_MAX_IDENTIFIER_LENGTH}, {@link ServerQuotas#DEFAULT_MAX_NAME_LENGTH}), in the
     * database's {@link Schema}.
     */
    private void create(Connection c) throws SQLException {
        Schema schema = Schema.of(c.getMetaData());
        String id = schema.key(ServerLimits.DEFAULT_MAX_IDENTIFIER_LENGTH);
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + table + " (user_id " + id + ", device_id " + id
                      + ", property " + schema.key(ServerQuotas.DEFAULT_MAX_NAME_LENGTH) + ","
                      + " pson " + schema.bytes + " NOT NULL, updated_at " + schema.timestamp + " NOT NULL,"
                      + " PRIMARY KEY (user_id, device_id, property))" + schema.tableOptions);
            s.execute("CREATE TABLE IF NOT EXISTS " + userTable + " (user_id " + id + " PRIMARY KEY,"
                      + " bytes BIGINT NOT NULL)" + schema.tableOptions);
            s.execute("CREATE TABLE IF NOT EXISTS " + deviceTable + " (user_id " + id + ", device_id " + id
                      + ", properties INT NOT NULL, bytes BIGINT NOT NULL, PRIMARY KEY (user_id, device_id))"
                      + schema.tableOptions);
        }
        if (!c.getAutoCommit()) {
            c.commit(); // a pool may hand out connections that do not commit by themselves
        }
    }

    /**
     * The column types of a new table in one database. H2 and PostgreSQL share one SQL ({@code BYTEA}, which H2 maps
     * too), the tables earlier versions made. MariaDB and MySQL have no {@code BYTEA}, and their defaults break the
     * store: their text compares without case, accents and trailing spaces (two devices {@code Sensor} and
     * {@code sensor} were one row), their default character set may be Latin-1 (a name outside it failed), and their
     * default engine may be one without transactions (MyISAM: no lock held, the quotas not kept). So the key columns
     * are UTF-8 compared byte for byte, values a {@code LONGBLOB} (a {@code BLOB} holds 64 KiB), times a
     * {@code DATETIME} (a {@code TIMESTAMP} ends in 2038 and updates itself) and the engine InnoDB, whose
     * {@code DYNAMIC} rows index the key's 2048 bytes of UTF-8 (an older row format, 767 bytes per column).
     */
    private record Schema(String keyText, String bytes, String timestamp, String tableOptions) {

        static final Schema STANDARD = new Schema("", "BYTEA", "TIMESTAMP", "");

        static Schema of(DatabaseMetaData database) throws SQLException {
            String product = database.getDatabaseProductName().toLowerCase(Locale.ROOT);
            if (product.contains("mariadb")) {
                return mysql("utf8mb4_nopad_bin");
            }
            if (product.contains("mysql")) {
                return mysql("utf8mb4_0900_bin"); // MySQL 8's binary collation without padding
            }
            return STANDARD;
        }

        private static Schema mysql(String collation) {
            return new Schema(" CHARACTER SET utf8mb4 COLLATE " + collation, "LONGBLOB", "DATETIME(3)",
                    " ENGINE=InnoDB ROW_FORMAT=DYNAMIC");
        }

        String key(int width) {
            return "VARCHAR(" + width + ")" + keyText + " NOT NULL";
        }
    }

    /** The narrowest of the key's columns in the table and in the devices' totals, which a key must fit both. */
    private KeyWidths keyWidths(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT user_id, device_id, property FROM " + table + " WHERE 1 = 0");
             Statement t = c.createStatement();
             ResultSet d = t.executeQuery("SELECT user_id, device_id FROM " + deviceTable + " WHERE 1 = 0")) {
            ResultSetMetaData columns = r.getMetaData();
            ResultSetMetaData totals = d.getMetaData();
            return new KeyWidths(Math.min(width(columns, 1), width(totals, 1)),
                    Math.min(width(columns, 2), width(totals, 2)), width(columns, 3));
        }
    }

    /** A column's width in characters; unbounded (0, or a text type's huge one) as the largest. */
    private static int width(ResultSetMetaData columns, int column) throws SQLException {
        int precision = columns.getPrecision(column);
        return precision <= 0 ? Integer.MAX_VALUE : precision;
    }

    /**
     * The widths of the key's columns. A key longer than its column (a device id beyond 64 characters in a table made
     * by an older version, a server whose limits were raised) would fail in the database with an SQL error, which a
     * device got as ERROR 500: it is refused before, as a name too long.
     */
    record KeyWidths(int user, int device, int property) {

        String tooLong(DeviceId id, String name) {
            if (id.user().length() > user) {
                return "user name of " + id.user().length() + " characters, longer than the " + user
                       + " the property table holds";
            }
            if (id.device().length() > device) {
                return "device id of " + id.device().length() + " characters, longer than the " + device
                       + " the property table holds";
            }
            if (name.length() > property) {
                return "property name of " + name.length() + " characters, longer than the " + property
                       + " the property table holds";
            }
            return null;
        }
    }
}
