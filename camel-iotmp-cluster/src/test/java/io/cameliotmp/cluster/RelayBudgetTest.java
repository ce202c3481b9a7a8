package io.cameliotmp.cluster;

import io.cameliotmp.server.DeviceId;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The member's bounds on relays in flight, and each device's and each user's share of them. */
class RelayBudgetTest {

    private static final DeviceId HOG = new DeviceId("alice", "hog");
    private static final DeviceId OTHER = new DeviceId("alice", "other");
    private static final DeviceId BOBS = new DeviceId("bob", "sensor");

    private final RelayBounds bounds = RelayBounds.DEFAULTS.withMaxRelaysInFlight(10).withMaxRelayBytesInFlight(1_000)
            .withMaxRelaysPerDevice(3).withMaxRelayBytesPerDevice(400);
    /** The same, with a user's share below the member's: five relays, 600 bytes. */
    private final RelayBounds userShares = bounds.withMaxRelaysPerUser(5).withMaxRelayBytesPerUser(600);
    private final RelayBudget budget = new RelayBudget();

    @Test
    void aDeviceAtItsShareOfBytesLeavesRoomForAnother() {
        assertThat(budget.take(HOG, 300, bounds)).isNull();
        assertThat(budget.take(HOG, 200, bounds)).isEqualTo(RelayBudget.Refusal.DEVICE_BYTES);
        assertThat(budget.take(OTHER, 400, bounds)).isNull();
        assertThat(budget.take(null, 300, bounds)).isNull();
        // the member's bytes are full now: 1,000
        assertThat(budget.take(OTHER, 1, bounds)).isEqualTo(RelayBudget.Refusal.BYTES);
        assertThat(budget.deviceShareRefusals()).isEqualTo(1);
        assertThat(budget.bytes(HOG)).isEqualTo(300);
    }

    @Test
    void aDeviceAtItsShareOfRelaysLeavesRoomForAnother() {
        for (int i = 0; i < 3; i++) {
            assertThat(budget.take(HOG, 1, bounds)).isNull();
        }
        assertThat(budget.take(HOG, 1, bounds)).isEqualTo(RelayBudget.Refusal.DEVICE_COUNT);
        assertThat(budget.take(OTHER, 1, bounds)).isNull();
        assertThat(budget.deviceShareRefusals()).isEqualTo(1);
        budget.release(HOG, 1);
        assertThat(budget.take(HOG, 1, bounds)).isNull();
    }

    @Test
    void aDeviceWhoseRelaysAreAllAnsweredHoldsNothing() {
        assertThat(budget.take(HOG, 100, bounds)).isNull();
        assertThat(budget.take(HOG, 50, bounds)).isNull();
        assertThat(budget.take(null, 10, bounds)).isNull();
        budget.release(HOG, 100);
        assertThat(budget.devices()).isEqualTo(1);
        budget.release(HOG, 50);
        budget.release(null, 10);
        assertThat(budget.devices()).isZero();
        assertThat(budget.users()).isZero();
        assertThat(budget.userBytes("alice")).isZero();
        assertThat(budget.count()).isZero();
        assertThat(budget.bytes()).isZero();
        assertThat(budget.bytes(HOG)).isZero();
    }

    /** Every device of alice within its own share, together at alice's share: bob's relays still fit. */
    @Test
    void theDevicesOfAUserAtItsShareOfRelaysLeaveRoomForAnotherUser() {
        for (int i = 0; i < 5; i++) {
            assertThat(budget.take(new DeviceId("alice", "minted-" + i), 1, userShares)).isNull();
        }
        // a device id never seen, so within its own share: refused by its user's
        assertThat(budget.take(new DeviceId("alice", "minted-5"), 1, userShares))
                .isEqualTo(RelayBudget.Refusal.USER_COUNT);
        assertThat(budget.take(BOBS, 1, userShares)).isNull();
        assertThat(budget.userShareRefusals()).isEqualTo(1);
        assertThat(budget.deviceShareRefusals()).isZero();
        budget.release(new DeviceId("alice", "minted-0"), 1);
        assertThat(budget.take(new DeviceId("alice", "minted-5"), 1, userShares)).isNull();
    }

    @Test
    void theDevicesOfAUserAtItsShareOfBytesLeaveRoomForAnotherUser() {
        assertThat(budget.take(HOG, 400, userShares)).isNull();
        // a device beyond its own share is counted there, not against its user
        assertThat(budget.take(HOG, 1, userShares)).isEqualTo(RelayBudget.Refusal.DEVICE_BYTES);
        assertThat(budget.take(OTHER, 200, userShares)).isNull();
        assertThat(budget.take(new DeviceId("alice", "minted"), 1, userShares))
                .isEqualTo(RelayBudget.Refusal.USER_BYTES);
        assertThat(budget.take(BOBS, 400, userShares)).isNull();
        assertThat(budget.userBytes("alice")).isEqualTo(600);
        assertThat(budget.userBytes("bob")).isEqualTo(400);
        assertThat(budget.deviceShareRefusals()).isEqualTo(1);
        assertThat(budget.userShareRefusals()).isEqualTo(1);
    }
}
