package io.cameliotmp.server;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Admission control for an internet-facing server: a token bucket for the connection rate, and sliding counts of
 * authentication failures per remote address and per device that block the offender for a while, so a scanner or
 * a flapping device with a wrong credential cannot make the server spend its time on handshakes and lookups.
 */
final class ConnectionGuard {

    private static final long WINDOW_NANOS = 60_000_000_000L;

    private final int connectionsPerSecond;
    private final int failuresPerAddress;
    private final int failuresPerDevice;
    private final long blockNanos;
    private final LongSupplier nanoClock;

    private double tokens;
    private long lastRefill;
    private final Map<InetAddress, Failures> byAddress = new ConcurrentHashMap<>();
    private final Map<DeviceId, Failures> byDevice = new ConcurrentHashMap<>();

    ConnectionGuard(IotmpServerConfig config, LongSupplier nanoClock) {
        this.connectionsPerSecond = config.maxConnectionsPerSecond();
        this.failuresPerAddress = config.maxAuthFailuresPerAddress();
        this.failuresPerDevice = config.maxAuthFailuresPerDevice();
        this.blockNanos = config.authFailureBlock().toNanos();
        this.nanoClock = nanoClock;
        this.tokens = connectionsPerSecond;
        this.lastRefill = nanoClock.getAsLong();
    }

    /** Whether a new connection may be served; takes a token of the rate limit when it may. */
    synchronized boolean admitConnection(SocketAddress remote) {
        long now = nanoClock.getAsLong();
        if (isBlocked(byAddress, addressOf(remote), now)) {
            return false;
        }
        if (connectionsPerSecond <= 0) {
            return true;
        }
        tokens = Math.min(connectionsPerSecond, tokens + (now - lastRefill) * connectionsPerSecond / 1e9);
        lastRefill = now;
        if (tokens < 1) {
            return false;
        }
        tokens--;
        return true;
    }

    /** Whether the device is currently blocked after too many failed authentications. */
    boolean deviceBlocked(DeviceId device) {
        return isBlocked(byDevice, device, nanoClock.getAsLong());
    }

    void authenticationFailed(SocketAddress remote, DeviceId device) {
        long now = nanoClock.getAsLong();
        InetAddress address = addressOf(remote);
        if (address != null && failuresPerAddress > 0) {
            byAddress.computeIfAbsent(address, a -> new Failures()).record(now, failuresPerAddress, blockNanos);
        }
        if (failuresPerDevice > 0) {
            byDevice.computeIfAbsent(device, d -> new Failures()).record(now, failuresPerDevice, blockNanos);
        }
        // forget old entries so a scan over many addresses cannot grow the maps without bound
        if (byAddress.size() > 10_000) {
            byAddress.values().removeIf(f -> f.expired(now));
        }
        if (byDevice.size() > 10_000) {
            byDevice.values().removeIf(f -> f.expired(now));
        }
    }

    private static <K> boolean isBlocked(Map<K, Failures> map, K key, long now) {
        if (key == null) {
            return false;
        }
        Failures failures = map.get(key);
        return failures != null && failures.blocked(now);
    }

    private static InetAddress addressOf(SocketAddress remote) {
        return remote instanceof InetSocketAddress inet ? inet.getAddress() : null;
    }

    private static final class Failures {
        private long windowStart;
        private int count;
        private long blockedUntil;

        synchronized void record(long now, int limit, long blockNanos) {
            if (now - windowStart > WINDOW_NANOS) {
                windowStart = now;
                count = 0;
            }
            if (++count >= limit) {
                blockedUntil = now + blockNanos;
                count = 0;
                windowStart = now;
            }
        }

        synchronized boolean blocked(long now) {
            return now - blockedUntil < 0;
        }

        synchronized boolean expired(long now) {
            return now - blockedUntil >= 0 && now - windowStart > WINDOW_NANOS;
        }
    }
}
