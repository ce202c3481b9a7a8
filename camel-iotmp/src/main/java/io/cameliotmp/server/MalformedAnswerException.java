package io.cameliotmp.server;

/**
 * The device answered the request (its OK or ERROR named the request's stream), but the answer's body could not be
 * decoded: a value beyond {@code maxDecodedFrameBytes}, nesting beyond {@code maxPsonDepth}, bytes that are not PSON.
 * The request fails with this at once rather than waiting out its timeout; the device stays connected.
 */
public class MalformedAnswerException extends IotmpRequestException {

    private static final long serialVersionUID = 1L;

    public MalformedAnswerException(DeviceId deviceId, String message) {
        super(deviceId, message);
    }
}
