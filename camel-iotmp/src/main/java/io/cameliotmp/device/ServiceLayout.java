package io.cameliotmp.device;

/**
 * How a device encodes a call of a server service (write bucket, call endpoint, properties, ...) in a RUN message.
 * The two families of reference clients disagree (docs/protocol.md §8.2); a server must accept both, and a test device
 * must be
 * able to speak either.
 */
public enum ServiceLayout {

    /**
     * IOTMP-Embedded and its Arduino / ESP-IDF / Zephyr ports: service code as varint in PARAMETERS, target name in
     * RESOURCE. Every call carries a stream id, so the server always answers (the device may ignore the answer).
     */
    EMBEDDED,

    /**
     * IOTMP-Linux (both generations): service code as varint in RESOURCE, target name (or {@code [device, resource]}
     * for CALL_DEVICE) in PARAMETERS. A stream id is sent only when a confirmation is wanted.
     */
    LINUX
}
