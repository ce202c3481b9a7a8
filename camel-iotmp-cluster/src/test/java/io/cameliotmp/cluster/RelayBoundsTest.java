package io.cameliotmp.cluster;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The relay bounds of a member: their defaults, their withers through the cluster options, and their validation. */
class RelayBoundsTest {

    @Test
    void theClusterOptionsStartWithTheDefaultBounds() {
        assertThat(ClusterOptions.of("fleet", 7800, "").relayBounds()).isEqualTo(RelayBounds.DEFAULTS)
                .isEqualTo(new RelayBounds(10_000, 64L << 20, 1_000, 4L << 20, 2_500, 16L << 20));
    }

    @Test
    void eachWitherChangesItsBoundOnly() {
        ClusterOptions options = ClusterOptions.of("fleet", 7800, "").withMaxRelaysInFlight(1)
                .withMaxRelayBytesInFlight(2).withMaxRelaysPerDevice(3).withMaxRelayBytesPerDevice(4)
                .withMaxRelaysPerUser(5).withMaxRelayBytesPerUser(6);
        assertThat(options.relayBounds()).isEqualTo(new RelayBounds(1, 2, 3, 4, 5, 6));
        assertThat(options.withMemberName("node-1").relayBounds()).isEqualTo(options.relayBounds());
    }

    @Test
    void everyBoundIsPositive() {
        assertThatThrownBy(() -> RelayBounds.DEFAULTS.withMaxRelaysInFlight(0))
                .hasMessage("maxRelaysInFlight must be positive: 0");
        assertThatThrownBy(() -> RelayBounds.DEFAULTS.withMaxRelayBytesInFlight(-1))
                .hasMessage("maxRelayBytesInFlight must be positive: -1");
        assertThatThrownBy(() -> RelayBounds.DEFAULTS.withMaxRelaysPerDevice(0))
                .hasMessage("maxRelaysPerDevice must be positive: 0");
        assertThatThrownBy(() -> RelayBounds.DEFAULTS.withMaxRelayBytesPerDevice(0))
                .hasMessage("maxRelayBytesPerDevice must be positive: 0");
        assertThatThrownBy(() -> RelayBounds.DEFAULTS.withMaxRelaysPerUser(0))
                .hasMessage("maxRelaysPerUser must be positive: 0");
        assertThatThrownBy(() -> ClusterOptions.of("fleet", 7800, "").withMaxRelayBytesPerUser(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("maxRelayBytesPerUser must be positive: 0");
    }
}
