package io.cameliotmp.server;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The devices a firmware update of one server runs on, one update each, with what each update does when the server
 * stops. A board that accepts a second {@code $ota/begin} during an update starts over, and the chunks of the two
 * updates would then interleave into one image: so an update claims its device first and ends its claim when done.
 */
public final class FirmwareUpdateClaims {

    private static final Logger LOG = LoggerFactory.getLogger(FirmwareUpdateClaims.class);

    private final Map<DeviceId, Runnable> updates = new ConcurrentHashMap<>();

    /**
     * Claims {@code device} unless an update runs on it already. {@code onStop} runs when the server stops or is
     * drained while the update runs: an update waiting for its device to come back after the reboot would otherwise
     * wait out its whole reboot timeout for a device that can no longer reach this server. Every claim that
     * succeeded is ended with {@link #end}.
     *
     * @return whether the update may start
     */
    public boolean claim(DeviceId device, Runnable onStop) {
        return updates.putIfAbsent(device, Objects.requireNonNull(onStop, "onStop")) == null;
    }

    /**
     * Ends the claim {@link #claim} granted with that very {@code onStop}: a claim ended twice, the second time after
     * another update claimed the device, leaves the other update's claim in place.
     */
    public void end(DeviceId device, Runnable onStop) {
        updates.remove(device, onStop);
    }

    /** Devices a firmware update runs on now. */
    public int running() {
        return updates.size();
    }

    /**
     * Tells every running update that no device connects to this server any more: it stops, or it is drained and its
     * devices come back on other members. One that fails to hear it keeps no other from hearing.
     */
    void closedToDevices() {
        updates.forEach((device, onStop) -> {
            try {
                onStop.run();
            } catch (RuntimeException e) {
                LOG.warn("The firmware update of {} failed to hear that no device connects here any more: {}", device,
                        e.toString());
            }
        });
    }
}
