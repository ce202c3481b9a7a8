package io.cameliotmp.device;

/**
 * The server answered a request of the device (its OK or ERROR named the request's stream), but the answer's body could
 * not be decoded: larger than the device decodes, nested too deeply, not PSON. The request fails with this when the
 * answer arrives instead of waiting out its timeout; the connection goes on.
 */
public class IotmpMalformedAnswerException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public IotmpMalformedAnswerException(String message) {
        super(message);
    }
}
