package io.cameliotmp.server;

import java.time.Duration;
import java.util.Objects;

/**
 * What one device or one user may make the server keep in memory through the built-in services. A request beyond
 * a quota is refused with ERROR: status 429 when a count is reached, 413 when bytes would exceed their quota. Part
 * of {@link IotmpServerConfig}.
 *
 * @param maxPropertiesPerDevice    properties one device may have in the in-memory property store
 * @param maxPropertyBytesPerDevice bytes of property names and PSON-encoded values one device may have in the
 *                                  in-memory property store
 * @param maxPropertyBytesPerUser   the same, for all the devices of one user together: properties outlive their
 *                                  device's connection, and a device may log in under ever new ids where the
 *                                  authenticator accepts any device id of its user
 * @param maxLocksPerUser           sync lock slots held at once by the devices of one user
 * @param maxRetainedPerUser        retained topic messages kept for one user (for route publications without a
 *                                  user: for all of them together)
 * @param maxRetainedBytesPerUser   bytes of topic names and PSON-encoded payloads of one user's retained messages
 * @param maxNameLength             longest name a device may send the services, in characters: a topic or topic
 *                                  filter, an event, a property, a sync, a bucket, an endpoint, a server resource or
 *                                  a {@code device/resource} to call. A device keeps the name of each of its streams
 *                                  for as long as the stream is open, and every publication matches its topic against
 *                                  the subscriptions, so without this a device could make the server hold
 *                                  {@code maxPendingRequests} names of a whole frame each. Sync names too are
 *                                  bounded by it.
 * @param maxLockTokenLength        longest lock token a device may give when it takes or re-takes a sync lock slot,
 *                                  in characters (a token the server makes is 36): the locks keep it for as long as
 *                                  the slot is held
 * @param maxLockTimeout            longest a sync lock slot is held before it frees itself; a device asking for a
 *                                  longer timeout gets this one
 */
public record ServerQuotas(int maxPropertiesPerDevice, long maxPropertyBytesPerDevice, long maxPropertyBytesPerUser,
                           int maxLocksPerUser, int maxRetainedPerUser, long maxRetainedBytesPerUser,
                           int maxNameLength, int maxLockTokenLength, Duration maxLockTimeout) {

    public static final int DEFAULT_MAX_PROPERTIES_PER_DEVICE = 128;
    public static final long DEFAULT_MAX_PROPERTY_BYTES_PER_DEVICE = 64L * 1024;
    public static final long DEFAULT_MAX_PROPERTY_BYTES_PER_USER = 16L * 1024 * 1024;
    public static final int DEFAULT_MAX_LOCKS_PER_USER = 256;
    public static final int DEFAULT_MAX_RETAINED_PER_USER = 256;
    public static final long DEFAULT_MAX_RETAINED_BYTES_PER_USER = 1024L * 1024;
    public static final int DEFAULT_MAX_NAME_LENGTH = 256;
    public static final int DEFAULT_MAX_LOCK_TOKEN_LENGTH = 128;
    public static final long DEFAULT_MAX_LOCK_TIMEOUT_MILLIS = 24L * 3600 * 1000;

    public static final ServerQuotas DEFAULT = new ServerQuotas(DEFAULT_MAX_PROPERTIES_PER_DEVICE,
            DEFAULT_MAX_PROPERTY_BYTES_PER_DEVICE, DEFAULT_MAX_PROPERTY_BYTES_PER_USER, DEFAULT_MAX_LOCKS_PER_USER,
            DEFAULT_MAX_RETAINED_PER_USER, DEFAULT_MAX_RETAINED_BYTES_PER_USER, DEFAULT_MAX_NAME_LENGTH,
            DEFAULT_MAX_LOCK_TOKEN_LENGTH, Duration.ofMillis(DEFAULT_MAX_LOCK_TIMEOUT_MILLIS));

    public ServerQuotas {
        IotmpServerConfig.requirePositive(maxPropertiesPerDevice, "maxPropertiesPerDevice");
        IotmpServerConfig.requirePositive(maxPropertyBytesPerDevice, "maxPropertyBytesPerDevice");
        IotmpServerConfig.requirePositive(maxPropertyBytesPerUser, "maxPropertyBytesPerUser");
        IotmpServerConfig.requirePositive(maxLocksPerUser, "maxLocksPerUser");
        IotmpServerConfig.requirePositive(maxRetainedPerUser, "maxRetainedPerUser");
        IotmpServerConfig.requirePositive(maxRetainedBytesPerUser, "maxRetainedBytesPerUser");
        IotmpServerConfig.requirePositive(maxNameLength, "maxNameLength");
        IotmpServerConfig.requirePositive(maxLockTokenLength, "maxLockTokenLength");
        Objects.requireNonNull(maxLockTimeout, "maxLockTimeout");
        IotmpServerConfig.requirePositive(maxLockTimeout, "maxLockTimeout");
    }

    public static Builder builder() {
        return DEFAULT.toBuilder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.maxPropertiesPerDevice = maxPropertiesPerDevice;
        b.maxPropertyBytesPerDevice = maxPropertyBytesPerDevice;
        b.maxPropertyBytesPerUser = maxPropertyBytesPerUser;
        b.maxLocksPerUser = maxLocksPerUser;
        b.maxRetainedPerUser = maxRetainedPerUser;
        b.maxRetainedBytesPerUser = maxRetainedBytesPerUser;
        b.maxNameLength = maxNameLength;
        b.maxLockTokenLength = maxLockTokenLength;
        b.maxLockTimeout = maxLockTimeout;
        return b;
    }

    /** Builds {@link ServerQuotas}; starts from the defaults. */
    public static final class Builder {
        private int maxPropertiesPerDevice;
        private long maxPropertyBytesPerDevice;
        private long maxPropertyBytesPerUser;
        private int maxLocksPerUser;
        private int maxRetainedPerUser;
        private long maxRetainedBytesPerUser;
        private int maxNameLength;
        private int maxLockTokenLength;
        private Duration maxLockTimeout;

        private Builder() {
        }

        public Builder maxPropertiesPerDevice(int maxPropertiesPerDevice) {
            this.maxPropertiesPerDevice = maxPropertiesPerDevice;
            return this;
        }

        public Builder maxPropertyBytesPerDevice(long maxPropertyBytesPerDevice) {
            this.maxPropertyBytesPerDevice = maxPropertyBytesPerDevice;
            return this;
        }

        public Builder maxPropertyBytesPerUser(long maxPropertyBytesPerUser) {
            this.maxPropertyBytesPerUser = maxPropertyBytesPerUser;
            return this;
        }

        public Builder maxLocksPerUser(int maxLocksPerUser) {
            this.maxLocksPerUser = maxLocksPerUser;
            return this;
        }

        public Builder maxRetainedPerUser(int maxRetainedPerUser) {
            this.maxRetainedPerUser = maxRetainedPerUser;
            return this;
        }

        public Builder maxRetainedBytesPerUser(long maxRetainedBytesPerUser) {
            this.maxRetainedBytesPerUser = maxRetainedBytesPerUser;
            return this;
        }

        public Builder maxNameLength(int maxNameLength) {
            this.maxNameLength = maxNameLength;
            return this;
        }

        public Builder maxLockTokenLength(int maxLockTokenLength) {
            this.maxLockTokenLength = maxLockTokenLength;
            return this;
        }

        public Builder maxLockTimeout(Duration maxLockTimeout) {
            this.maxLockTimeout = maxLockTimeout;
            return this;
        }

        public ServerQuotas build() {
            return new ServerQuotas(maxPropertiesPerDevice, maxPropertyBytesPerDevice, maxPropertyBytesPerUser,
                    maxLocksPerUser, maxRetainedPerUser, maxRetainedBytesPerUser, maxNameLength, maxLockTokenLength,
                    maxLockTimeout);
        }
    }
}
