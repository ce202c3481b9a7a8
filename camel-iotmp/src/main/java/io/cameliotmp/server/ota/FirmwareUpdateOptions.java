package io.cameliotmp.server.ota;

import java.time.Duration;
import java.util.Objects;

/**
 * How to run one firmware update.
 *
 * @param firmware        a label sent in {@code begin} ({@code firmware}); devices only log it; may be empty
 * @param expectedVersion the version the device should run after the update; null takes the version embedded in
 *                        the image ({@code @(#)}), if any; compared on its first 128 characters, as far as the
 *                        device's version is read
 * @param compress        use the compression the device offers (zlib, gzip, lzss); false always sends the image raw
 * @param force           update even when the device already runs the expected version
 * @param maxBlockSize    the largest chunk sent, whatever the device advertises; the server's
 *                        {@code maxOutboundFrameSize} bounds it too
 * @param minBlockSize    the smallest {@code block_size} a device may advertise: one advertising less is not updated
 *                        ({@link OtaFailure#NOT_SUPPORTED}), since every chunk costs a request, an answer and a wait
 *                        of up to the device's timeout, and a block size of 1 would make that a round trip per byte
 *                        of the image; {@value #DEFAULT_MIN_BLOCK_SIZE} by default, the smallest any known board
 *                        advertises
 * @param requestTimeout  how long reading the device's options may take; null uses the server's
 *                        {@code requestTimeout}
 * @param stepTimeout     how long each step may wait for its answer; null uses the device's own inactivity timeout
 *                        ({@code timeout} in its options, 30 s by default)
 * @param transferTimeout how long the update may take from its start until the device has staged the image (options,
 *                        begin, every write and end together), however promptly each answer comes: a device that
 *                        answers every chunk just within its timeout would otherwise hold the update's thread for
 *                        as many timeouts as there are chunks; {@link Duration#ZERO} for no limit; one hour by
 *                        default
 * @param rebootTimeout   how long to wait for the device to reconnect after the reboot; {@link Duration#ZERO} does
 *                        not wait (the report then says the image is staged and rebooting)
 */
public record FirmwareUpdateOptions(String firmware, String expectedVersion, boolean compress, boolean force,
                                    int maxBlockSize, int minBlockSize, Duration requestTimeout, Duration stepTimeout,
                                    Duration transferTimeout, Duration rebootTimeout) {

    public static final boolean DEFAULT_COMPRESS = true;
    public static final int DEFAULT_MAX_BLOCK_SIZE = DeviceOtaOptions.MAX_BLOCK_SIZE;
    /** The smallest block size of a known board (MKR NB 1500); WiFiNINA boards advertise 512. */
    public static final int DEFAULT_MIN_BLOCK_SIZE = 256;
    public static final long DEFAULT_REBOOT_TIMEOUT_MILLIS = 300_000;
    public static final long DEFAULT_TRANSFER_TIMEOUT_MILLIS = 3_600_000;

    public FirmwareUpdateOptions {
        firmware = firmware == null ? "" : firmware;
        if (maxBlockSize <= 0) {
            throw new IllegalArgumentException("maxBlockSize must be positive: " + maxBlockSize);
        }
        if (minBlockSize <= 0 || minBlockSize > DeviceOtaOptions.MAX_BLOCK_SIZE) {
            throw new IllegalArgumentException("minBlockSize must be in 1.." + DeviceOtaOptions.MAX_BLOCK_SIZE + ": "
                                               + minBlockSize);
        }
        if (stepTimeout != null && (stepTimeout.isNegative() || stepTimeout.isZero())) {
            throw new IllegalArgumentException("stepTimeout must be positive: " + stepTimeout);
        }
        if (requestTimeout != null && (requestTimeout.isNegative() || requestTimeout.isZero())) {
            throw new IllegalArgumentException("requestTimeout must be positive: " + requestTimeout);
        }
        Objects.requireNonNull(transferTimeout, "transferTimeout");
        if (transferTimeout.isNegative()) {
            throw new IllegalArgumentException("transferTimeout must not be negative: " + transferTimeout);
        }
        Objects.requireNonNull(rebootTimeout, "rebootTimeout");
        if (rebootTimeout.isNegative()) {
            throw new IllegalArgumentException("rebootTimeout must not be negative: " + rebootTimeout);
        }
    }

    /** The defaults: compress when offered, no forced update, the device's timeout per step, 5 minutes to reboot. */
    public static FirmwareUpdateOptions defaults() {
        return new FirmwareUpdateOptions("", null, DEFAULT_COMPRESS, false, DEFAULT_MAX_BLOCK_SIZE,
                DEFAULT_MIN_BLOCK_SIZE, null, null, Duration.ofMillis(DEFAULT_TRANSFER_TIMEOUT_MILLIS),
                Duration.ofMillis(DEFAULT_REBOOT_TIMEOUT_MILLIS));
    }

    public FirmwareUpdateOptions withExpectedVersion(String version) {
        return new FirmwareUpdateOptions(firmware, version, compress, force, maxBlockSize, minBlockSize,
                requestTimeout, stepTimeout, transferTimeout, rebootTimeout);
    }

    public FirmwareUpdateOptions withCompress(boolean compress) {
        return new FirmwareUpdateOptions(firmware, expectedVersion, compress, force, maxBlockSize, minBlockSize,
                requestTimeout, stepTimeout, transferTimeout, rebootTimeout);
    }

    public FirmwareUpdateOptions withForce(boolean force) {
        return new FirmwareUpdateOptions(firmware, expectedVersion, compress, force, maxBlockSize, minBlockSize,
                requestTimeout, stepTimeout, transferTimeout, rebootTimeout);
    }

    public FirmwareUpdateOptions withMaxBlockSize(int maxBlockSize) {
        return new FirmwareUpdateOptions(firmware, expectedVersion, compress, force, maxBlockSize, minBlockSize,
                requestTimeout, stepTimeout, transferTimeout, rebootTimeout);
    }

    public FirmwareUpdateOptions withMinBlockSize(int minBlockSize) {
        return new FirmwareUpdateOptions(firmware, expectedVersion, compress, force, maxBlockSize, minBlockSize,
                requestTimeout, stepTimeout, transferTimeout, rebootTimeout);
    }

    public FirmwareUpdateOptions withRequestTimeout(Duration requestTimeout) {
        return new FirmwareUpdateOptions(firmware, expectedVersion, compress, force, maxBlockSize, minBlockSize,
                requestTimeout, stepTimeout, transferTimeout, rebootTimeout);
    }

    public FirmwareUpdateOptions withStepTimeout(Duration stepTimeout) {
        return new FirmwareUpdateOptions(firmware, expectedVersion, compress, force, maxBlockSize, minBlockSize,
                requestTimeout, stepTimeout, transferTimeout, rebootTimeout);
    }

    public FirmwareUpdateOptions withTransferTimeout(Duration transferTimeout) {
        return new FirmwareUpdateOptions(firmware, expectedVersion, compress, force, maxBlockSize, minBlockSize,
                requestTimeout, stepTimeout, transferTimeout, rebootTimeout);
    }

    public FirmwareUpdateOptions withRebootTimeout(Duration rebootTimeout) {
        return new FirmwareUpdateOptions(firmware, expectedVersion, compress, force, maxBlockSize, minBlockSize,
                requestTimeout, stepTimeout, transferTimeout, rebootTimeout);
    }

    public FirmwareUpdateOptions withFirmware(String firmware) {
        return new FirmwareUpdateOptions(firmware, expectedVersion, compress, force, maxBlockSize, minBlockSize,
                requestTimeout, stepTimeout, transferTimeout, rebootTimeout);
    }
}
