package io.cameliotmp.server;

import java.util.Locale;

/**
 * A built-in service refused to keep more for a device or user than its quota allows
 * ({@link ServerQuotas}), or a cluster member to relay more to the other members than its bound allows
 * ({@link Quota#CLUSTER_RELAYS}). A device that asked gets ERROR with the quota's status: 429 when a count is
 * reached, 413 when bytes would exceed their quota, 400 for a name longer than {@code maxNameLength} or with a control
 * character.
 */
public class QuotaExceededException extends DeviceCallException {

    private static final long serialVersionUID = 1L;

    /** The quotas, with the status a device is answered with. */
    public enum Quota {
        PROPERTIES(429),
        PROPERTY_BYTES(413),
        /** Bytes of the properties of all the devices of one user ({@code maxPropertyBytesPerUser}). */
        USER_PROPERTY_BYTES(413),
        LOCKS(429),
        RETAINED(429),
        RETAINED_BYTES(413),
        /** A name longer than {@code maxNameLength}: the request is malformed rather than one too many. */
        NAME_LENGTH(400),
        /**
         * A name with a control character (a line break, an escape sequence, U+2028 or U+2029), which no route should
         * have to keep out of its log lines: malformed, like an overlong one.
         */
        NAME_INVALID(400),
        /**
         * A file a device announced for a download is larger than the download accepts ({@code maxDownloadSize}): the
         * download fails before anything of it is held.
         */
        DOWNLOAD_SIZE(413),
        /**
         * Not a device's or user's quota but a cluster member's: as many relays to the other members, or as many
         * bytes of them, wait already as it allows (the cluster's {@code maxRelaysInFlight} and
         * {@code maxRelayBytesInFlight}).
         */
        CLUSTER_RELAYS(503);

        private final int status;

        Quota(int status) {
            this.status = status;
        }

        public int status() {
            return status;
        }

        /** The name in metrics: {@code property-bytes}. */
        public String tag() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    private final transient Quota quota;

    public QuotaExceededException(Quota quota, String message) {
        super(quota.status(), message);
        this.quota = quota;
    }

    public Quota quota() {
        return quota;
    }
}
