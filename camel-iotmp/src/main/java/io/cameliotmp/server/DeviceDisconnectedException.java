package io.cameliotmp.server;

/** The connection of the device ended while the request was waiting for its answer. */
public class DeviceDisconnectedException extends IotmpRequestException {

    private static final long serialVersionUID = 1L;

    public DeviceDisconnectedException(DeviceId deviceId, String reason) {
        super(deviceId, "device " + deviceId + " disconnected before answering: " + reason);
    }
}
