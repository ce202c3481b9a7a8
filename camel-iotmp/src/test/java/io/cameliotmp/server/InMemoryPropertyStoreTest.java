package io.cameliotmp.server;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The in-memory store keeps at most the quotas of each device, counted in what it really keeps. */
class InMemoryPropertyStoreTest {

    private static final DeviceId ESP32 = new DeviceId("alice", "esp32");
    private static final DeviceId OTHER = new DeviceId("alice", "other");

    @Test
    void aDeviceMayHaveAtMostItsCountOfProperties() {
        InMemoryPropertyStore store = new InMemoryPropertyStore(2, 1 << 20);
        store.write(ESP32, "a", 1);
        store.write(ESP32, "b", 2);
        store.write(ESP32, "b", 3); // replacing is not one more
        assertThatThrownBy(() -> store.write(ESP32, "c", 4))
                .isInstanceOfSatisfying(QuotaExceededException.class, e -> {
                    assertThat(e.status()).isEqualTo(429);
                    assertThat(e.quota()).isEqualTo(QuotaExceededException.Quota.PROPERTIES);
                });
        assertThat(store.read(ESP32, "c")).isNull();
        store.write(OTHER, "c", 4);
        store.write(ESP32, "a", null);
        store.write(ESP32, "c", 4);
        assertThat(store.read(ESP32, "b")).isEqualTo(3L);
    }

    /**
     * Properties outlive their device's connection, and an authenticator may accept any device id of a user: a
     * device logging in under ever new ids is bounded by its user's quota, not by the per-device one alone.
     */
    @Test
    void theDevicesOfAUserMayHaveAtMostTheUsersBytes() {
        InMemoryPropertyStore store = new InMemoryPropertyStore(100, 1000, 2500);
        store.write(new DeviceId("alice", "d0"), "p", new byte[900]);
        store.write(new DeviceId("alice", "d1"), "p", new byte[900]);
        assertThatThrownBy(() -> store.write(new DeviceId("alice", "d2"), "p", new byte[900]))
                .isInstanceOfSatisfying(QuotaExceededException.class, e -> {
                    assertThat(e.status()).isEqualTo(413);
                    assertThat(e.quota()).isEqualTo(QuotaExceededException.Quota.USER_PROPERTY_BYTES);
                });
        assertThat(store.read(new DeviceId("alice", "d2"), "p")).as("nothing kept of a refused write").isNull();
        store.write(new DeviceId("bob", "d2"), "p", new byte[900]); // another user's quota
        store.write(new DeviceId("alice", "d0"), "p", null);
        store.write(new DeviceId("alice", "d2"), "p", new byte[900]); // the freed bytes are the user's again
        assertThat(store.read(new DeviceId("alice", "d2"), "p")).isNotNull();
    }

    @Test
    void aDeviceMayHaveAtMostItsBytesOfNamesAndEncodedValues() {
        InMemoryPropertyStore store = new InMemoryPropertyStore(100, 1000);
        store.write(ESP32, "config", Map.of("blob", new byte[900]));
        assertThatThrownBy(() -> store.write(ESP32, "more", new byte[200]))
                .isInstanceOfSatisfying(QuotaExceededException.class, e -> {
                    assertThat(e.status()).isEqualTo(413);
                    assertThat(e.quota()).isEqualTo(QuotaExceededException.Quota.PROPERTY_BYTES);
                });
        store.write(ESP32, "config", Map.of("blob", new byte[10])); // only the difference counts
        store.write(ESP32, "more", new byte[200]);
        assertThat((byte[]) store.read(ESP32, "more")).hasSize(200);
    }

    @Test
    void readsReturnCopiesNobodyCanChangeTheStoreThrough() {
        InMemoryPropertyStore store = new InMemoryPropertyStore();
        store.write(ESP32, "threshold", Map.of("max", 45));
        @SuppressWarnings("unchecked")
        Map<String, Object> read = (Map<String, Object>) store.read(ESP32, "threshold");
        read.put("max", 99);
        assertThat(store.read(ESP32, "threshold")).isEqualTo(Map.of("max", 45L));
    }
}
