package io.cameliotmp.server;

/** Told when a device property is set through the server (by a device or a route). */
@FunctionalInterface
public interface PropertyListener {

    void onPropertyUpdated(DeviceId device, String property, Object value);
}
