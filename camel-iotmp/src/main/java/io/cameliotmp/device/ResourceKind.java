package io.cameliotmp.device;

/**
 * The function type of a device resource, reported as {@code fn} by DESCRIBE (docs/protocol.md §6.1). It decides what a
 * RUN
 * passes to the handler and what goes back to the server.
 */
public enum ResourceKind {

    /** fn 1: no input, no output ({@code reboot}). The RUN answer is a bare OK. Cannot be streamed. */
    RUN(1),

    /** fn 2: takes an input ({@code led}); the RUN answer carries no payload. Streams echo the current state. */
    INPUT(2),

    /** fn 3: produces an output ({@code temperature}); the RUN answer carries it. */
    OUTPUT(3),

    /** fn 4: optional input, produces an output ({@code echo}). */
    INPUT_OUTPUT(4);

    private final int fn;

    ResourceKind(int fn) {
        this.fn = fn;
    }

    /** The wire number of this kind ({@code fn} in DESCRIBE). */
    public int fn() {
        return fn;
    }

    /** Whether the handler receives input from the server. */
    public boolean takesInput() {
        return this == INPUT || this == INPUT_OUTPUT;
    }

    /** Whether the handler's result goes back to the server. */
    public boolean producesOutput() {
        return this == OUTPUT || this == INPUT_OUTPUT;
    }
}
