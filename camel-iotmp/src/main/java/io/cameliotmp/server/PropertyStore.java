package io.cameliotmp.server;

/**
 * Where device properties live (Thinger's per-device key/value store, read and set by devices with services 1 and
 * 2). Called from session threads, never from I/O threads when the server has worker threads.
 */
public interface PropertyStore {

    /** The stored value, or null if the device has no such property. */
    Object read(DeviceId device, String property);

    /** Stores the value; null removes the property. */
    void write(DeviceId device, String property, Object value);
}
