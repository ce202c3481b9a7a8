package io.cameliotmp.device;

import java.io.IOException;

/**
 * The device is not connected to the server (not yet, no longer, or closed), so a request could not be sent or will
 * never be answered. Pending requests fail with it as soon as the connection is lost.
 */
public class IotmpDisconnectedException extends IOException {

    private static final long serialVersionUID = 1L;

    public IotmpDisconnectedException(String message) {
        super(message);
    }

    public IotmpDisconnectedException(String message, Throwable cause) {
        super(message, cause);
    }
}
