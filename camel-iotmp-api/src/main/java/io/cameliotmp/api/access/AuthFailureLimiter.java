package io.cameliotmp.api.access;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * Counts failed authentications per client address and blocks an address that failed {@code maxFailures} times
 * within a window until that window ends, so that tokens cannot be guessed at the speed of the network. An address is
 * counted by its {@linkplain #key key}: an IPv4 address whole, an IPv6 address by its /64 prefix (what one subscriber
 * usually gets, so that a client cannot become 2<sup>64</sup> addresses); an IPv4-mapped IPv6 address is its IPv4
 * address.
 * <p>
 * At most {@code maxTracked} addresses are remembered: when that many are, expired windows are dropped, and if none
 * has expired the failures of new addresses are counted together under one shared <em>overflow</em> entry. That entry
 * never blocks a request before its token is looked at, as a tracked address's does: whoever fills the table (one
 * client with an IPv6 /48 has 65,536 /64s) would otherwise lock every new client out, valid tokens included. Instead,
 * once the overflow entry has {@code maxFailures} failures in its window, the further failures of untracked addresses
 * are answered 429 rather than 401 ({@link #failed} says so), and counted ({@link #overflowRefused()}); a valid token
 * passes.
 * <p>
 * This leaves the guessing through the overflow entry unlimited: a valid token is admitted, a wrong one refused, at
 * whatever rate the client sends. That is accepted, rather than the lockout, because
 * <ul>
 * <li>reaching the overflow takes {@code maxTracked} addresses (IPv4 addresses or IPv6 /64s) each failing within one
 * window, and keeping it takes as many again every window; a client that can do that already gets
 * {@code maxTracked × maxFailures} guesses per window through the tracked entries (100,000 a minute by default), so
 * this limiter has never been what keeps tokens secret from it: their randomness is (32 random bytes, as the
 * documentation asks, are 2<sup>256</sup> guesses);</li>
 * <li>the per-address blocks stay, so a client with fewer addresses than that is limited as before;</li>
 * <li>the overflow is visible: the metric of tracked addresses stands at its bound and the refusals are counted.</li>
 * </ul>
 */
public final class AuthFailureLimiter {

    /** What an IPv6 literal may consist of, zone id stripped: anything else is never handed to the resolver. */
    private static final Pattern IPV6_LITERAL = Pattern.compile("[0-9A-Fa-f:.]+");
    /**
     * The most characters of an address kept as its key when it is no IP address (a forwarded one, which with
     * {@code server.forward-headers-strategy=framework} is whatever the client put first in its
     * {@code X-Forwarded-For}): an IPv6 literal with a zone id takes less, and a table of such keys stays small.
     */
    static final int MAX_KEY_LENGTH = 64;

    private record Window(long start, int failures) {
    }

    private final int maxFailures;
    private final long windowNanos;
    private final int maxTracked;
    private final LongSupplier nanoClock;
    /** Guarded by {@code this}. */
    private final Map<String, Window> windows = new HashMap<>();
    /** The failures of untracked addresses; guarded by {@code this}. */
    private Window overflow;
    /** Guarded by {@code this}. */
    private long overflowRefused;

    /**
     * @param maxFailures how many failures an address (and the overflow entry) may have within {@code window}
     * @param window      how long failures are counted, and an address blocked
     * @param maxTracked  the most addresses remembered at once
     * @param nanoClock   the time, as {@link System#nanoTime()}
     */
    public AuthFailureLimiter(int maxFailures, Duration window, int maxTracked, LongSupplier nanoClock) {
        if (maxFailures < 1 || maxTracked < 1 || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("maxFailures and maxTracked must be positive, window longer than 0");
        }
        this.maxFailures = maxFailures;
        this.windowNanos = window.toNanos();
        this.maxTracked = maxTracked;
        this.nanoClock = nanoClock;
    }

    /**
     * Whether {@code address} has used up its failures; if so, for how many more seconds (else 0). It is asked before
     * the token is looked at, so it is never positive for an address counted under the overflow entry.
     */
    public synchronized long blockedForSeconds(String address) {
        Window window = current(key(address));
        return window == null || window.failures() < maxFailures ? 0 : secondsLeft(window);
    }

    /**
     * Counts a failed authentication of {@code address}. Returns 0 when it is answered as a failure (401); else, for
     * an address under the overflow entry once that has used up its failures, how many more seconds failures under it
     * are answered 429.
     */
    public synchronized long failed(String address) {
        String key = key(address);
        long now = nanoClock.getAsLong();
        if (!windows.containsKey(key) && windows.size() >= maxTracked) {
            dropExpired();
        }
        if (windows.containsKey(key) || windows.size() < maxTracked) {
            Window window = current(key);
            windows.put(key, window == null ? new Window(now, 1) : new Window(window.start(), window.failures() + 1));
            return 0;
        }
        if (overflow != null && now - overflow.start() >= windowNanos) {
            overflow = null;
        }
        if (overflow == null) {
            overflow = new Window(now, 1);
        } else if (overflow.failures() < maxFailures) {
            overflow = new Window(overflow.start(), overflow.failures() + 1);
        } else {
            overflowRefused++;
            return secondsLeft(overflow);
        }
        return 0;
    }

    /** How many addresses are remembered now, the overflow entry as one (for the metric). */
    public synchronized int tracked() {
        return windows.size() + (overflow != null ? 1 : 0);
    }

    /** How many failures of untracked addresses were answered 429 for the overflow entry (for the metric). */
    public synchronized long overflowRefused() {
        return overflowRefused;
    }

    /**
     * What {@code address} (a client address as {@code HttpServletRequest.getRemoteAddr()} has it) is counted by: an
     * IPv4 address as it is; an IPv6 address by its /64 prefix ({@code 2001:db8:0:0:0:0:0:0/64}), with no zone id; an
     * IPv4-mapped IPv6 address ({@code ::ffff:192.0.2.1}) as its IPv4 address. Anything else (a name, a malformed
     * forwarded address) as it is, its first {@value #MAX_KEY_LENGTH} characters: it is never resolved.
     */
    public static String key(String address) {
        if (address == null || address.indexOf(':') < 0) {
            return address == null ? "" : truncated(address);
        }
        String literal = address;
        if (literal.length() > 2 && literal.startsWith("[") && literal.endsWith("]")) {
            literal = literal.substring(1, literal.length() - 1);
        }
        int zone = literal.indexOf('%');
        if (zone >= 0) {
            literal = literal.substring(0, zone);
        }
        if (!IPV6_LITERAL.matcher(literal).matches()) {
            return truncated(address);
        }
        try {
            // in brackets an IPv6 literal is parsed, never looked up
            InetAddress parsed = InetAddress.getByName("[" + literal + "]");
            if (parsed instanceof Inet4Address) {
                return parsed.getHostAddress();
            }
            byte[] prefix = Arrays.copyOf(parsed.getAddress(), 16);
            Arrays.fill(prefix, 8, 16, (byte) 0);
            return InetAddress.getByAddress(prefix).getHostAddress() + "/64";
        } catch (UnknownHostException e) {
            return truncated(address);
        }
    }

    private static String truncated(String address) {
        return address.length() <= MAX_KEY_LENGTH ? address : address.substring(0, MAX_KEY_LENGTH);
    }

    private long secondsLeft(Window window) {
        long left = window.start() + windowNanos - nanoClock.getAsLong();
        return Math.max(1, (left + 999_999_999L) / 1_000_000_000L);
    }

    private Window current(String key) {
        Window window = windows.get(key);
        if (window != null && nanoClock.getAsLong() - window.start() >= windowNanos) {
            windows.remove(key);
            return null;
        }
        return window;
    }

    private void dropExpired() {
        long now = nanoClock.getAsLong();
        for (Iterator<Window> it = windows.values().iterator(); it.hasNext();) {
            if (now - it.next().start() >= windowNanos) {
                it.remove();
            }
        }
        if (overflow != null && now - overflow.start() >= windowNanos) {
            overflow = null;
        }
    }
}
