package io.cameliotmp.server;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Admission control for an internet-facing server: token buckets for the connection rate, and what is remembered
 * about failed authentications, so a scanner or a device with a wrong credential cannot make the server spend its
 * time on handshakes and lookups, and nobody can aim a lockout at somebody else.
 * <ul>
 * <li><b>Connection rate</b>: {@code maxConnectionsPerSecondPerAddress} per address (an IPv6 address by its /64
 * prefix), then {@code maxConnectionsPerSecond} for the whole server, each with one second of burst. The address's
 * bucket is asked first and a connection it refuses takes no token from the server's: without it one address opening
 * and closing connections as fast as it can took the whole server-wide rate, and every other device's reconnection
 * was refused. A connection the server's bucket refuses takes none from its address's either.</li>
 * <li><b>Per device and address</b>: {@code maxAuthFailuresPerDevice} failures of one device id from one address
 * within a minute refuse that device from that address for {@code authFailureBlock}, doubled at every further block
 * (at most {@value #MAX_DOUBLINGS} doublings) until it stays quiet for as long as its last block and a minute; a
 * success forgets it. The same device from another address is not affected, so an attacker who knows a device id
 * cannot lock the real device out, and a device retrying a wrong credential behind a NAT does not block its
 * neighbours.</li>
 * <li><b>Per address</b> (an IPv6 address by its /64 prefix, what one subscriber usually gets): failures of
 * {@code maxAuthFailuresPerAddress} <em>distinct</em> devices (user and device id) within a minute block the address
 * for {@code authFailureBlock}; its connections are closed as soon as they are accepted. That is what a scanner does;
 * one device retrying counts once.</li>
 * </ul>
 * What is kept is of fixed size whatever the peer sent: entries are keyed by a salted 64-bit hash of the address and
 * identifiers (never the strings), each table of failures holds at most {@code maxTrackedAuthFailures} entries, and
 * when one is full an entry that no longer blocks anything is dropped, else the least recently used. The addresses'
 * connection rates are a table of their own, so that connecting from many addresses cannot flush failures: at most
 * {@code maxTrackedConnectionRates} entries, and when it is full an address whose bucket is full again (idle for a
 * second) is dropped, else the least recently used, which then starts over with a full bucket (the server's still
 * applies). An address is full again at most a second after its last connection, and entries are made only for
 * connections the server's bucket admits, at most 20,000 within a second with the default limits (burst and rate):
 * with the default 65,536 entries the table never has to drop a bucket that is not full.
 */
final class ConnectionGuard {

    static final long WINDOW_NANOS = 60_000_000_000L;
    /** A device's block doubles at most this many times: 64 × {@code authFailureBlock}. */
    static final int MAX_DOUBLINGS = 6;
    /** How many of the least recently used entries a full table looks at for one it can drop for free. */
    private static final int EVICTION_SCAN = 16;
    /** Distinct devices remembered per address and window; with a higher limit, repeats beyond them count anew. */
    private static final int MAX_REMEMBERED_DEVICES = 32;
    private static final long SECOND_NANOS = 1_000_000_000L;

    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    });

    private final int connectionsPerSecond;
    /** Time an address's bucket takes to earn one connection; 0 when addresses have no rate of their own. */
    private final long addressTokenNanos;
    private final int rateCapacity;
    private final int failuresPerAddress;
    private final int failuresPerDevice;
    private final long blockNanos;
    private final int capacity;
    private final LongSupplier nanoClock;
    private final Supplier<ServerMetrics> metrics;
    /** Makes the keys unpredictable, so nobody can craft identifiers that collide with somebody else's entry. */
    private final byte[] salt = new byte[16];

    private double tokens;
    private long lastRefill;
    private final Map<Long, AddressFailures> byAddress;
    private final Map<Long, DeviceFailures> byDevice;
    private final Map<Long, AddressRate> rates;

    ConnectionGuard(IotmpServerConfig config, LongSupplier nanoClock) {
        this(config, nanoClock, () -> ServerMetrics.NONE);
    }

    ConnectionGuard(IotmpServerConfig config, LongSupplier nanoClock, Supplier<ServerMetrics> metrics) {
        this.metrics = metrics;
        this.connectionsPerSecond = config.maxConnectionsPerSecond();
        int perAddress = config.limits().maxConnectionsPerSecondPerAddress();
        this.addressTokenNanos = perAddress > 0 ? Math.max(1, SECOND_NANOS / perAddress) : 0;
        this.rateCapacity = config.limits().maxTrackedConnectionRates();
        this.failuresPerAddress = config.maxAuthFailuresPerAddress();
        this.failuresPerDevice = config.maxAuthFailuresPerDevice();
        this.blockNanos = config.authFailureBlock().toNanos();
        this.capacity = config.limits().maxTrackedAuthFailures();
        this.nanoClock = nanoClock;
        this.tokens = connectionsPerSecond;
        this.lastRefill = nanoClock.getAsLong();
        new SecureRandom().nextBytes(salt);
        this.byAddress = new LinkedHashMap<>(16, 0.75f, true);
        this.byDevice = new LinkedHashMap<>(16, 0.75f, true);
        this.rates = new LinkedHashMap<>(16, 0.75f, true);
    }

    /** Why a new connection from {@code remote} is refused, or null when it may be served (a token taken). */
    Refusal refusal(SocketAddress remote) {
        return refusal(remote, true);
    }

    /**
     * The server-wide part of {@link #refusal}, the server's rate, for a connection whose device's address is not
     * known yet (it arrives in a PROXY protocol header); {@link #addressRefusal} follows once it is.
     */
    Refusal serverRefusal() {
        return refusal(null, true);
    }

    /** The per-address part of {@link #refusal} (blocked address, the address's rate) for a device's address. */
    Refusal addressRefusal(SocketAddress device) {
        return refusal(device, false);
    }

    private Refusal refusal(SocketAddress remote, boolean serverRate) {
        Long address = remote != null && (failuresPerAddress > 0 || addressTokenNanos > 0) ? addressKey(remote) : null;
        synchronized (this) {
            long now = nanoClock.getAsLong();
            if (address != null && failuresPerAddress > 0) {
                AddressFailures failures = byAddress.get(address);
                if (failures != null && failures.blocked(now)) {
                    return Refusal.ADDRESS_BLOCKED;
                }
            }
            AddressRate rate = address != null && addressTokenNanos > 0 ? rates.get(address) : null;
            if (rate != null && !rate.admits(now, addressTokenNanos)) {
                return Refusal.CONNECTION_RATE_PER_ADDRESS;
            }
            if (serverRate && connectionsPerSecond > 0) {
                tokens = Math.min(connectionsPerSecond, tokens + (now - lastRefill) * connectionsPerSecond / 1e9);
                lastRefill = now;
                if (tokens < 1) {
                    return Refusal.CONNECTION_RATE;
                }
                tokens--;
            }
            if (address != null && addressTokenNanos > 0) {
                if (rate == null) {
                    rate = new AddressRate(now);
                    put(rates, address, rate, now, rateCapacity);
                }
                rate.take(now, addressTokenNanos);
            }
            return null;
        }
    }

    /** Whether the device is currently refused from this address after too many failed authentications there. */
    boolean deviceBlocked(DeviceId device, SocketAddress remote) {
        return deviceBlock(device, remote) != Block.NONE;
    }

    /** Whether a CONNECT of a device is refused by a block, and whether its block has been reported yet. */
    enum Block {
        /** Not blocked. */
        NONE,
        /** Blocked, and this is the first CONNECT its block refuses. */
        NEW,
        /** Blocked, and its block has refused a CONNECT before. */
        REPORTED
    }

    /**
     * Like {@link #deviceBlocked}, telling the first refusal of each block apart, so that a device retrying through
     * its block is reported once rather than at the rate it retries.
     */
    Block deviceBlock(DeviceId device, SocketAddress remote) {
        if (failuresPerDevice <= 0) {
            return Block.NONE;
        }
        Long address = addressKey(remote);
        long key = deviceKey(address, device.user(), device.device());
        long now = nanoClock.getAsLong();
        Block block = Block.NONE;
        synchronized (this) {
            DeviceFailures failures = byDevice.get(key);
            if (failures != null && failures.blocked(now)) {
                block = failures.reportedBlocks == failures.blocks ? Block.REPORTED : Block.NEW;
                failures.reportedBlocks = failures.blocks;
            }
        }
        if (block != Block.NONE) {
            metrics.get().refused(Refusal.DEVICE_BLOCKED);
        }
        return block;
    }

    void authenticationFailed(SocketAddress remote, DeviceId device) {
        authenticationFailed(remote, device.user(), device.device());
    }

    /** Counts a failed authentication; {@code user} and {@code device} may be of any length, only a hash is kept. */
    void authenticationFailed(SocketAddress remote, String user, String device) {
        Long address = addressKey(remote);
        long key = deviceKey(address, user, device);
        long identity = deviceKey(null, user, device);
        long now = nanoClock.getAsLong();
        synchronized (this) {
            if (address != null && failuresPerAddress > 0) {
                AddressFailures failures = byAddress.get(address);
                if (failures == null) {
                    failures = new AddressFailures(now, Math.min(failuresPerAddress, MAX_REMEMBERED_DEVICES));
                    put(byAddress, address, failures, now);
                }
                failures.record(now, identity, failuresPerAddress, blockNanos);
            }
            if (failuresPerDevice > 0) {
                DeviceFailures failures = byDevice.get(key);
                if (failures == null) {
                    failures = new DeviceFailures(now);
                    put(byDevice, key, failures, now);
                } else if (failures.forgotten(now)) {
                    failures = new DeviceFailures(now);
                    byDevice.put(key, failures);
                }
                failures.record(now, failuresPerDevice, blockNanos);
            }
        }
    }

    /** The device proved its credential from this address: its failures there are forgotten. */
    void authenticationSucceeded(SocketAddress remote, DeviceId device) {
        long key = deviceKey(addressKey(remote), device.user(), device.device());
        synchronized (this) {
            byDevice.remove(key);
        }
    }

    /** Entries kept about failed authentications, in both tables. */
    synchronized int trackedEntries() {
        return byAddress.size() + byDevice.size();
    }

    /** Addresses whose connection rate is kept. */
    synchronized int trackedConnectionRates() {
        return rates.size();
    }

    private <V extends Expiring> void put(Map<Long, V> table, Long key, V value, long now) {
        put(table, key, value, now, capacity);
    }

    /** Adds to a full table only after dropping an entry: one that holds nothing any more if it finds one. */
    private static <V extends Expiring> void put(Map<Long, V> table, Long key, V value, long now, int capacity) {
        if (table.size() >= capacity) {
            Iterator<V> eldest = table.values().iterator();
            V drop = null;
            for (int i = 0; i < EVICTION_SCAN && eldest.hasNext(); i++) {
                V candidate = eldest.next();
                if (candidate.expired(now)) {
                    drop = candidate;
                    break;
                }
            }
            eldest = table.values().iterator();
            if (drop == null) {
                eldest.next();
                eldest.remove();
            } else {
                while (eldest.next() != drop) {
                    // walk to the one found
                }
                eldest.remove();
            }
        }
        table.put(key, value);
    }

    /** The address as a key: IPv4 whole, IPv6 by its /64 prefix; null for non-IP transports. */
    private Long addressKey(SocketAddress remote) {
        if (!(remote instanceof InetSocketAddress inet) || inet.getAddress() == null) {
            return null;
        }
        InetAddress address = inet.getAddress();
        byte[] bytes = address.getAddress();
        int length = address instanceof Inet4Address ? 4 : 8;
        MessageDigest digest = digest();
        digest.update((byte) 'A');
        digest.update(bytes, 0, Math.min(length, bytes.length));
        return toLong(digest.digest());
    }

    private long deviceKey(Long address, String user, String device) {
        MessageDigest digest = digest();
        digest.update((byte) 'D');
        if (address != null) {
            long a = address;
            for (int i = 0; i < 8; i++) {
                digest.update((byte) (a >>> (8 * i)));
            }
        }
        digest.update(user.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
        digest.update(device.getBytes(StandardCharsets.UTF_8));
        return toLong(digest.digest());
    }

    private MessageDigest digest() {
        MessageDigest digest = SHA256.get();
        digest.reset();
        digest.update(salt);
        return digest;
    }

    private static long toLong(byte[] hash) {
        long value = 0;
        for (int i = 0; i < 8; i++) {
            value = value << 8 | (hash[i] & 0xFF);
        }
        return value;
    }

    private interface Expiring {
        /** Whether the entry blocks nothing and counts nothing any more, so dropping it changes nothing. */
        boolean expired(long now);
    }

    /**
     * An address's token bucket, as the moment it is full again (a generic cell rate algorithm): one long instead of
     * a count and a time. Each connection moves that moment a token's time on; a connection is admitted while the
     * moment stays within a second from now, which allows one second's worth at once. Guarded by the guard.
     */
    private static final class AddressRate implements Expiring {
        private long fullAt;

        AddressRate(long now) {
            this.fullAt = now;
        }

        boolean admits(long now, long tokenNanos) {
            return later(fullAt, now) + tokenNanos - now <= SECOND_NANOS;
        }

        void take(long now, long tokenNanos) {
            fullAt = later(fullAt, now) + tokenNanos;
        }

        @Override
        public boolean expired(long now) {
            return fullAt - now <= 0;
        }

        /** The later of two {@code nanoTime} values, which may wrap: compared by their difference. */
        private static long later(long a, long b) {
            return a - b < 0 ? b : a;
        }
    }

    /** Failures of distinct devices from one address in the current window. Guarded by the guard. */
    private static final class AddressFailures implements Expiring {
        private final long[] seen;
        private int seenCount;
        private long windowStart;
        private int distinct;
        private long blockedUntil;
        private boolean everBlocked;

        AddressFailures(long now, int remembered) {
            this.windowStart = now;
            this.seen = new long[remembered];
        }

        void record(long now, long identity, int limit, long blockNanos) {
            if (now - windowStart > WINDOW_NANOS) {
                windowStart = now;
                distinct = 0;
                seenCount = 0;
            }
            for (int i = 0; i < Math.min(seenCount, seen.length); i++) {
                if (seen[i] == identity) {
                    return;
                }
            }
            seen[seenCount++ % seen.length] = identity;
            if (++distinct >= limit) {
                blockedUntil = now + blockNanos;
                everBlocked = true;
                distinct = 0;
                seenCount = 0;
                windowStart = now;
            }
        }

        boolean blocked(long now) {
            return everBlocked && now - blockedUntil < 0;
        }

        @Override
        public boolean expired(long now) {
            return !blocked(now) && now - windowStart > WINDOW_NANOS;
        }
    }

    /** Failures of one device from one address, and how often it was blocked. Guarded by the guard. */
    private static final class DeviceFailures implements Expiring {
        private long windowStart;
        private int count;
        private long blockedUntil;
        private long lastBlockNanos;
        private int blocks;
        /** The number of the last block a refusal was reported for. */
        private int reportedBlocks;
        private long lastFailure;

        DeviceFailures(long now) {
            this.windowStart = now;
            this.lastFailure = now;
        }

        void record(long now, int limit, long blockNanos) {
            if (now - windowStart > WINDOW_NANOS) {
                windowStart = now;
                count = 0;
            }
            lastFailure = now;
            if (++count >= limit) {
                lastBlockNanos = blockNanos << Math.min(blocks, MAX_DOUBLINGS);
                blockedUntil = now + lastBlockNanos;
                blocks++;
                count = 0;
                windowStart = now;
            }
        }

        boolean blocked(long now) {
            return blocks > 0 && now - blockedUntil < 0;
        }

        /** Quiet for as long as its last block and a window: its blocks no longer count toward the next one. */
        boolean forgotten(long now) {
            return !blocked(now) && now - lastFailure > lastBlockNanos + WINDOW_NANOS;
        }

        @Override
        public boolean expired(long now) {
            return forgotten(now);
        }
    }
}
