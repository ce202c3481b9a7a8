package io.cameliotmp.protocol;

/**
 * The values with which gen-1 (PSON v1) devices mark their messages where gen-2 leaves fields empty
 * (docs/protocol.md §4.3).
 */
public final class Gen1Layout {

    /** CONNECT PARAMETERS: the authentication type "user, device, credential". */
    public static final Long AUTH_CREDENTIALS = 1L;
    /** STREAM_DATA PARAMETERS: the payload is the resource's input (its state). */
    public static final Long STREAM_INPUT = 1L;
    /** STREAM_DATA PARAMETERS: the payload is the resource's output. */
    public static final Long STREAM_OUTPUT = 2L;

    private Gen1Layout() {
    }
}
