package io.cameliotmp.server;

import javax.sql.DataSource;

import io.cameliotmp.testing.MariaDbExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link JdbcPropertyStoreConcurrencyTest}'s tests against a real MariaDB server. */
class JdbcPropertyStoreConcurrencyMariaDbTest extends JdbcPropertyStoreConcurrencyTest {

    @RegisterExtension
    static final MariaDbExtension MARIADB = new MariaDbExtension();

    @Override
    DataSource newDatabase() {
        return MARIADB.newDatabase();
    }
}
