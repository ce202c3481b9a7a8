package io.cameliotmp.device;

import java.util.concurrent.TimeoutException;

/** No OK or ERROR arrived for a request of the device within the configured request timeout. */
public class IotmpRequestTimeoutException extends TimeoutException {

    private static final long serialVersionUID = 1L;

    public IotmpRequestTimeoutException(String message) {
        super(message);
    }
}
