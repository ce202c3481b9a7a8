package io.cameliotmp.server;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

import io.cameliotmp.protocol.legacy.LegacyFrames;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The legacy stream-id memory that outlives connections: fixed-size keys and a bounded number of devices. */
class LegacyStreamIdsTest {

    @Test
    void devicesAreKeptByAFixedSizeKeyAndTheLeastRecentlyConnectedGoFirst() {
        LegacyStreamIds ids = LegacyTestIds.startingAt(1, 3);
        long[] keys = new long[5];
        for (int i = 0; i < keys.length; i++) {
            // ids of any length make the same 64-bit key: nothing of them is kept
            keys[i] = ids.key(new DeviceId("fleet", "device-" + "x".repeat(100 * i)));
            ids.connected(keys[i]);
            for (int id = 1; id <= 100 + i; id++) {
                assertThat(ids.next(keys[i])).isEqualTo(id);
            }
        }
        assertThat(ids.size()).isEqualTo(3);
        assertThat(ids.next(keys[4])).isEqualTo(105);
        // a device that connects again is the most recent one
        ids.connected(keys[2]);
        ids.next(ids.key(new DeviceId("fleet", "new")));
        assertThat(ids.next(keys[2])).isEqualTo(103);
        assertThat(ids.next(keys[3])).as("the least recently connected went: starts again as a new device")
                .isEqualTo(1);
        assertThat(ids.next(keys[0])).as("forgotten").isEqualTo(1);
    }

    /**
     * Ids began at 1 for every device a memory did not know, so two servers that never shared one (two JVMs, two
     * cluster members) gave a board the same ids, and its stale samples reached the new streams. A device not known
     * starts at a random id, drawn anew for each device, anywhere in the 16 bits a board keeps.
     */
    @Test
    void aDeviceNotKnownStartsAtARandomIdOfTheBoardsSixteenBits() {
        DeviceId device = new DeviceId("alice", "esp32");
        LegacyStreamIds one = new LegacyStreamIds(10, new SplittableRandom(1));
        LegacyStreamIds other = new LegacyStreamIds(10, new SplittableRandom(2));
        int firstOfOne = one.next(one.key(device));
        int firstOfOther = other.next(other.key(device));
        assertThat(firstOfOne).isNotEqualTo(1);
        assertThat(firstOfOther).isNotEqualTo(1).isNotEqualTo(firstOfOne);
        // drawn from the whole space, never outside it: 0 is "no answer wanted", more than 16 bits are truncated
        Set<Integer> seen = new HashSet<>();
        int lowest = Integer.MAX_VALUE;
        int highest = 0;
        for (int i = 0; i < 100_000; i++) {
            int first = one.fresh();
            seen.add(first);
            lowest = Math.min(lowest, first);
            highest = Math.max(highest, first);
        }
        assertThat(lowest).isGreaterThanOrEqualTo(1).isLessThan(100);
        assertThat(highest).isLessThanOrEqualTo(LegacyFrames.MAX_STREAM_ID)
                .isGreaterThan(LegacyFrames.MAX_STREAM_ID - 100);
        assertThat(seen).as("spread over the space").hasSizeGreaterThan(50_000);
        // the bounds themselves, as a generator may give them
        assertThat(LegacyTestIds.startingAt(1).fresh()).isEqualTo(1);
        assertThat(LegacyTestIds.startingAt(LegacyFrames.MAX_STREAM_ID).fresh()).isEqualTo(LegacyFrames.MAX_STREAM_ID);
    }

    @Test
    void aDeviceKnownGoesOnWhereItStoppedAndTheServersOwnDrawsAreInTheSpace() {
        LegacyStreamIds ids = new LegacyStreamIds(10);
        long key = ids.key(new DeviceId("alice", "esp32"));
        int first = ids.next(key);
        assertThat(first).isBetween(1, LegacyFrames.MAX_STREAM_ID);
        assertThat(ids.next(key)).as("not drawn again").isEqualTo(first % LegacyFrames.MAX_STREAM_ID + 1);
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
