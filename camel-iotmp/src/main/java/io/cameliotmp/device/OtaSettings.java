package io.cameliotmp.device;

import java.time.Duration;
import java.util.Objects;

/**
 * What a device built with {@link IotmpDeviceBuilder#ota} advertises in {@code $ota/options} and how it behaves,
 * after the Thinger Arduino library 2.31 and later (docs/ota.md).
 *
 * @param enabled     advertised as {@code enabled}; like the library, {@code begin} does not enforce it
 * @param blockSize   advertised {@code block_size}
 * @param timeout     inactivity timeout of a running update: without a chunk for this long the update is dropped
 * @param compression advertised {@code compression}: {@code zlib}, {@code gzip}, {@code lzss} or empty for none
 * @param version     the version the device runs until its first update, reported by {@code $ota/version}
 * @param md5         advertise {@code checksum: "md5"} and verify the checksums at {@code end}
 * @param rebootDelay how long after answering {@code $ota/reboot} the device closes its connection (1 s on boards)
 * @param maxImageSize the largest image (and compressed image) {@code begin} accepts, in bytes: a board has its
 *                     flash partition for a bound, a Java device would otherwise take any size the server announces
 *                     into its temporary file and target
 */
public record OtaSettings(boolean enabled, int blockSize, Duration timeout, String compression, String version,
                          boolean md5, Duration rebootDelay, long maxImageSize) {

    /** 256 MiB: far more than any board's firmware, room for a gateway's application image. */
    public static final long DEFAULT_MAX_IMAGE_SIZE = 256L * 1024 * 1024;

    public OtaSettings {
        if (blockSize <= 0 || blockSize > 0xFFFF) {
            throw new IllegalArgumentException("blockSize must be in 1..65535: " + blockSize);
        }
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(rebootDelay, "rebootDelay");
        if (timeout.isNegative() || timeout.isZero() || rebootDelay.isNegative()) {
            throw new IllegalArgumentException("timeout must be positive and rebootDelay not negative");
        }
        compression = compression == null ? "" : compression;
        if (!compression.isEmpty() && !"zlib".equals(compression) && !"gzip".equals(compression)
            && !"lzss".equals(compression)) {
            throw new IllegalArgumentException("compression must be zlib, gzip, lzss or empty: " + compression);
        }
        version = version == null ? "" : version;
        if (maxImageSize <= 0) {
            throw new IllegalArgumentException("maxImageSize must be positive: " + maxImageSize);
        }
    }

    /** The settings with the default {@link #DEFAULT_MAX_IMAGE_SIZE}. */
    public OtaSettings(boolean enabled, int blockSize, Duration timeout, String compression, String version,
                       boolean md5, Duration rebootDelay) {
        this(enabled, blockSize, timeout, compression, version, md5, rebootDelay, DEFAULT_MAX_IMAGE_SIZE);
    }

    /**
     * Enabled, 8192-byte blocks, 30 s timeout, zlib, no version, MD5 verified, rebooting 100 ms after answering,
     * images up to 256 MiB.
     */
    public static OtaSettings defaults() {
        return new OtaSettings(true, 8192, Duration.ofSeconds(30), "zlib", "", true, Duration.ofMillis(100));
    }

    public OtaSettings withEnabled(boolean enabled) {
        return new OtaSettings(enabled, blockSize, timeout, compression, version, md5, rebootDelay, maxImageSize);
    }

    public OtaSettings withBlockSize(int blockSize) {
        return new OtaSettings(enabled, blockSize, timeout, compression, version, md5, rebootDelay, maxImageSize);
    }

    public OtaSettings withTimeout(Duration timeout) {
        return new OtaSettings(enabled, blockSize, timeout, compression, version, md5, rebootDelay, maxImageSize);
    }

    public OtaSettings withCompression(String compression) {
        return new OtaSettings(enabled, blockSize, timeout, compression, version, md5, rebootDelay, maxImageSize);
    }

    public OtaSettings withVersion(String version) {
        return new OtaSettings(enabled, blockSize, timeout, compression, version, md5, rebootDelay, maxImageSize);
    }

    public OtaSettings withMd5(boolean md5) {
        return new OtaSettings(enabled, blockSize, timeout, compression, version, md5, rebootDelay, maxImageSize);
    }

    public OtaSettings withRebootDelay(Duration rebootDelay) {
        return new OtaSettings(enabled, blockSize, timeout, compression, version, md5, rebootDelay, maxImageSize);
    }

    public OtaSettings withMaxImageSize(long maxImageSize) {
        return new OtaSettings(enabled, blockSize, timeout, compression, version, md5, rebootDelay, maxImageSize);
    }
}
