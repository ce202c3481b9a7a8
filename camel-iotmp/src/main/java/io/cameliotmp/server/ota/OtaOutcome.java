package io.cameliotmp.server.ota;

/** How a firmware update ended; see {@link FirmwareUpdateReport#outcome()}. */
public enum OtaOutcome {
    /** The device came back running the expected version. */
    UPDATED,
    /**
     * The device came back, but its version or the expected one is unknown (libraries before 2.30, or firmware
     * without a version): the reconnect is the only confirmation there is.
     */
    REBOOTED,
    /** The image was staged and the device told to reboot; the update did not wait for it to come back. */
    STAGED,
    /** The device already ran the expected version; nothing was sent. */
    ALREADY_CURRENT,
    /** The update failed; {@link FirmwareUpdateReport#failure()} says why. */
    FAILED
}
