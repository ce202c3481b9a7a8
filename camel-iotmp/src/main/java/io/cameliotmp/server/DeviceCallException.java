package io.cameliotmp.server;

/**
 * Thrown (or used to fail the stage) by a {@link DeviceCallHandler} to answer the device with ERROR and a specific
 * status; any other failure is answered with status 500.
 */
public class DeviceCallException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;

    public DeviceCallException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
