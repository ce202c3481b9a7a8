package io.cameliotmp.server.ota;

import io.cameliotmp.server.DeviceId;

/**
 * Progress of a firmware update, called on the thread running the update. Implementations must not block for long:
 * the device waits (its inactivity timeout, 30 s by default, runs between chunks).
 */
public interface FirmwareUpdateListener {

    /** A listener that ignores everything. */
    FirmwareUpdateListener NONE = new FirmwareUpdateListener() {
    };

    /** A step starts. */
    default void onStep(DeviceId device, OtaStep step) {
    }

    /**
     * A chunk was accepted by the device.
     *
     * @param sentBytes  bytes the device accepted so far (compressed bytes when compressing)
     * @param totalBytes bytes that will be sent in all
     */
    default void onProgress(DeviceId device, long sentBytes, long totalBytes) {
    }
}
