package io.cameliotmp.server;

import javax.sql.DataSource;

import io.cameliotmp.testing.PostgresExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link JdbcPropertyStoreConcurrencyTest}'s tests against a real PostgreSQL server. */
class JdbcPropertyStoreConcurrencyPostgresTest extends JdbcPropertyStoreConcurrencyTest {

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    @Override
    DataSource newDatabase() {
        return POSTGRES.newDatabase();
    }
}
