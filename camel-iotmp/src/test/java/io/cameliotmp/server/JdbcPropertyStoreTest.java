package io.cameliotmp.server;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The JDBC property store against a real (embedded, file-based) H2 database. */
class JdbcPropertyStoreTest {

    @TempDir
    Path dir;

    private JdbcDataSource database() {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:file:" + dir.resolve("properties") + ";DB_CLOSE_DELAY=0");
        return ds;
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

    @Test
    void tableNameMustBePlain() {
        assertThatThrownBy(() -> new JdbcPropertyStore(database(), "x; DROP TABLE y"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
