package io.cameliotmp.api;


import io.cameliotmp.api.access.AuthFailureLimiter;

/**
 * The long-lived places that one client address holds at once, all kinds together: byte sessions, resource streams
 * over WebSocket and as Server-Sent Events, device event subscriptions
 * ({@code camel.iotmp.api.max-streams-per-address}; an address is counted as the API counts failed authentications,
 * {@link AuthFailureLimiter#key}: an IPv6 address by its /64 prefix). The caps bound what the API holds in all and
 * the users' shares what one token takes; neither bounds one client holding the tokens of several users, which could
 * take every place of every kind. Each such place is a connection that may hold a thread of the web server: Tomcat
 * answers a client's ping with a blocking pong on the connection's own thread, so a client that pings and reads
 * nothing holds one for up to the send timeout, on every socket it has.
 * <p>
 * An address is remembered only while it holds a place (it is removed at zero), so this holds no more than the caps
 * together. Asked by {@link UserSlots} under its own lock; this one's is never held while anything else is done.
 */
final class AddressSlots {

    private final int max;
    /** Places held per address; guarded by {@code this}. */
    private final AddressCounts held = new AddressCounts();

    /**
     * @param max the most places one address may hold at once, all kinds together; 0 for no bound
     */
    AddressSlots(int max) {
        if (max < 0) {
            throw new IllegalArgumentException(IotmpApiProperties.PREFIX + ".max-streams-per-address must not be"
                                               + " negative (0 for no bound): " + max);
        }
        this.max = max;
    }

    /** The most places one address may hold, 0 for no bound. */
    int max() {
        return max;
    }

    /** What {@code address} is counted under; null (counted nowhere) with no bound or no address. */
    String key(String address) {
        return max == 0 || address == null ? null : AuthFailureLimiter.key(address);
    }

    /** Takes a place for the address {@code key}; false when it holds {@link #max()} already. */
    synchronized boolean take(String key) {
        return held.take(key, max);
    }

    /** Gives back a place of the address {@code key}. */
    synchronized void give(String key) {
        held.give(key);
    }

    /** Places {@code address} holds now. */
    synchronized int heldBy(String address) {
        String key = key(address);
        return key == null ? 0 : held.heldBy(key);
    }

    /**
     * The client address of a WebSocket, as its handshake request had it (with {@code server.forward-headers-strategy}
     * the client's, not a proxy's); null when it has none.
     */
    static String of(org.springframework.web.socket.WebSocketSession socket) {
        java.net.InetSocketAddress remote = socket.getRemoteAddress();
        if (remote == null) {
            return null;
        }
        return remote.getAddress() != null ? remote.getAddress().getHostAddress() : remote.getHostString();
    }

    /** Addresses holding a place now (for the metric). */
    synchronized int trackedAddresses() {
        return held.addresses();
    }
}
