package io.cameliotmp.api.access;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The failure limiter on a clock of the test's own: no waiting. */
class AuthFailureLimiterTest {

    private final AtomicLong now = new AtomicLong(1_000);

    @Test
    void anAddressIsBlockedAfterItsFailuresUntilTheWindowEnds() {
        AuthFailureLimiter limiter = new AuthFailureLimiter(3, Duration.ofSeconds(60), 100, now::get);

        limiter.failed("a");
        limiter.failed("a");
        assertThat(limiter.blockedForSeconds("a")).isZero();
        assertThat(limiter.failed("a")).as("the last failure is answered as one").isZero();
        assertThat(limiter.blockedForSeconds("a")).isEqualTo(60);
        assertThat(limiter.blockedForSeconds("b")).isZero();

        now.addAndGet(Duration.ofSeconds(59).toNanos());
        assertThat(limiter.blockedForSeconds("a")).isEqualTo(1);
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        assertThat(limiter.blockedForSeconds("a")).isZero();
        assertThat(limiter.tracked()).isZero();
    }

    /**
     * Beyond the bound, failures share one count, which never blocks before the token is looked at (a valid token
     * passes) and, once used up, has the further failures answered 429.
     */
    @Test
    void addressesBeyondTheBoundShareACountThatRefusesOnlyTheirFailures() {
        AuthFailureLimiter limiter = new AuthFailureLimiter(2, Duration.ofSeconds(60), 2, now::get);
        limiter.failed("a");
        limiter.failed("b");

        assertThat(limiter.failed("c")).isZero();
        assertThat(limiter.failed("d")).isZero();
        now.addAndGet(Duration.ofSeconds(10).toNanos());
        assertThat(limiter.failed("e")).as("the shared count is used up").isEqualTo(50);
        assertThat(limiter.failed("c")).isEqualTo(50);

        assertThat(limiter.overflowRefused()).isEqualTo(2);
        assertThat(limiter.tracked()).isEqualTo(3);
        assertThat(limiter.blockedForSeconds("e")).as("asked before the token: an untracked address").isZero();
        assertThat(limiter.blockedForSeconds("c")).isZero();
        assertThat(limiter.blockedForSeconds("a")).isZero();

        now.addAndGet(Duration.ofSeconds(50).toNanos());
        assertThat(limiter.failed("f")).isZero();
        assertThat(limiter.tracked()).as("the expired windows, the shared one too, are dropped").isEqualTo(1);
        assertThat(limiter.failed("g")).isZero();
        assertThat(limiter.failed("h")).as("a new shared window").isZero();
        assertThat(limiter.overflowRefused()).isEqualTo(2);
    }

    /** A tracked address that failed too often stays blocked, token or not, while the table is full. */
    @Test
    void aTrackedAddressKeepsItsBlockWhileTheTableIsFull() {
        AuthFailureLimiter limiter = new AuthFailureLimiter(2, Duration.ofSeconds(60), 2, now::get);
        limiter.failed("a");
        limiter.failed("a");
        limiter.failed("b");
        for (int i = 0; i < 5; i++) {
            limiter.failed("x" + i);
        }

        assertThat(limiter.blockedForSeconds("a")).isEqualTo(60);
        assertThat(limiter.blockedForSeconds("b")).isZero();
        assertThat(limiter.failed("b")).as("a tracked address has its own count").isZero();
        assertThat(limiter.blockedForSeconds("b")).isEqualTo(60);
    }

    @Test
    void theAddressesOfOneIpv6Slash64ShareOneCount() {
        AuthFailureLimiter limiter = new AuthFailureLimiter(3, Duration.ofSeconds(60), 2, now::get);

        limiter.failed("2001:db8:1:2::1");
        limiter.failed("2001:db8:1:2:ffff:ffff:ffff:ffff");
        limiter.failed("2001:db8:1:2:0:0:0:3");

        assertThat(limiter.blockedForSeconds("2001:db8:1:2:abcd::99")).isEqualTo(60);
        assertThat(limiter.blockedForSeconds("2001:db8:1:3::1")).isZero();
        assertThat(limiter.tracked()).isEqualTo(1);
    }

    @Test
    void anIpv4MappedAddressCountsAsItsIpv4Address() {
        AuthFailureLimiter limiter = new AuthFailureLimiter(2, Duration.ofSeconds(60), 10, now::get);

        limiter.failed("::ffff:192.0.2.1");
        limiter.failed("192.0.2.1");

        assertThat(limiter.blockedForSeconds("192.0.2.1")).isEqualTo(60);
        assertThat(limiter.blockedForSeconds("0:0:0:0:0:ffff:c000:201")).isEqualTo(60);
        assertThat(limiter.blockedForSeconds("192.0.2.2")).isZero();
    }

    @Test
    void keys() {
        assertThat(AuthFailureLimiter.key("192.0.2.1")).isEqualTo("192.0.2.1");
        assertThat(AuthFailureLimiter.key("2001:db8:1:2:3:4:5:6")).isEqualTo("2001:db8:1:2:0:0:0:0/64");
        assertThat(AuthFailureLimiter.key("2001:DB8:1:2::")).isEqualTo("2001:db8:1:2:0:0:0:0/64");
        assertThat(AuthFailureLimiter.key("[2001:db8:1:2::7]")).isEqualTo("2001:db8:1:2:0:0:0:0/64");
        assertThat(AuthFailureLimiter.key("fe80::1%eth0")).isEqualTo("fe80:0:0:0:0:0:0:0/64");
        assertThat(AuthFailureLimiter.key("fe80::1%2")).isEqualTo("fe80:0:0:0:0:0:0:0/64");
        assertThat(AuthFailureLimiter.key("0:0:0:0:0:0:0:1")).isEqualTo("0:0:0:0:0:0:0:0/64");
        assertThat(AuthFailureLimiter.key("::ffff:192.0.2.1")).isEqualTo("192.0.2.1");
        assertThat(AuthFailureLimiter.key("[::ffff:c000:201]")).isEqualTo("192.0.2.1");
        // not an address: as it is, never resolved
        assertThat(AuthFailureLimiter.key("unknown")).isEqualTo("unknown");
        assertThat(AuthFailureLimiter.key("dead:beef")).isEqualTo("dead:beef");
        assertThat(AuthFailureLimiter.key("example.com:443")).isEqualTo("example.com:443");
        assertThat(AuthFailureLimiter.key(null)).isEmpty();
        // a forwarded address is whatever a client wrote: the table keeps no more of it than of an address
        String made = "x".repeat(8000);
        assertThat(AuthFailureLimiter.key(made)).isEqualTo(made.substring(0, AuthFailureLimiter.MAX_KEY_LENGTH));
        assertThat(AuthFailureLimiter.key("1:" + made)).hasSize(AuthFailureLimiter.MAX_KEY_LENGTH);
        assertThat(AuthFailureLimiter.key("1:2:" + "3".repeat(8000))).hasSize(AuthFailureLimiter.MAX_KEY_LENGTH);
    }
}
