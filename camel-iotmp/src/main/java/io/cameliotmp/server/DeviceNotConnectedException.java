package io.cameliotmp.server;

/** The device is not connected to this server, so nothing was sent. */
public class DeviceNotConnectedException extends IotmpRequestException {

    private static final long serialVersionUID = 1L;

    public DeviceNotConnectedException(DeviceId deviceId) {
        super(deviceId, "device " + deviceId + " is not connected");
    }
}
