package io.cameliotmp.server;

/**
 * The server refused to send a request: nothing of it was written to the device, which therefore never saw it (too
 * many requests open, a frame larger than the device accepts, a message its protocol cannot carry). Unlike a request
 * whose connection ended after it was written, the device cannot have acted on it.
 */
public class RequestNotSentException extends IotmpRequestException {

    private static final long serialVersionUID = 1L;

    public RequestNotSentException(DeviceId deviceId, String message) {
        super(deviceId, message);
    }
}
