package io.cameliotmp.server;

import java.time.Duration;

/** The device did not answer within the request timeout; a late answer is ignored. */
public class DeviceRequestTimeoutException extends IotmpRequestException {

    private static final long serialVersionUID = 1L;

    public DeviceRequestTimeoutException(DeviceId deviceId, String request, Duration timeout) {
        super(deviceId, "device " + deviceId + " did not answer " + request + " within " + timeout.toMillis() + " ms");
    }
}
