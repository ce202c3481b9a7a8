package io.cameliotmp.server;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the guard remembers about failed logins: fixed in size, per device and address, distinct per address; and the
 * connection rate of each address, asked before the server's.
 */
class ConnectionGuardTest {

    private static final long SECOND = 1_000_000_000L;
    private static final InetSocketAddress HOME = new InetSocketAddress("192.0.2.1", 40000);
    private static final InetSocketAddress HOME_OTHER_PORT = new InetSocketAddress("192.0.2.1", 40001);
    private static final InetSocketAddress ELSEWHERE = new InetSocketAddress("198.51.100.7", 40000);
    private static final DeviceId ESP32 = new DeviceId("alice", "esp32");

    private final AtomicLong now = new AtomicLong(-5_000 * SECOND); // nanoTime may be negative

    private ConnectionGuard guard(int perAddress, int perDevice, int tracked) {
        IotmpServerConfig config = IotmpServerConfig.builder()
                .limits(ServerLimits.builder().maxConnectionsPerSecond(0)
                        .maxAuthFailuresPerAddress(perAddress).maxAuthFailuresPerDevice(perDevice)
                        .authFailureBlock(Duration.ofSeconds(60)).maxTrackedAuthFailures(tracked).build())
                .build();
        return new ConnectionGuard(config, now::get);
    }

    private static void fail(ConnectionGuard guard, InetSocketAddress from, DeviceId device, int times) {
        for (int i = 0; i < times; i++) {
            guard.authenticationFailed(from, device);
        }
    }

    @Test
    void aDeviceIsBlockedOnlyFromTheAddressItFailedFrom() {
        ConnectionGuard guard = guard(0, 3, 1000);
        fail(guard, HOME, ESP32, 2);
        assertThat(guard.deviceBlocked(ESP32, HOME)).isFalse();
        fail(guard, HOME, ESP32, 1);
        assertThat(guard.deviceBlocked(ESP32, HOME)).isTrue();
        assertThat(guard.deviceBlocked(ESP32, HOME_OTHER_PORT)).as("the address, not the port").isTrue();
        assertThat(guard.deviceBlocked(ESP32, ELSEWHERE)).as("the real device elsewhere gets in").isFalse();
        assertThat(guard.deviceBlocked(new DeviceId("alice", "other"), HOME)).isFalse();
    }

    @Test
    void everyFurtherBlockLastsTwiceAsLongUpTo64Times() {
        ConnectionGuard guard = guard(0, 3, 1000);
        long block = 60 * SECOND;
        for (int i = 0; i < 9; i++) {
            fail(guard, HOME, ESP32, 3);
            long expected = block << Math.min(i, ConnectionGuard.MAX_DOUBLINGS);
            now.addAndGet(expected - SECOND);
            assertThat(guard.deviceBlocked(ESP32, HOME)).as("block " + i + " still on").isTrue();
            now.addAndGet(2 * SECOND);
            assertThat(guard.deviceBlocked(ESP32, HOME)).as("block " + i + " over").isFalse();
        }
    }

    @Test
    void aSuccessOrAQuietPeriodForgetsTheFailures() {
        ConnectionGuard guard = guard(0, 3, 1000);
        fail(guard, HOME, ESP32, 2);
        guard.authenticationSucceeded(HOME, ESP32);
        fail(guard, HOME, ESP32, 2);
        assertThat(guard.deviceBlocked(ESP32, HOME)).as("the count started over").isFalse();

        fail(guard, HOME, ESP32, 1);
        now.addAndGet(61 * SECOND);
        fail(guard, HOME, ESP32, 3);
        now.addAndGet(121 * SECOND);
        assertThat(guard.deviceBlocked(ESP32, HOME)).isFalse();
        // quiet for as long as the last block and a minute: the next block is the first again
        now.addAndGet(61 * SECOND);
        fail(guard, HOME, ESP32, 3);
        now.addAndGet(61 * SECOND);
        assertThat(guard.deviceBlocked(ESP32, HOME)).isFalse();
    }

    @Test
    void anAddressIsBlockedForManyDistinctDevicesNotForOneRetrying() {
        ConnectionGuard guard = guard(3, 0, 1000);
        fail(guard, HOME, ESP32, 50);
        assertThat(guard.refusal(HOME)).as("one device behind a NAT retrying").isNull();
        fail(guard, HOME, new DeviceId("alice", "scan-1"), 1);
        fail(guard, HOME, new DeviceId("bob", "esp32"), 1);
        assertThat(guard.refusal(HOME)).isEqualTo(Refusal.ADDRESS_BLOCKED);
        assertThat(guard.refusal(ELSEWHERE)).isNull();
        now.addAndGet(61 * SECOND);
        assertThat(guard.refusal(HOME)).isNull();
    }

    @Test
    void anIpv6AddressCountsByItsSlash64() {
        ConnectionGuard guard = guard(2, 0, 1000);
        fail(guard, new InetSocketAddress("2001:db8::1", 1), ESP32, 1);
        fail(guard, new InetSocketAddress("2001:db8::ffff:2", 1), new DeviceId("alice", "other"), 1);
        assertThat(guard.refusal(new InetSocketAddress("2001:db8::3", 1))).isEqualTo(Refusal.ADDRESS_BLOCKED);
        assertThat(guard.refusal(new InetSocketAddress("2001:db8:0:1::1", 1))).isNull();
    }

    @Test
    void whatIsKeptStaysUnderItsBoundWhateverIsSent() {
        ConnectionGuard guard = guard(5, 3, 500);
        String huge = "x".repeat(4000);
        for (int i = 0; i < 20_000; i++) {
            InetSocketAddress from = new InetSocketAddress("10.0." + (i / 250 % 250) + "." + (i % 250), 1);
            guard.authenticationFailed(from, huge + i, huge);
            assertThat(guard.trackedEntries()).isLessThanOrEqualTo(2 * 500);
        }
        assertThat(guard.trackedEntries()).isEqualTo(2 * 500);
    }

    @Test
    void aFullTableDropsAnEntryThatBlocksNothingBeforeTheLeastRecentlyUsed() {
        ConnectionGuard guard = guard(0, 3, 2);
        fail(guard, HOME, ESP32, 3);
        now.addAndGet(61 * SECOND);
        fail(guard, HOME, ESP32, 3); // blocked for two minutes, the eldest entry
        fail(guard, HOME, new DeviceId("alice", "once"), 1);
        now.addAndGet(61 * SECOND); // "once" expired; esp32 still blocked for a while
        fail(guard, HOME, new DeviceId("alice", "new"), 1);
        assertThat(guard.deviceBlocked(ESP32, HOME)).isTrue();
        assertThat(guard.trackedEntries()).isEqualTo(2);
    }

    // ---------------------------------------------------------------- connection rate per address

    private ConnectionGuard rateGuard(int perSecond, int perAddress, int tracked) {
        IotmpServerConfig config = IotmpServerConfig.builder()
                .limits(ServerLimits.builder().maxConnectionsPerSecond(perSecond)
                        .maxConnectionsPerSecondPerAddress(perAddress).maxTrackedConnectionRates(tracked).build())
                .build();
        return new ConnectionGuard(config, now::get);
    }

    private static int admitted(ConnectionGuard guard, InetSocketAddress from, int attempts) {
        int admitted = 0;
        for (int i = 0; i < attempts; i++) {
            if (guard.refusal(from) == null) {
                admitted++;
            }
        }
        return admitted;
    }

    @Test
    void oneAddressBeyondItsRateCannotTakeTheServersRateFromOthers() {
        ConnectionGuard guard = rateGuard(5, 3, 1000);
        assertThat(admitted(guard, HOME, 3)).isEqualTo(3);
        for (int i = 0; i < 1000; i++) {
            assertThat(guard.refusal(HOME_OTHER_PORT)).as("the address, not the port")
                    .isEqualTo(Refusal.CONNECTION_RATE_PER_ADDRESS);
        }
        // the thousand refused took nothing from the server's five: two are left for everybody else
        assertThat(guard.refusal(ELSEWHERE)).isNull();
        assertThat(guard.refusal(new InetSocketAddress("203.0.113.9", 1))).isNull();
        assertThat(guard.refusal(new InetSocketAddress("203.0.113.10", 1))).isEqualTo(Refusal.CONNECTION_RATE);
    }

    @Test
    void aConnectionTheServersRateRefusesTakesNothingFromItsAddress() {
        ConnectionGuard guard = rateGuard(2, 2, 1000);
        assertThat(admitted(guard, HOME, 2)).isEqualTo(2);
        for (int i = 0; i < 10; i++) {
            assertThat(guard.refusal(ELSEWHERE)).isEqualTo(Refusal.CONNECTION_RATE);
        }
        now.addAndGet(SECOND);
        assertThat(admitted(guard, ELSEWHERE, 3)).as("its own second's worth, untouched").isEqualTo(2);
    }

    /**
     * Behind a balancer the server's rate is asked at accept and the address's once the PROXY header tells it: the
     * two halves together admit what {@link ConnectionGuard#refusal} admits, each taking only its own tokens.
     */
    @Test
    void theServersRateAndTheAddressesCanBeAskedApart() {
        ConnectionGuard guard = rateGuard(4, 2, 1000);
        assertThat(guard.addressRefusal(HOME)).isNull();
        assertThat(guard.addressRefusal(HOME)).isNull();
        assertThat(guard.addressRefusal(HOME)).isEqualTo(Refusal.CONNECTION_RATE_PER_ADDRESS);
        assertThat(guard.addressRefusal(ELSEWHERE)).as("its own rate, the server's untouched").isNull();
        for (int i = 0; i < 4; i++) {
            assertThat(guard.serverRefusal()).as("the server's four").isNull();
        }
        assertThat(guard.serverRefusal()).isEqualTo(Refusal.CONNECTION_RATE);
        assertThat(guard.addressRefusal(ELSEWHERE)).as("an address's part takes no server token").isNull();
    }

    @Test
    void anAddressEarnsAConnectionPerTokenTimeUpToOneSecondsWorth() {
        ConnectionGuard guard = rateGuard(0, 2, 1000);
        assertThat(admitted(guard, HOME, 5)).isEqualTo(2);
        now.addAndGet(SECOND * 4 / 10);
        assertThat(guard.refusal(HOME)).as("not half a second yet").isEqualTo(Refusal.CONNECTION_RATE_PER_ADDRESS);
        now.addAndGet(SECOND * 2 / 10);
        assertThat(admitted(guard, HOME, 5)).as("one token in half a second").isEqualTo(1);
        now.addAndGet(60 * SECOND);
        assertThat(admitted(guard, HOME, 5)).as("idle for a minute: still one second's worth").isEqualTo(2);
    }

    @Test
    void anIpv6AddressHasItsRateByItsSlash64() {
        ConnectionGuard guard = rateGuard(0, 2, 1000);
        assertThat(guard.refusal(new InetSocketAddress("2001:db8::1", 1))).isNull();
        assertThat(guard.refusal(new InetSocketAddress("2001:db8::ffff:2", 1))).isNull();
        assertThat(guard.refusal(new InetSocketAddress("2001:db8::3", 1)))
                .isEqualTo(Refusal.CONNECTION_RATE_PER_ADDRESS);
        assertThat(guard.refusal(new InetSocketAddress("2001:db8:0:1::1", 1))).as("another /64").isNull();
        assertThat(guard.trackedConnectionRates()).isEqualTo(2);
    }

    @Test
    void theRatesKeptStayUnderTheirBoundApartFromTheFailures() {
        ConnectionGuard guard = rateGuard(0, 1, 500);
        for (int i = 0; i < 20_000; i++) {
            InetSocketAddress from = new InetSocketAddress("10." + (i / 62_500) + "." + (i / 250 % 250) + "."
                                                           + (i % 250), 1);
            assertThat(guard.refusal(from)).as("a new address has its whole bucket").isNull();
            assertThat(guard.trackedConnectionRates()).isLessThanOrEqualTo(500);
        }
        assertThat(guard.trackedConnectionRates()).isEqualTo(500);
        assertThat(guard.trackedEntries()).as("the failures' tables are not touched").isZero();
    }

    @Test
    void aFullTableDropsAnIdleAddressBeforeTheLeastRecentlyUsed() {
        ConnectionGuard guard = rateGuard(0, 2, 2);
        InetSocketAddress busy = HOME;
        InetSocketAddress idle = ELSEWHERE;
        assertThat(admitted(guard, busy, 2)).isEqualTo(2); // full again in a second
        now.addAndGet(SECOND / 10);
        assertThat(admitted(guard, idle, 1)).isEqualTo(1); // full again in half a second
        now.addAndGet(SECOND * 6 / 10);
        assertThat(guard.refusal(new InetSocketAddress("203.0.113.9", 1))).isNull();
        assertThat(guard.trackedConnectionRates()).isEqualTo(2);
        // the busy address, the least recently used, was kept: a fresh bucket would admit two
        assertThat(admitted(guard, busy, 2)).isEqualTo(1);
    }

    @Test
    void theRateOptionsAreChecked() {
        assertThat(ServerLimits.DEFAULT.maxConnectionsPerSecondPerAddress()).isEqualTo(100);
        assertThat(ServerLimits.builder().maxConnectionsPerSecondPerAddress(0).build()
                .maxConnectionsPerSecondPerAddress()).as("no limit").isZero();
        assertThatThrownBy(() -> ServerLimits.builder().maxConnectionsPerSecondPerAddress(-1).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxConnectionsPerSecondPerAddress");
        assertThatThrownBy(() -> ServerLimits.builder().maxTrackedConnectionRates(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxTrackedConnectionRates");
        ConnectionGuard unlimited = rateGuard(0, 0, 1000);
        assertThat(admitted(unlimited, HOME, 1000)).isEqualTo(1000);
        assertThat(unlimited.trackedConnectionRates()).as("nothing kept without a rate").isZero();
    }
}
