package io.cameliotmp.api;

import java.net.InetAddress;
import java.util.IdentityHashMap;
import java.util.Map;

import io.cameliotmp.api.access.AuthFailureLimiter;

/**
 * The HTTP connections open per client address, bounded by {@code camel.iotmp.api.max-connections-per-address}: a
 * connection beyond the bound is refused as it is accepted ({@link AddressBoundedNioProtocol}), so that one address
 * cannot take all of Tomcat's connections ({@code server.tomcat.max-connections}) with requests whose headers never
 * end (slowloris), which no valve or filter ever sees. An address is counted as the API counts failed
 * authentications ({@link AuthFailureLimiter#key}): an IPv6 address by its /64 prefix.
 * <p>
 * An address is remembered only while it has a connection open, and each admitted connection only until it is given
 * back, so both tables are bounded by the connections Tomcat holds at most. A connection is given back at most once,
 * however often its close is reported.
 */
public final class ConnectionsPerAddress {

    private final int max;
    /** The address each admitted connection is counted under, until it is given back; guarded by {@code this}. */
    private final Map<Object, String> admitted = new IdentityHashMap<>();
    /** Open connections per address; guarded by {@code this}. */
    private final AddressCounts open = new AddressCounts();
    /** Guarded by {@code this}. */
    private long refused;

    /**
     * @param max the most connections an address may have open, 0 for no bound (nothing is counted then)
     */
    public ConnectionsPerAddress(int max) {
        if (max < 0) {
            throw new IllegalArgumentException("max must not be negative: " + max);
        }
        this.max = max;
    }

    /** The most connections an address may have open, 0 for no bound. */
    public int max() {
        return max;
    }

    /**
     * Whether {@code connection}, from {@code address}, may be open; if so it is counted until it is
     * {@linkplain #release given back}. A connection of no known address (null) is admitted uncounted.
     */
    public synchronized boolean admit(Object connection, InetAddress address) {
        if (max == 0 || address == null) {
            return true;
        }
        String key = AuthFailureLimiter.key(address.getHostAddress());
        if (!open.take(key, max)) {
            refused++;
            return false;
        }
        admitted.put(connection, key);
        return true;
    }

    /** Gives back the place of {@code connection} if it was admitted and not given back yet; else does nothing. */
    public synchronized void release(Object connection) {
        String key = admitted.remove(connection);
        if (key != null) {
            open.give(key);
        }
    }

    /** How many addresses have connections open, counted (for the metric). */
    public synchronized int trackedAddresses() {
        return open.addresses();
    }

    /** How many connections were refused for their address's bound (for the metric). */
    public synchronized long refused() {
        return refused;
    }

    /** How many connections of {@code address} are open, counted. */
    synchronized int open(InetAddress address) {
        return open.heldBy(AuthFailureLimiter.key(address.getHostAddress()));
    }
}
