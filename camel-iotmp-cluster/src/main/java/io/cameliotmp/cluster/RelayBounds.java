package io.cameliotmp.cluster;

/**
 * What a member's relays to the other members (topic publications, server events, property updates, retained
 * messages written for later members) may hold while they wait for their answers: the member's budget, and the shares
 * of it that one device and the devices of one user may take. A relay beyond any of them is refused rather than
 * queued ({@code QuotaExceededException}, {@code CLUSTER_RELAYS}, for a route's; counted, and delivered on this member
 * only, for a device's), so that a slow member cannot make this one hold an unbounded backlog, and neither one device
 * nor one user can take the whole budget. Relays of routes have only the member's bounds. Every bound is positive.
 *
 * @param maxRelaysInFlight      how many relays may wait for their answers at once
 * @param maxRelayBytesInFlight  bytes those relays may carry at once (their values as PSON encodes them); beyond it a
 *                               relay is refused as beyond {@code maxRelaysInFlight}, so that relays of large
 *                               publications cannot make this member hold {@code maxRelaysInFlight} times a frame
 * @param maxRelaysPerDevice     how many of those relays may be of one device at once (its publications and retained
 *                               messages, updates of its properties); beyond it a relay of that device is refused as
 *                               beyond {@code maxRelaysInFlight}, so that one device publishing fast cannot take every
 *                               relay of the member and leave none to the other devices
 * @param maxRelayBytesPerDevice bytes the relays of one device may carry at once; beyond it a relay of that device is
 *                               refused as beyond {@code maxRelayBytesInFlight}, so that one device publishing full
 *                               frames cannot take the member's whole {@code maxRelayBytesInFlight}
 * @param maxRelaysPerUser       how many of those relays may be of the devices of one user at once; beyond it a
 *                               relay of a device of that user is refused as beyond {@code maxRelaysInFlight}, so
 *                               that the many devices one user may connect (a {@code user/*} credential mints device
 *                               ids) cannot together take every relay of the member and leave none to the other users
 * @param maxRelayBytesPerUser   bytes the relays of the devices of one user may carry at once; beyond it a relay of a
 *                               device of that user is refused as beyond {@code maxRelayBytesInFlight}, so that one
 *                               user's devices cannot together take the member's whole {@code maxRelayBytesInFlight}
 */
public record RelayBounds(int maxRelaysInFlight, long maxRelayBytesInFlight, int maxRelaysPerDevice,
                          long maxRelayBytesPerDevice, int maxRelaysPerUser, long maxRelayBytesPerUser) {

    /** Relays waiting for the other members at once: far more than a healthy cluster keeps, few enough to hold. */
    public static final int DEFAULT_MAX_RELAYS_IN_FLIGHT = 10_000;
    /** Bytes those relays carry at once: 256 publications of a full default frame (256 KiB), as the partial frames. */
    public static final long DEFAULT_MAX_RELAY_BYTES_IN_FLIGHT = 64L * 1024 * 1024;
    /** One device's relays at once: a tenth of the member's, so that ten devices at least share them. */
    public static final int DEFAULT_MAX_RELAYS_PER_DEVICE = 1_000;
    /**
     * Bytes of one device's relays at once: 16 publications of a full default frame (256 KiB), a sixteenth of the
     * member's, so that sixteen devices at least share them; a fixed size rather than a fraction of the member's, so
     * that raising the member's bound for many devices does not raise what one device may take.
     */
    public static final long DEFAULT_MAX_RELAY_BYTES_PER_DEVICE = 4L * 1024 * 1024;
    /**
     * The relays of one user's devices at once: a quarter of the member's, so that four users at least share them,
     * and two and a half times a device's, so that a user's devices together may hold more than one device may. A
     * deployment whose devices are all of one user raises it to the member's bound.
     */
    public static final int DEFAULT_MAX_RELAYS_PER_USER = 2_500;
    /**
     * Bytes of one user's relays at once: a quarter of the member's (64 full default frames), so that four users at
     * least share them, and the full shares of four devices; a fixed size, as a device's, so that raising the
     * member's bound for more users does not raise what one user may take.
     */
    public static final long DEFAULT_MAX_RELAY_BYTES_PER_USER = 16L * 1024 * 1024;

    /** Every bound at its default. */
    public static final RelayBounds DEFAULTS = new RelayBounds(DEFAULT_MAX_RELAYS_IN_FLIGHT,
            DEFAULT_MAX_RELAY_BYTES_IN_FLIGHT, DEFAULT_MAX_RELAYS_PER_DEVICE, DEFAULT_MAX_RELAY_BYTES_PER_DEVICE,
            DEFAULT_MAX_RELAYS_PER_USER, DEFAULT_MAX_RELAY_BYTES_PER_USER);

    public RelayBounds {
        positive("maxRelaysInFlight", maxRelaysInFlight);
        positive("maxRelayBytesInFlight", maxRelayBytesInFlight);
        positive("maxRelaysPerDevice", maxRelaysPerDevice);
        positive("maxRelayBytesPerDevice", maxRelayBytesPerDevice);
        positive("maxRelaysPerUser", maxRelaysPerUser);
        positive("maxRelayBytesPerUser", maxRelayBytesPerUser);
    }

    private static void positive(String bound, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(bound + " must be positive: " + value);
        }
    }

    public RelayBounds withMaxRelaysInFlight(int maxRelaysInFlight) {
        return new RelayBounds(maxRelaysInFlight, maxRelayBytesInFlight, maxRelaysPerDevice, maxRelayBytesPerDevice,
                maxRelaysPerUser, maxRelayBytesPerUser);
    }

    public RelayBounds withMaxRelayBytesInFlight(long maxRelayBytesInFlight) {
        return new RelayBounds(maxRelaysInFlight, maxRelayBytesInFlight, maxRelaysPerDevice, maxRelayBytesPerDevice,
                maxRelaysPerUser, maxRelayBytesPerUser);
    }

    public RelayBounds withMaxRelaysPerDevice(int maxRelaysPerDevice) {
        return new RelayBounds(maxRelaysInFlight, maxRelayBytesInFlight, maxRelaysPerDevice, maxRelayBytesPerDevice,
                maxRelaysPerUser, maxRelayBytesPerUser);
    }

    public RelayBounds withMaxRelayBytesPerDevice(long maxRelayBytesPerDevice) {
        return new RelayBounds(maxRelaysInFlight, maxRelayBytesInFlight, maxRelaysPerDevice, maxRelayBytesPerDevice,
                maxRelaysPerUser, maxRelayBytesPerUser);
    }

    public RelayBounds withMaxRelaysPerUser(int maxRelaysPerUser) {
        return new RelayBounds(maxRelaysInFlight, maxRelayBytesInFlight, maxRelaysPerDevice, maxRelayBytesPerDevice,
                maxRelaysPerUser, maxRelayBytesPerUser);
    }

    public RelayBounds withMaxRelayBytesPerUser(long maxRelayBytesPerUser) {
        return new RelayBounds(maxRelaysInFlight, maxRelayBytesInFlight, maxRelaysPerDevice, maxRelayBytesPerDevice,
                maxRelaysPerUser, maxRelayBytesPerUser);
    }
}
