package io.cameliotmp.camel.device;

/**
 * What an {@code iotmp-device} producer does; the target is the endpoint's path or the CamelIotmpDeviceTarget
 * header.
 */
public enum IotmpDeviceOperation {

    /**
     * Pushes the body on the on-change streams the server opened on a resource of this device, as the reference
     * libraries' {@code stream()} does; nothing is sent while no such stream is open. A null body reads the resource
     * through its route instead.
     */
    stream,

    /** WRITE_BUCKET: stores the body in the data bucket named by the target. */
    writeBucket,

    /** CALL_ENDPOINT: calls the server endpoint named by the target with the body. */
    callEndpoint,

    /** READ_DEVICE_PROPERTY: the body becomes the value of the device property named by the target. */
    readProperty,

    /** SET_DEVICE_PROPERTY: sets the device property named by the target to the body. */
    setProperty,

    /** CALL_DEVICE: runs the resource of another device, target {device}/{resource}; the body is the input. */
    callDevice,

    /** Publishes the body on the topic named by the target. */
    publish,

    /** LOCK_SYNC: takes a slot of the sync named by the target; a Map body holds the options. */
    lock,

    /** UNLOCK_SYNC: frees the slot of the sync named by the target held with the CamelIotmpDeviceLockToken. */
    unlock
}
