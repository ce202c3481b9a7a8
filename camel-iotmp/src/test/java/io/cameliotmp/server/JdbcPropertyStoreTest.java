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

    @Test
    void tableNameMustBePlain() {
        assertThatThrownBy(() -> new JdbcPropertyStore(database(), "x; DROP TABLE y"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
