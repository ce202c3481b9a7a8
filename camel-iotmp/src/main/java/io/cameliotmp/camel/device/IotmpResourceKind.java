package io.cameliotmp.camel.device;

import io.cameliotmp.device.ResourceKind;

/**
 * What a route that is a device resource does, reported as {@code fn} by DESCRIBE (docs/protocol.md §6.1).
 */
public enum IotmpResourceKind {

    /** fn 2: takes an input (a setting, an actuator); the RUN is answered with a bare OK. */
    input(ResourceKind.INPUT),

    /** fn 3: produces an output (a reading); the RUN is answered with the route's result. */
    output(ResourceKind.OUTPUT),

    /** fn 4: takes an optional input and answers with the route's result. */
    inputOutput(ResourceKind.INPUT_OUTPUT),

    /** fn 1: no input, no output (a command such as reboot); the RUN is answered with a bare OK. */
    run(ResourceKind.RUN);

    private final ResourceKind deviceKind;

    IotmpResourceKind(ResourceKind deviceKind) {
        this.deviceKind = deviceKind;
    }

    /** The device client's name for this kind. */
    public ResourceKind deviceKind() {
        return deviceKind;
    }
}
