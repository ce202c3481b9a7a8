package io.cameliotmp.cluster;

import io.cameliotmp.server.DeviceId;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The member's bounds on relays in flight and each device's share of them. */
class RelayBudgetTest {

    private static final DeviceId HOG = new DeviceId("alice", "hog");
    private static final DeviceId OTHER = new DeviceId("alice", "other");

    private final ClusterOptions options = ClusterOptions.of("budget", 7800, "")
            .withMaxRelaysInFlight(10).withMaxRelayBytesInFlight(1_000)
            .withMaxRelaysPerDevice(3).withMaxRelayBytesPerDevice(400);
    private final RelayBudget budget = new RelayBudget();

    @Test
    void aDeviceAtItsShareOfBytesLeavesRoomForAnother() {
        assertThat(budget.take(HOG, 300, options)).isNull();
        assertThat(budget.take(HOG, 200, options)).isEqualTo(RelayBudget.Refusal.DEVICE_BYTES);
        assertThat(budget.take(OTHER, 400, options)).isNull();
        assertThat(budget.take(null, 300, options)).isNull();
        // the member's bytes are full now: 1,000
        assertThat(budget.take(OTHER, 1, options)).isEqualTo(RelayBudget.Refusal.BYTES);
        assertThat(budget.deviceShareRefusals()).isEqualTo(1);
        assertThat(budget.bytes(HOG)).isEqualTo(300);
    }

    @Test
    void aDeviceAtItsShareOfRelaysLeavesRoomForAnother() {
        for (int i = 0; i < 3; i++) {
            assertThat(budget.take(HOG, 1, options)).isNull();
        }
        assertThat(budget.take(HOG, 1, options)).isEqualTo(RelayBudget.Refusal.DEVICE_COUNT);
        assertThat(budget.take(OTHER, 1, options)).isNull();
        assertThat(budget.deviceShareRefusals()).isEqualTo(1);
        budget.release(HOG, 1);
        assertThat(budget.take(HOG, 1, options)).isNull();
    }

    @Test
    void aDeviceWhoseRelaysAreAllAnsweredHoldsNothing() {
        assertThat(budget.take(HOG, 100, options)).isNull();
        assertThat(budget.take(HOG, 50, options)).isNull();
        assertThat(budget.take(null, 10, options)).isNull();
        budget.release(HOG, 100);
        assertThat(budget.devices()).isEqualTo(1);
        budget.release(HOG, 50);
        budget.release(null, 10);
        assertThat(budget.devices()).isZero();
        assertThat(budget.count()).isZero();
        assertThat(budget.bytes()).isZero();
        assertThat(budget.bytes(HOG)).isZero();
    }
}
