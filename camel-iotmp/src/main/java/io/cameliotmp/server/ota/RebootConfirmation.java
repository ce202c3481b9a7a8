package io.cameliotmp.server.ota;

import java.time.Duration;
import java.util.Map;

import io.cameliotmp.protocol.PsonValues;
import io.cameliotmp.server.DeviceDisconnectedException;
import io.cameliotmp.server.DeviceErrorException;
import io.cameliotmp.server.DeviceId;
import io.cameliotmp.server.DeviceNotConnectedException;
import io.cameliotmp.server.DeviceRegistration;
import io.cameliotmp.server.DeviceRequest;
import io.cameliotmp.server.IotmpServer;
import io.cameliotmp.server.RequestNotSentException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static io.cameliotmp.server.ota.FirmwareUpdate.OPTIONS;
import static io.cameliotmp.server.ota.FirmwareUpdate.REBOOT;
import static io.cameliotmp.server.ota.FirmwareUpdate.VERSION;

/**
 * The end of a {@link FirmwareUpdate} once the device staged the image: {@code $ota/reboot}, the wait for the device
 * to come back, and the check of the version it then runs. Its steps, failures and report are the update's.
 */
final class RebootConfirmation {

    /** The update's logger: these lines are the update's. */
    private static final Logger LOG = LoggerFactory.getLogger(FirmwareUpdate.class);

    private final FirmwareUpdate update;
    private final IotmpServer server;
    private final DeviceId device;
    private final FirmwareUpdateOptions options;
    private final Reconnections reconnections;
    private final String expectedVersion;

    RebootConfirmation(FirmwareUpdate update, IotmpServer server, DeviceId device, FirmwareUpdateOptions options,
                       Reconnections reconnections, String expectedVersion) {
        this.update = update;
        this.server = server;
        this.device = device;
        this.options = options;
        this.reconnections = reconnections;
        this.expectedVersion = expectedVersion;
    }

    /** Reboots the device on {@code registration} and confirms what it runs when back: the update's report. */
    FirmwareUpdateReport run(DeviceRegistration registration, Duration stepTimeout)
            throws InterruptedException {
        update.enter(OtaStep.REBOOT);
        String version;
        // listening before the reboot: a device may be back before the reboot's answer is handled
        server.registry().addListener(reconnections);
        try {
            try {
                update.call(registration, DeviceRequest.run(REBOOT, null), stepTimeout);
            } catch (FirmwareUpdateException e) {
                // older libraries reboot without answering, newer ones answer and then close: both are a reboot.
                // Only a device without the resource (it answers ERROR) stays up running the old image.
                // the server refused to write it (too many requests open, say): the device never heard of a reboot,
                // and waiting for it to come back would wait out the reboot timeout, or take a reconnect for another
                // reason as the reboot. Only a failure after the write (a connection lost) may be the reboot.
                if (e.getCause() instanceof RequestNotSentException notSent) {
                    throw update.fail(OtaFailure.PROTOCOL, "the server did not send " + REBOOT + ": "
                                                           + notSent.getMessage() + "; the image is staged and "
                                                           + "applies at the device's next reset", notSent);
                }
                if (e.getCause() instanceof DeviceErrorException) {
                    return update.done(OtaOutcome.STAGED, "the device has no " + REBOOT
                                                           + "; the image applies at its next reset");
                }
                // its connection ended before the reboot was even sent: a reconnect then proves no reboot, and
                // without a version to ask the device, staged is all that is known
                if (e.getCause() instanceof DeviceNotConnectedException && expectedVersion == null) {
                    return update.done(OtaOutcome.STAGED, "the device's connection ended before " + REBOOT
                                                           + " was sent; the image applies at its next reset");
                }
                LOG.debug("{}: {} ended without an answer, as rebooting devices do: {}", device, REBOOT,
                        e.getMessage());
            }
            // a device back before the listener was in place (its reboot answer lost) is back all the same
            server.registry().registration(device).ifPresent(reconnections::onConnected);
            if (options.rebootTimeout().isZero()) {
                return update.done(OtaOutcome.STAGED, null);
            }
            update.enter(OtaStep.RECONNECT);
            long deadlineNanos = System.nanoTime() + options.rebootTimeout().toNanos();
            DeviceRegistration now = awaitReconnect(registration, deadlineNanos);
            update.enter(OtaStep.VERSION);
            version = confirmVersion(now, stepTimeout, deadlineNanos);
            update.confirmedVersion(version);
        } finally {
            server.registry().removeListener(reconnections);
        }
        if (expectedVersion != null && version != null && !expectedVersion.equals(version)) {
            throw update.fail(OtaFailure.VERSION_MISMATCH, "the device runs " + PsonValues.text(version) + ", expected "
                                                    + PsonValues.text(expectedVersion), null);
        }
        return update.done(expectedVersion != null && version != null ? OtaOutcome.UPDATED : OtaOutcome.REBOOTED,
                null);
    }

    /** A connection of the device newer than {@code previous}, by the reboot's deadline. */
    private DeviceRegistration awaitReconnect(DeviceRegistration previous, long deadlineNanos)
            throws InterruptedException {
        DeviceRegistration back = reconnections.after(previous.sessionNumber(), deadlineNanos);
        if (back == null && reconnections.isClosedToDevices()) {
            // no device reaches a stopped or drained server: waiting out the reboot timeout would only end as TIMEOUT
            throw update.fail(OtaFailure.DEVICE_GONE, server.isDraining()
                    ? "the server is draining: the device comes back on another member, not on this one"
                    : "the server stopped before the device came back", null);
        }
        if (back == null) {
            throw update.fail(OtaFailure.TIMEOUT, "the device did not reconnect within "
                                                  + options.rebootTimeout().toMillis() + " ms after the reboot", null);
        }
        return back;
    }

    /**
     * The version the device runs after the reboot, null when it cannot tell. When the expected version is known,
     * only the device's word on it makes the update a success: a version read cut by a disconnect is asked again on
     * the device's next connection (by the reboot's deadline), and one left unanswered fails the update. Without an
     * expected version the reconnect is the confirmation, and a failed read only leaves the version unknown.
     */
    private String confirmVersion(DeviceRegistration back, Duration stepTimeout, long deadlineNanos)
            throws InterruptedException {
        DeviceRegistration now = back;
        while (true) {
            try {
                return FirmwareUpdate.known(readVersion(now, stepTimeout));
            } catch (RuntimeException e) {
                if (expectedVersion == null) {
                    LOG.debug("{}: no version after the update: {}", device, e.toString());
                    return null;
                }
                if (!(e instanceof DeviceDisconnectedException || e instanceof DeviceNotConnectedException)) {
                    throw update.failOn(e);
                }
                if (System.nanoTime() - deadlineNanos >= 0) {
                    // a newer connection may be there already (one that replaced the connection asked), and waiting
                    // for it checks no deadline: a device replacing its connection whenever it is asked would be
                    // asked for as long as it went on
                    throw update.fail(OtaFailure.TIMEOUT, "the device did not tell its version within "
                                                          + options.rebootTimeout().toMillis()
                                                          + " ms after the reboot: its connections ended before it"
                                                          + " answered", null);
                }
                LOG.debug("{}: gone again before telling its version; waiting for its next connection", device);
                now = awaitReconnect(now, deadlineNanos);
            }
        }
    }

    /**
     * {@code $ota/version}, or the version in {@code $ota/options} on libraries before 2.30; null when the device has
     * neither. Fails as the request does when the device does not answer.
     */
    private String readVersion(DeviceRegistration registration, Duration stepTimeout) throws InterruptedException {
        Object payload;
        try {
            payload = update.request(registration, DeviceRequest.run(VERSION, null), stepTimeout)
                    .payload();
        } catch (DeviceErrorException e) {
            try {
                payload = update.request(registration, DeviceRequest.run(OPTIONS, null), stepTimeout).payload();
            } catch (DeviceErrorException again) {
                return null;
            }
        }
        return payload instanceof Map<?, ?> map ? DeviceOtaOptions.text(map.get("version")) : null;
    }

}
