package io.cameliotmp.api;

import java.net.InetAddress;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The count of connections per address: a place is taken up to the bound, given back exactly once whatever reports
 * the close, and an address is remembered only while it has a connection open.
 */
class ConnectionsPerAddressTest {

    private static final InetAddress ONE = address("192.0.2.1");
    private static final InetAddress OTHER = address("192.0.2.2");

    @Test
    void anAddressIsRefusedBeyondItsBoundOthersAreNot() {
        ConnectionsPerAddress bound = new ConnectionsPerAddress(2);
        Object first = new Object();
        Object second = new Object();

        assertThat(bound.admit(first, ONE)).isTrue();
        assertThat(bound.admit(second, ONE)).isTrue();
        assertThat(bound.admit(new Object(), ONE)).isFalse();
        assertThat(bound.admit(new Object(), OTHER)).isTrue();

        assertThat(bound.refused()).isEqualTo(1);
        assertThat(bound.open(ONE)).isEqualTo(2);
        assertThat(bound.trackedAddresses()).isEqualTo(2);
    }

    @Test
    void aPlaceIsGivenBackExactlyOnceAndTheTableEmpties() {
        ConnectionsPerAddress bound = new ConnectionsPerAddress(2);
        Object first = new Object();
        Object second = new Object();
        bound.admit(first, ONE);
        bound.admit(second, ONE);
        Object refused = new Object();
        assertThat(bound.admit(refused, ONE)).isFalse();

        bound.release(first);
        bound.release(first);
        bound.release(refused);
        bound.release(new Object());

        assertThat(bound.open(ONE)).as("one place given back, once").isEqualTo(1);
        assertThat(bound.admit(new Object(), ONE)).isTrue();
        assertThat(bound.admit(new Object(), ONE)).isFalse();

        ConnectionsPerAddress single = new ConnectionsPerAddress(1);
        Object only = new Object();
        single.admit(only, ONE);
        single.release(only);
        assertThat(single.trackedAddresses()).as("no address is remembered without a connection").isZero();
        assertThat(single.admit(new Object(), ONE)).isTrue();
    }

    @Test
    void anIpv6AddressIsCountedByItsSlash64() {
        ConnectionsPerAddress bound = new ConnectionsPerAddress(1);

        assertThat(bound.admit(new Object(), address("2001:db8:0:1::1"))).isTrue();
        assertThat(bound.admit(new Object(), address("2001:db8:0:1:ffff::2"))).as("same /64").isFalse();
        assertThat(bound.admit(new Object(), address("2001:db8:0:2::1"))).as("another /64").isTrue();
    }

    @Test
    void zeroBoundsNothingAndCountsNothing() {
        ConnectionsPerAddress unbounded = new ConnectionsPerAddress(0);
        for (int i = 0; i < 1000; i++) {
            assertThat(unbounded.admit(new Object(), ONE)).isTrue();
        }
        assertThat(unbounded.trackedAddresses()).isZero();
        assertThat(new ConnectionsPerAddress(1).admit(new Object(), null)).as("no address, uncounted").isTrue();
        assertThatThrownBy(() -> new ConnectionsPerAddress(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
