package io.cameliotmp.test;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FreePortsTest {

    /** A test picks all its ports before it binds any: none may come twice, whichever finder gave it. */
    @Test
    void noPortIsHandedOutTwice() {
        Set<Integer> ports = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            assertThat(ports.add(FreePorts.next())).isTrue();
            assertThat(ports.add(FreePorts.clusterPort(50_000))).isTrue();
        }
        assertThat(ports).allSatisfy(port -> assertThat(port).isBetween(10_000, 25_000));
    }

    /** Linux gives its ephemeral ports (32768-60999) to outgoing connections at any time: no cluster port there. */
    @Test
    void noClusterPortNorItsFailureDetectorPortIsAnEphemeralPort() {
        for (int i = 0; i < 200; i++) {
            int port = FreePorts.clusterPort(50_000);
            assertThat(port).isLessThan(32_768);
            assertThat(port + 50_000).isGreaterThan(60_999);
        }
    }

    @Test
    void aFailureDetectorPortBeyondTheLastPortIsRefused() {
        assertThatThrownBy(() -> FreePorts.clusterPort(60_000)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fdPortOffset");
        assertThatThrownBy(() -> FreePorts.clusterPort(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
