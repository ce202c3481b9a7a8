package io.cameliotmp.server;

/** The device already has the maximum number of unanswered requests; this one was not sent. */
public class TooManyPendingRequestsException extends RequestNotSentException {

    private static final long serialVersionUID = 1L;

    public TooManyPendingRequestsException(DeviceId deviceId, int limit) {
        super(deviceId, "device " + deviceId + " already has " + limit + " requests or streams open");
    }
}
