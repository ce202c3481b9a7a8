package io.cameliotmp.server;

/** A request to a device that did not end in an OK. Subclasses say why. */
public class IotmpRequestException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient DeviceId deviceId;

    public IotmpRequestException(DeviceId deviceId, String message) {
        super(message);
        this.deviceId = deviceId;
    }

    public DeviceId deviceId() {
        return deviceId;
    }
}
