package io.cameliotmp.server;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The devices a firmware update of one server runs on, one update each, with what each update does when the server
 * stops (see {@link IotmpServer#firmwareUpdateStarting(DeviceId, Runnable)}).
 */
final class FirmwareUpdateClaims {

    private static final Logger LOG = LoggerFactory.getLogger(FirmwareUpdateClaims.class);

    private final Map<DeviceId, Runnable> updates = new ConcurrentHashMap<>();

    /** Claims {@code device} unless an update runs on it already; whether it was claimed. */
    boolean claim(DeviceId device, Runnable onStop) {
        return updates.putIfAbsent(device, Objects.requireNonNull(onStop, "onStop")) == null;
    }

    void end(DeviceId device) {
        updates.remove(device);
    }

    int running() {
        return updates.size();
    }

    /** Tells every running update that the server stops; one that fails to hear it keeps no other from hearing. */
    void serverStopping() {
        updates.forEach((device, onStop) -> {
            try {
                onStop.run();
            } catch (RuntimeException e) {
                LOG.warn("The firmware update of {} failed to end as the server stops: {}", device, e.toString());
            }
        });
    }
}
