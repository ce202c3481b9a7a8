package io.cameliotmp.server;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The legacy stream-id memory that outlives connections: fixed-size keys and a bounded number of devices. */
class LegacyStreamIdsTest {

    @Test
    void devicesAreKeptByAFixedSizeKeyAndTheLeastRecentlyConnectedGoFirst() {
        LegacyStreamIds ids = new LegacyStreamIds(3);
        long[] keys = new long[5];
        for (int i = 0; i < keys.length; i++) {
            // ids of any length make the same 64-bit key: nothing of them is kept
            keys[i] = ids.key(new DeviceId("fleet", "device-" + "x".repeat(100 * i)));
            ids.remember(keys[i], 100 + i);
        }
        assertThat(ids.size()).isEqualTo(3);
        assertThat(ids.resume(keys[0])).as("forgotten: starts again from 1").isEqualTo(1);
        assertThat(ids.resume(keys[4])).isEqualTo(104);
        // a device that connects again is the most recent one
        assertThat(ids.resume(keys[2])).isEqualTo(102);
        ids.remember(ids.key(new DeviceId("fleet", "new")), 7);
        assertThat(ids.resume(keys[2])).isEqualTo(102);
        assertThat(ids.resume(keys[3])).as("the least recently connected went").isEqualTo(1);
    }

    @Test
    void theBoundIsAServerLimitThatMustBePositive() {
        assertThat(ServerLimits.DEFAULT.maxLegacyDevicesTracked()).isEqualTo(100_000);
        assertThat(ServerLimits.builder().maxLegacyDevicesTracked(3).build().maxLegacyDevicesTracked()).isEqualTo(3);
        assertThatThrownBy(() -> ServerLimits.builder().maxLegacyDevicesTracked(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxLegacyDevicesTracked");
        assertThatThrownBy(() -> ServerLimits.builder().maxLegacyDevicesTracked(-1).build())
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theKeyIsTheSameForTheSameDeviceAndSaltedPerServer() {
        LegacyStreamIds ids = new LegacyStreamIds(ServerLimits.DEFAULT_MAX_LEGACY_DEVICES_TRACKED);
        DeviceId device = new DeviceId("alice", "esp32");
        assertThat(ids.key(device)).isEqualTo(ids.key(new DeviceId("alice", "esp32")))
                .isNotEqualTo(ids.key(new DeviceId("alice", "esp33")))
                .isNotEqualTo(ids.key(new DeviceId("alic", "eesp32")));
        assertThat(new LegacyStreamIds(ServerLimits.DEFAULT_MAX_LEGACY_DEVICES_TRACKED).key(device))
                .as("another server's salt").isNotEqualTo(ids.key(device));
    }
}
