package io.cameliotmp.server;

/**
 * The device's protocol has no way to carry the request, so nothing was sent: for example stream data from the server
 * to a device of the legacy Thinger protocol, which has no such message. Never a silent success.
 */
public class NotSupportedByDeviceException extends RequestNotSentException {

    private static final long serialVersionUID = 1L;

    public NotSupportedByDeviceException(DeviceId deviceId, String message) {
        super(deviceId, message);
    }
}
