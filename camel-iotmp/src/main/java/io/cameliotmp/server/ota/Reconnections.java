package io.cameliotmp.server.ota;

import java.util.concurrent.TimeUnit;

import io.cameliotmp.server.DeviceId;
import io.cameliotmp.server.DeviceListener;
import io.cameliotmp.server.DeviceRegistration;

/**
 * The connections a device makes after its reboot, as the registry reports them: an update waits here for a
 * connection newer than the one it last talked to. Newer, not just the next one: a device may connect and drop again
 * (a new image crashing right after it connects, a flaky network) before it told its version, and the update then
 * asks again on the connection after.
 */
final class Reconnections implements DeviceListener {

    private final DeviceId device;
    /** The newest connection of the device seen since this listened; guarded by {@code this}. */
    private DeviceRegistration newest;
    /**
     * The server stopped or is being drained: no connection comes here any more (a drained server's devices come back
     * on other members); guarded by {@code this}.
     */
    private boolean closedToDevices;

    Reconnections(DeviceId device) {
        this.device = device;
    }

    @Override
    public synchronized void onConnected(DeviceRegistration connected) {
        // on the session's thread: records and wakes the update, nothing more
        if (connected.deviceId().equals(device)
            && (newest == null || connected.sessionNumber() > newest.sessionNumber())) {
            newest = connected;
            notifyAll();
        }
    }

    /**
     * The server stops or is drained: a wait for a connection ends now rather than at its deadline; later waits at
     * once.
     */
    synchronized void closedToDevices() {
        closedToDevices = true;
        notifyAll();
    }

    synchronized boolean isClosedToDevices() {
        return closedToDevices;
    }

    /**
     * The newest connection of the device that is newer than {@code session}, waiting for one until
     * {@code deadlineNanos} ({@link System#nanoTime()}); null when none came by then, or when the server stopped or
     * is being drained.
     */
    synchronized DeviceRegistration after(long session, long deadlineNanos) throws InterruptedException {
        while (newest == null || newest.sessionNumber() <= session) {
            long leftNanos = deadlineNanos - System.nanoTime();
            if (leftNanos <= 0 || closedToDevices) {
                return null;
            }
            TimeUnit.NANOSECONDS.timedWait(this, leftNanos);
        }
        return newest;
    }
}
