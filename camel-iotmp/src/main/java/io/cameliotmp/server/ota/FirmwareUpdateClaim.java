package io.cameliotmp.server.ota;

import java.time.Duration;

import io.cameliotmp.server.DeviceId;
import io.cameliotmp.server.IotmpServer;

/**
 * A device claimed for one firmware update on one server, taken before the image is read: an image given as a stream
 * is spooled to disk first, and a second update of a device already being updated must fail before it spools a whole
 * image it will never send. Closing it ends the claim; {@link FirmwareUpdate#run(FirmwareUpdateClaim, FirmwareImage,
 * FirmwareUpdateOptions, FirmwareUpdateListener)} runs the update it was taken for.
 */
public final class FirmwareUpdateClaim implements AutoCloseable {

    private final IotmpServer server;
    private final DeviceId device;
    /** Told by the server when it stops or is drained, from the claim on; the same runnable ends the claim. */
    private final Reconnections reconnections;
    private final Runnable onStop;
    /** Guarded by {@code this}. */
    private boolean used;
    /** Guarded by {@code this}. */
    private boolean closed;

    private FirmwareUpdateClaim(IotmpServer server, DeviceId device) {
        this.server = server;
        this.device = device;
        this.reconnections = new Reconnections(device);
        this.onStop = reconnections::closedToDevices;
    }

    /**
     * Claims {@code device} for an update on {@code server}, for an image whose size is not known yet.
     *
     * @throws FirmwareUpdateException as {@link OtaFailure#ALREADY_UPDATING} when an update runs on it already,
     *                                 nothing sent and nothing of the image read; its report's {@code imageSize} is
     *                                 {@link FirmwareUpdateReport#UNKNOWN_SIZE}
     */
    public static FirmwareUpdateClaim take(IotmpServer server, DeviceId device) {
        return take(server, device, FirmwareUpdateReport.UNKNOWN_SIZE);
    }

    /**
     * Claims {@code device} for an update on {@code server} with an image of {@code imageSize} bytes, known before
     * the image is read (an array, a file); the failure's report tells it, so that a refused update is reported with
     * what it would have sent.
     *
     * @param imageSize the image's size, or {@link FirmwareUpdateReport#UNKNOWN_SIZE}
     * @throws FirmwareUpdateException as {@link OtaFailure#ALREADY_UPDATING} when an update runs on it already,
     *                                 nothing sent and nothing of the image read
     */
    public static FirmwareUpdateClaim take(IotmpServer server, DeviceId device, long imageSize) {
        long startedNanos = System.nanoTime();
        FirmwareUpdateClaim claim = new FirmwareUpdateClaim(server, device);
        if (!server.firmwareUpdates().claim(device, claim.onStop)) {
            // the device serves the update that runs, whose chunks a second begin would corrupt
            String error = "a firmware update of " + device + " runs already on this server";
            throw FirmwareUpdate.ended(server, FirmwareUpdate.failedBeforeStart(device, OtaFailure.ALREADY_UPDATING,
                    error, imageSize, Duration.ofNanos(System.nanoTime() - startedNanos), null));
        }
        if (server.isDraining()) {
            // claimed after the drain told the running updates: no device comes back here after its reboot either.
            // The drain begins before it tells them, so a claim it does not see is one that sees it here
            claim.onStop.run();
        }
        return claim;
    }

    IotmpServer server() {
        return server;
    }

    DeviceId device() {
        return device;
    }

    /** The device's connections after the reboot, for the one update this claim is for. */
    synchronized Reconnections reconnectionsForOneUpdate() {
        if (used || closed) {
            throw new IllegalStateException("the claim on " + device + (closed ? " has ended" : " served an update"
                                                                                               + " already"));
        }
        used = true;
        return reconnections;
    }

    /** Ends the claim; again, or after another update claimed the device, it does nothing. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        server.firmwareUpdates().end(device, onStop);
    }
}
