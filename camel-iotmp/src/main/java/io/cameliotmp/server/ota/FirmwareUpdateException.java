package io.cameliotmp.server.ota;

import io.cameliotmp.server.IotmpRequestException;

/** A firmware update that failed: {@link #failure()} says why, {@link #report()} how far it came. */
public class FirmwareUpdateException extends IotmpRequestException {

    private static final long serialVersionUID = 1L;

    private final transient FirmwareUpdateReport report;

    public FirmwareUpdateException(FirmwareUpdateReport report, Throwable cause) {
        super(report.device(), "firmware update of " + report.device() + " failed at " + report.step() + " ("
                               + report.failure() + ")" + (report.error() != null ? ": " + report.error() : ""));
        this.report = report;
        if (cause != null) {
            initCause(cause);
        }
    }

    public OtaFailure failure() {
        return report.failure();
    }

    public OtaStep step() {
        return report.step();
    }

    public FirmwareUpdateReport report() {
        return report;
    }
}
