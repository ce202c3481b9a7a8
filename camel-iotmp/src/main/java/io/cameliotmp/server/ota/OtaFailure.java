package io.cameliotmp.server.ota;

/** Why a firmware update failed; see {@link FirmwareUpdateException#failure()}. */
public enum OtaFailure {
    /** The device has no {@code $ota} resources (its {@code $ota/options} answered ERROR). */
    NOT_SUPPORTED,
    /** The device's options say {@code enabled: false}; nothing was sent. */
    DISABLED,
    /** {@code $ota/begin} answered {@code success: false} (update already running, no room, bad compression…). */
    BEGIN_REFUSED,
    /** A {@code $ota/write} answered {@code success: false}; the device drops the update (and reboots itself). */
    WRITE_FAILED,
    /** {@code $ota/end} refused the image because an MD5 checksum did not match. */
    CHECKSUM,
    /** {@code $ota/end} answered {@code success: false} for another reason (missing bytes, platform error). */
    END_FAILED,
    /** A step was not answered in time, or the device did not come back within the reboot timeout. */
    TIMEOUT,
    /**
     * The device disconnected (or was not connected) before the image was staged, or the server stopped while the
     * update ran (waiting for the device after its reboot included), or the update waited for the device after its
     * reboot on a server being drained, which the device no longer reaches.
     */
    DEVICE_GONE,
    /** The device came back after the reboot running another version than the one expected. */
    VERSION_MISMATCH,
    /**
     * The image could not be read, spooled or compressed, or is empty; nothing reached the device, unless reading it
     * failed while its chunks were sent (step {@link OtaStep#WRITE}: the device drops the update after its timeout).
     */
    IMAGE_UNREADABLE,
    /**
     * The device answered something that is not an OTA answer, or the server refused to send a request (frame too
     * large, {@code maxPendingRequests} reached): a refused {@code $ota/reboot} fails at once, the image staged.
     */
    PROTOCOL,
    /**
     * Another update of the device runs from this server (until it has ended, its reboot and reconnection included);
     * nothing was sent.
     */
    ALREADY_UPDATING,
    /**
     * The thread running the update was interrupted (its Camel producer or the application stopping); the request
     * under way was left to its timeout, and a device that had not staged the image drops it on its own.
     */
    INTERRUPTED
}
