package io.cameliotmp.server;

import java.util.Map;

import io.cameliotmp.protocol.PsonValues;

/**
 * The device answered ERROR. The code is the ERROR's PARAMETERS (often an HTTP-like status such as 404 or 500, or
 * absent); the payload is usually {@code {"error": "text"}}.
 */
public class DeviceErrorException extends IotmpRequestException {

    private static final long serialVersionUID = 1L;

    private final transient Object code;
    private final transient Object payload;

    public DeviceErrorException(DeviceId deviceId, String request, Object code, Object payload) {
        super(deviceId, describe(deviceId, request, code, payload));
        this.code = code;
        this.payload = payload;
    }

    /** The ERROR's PARAMETERS, usually a status number, or null. */
    public Object code() {
        return code;
    }

    /** The status as a number, or -1 when the device sent none. */
    public int status() {
        return code instanceof Number n ? n.intValue() : -1;
    }

    /** The ERROR's PAYLOAD, or null. */
    public Object payload() {
        return payload;
    }

    /** The text a device put in {@code {"error": …}} or {@code {"message": …}}, or null. */
    public String deviceMessage() {
        if (payload instanceof Map<?, ?> map) {
            Object text = map.containsKey("error") ? map.get("error") : map.get("message");
            return text == null ? null : text.toString();
        }
        return payload instanceof String s ? s : null;
    }

    private static String describe(DeviceId deviceId, String request, Object code, Object payload) {
        StringBuilder s = new StringBuilder("device ").append(deviceId).append(" answered ERROR to ").append(request);
        if (code != null) {
            s.append(", code ").append(PsonValues.toString(code));
        }
        if (payload != null) {
            s.append(": ").append(PsonValues.toString(payload));
        }
        return s.toString();
    }
}
