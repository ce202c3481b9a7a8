package io.cameliotmp.server.ota;

/** The steps of a firmware update, in order; progress listeners and reports name them. */
public enum OtaStep {
    /** Reading {@code $ota/options}: enabled, block size, compression, checksum, timeout, version. */
    OPTIONS,
    /** Hashing (and compressing) the image before anything is sent. */
    PREPARE,
    /** {@code $ota/begin} with sizes, checksums and compression. */
    BEGIN,
    /** The {@code $ota/write} chunks, one at a time. */
    WRITE,
    /** {@code $ota/end}: the device verifies the image and stages it. */
    END,
    /** {@code $ota/reboot}: the device restarts into the new image. */
    REBOOT,
    /** Waiting for the device to connect again. */
    RECONNECT,
    /** Reading the version the device runs now and comparing it with the expected one. */
    VERSION,
    /** Finished. */
    DONE
}
