package io.cameliotmp.api;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The places of one kind that the API's clients hold at once (byte sessions, streams, downloads, …): at most
 * {@code max} in all, the kind's cap ({@code camel.iotmp.api.max-sessions}, …), and at most {@link #perUser()} of them
 * by one user, the cap's share ({@code camel.iotmp.api.max-share-per-user}). The cap alone bounds memory and threads,
 * but one access token could take every place and lock every other user out; the share keeps room for the others.
 * <p>
 * The long-lived kinds (sessions, streams, event subscriptions) also count the places of each client address, all
 * kinds together, in one {@link AddressSlots} ({@code camel.iotmp.api.max-streams-per-address}). The kinds that open a
 * stream on a device (sessions and resource streams) also bound how fast one user opens them, all together, in one
 * {@link OpenRate} ({@code camel.iotmp.api.max-opens-per-user-per-minute}).
 * <p>
 * A user's count exists only while the user holds a place (it is removed at zero), so what this holds is bounded by
 * the cap itself. The counts change under this object's lock, which is never held while anything else is done but
 * asking the {@link AddressSlots} and the {@link OpenRate}.
 */
final class UserSlots {

    /** The capped kinds, each with the tag of its refusals ({@code iotmp.api.user.share.refused}) and its property. */
    enum Kind {
        SESSIONS("sessions", "max-sessions", "byte sessions are open"),
        WEBSOCKET_STREAMS("websocket-streams", "max-websocket-streams", "streams over WebSocket are open"),
        SSE_STREAMS("sse-streams", "max-sse-streams", "streams are open"),
        EVENT_STREAMS("event-streams", "max-event-streams", "clients are subscribed to device events"),
        DOWNLOADS("downloads", "max-downloads", "downloads are running"),
        UPLOADS("uploads", "max-uploads", "uploads are running"),
        FIRMWARE_UPDATES("firmware-updates", "max-firmware-updates", "firmware updates are running");

        private final String tag;
        private final String property;
        private final String held;

        Kind(String tag, String property, String held) {
            this.tag = tag;
            this.property = property;
            this.held = held;
        }

        /** The value of the metric's tag {@code kind}. */
        String tag() {
            return tag;
        }

        /** The property of the cap, e.g. {@code camel.iotmp.api.max-sessions}. */
        String property() {
            return IotmpApiProperties.PREFIX + "." + property;
        }
    }

    /** Which bound refused a place. */
    enum Bound {
        /** The kind's cap: every place is held. */
        TOTAL,
        /** The user's share of the cap: the user holds as many places as one user may. */
        USER_SHARE,
        /** The client address's bound: it holds as many long-lived places, of all kinds, as one address may. */
        ADDRESS,
        /** The user's rate: it opened as many sessions and streams within the last minute as one user may. */
        RATE
    }

    private final Kind kind;
    private final int max;
    private final int perUser;
    /** Guarded by this: the places held in all, and by each user holding one or more. */
    private int held;
    private final Map<String, Integer> heldByUser = new HashMap<>();
    /** Guarded by this: places refused by the user's share. */
    private long refusedByShare;
    /** The places of each client address, all long-lived kinds together; null when this kind is not counted so. */
    private final AddressSlots addresses;
    /** Guarded by this: places refused by their address's bound. */
    private long refusedByAddress;
    /** How fast one user may take places of the kinds that open device streams; null when this kind is not bound. */
    private final OpenRate opens;

    /**
     * @param kind  what the places are for
     * @param max   the cap: the most places held at once, in all
     * @param share the most of the cap one user may hold at once, as a fraction of it (more than 0, at most 1); a user
     *              may hold {@code max(1, ceil(max × share))} places
     */
    UserSlots(Kind kind, int max, double share) {
        this(kind, max, share, null);
    }

    /**
     * @param addresses the places of each client address, shared by the kinds it bounds together; null for none
     */
    UserSlots(Kind kind, int max, double share, AddressSlots addresses) {
        this(kind, max, share, addresses, null);
    }

    /**
     * @param addresses the places of each client address, shared by the kinds it bounds together; null for none
     * @param opens     how fast one user may take places, shared by the kinds it bounds together; null for no bound
     */
    UserSlots(Kind kind, int max, double share, AddressSlots addresses, OpenRate opens) {
        if (max < 1 || !(share > 0 && share <= 1)) {
            throw new IllegalArgumentException(kind.property() + " must be positive and the share more than 0 and at"
                                               + " most 1: " + max + ", " + share);
        }
        this.kind = kind;
        this.max = max;
        this.perUser = perUser(max, share);
        this.addresses = addresses;
        this.opens = opens;
    }

    /** The most of {@code max} places one user may hold with {@code share}: rounded up, at least one. */
    static int perUser(int max, double share) {
        // less a hair, so that a share written in decimal (0.7 × 10 = 7.000000000000001) rounds to what it says
        int places = (int) Math.ceil(max * share - 1e-9);
        return Math.min(max, Math.max(1, places));
    }

    /** Takes a place for {@code user}, whatever its address: {@link #acquire(String, String)}. */
    Slot acquire(String user) throws Refused {
        return acquire(user, null);
    }

    /**
     * Takes a place for {@code user} at the client address {@code address} (as the request has it; null for none
     * known, not counted by address).
     *
     * @throws Refused when every place is held ({@link Bound#TOTAL}, checked first), the user holds
     *                 {@link #perUser()} of them ({@link Bound#USER_SHARE}), the user opened as many as it may within
     *                 a minute ({@link Bound#RATE}; an attempt that passes the bounds above spends one of them), or
     *                 the address holds as many places as one address may ({@link Bound#ADDRESS})
     */
    Slot acquire(String user, String address) throws Refused {
        String addressKey = addresses == null ? null : addresses.key(address);
        synchronized (this) {
            if (held >= max) {
                throw new Refused(Bound.TOTAL, max + " " + kind.held + ", the most at once (" + kind.property()
                                               + "); try again later");
            }
            int ofUser = heldByUser.getOrDefault(user, 0);
            if (ofUser >= perUser) {
                refusedByShare++;
                throw new Refused(Bound.USER_SHARE, "user " + user + " holds " + ofUser + " of the " + max
                                                    + " places of " + kind.property() + ", the most one user may hold"
                                                    + " at once (" + IotmpApiProperties.PREFIX
                                                    + ".max-share-per-user); try again later");
            }
            if (opens != null && !opens.take(user)) {
                throw new Refused(Bound.RATE, "user " + user + " opened " + opens.perMinute() + " sessions and"
                                              + " streams within a minute, the most one user may ("
                                              + IotmpApiProperties.PREFIX + ".max-opens-per-user-per-minute); try"
                                              + " again later");
            }
            if (addressKey != null && !addresses.take(addressKey)) {
                refusedByAddress++;
                throw new Refused(Bound.ADDRESS, "the client address holds " + addresses.max() + " byte sessions and"
                                                 + " streams, the most one address may hold at once ("
                                                 + IotmpApiProperties.PREFIX + ".max-streams-per-address); try again"
                                                 + " later");
            }
            held++;
            heldByUser.put(user, ofUser + 1);
        }
        return new Slot(user, addressKey);
    }

    private synchronized void release(String user, String addressKey) {
        held--;
        // the user's entry goes with its last place: the map never holds more users than places are held
        heldByUser.computeIfPresent(user, (u, ofUser) -> ofUser > 1 ? ofUser - 1 : null);
        if (addressKey != null) {
            addresses.give(addressKey);
        }
    }

    Kind kind() {
        return kind;
    }

    /** The most places one user may hold at once. */
    int perUser() {
        return perUser;
    }

    /** Places held now, in all. */
    synchronized int held() {
        return held;
    }

    /** Places {@code user} holds now. */
    synchronized int heldBy(String user) {
        return heldByUser.getOrDefault(user, 0);
    }

    /** Users holding a place now. */
    synchronized int users() {
        return heldByUser.size();
    }

    /** How many places were refused because their user held its share (for the metric). */
    synchronized long refusedByShare() {
        return refusedByShare;
    }

    /** Whether this kind's places are counted by client address too. */
    boolean countsAddresses() {
        return addresses != null;
    }

    /** How many places were refused because their client address held as many as it may (for the metric). */
    synchronized long refusedByAddress() {
        return refusedByAddress;
    }

    /** A place held by a user, given back by {@link #release()}, exactly once however often it is called. */
    final class Slot {

        private final String user;
        /** What its client address is counted under; null when it is not. */
        private final String addressKey;
        private final AtomicBoolean released = new AtomicBoolean();

        private Slot(String user, String addressKey) {
            this.user = user;
            this.addressKey = addressKey;
        }

        /** Gives the place back; true the first time, false (and nothing done) after. */
        boolean release() {
            if (!released.compareAndSet(false, true)) {
                return false;
            }
            UserSlots.this.release(user, addressKey);
            return true;
        }

        @Override
        public String toString() {
            return kind.tag + " place of " + user + (released.get() ? " (released)" : "");
        }
    }

    /** No place: {@link #bound()} tells which bound refused it, the message what to tell the client. */
    static final class Refused extends Exception {

        private static final long serialVersionUID = 1L;

        private final Bound bound;

        Refused(Bound bound, String message) {
            // a refusal is an answer, not a fault: no stack trace to fill for each
            super(message, null, false, false);
            this.bound = bound;
        }

        Bound bound() {
            return bound;
        }

        /** The HTTP status that tells it: 429 for the user's rate, 503 (try again later) for a place held. */
        int status() {
            return switch (bound) {
                case RATE -> 429;
                case TOTAL, USER_SHARE, ADDRESS -> 503;
            };
        }
    }
}
