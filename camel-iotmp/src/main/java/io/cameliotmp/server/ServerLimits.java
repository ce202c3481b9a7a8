package io.cameliotmp.server;

import java.time.Duration;
import java.util.Objects;

import io.cameliotmp.protocol.FrameLimits;

/**
 * Limits for a server facing the internet: connections, failed authentications, slow peers and frame sizes. Part
 * of {@link IotmpServerConfig}.
 *
 * @param maxConnections               open connections at most; beyond, new ones are closed at once
 * @param maxConnectionsPerSecond      accepted connections per second (a token bucket with one second of burst);
 *                                     0 for no limit
 * @param maxAuthFailuresPerAddress    distinct devices that failed to authenticate from one address (an IPv6
 *                                     address counts by its /64 prefix) within a minute before the address is
 *                                     blocked for {@code authFailureBlock}: a scanner trying many device ids or
 *                                     users; one device retrying the same wrong credential counts once. 0 for no
 *                                     limit
 * @param maxAuthFailuresPerDevice     failed authentications per minute of one device id from one address before
 *                                     that device is refused from that address, for {@code authFailureBlock}
 *                                     doubled on every further block (up to 64 times); the same device from
 *                                     another address is not affected. 0 for no limit
 * @param authFailureBlock             how long a blocked address, or a device at its first block, is refused
 * @param frameReadTimeout             how long a started frame may take to arrive completely (slow senders that
 *                                     drip bytes never look idle); checked by a timer
 * @param maxPendingWriteBytes         bytes queued for a device that does not read before it is disconnected
 * @param maxFrameSizeBeforeLogin      largest frame body accepted before the device is authenticated (a CONNECT
 *                                     is three strings); a larger size header closes the connection
 * @param maxIdentifierLength          longest user name and device id (in characters) accepted in a CONNECT;
 *                                     longer ones are refused before anything is stored or logged, and count as
 *                                     a failed authentication
 * @param maxCredentialLength          longest credential (in characters) accepted in a CONNECT, likewise
 * @param maxPartialFrameBytes         bytes of partially received frames the server holds for all connections
 *                                     together; a connection whose started frame does not fit is closed
 * @param maxUnauthenticatedPerAddress connections from one address that have not authenticated yet; beyond, new
 *                                     ones from that address are closed at once. 0 for no limit
 * @param maxTrackedAuthFailures       entries kept about failed authentications (per address and per device and
 *                                     address, each of fixed size); the least recently used are forgotten first
 * @param maxDecodedFrameBytes         estimated heap the decoded values of one frame may take; a frame beyond is
 *                                     malformed
 * @param maxOutboundFrameSize         largest frame the server sends a device; a request whose frame would be
 *                                     larger fails with {@link FrameTooLargeForDeviceException} and the device
 *                                     stays connected
 * @param maxLegacyDevicesTracked      legacy devices whose stream ids the server keeps across their connections
 *                                     (a salted 64-bit hash and an id each; the entries outlive connections, and
 *                                     a wildcard credential lets a user log in under ever new device ids); the
 *                                     least recently connected are forgotten first, and a forgotten device's ids
 *                                     start again at a random one of the board's 16 bits on its next connection
 * @param maxConnectionsPerSecondPerAddress accepted connections per second from one address (an IPv6 address by
 *                                     its /64 prefix), a token bucket with one second of burst asked before the
 *                                     server's {@code maxConnectionsPerSecond}, so one address cannot take that
 *                                     whole rate and lock every other device out; 0 for no limit
 * @param maxTrackedConnectionRates    addresses whose connection rate is kept (a salted 64-bit hash and a time
 *                                     each); when full an address whose bucket is full again is forgotten first,
 *                                     else the least recently used, which then starts with a full bucket
 */
public record ServerLimits(int maxConnections, int maxConnectionsPerSecond, int maxAuthFailuresPerAddress,
                           int maxAuthFailuresPerDevice, Duration authFailureBlock, Duration frameReadTimeout,
                           long maxPendingWriteBytes, int maxFrameSizeBeforeLogin, int maxIdentifierLength,
                           int maxCredentialLength, long maxPartialFrameBytes, int maxUnauthenticatedPerAddress,
                           int maxTrackedAuthFailures, long maxDecodedFrameBytes, int maxOutboundFrameSize,
                           int maxLegacyDevicesTracked, int maxConnectionsPerSecondPerAddress,
                           int maxTrackedConnectionRates) {

    public static final int DEFAULT_MAX_FRAME_SIZE_BEFORE_LOGIN = 4096;
    public static final int DEFAULT_MAX_IDENTIFIER_LENGTH = 128;
    public static final int DEFAULT_MAX_CREDENTIAL_LENGTH = 1024;
    public static final long DEFAULT_MAX_PARTIAL_FRAME_BYTES = 64L * 1024 * 1024;
    public static final int DEFAULT_MAX_UNAUTHENTICATED_PER_ADDRESS = 128;
    public static final int DEFAULT_MAX_TRACKED_AUTH_FAILURES = 65_536;
    /** The same bound the device client applies to what a server sends: one constant for both sides. */
    public static final long DEFAULT_MAX_DECODED_FRAME_BYTES = FrameLimits.DEFAULT_MAX_DECODED_FRAME_BYTES;
    /** What IOTMP-Embedded accepts by default; smaller boards (ESP-IDF at 4 KiB) need a smaller value. */
    public static final int DEFAULT_MAX_OUTBOUND_FRAME_SIZE = 32 * 1024;
    /** A few MB of heap at most: an entry is a boxed hash and id in a linked map. */
    public static final int DEFAULT_MAX_LEGACY_DEVICES_TRACKED = 100_000;
    /**
     * 1% of the default server-wide rate: a NAT with hundreds of devices reconnecting after a server restart gets
     * them all in within seconds (a refused device retries after its backoff, 0.5 s at first for this project's
     * device client), and no address can take more than 1% of the server's connections.
     */
    public static final int DEFAULT_MAX_CONNECTIONS_PER_SECOND_PER_ADDRESS = 100;
    /**
     * A few MB of heap at most (an entry is a boxed hash and a time in a linked map), and more than the default
     * server-wide rate admits (20,000 with its burst) in the second after which an address's bucket is full again.
     */
    public static final int DEFAULT_MAX_TRACKED_CONNECTION_RATES = 65_536;

    public static final int DEFAULT_MAX_CONNECTIONS = 20_000;
    public static final int DEFAULT_MAX_CONNECTIONS_PER_SECOND = 10_000;
    public static final int DEFAULT_MAX_AUTH_FAILURES_PER_ADDRESS = 20;
    public static final int DEFAULT_MAX_AUTH_FAILURES_PER_DEVICE = 10;
    public static final long DEFAULT_AUTH_FAILURE_BLOCK_MILLIS = 60_000;
    public static final long DEFAULT_FRAME_READ_TIMEOUT_MILLIS = 30_000;
    public static final long DEFAULT_MAX_PENDING_WRITE_BYTES = 1024 * 1024;

    public static final ServerLimits DEFAULT = new ServerLimits(DEFAULT_MAX_CONNECTIONS,
            DEFAULT_MAX_CONNECTIONS_PER_SECOND, DEFAULT_MAX_AUTH_FAILURES_PER_ADDRESS,
            DEFAULT_MAX_AUTH_FAILURES_PER_DEVICE, Duration.ofMillis(DEFAULT_AUTH_FAILURE_BLOCK_MILLIS),
            Duration.ofMillis(DEFAULT_FRAME_READ_TIMEOUT_MILLIS), DEFAULT_MAX_PENDING_WRITE_BYTES);

    public ServerLimits {
        Objects.requireNonNull(authFailureBlock, "authFailureBlock");
        Objects.requireNonNull(frameReadTimeout, "frameReadTimeout");
        IotmpServerConfig.requirePositive(authFailureBlock, "authFailureBlock");
        IotmpServerConfig.requirePositive(frameReadTimeout, "frameReadTimeout");
        IotmpServerConfig.requireNotNegative(maxConnectionsPerSecond, "maxConnectionsPerSecond");
        IotmpServerConfig.requireNotNegative(maxAuthFailuresPerAddress, "maxAuthFailuresPerAddress");
        IotmpServerConfig.requireNotNegative(maxAuthFailuresPerDevice, "maxAuthFailuresPerDevice");
        IotmpServerConfig.requirePositive(maxConnections, "maxConnections");
        IotmpServerConfig.requirePositive(maxPendingWriteBytes, "maxPendingWriteBytes");
        IotmpServerConfig.requirePositive(maxFrameSizeBeforeLogin, "maxFrameSizeBeforeLogin");
        IotmpServerConfig.requirePositive(maxIdentifierLength, "maxIdentifierLength");
        IotmpServerConfig.requirePositive(maxCredentialLength, "maxCredentialLength");
        IotmpServerConfig.requirePositive(maxPartialFrameBytes, "maxPartialFrameBytes");
        IotmpServerConfig.requirePositive(maxTrackedAuthFailures, "maxTrackedAuthFailures");
        IotmpServerConfig.requirePositive(maxDecodedFrameBytes, "maxDecodedFrameBytes");
        IotmpServerConfig.requirePositive(maxOutboundFrameSize, "maxOutboundFrameSize");
        IotmpServerConfig.requirePositive(maxLegacyDevicesTracked, "maxLegacyDevicesTracked");
        IotmpServerConfig.requirePositive(maxTrackedConnectionRates, "maxTrackedConnectionRates");
        if (maxUnauthenticatedPerAddress < 0) {
            throw new IllegalArgumentException("maxUnauthenticatedPerAddress must not be negative: "
                                               + maxUnauthenticatedPerAddress);
        }
        if (maxConnectionsPerSecondPerAddress < 0) {
            throw new IllegalArgumentException("maxConnectionsPerSecondPerAddress must not be negative: "
                                               + maxConnectionsPerSecondPerAddress);
        }
    }

    /** The limits of earlier versions; the others take their defaults. */
    public ServerLimits(int maxConnections, int maxConnectionsPerSecond, int maxAuthFailuresPerAddress,
                        int maxAuthFailuresPerDevice, Duration authFailureBlock, Duration frameReadTimeout,
                        long maxPendingWriteBytes) {
        this(maxConnections, maxConnectionsPerSecond, maxAuthFailuresPerAddress, maxAuthFailuresPerDevice,
                authFailureBlock, frameReadTimeout, maxPendingWriteBytes, DEFAULT_MAX_FRAME_SIZE_BEFORE_LOGIN,
                DEFAULT_MAX_IDENTIFIER_LENGTH, DEFAULT_MAX_CREDENTIAL_LENGTH, DEFAULT_MAX_PARTIAL_FRAME_BYTES,
                DEFAULT_MAX_UNAUTHENTICATED_PER_ADDRESS, DEFAULT_MAX_TRACKED_AUTH_FAILURES,
                DEFAULT_MAX_DECODED_FRAME_BYTES, DEFAULT_MAX_OUTBOUND_FRAME_SIZE, DEFAULT_MAX_LEGACY_DEVICES_TRACKED,
                DEFAULT_MAX_CONNECTIONS_PER_SECOND_PER_ADDRESS, DEFAULT_MAX_TRACKED_CONNECTION_RATES);
    }

    public static Builder builder() {
        return DEFAULT.toBuilder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.maxConnections = maxConnections;
        b.maxConnectionsPerSecond = maxConnectionsPerSecond;
        b.maxAuthFailuresPerAddress = maxAuthFailuresPerAddress;
        b.maxAuthFailuresPerDevice = maxAuthFailuresPerDevice;
        b.authFailureBlock = authFailureBlock;
        b.frameReadTimeout = frameReadTimeout;
        b.maxPendingWriteBytes = maxPendingWriteBytes;
        b.maxFrameSizeBeforeLogin = maxFrameSizeBeforeLogin;
        b.maxIdentifierLength = maxIdentifierLength;
        b.maxCredentialLength = maxCredentialLength;
        b.maxPartialFrameBytes = maxPartialFrameBytes;
        b.maxUnauthenticatedPerAddress = maxUnauthenticatedPerAddress;
        b.maxTrackedAuthFailures = maxTrackedAuthFailures;
        b.maxDecodedFrameBytes = maxDecodedFrameBytes;
        b.maxOutboundFrameSize = maxOutboundFrameSize;
        b.maxLegacyDevicesTracked = maxLegacyDevicesTracked;
        b.maxConnectionsPerSecondPerAddress = maxConnectionsPerSecondPerAddress;
        b.maxTrackedConnectionRates = maxTrackedConnectionRates;
        return b;
    }

    /** Builds {@link ServerLimits}; starts from the defaults. */
    public static final class Builder {
        private int maxConnections;
        private int maxConnectionsPerSecond;
        private int maxAuthFailuresPerAddress;
        private int maxAuthFailuresPerDevice;
        private Duration authFailureBlock;
        private Duration frameReadTimeout;
        private long maxPendingWriteBytes;
        private int maxFrameSizeBeforeLogin;
        private int maxIdentifierLength;
        private int maxCredentialLength;
        private long maxPartialFrameBytes;
        private int maxUnauthenticatedPerAddress;
        private int maxTrackedAuthFailures;
        private long maxDecodedFrameBytes;
        private int maxOutboundFrameSize;
        private int maxLegacyDevicesTracked;
        private int maxConnectionsPerSecondPerAddress;
        private int maxTrackedConnectionRates;

        private Builder() {
        }

        public Builder maxOutboundFrameSize(int maxOutboundFrameSize) {
            this.maxOutboundFrameSize = maxOutboundFrameSize;
            return this;
        }

        public Builder maxConnections(int maxConnections) {
            this.maxConnections = maxConnections;
            return this;
        }

        public Builder maxConnectionsPerSecond(int maxConnectionsPerSecond) {
            this.maxConnectionsPerSecond = maxConnectionsPerSecond;
            return this;
        }

        public Builder maxConnectionsPerSecondPerAddress(int maxConnectionsPerSecondPerAddress) {
            this.maxConnectionsPerSecondPerAddress = maxConnectionsPerSecondPerAddress;
            return this;
        }

        public Builder maxTrackedConnectionRates(int maxTrackedConnectionRates) {
            this.maxTrackedConnectionRates = maxTrackedConnectionRates;
            return this;
        }

        public Builder maxAuthFailuresPerAddress(int maxAuthFailuresPerAddress) {
            this.maxAuthFailuresPerAddress = maxAuthFailuresPerAddress;
            return this;
        }

        public Builder maxAuthFailuresPerDevice(int maxAuthFailuresPerDevice) {
            this.maxAuthFailuresPerDevice = maxAuthFailuresPerDevice;
            return this;
        }

        public Builder authFailureBlock(Duration authFailureBlock) {
            this.authFailureBlock = authFailureBlock;
            return this;
        }

        public Builder frameReadTimeout(Duration frameReadTimeout) {
            this.frameReadTimeout = frameReadTimeout;
            return this;
        }

        public Builder maxPendingWriteBytes(long maxPendingWriteBytes) {
            this.maxPendingWriteBytes = maxPendingWriteBytes;
            return this;
        }

        public Builder maxFrameSizeBeforeLogin(int maxFrameSizeBeforeLogin) {
            this.maxFrameSizeBeforeLogin = maxFrameSizeBeforeLogin;
            return this;
        }

        public Builder maxIdentifierLength(int maxIdentifierLength) {
            this.maxIdentifierLength = maxIdentifierLength;
            return this;
        }

        public Builder maxCredentialLength(int maxCredentialLength) {
            this.maxCredentialLength = maxCredentialLength;
            return this;
        }

        public Builder maxPartialFrameBytes(long maxPartialFrameBytes) {
            this.maxPartialFrameBytes = maxPartialFrameBytes;
            return this;
        }

        public Builder maxUnauthenticatedPerAddress(int maxUnauthenticatedPerAddress) {
            this.maxUnauthenticatedPerAddress = maxUnauthenticatedPerAddress;
            return this;
        }

        public Builder maxTrackedAuthFailures(int maxTrackedAuthFailures) {
            this.maxTrackedAuthFailures = maxTrackedAuthFailures;
            return this;
        }

        public Builder maxDecodedFrameBytes(long maxDecodedFrameBytes) {
            this.maxDecodedFrameBytes = maxDecodedFrameBytes;
            return this;
        }

        public Builder maxLegacyDevicesTracked(int maxLegacyDevicesTracked) {
            this.maxLegacyDevicesTracked = maxLegacyDevicesTracked;
            return this;
        }

        public ServerLimits build() {
            return new ServerLimits(maxConnections, maxConnectionsPerSecond, maxAuthFailuresPerAddress,
                    maxAuthFailuresPerDevice, authFailureBlock, frameReadTimeout, maxPendingWriteBytes,
                    maxFrameSizeBeforeLogin, maxIdentifierLength, maxCredentialLength, maxPartialFrameBytes,
                    maxUnauthenticatedPerAddress, maxTrackedAuthFailures, maxDecodedFrameBytes,
                    maxOutboundFrameSize, maxLegacyDevicesTracked, maxConnectionsPerSecondPerAddress,
                    maxTrackedConnectionRates);
        }
    }
}
