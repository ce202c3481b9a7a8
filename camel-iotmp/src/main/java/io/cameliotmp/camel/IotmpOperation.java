package io.cameliotmp.camel;

/** What an {@code iotmp:device:…} producer does with the device resource. */
public enum IotmpOperation {
    /** RUN the resource: the body is the input, the device's output becomes the body. */
    run,
    /** DESCRIBE the resource, or the whole API when no resource is given. */
    describe,
    /** Open a stream on the resource; the stream id is returned in CamelIotmpStreamId. */
    startStream,
    /** Stop the stream whose id is in CamelIotmpStreamId (or the body). */
    stopStream,
    /** Send the body into the open stream whose id is in CamelIotmpStreamId. */
    sendStreamData,
    /** List the connected devices of the user (all users when the user is * or absent): a list of maps. */
    devices,
    /** The connection status of the device as a map; {@code connected} is false when it is offline. */
    status,
    /**
     * Fetch the file whose path is the resource from a device with IOTMP-Linux's file-system extension; the body
     * becomes its bytes.
     */
    download,
    /** Read a property of the device from the server's property store; the resource is the property name. */
    getProperty,
    /**
     * Set a property of the device in the server's property store to the body, and send the new value to the device
     * if it subscribed to that property (as a device's own set would).
     */
    setProperty,
    /**
     * Update the device's firmware over the air through its $ota resources: the body is the image (bytes, an
     * InputStream, a File or a Path, never held whole in memory when it is a stream or a file); the body becomes a
     * report of the update (a map) once the device has rebooted and its version was checked.
     */
    firmwareUpdate
}
