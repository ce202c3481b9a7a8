package io.cameliotmp.server;

import javax.sql.DataSource;

import io.cameliotmp.testing.PostgresExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

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
}
