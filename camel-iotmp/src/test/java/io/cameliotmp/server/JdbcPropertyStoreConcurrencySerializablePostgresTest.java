package io.cameliotmp.server;

import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

import io.cameliotmp.testing.PostgresExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link JdbcPropertyStoreConcurrencyTest}'s tests against a PostgreSQL database whose transactions are SERIALIZABLE
 * by default (as a DBA or a pool's {@code transactionIsolation} may set it). PostgreSQL then aborts a writer whose
 * totals row another writer changed since its transaction began (40001), where READ COMMITTED, which the store's
 * locking is made for, waits for the row: concurrent writes of a user's properties failed.
 */
class JdbcPropertyStoreConcurrencySerializablePostgresTest extends JdbcPropertyStoreConcurrencyTest {

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    @Override
    DataSource newDatabase() {
        return POSTGRES.withOptions(POSTGRES.newDatabase(), "-c default_transaction_isolation=serializable");
    }

    /**
     * A user with other devices writing all the time: each time this write is in the middle of its transaction, another
     * device of its user writes and commits. At SERIALIZABLE each attempt was aborted, every attempt in the same way,
     * and the write failed however often it was tried; at READ COMMITTED it locks the user's total as committed.
     */
    @Test
    void aWriteWhoseUsersTotalOthersChangeMeanwhileIsWritten() throws Exception {
        JdbcPropertyStore others = new JdbcPropertyStore(database);
        DeviceId busy = new DeviceId("demo", "device-2");
        AtomicInteger meanwhile = new AtomicInteger();
        JdbcPropertyStore store = new JdbcPropertyStore(GatedDataSource.gated(database,
                JdbcPropertyStore.DEFAULT_TABLE, "p"::equals,
                () -> others.write(busy, "q", new byte[meanwhile.incrementAndGet()]))); // a new total each time
        others.write(busy, "q", new byte[0]);

        DeviceId device = new DeviceId("demo", "device-1");
        store.write(device, "p", "v");

        assertThat(store.read(device, "p")).isEqualTo("v");
        assertThat(meanwhile.get()).as("written at the first attempt").isEqualTo(1);
        assertThat((byte[]) store.read(busy, "q")).hasSize(1);
        assertTotalsAreTheRows();
    }
}
