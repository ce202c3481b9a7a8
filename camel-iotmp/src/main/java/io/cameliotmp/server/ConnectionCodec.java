package io.cameliotmp.server;

import java.util.function.BooleanSupplier;

import io.cameliotmp.protocol.FrameCodec;
import io.cameliotmp.protocol.Generation;

/**
 * What the login of a connection needs of the codec in its pipeline, whichever protocol the device speaks: the
 * generation it reports (an IOTMP codec is switched to the CONNECT's; a legacy connection is always
 * {@link Generation#LEGACY}) and the moment the device is authenticated, when larger frames are allowed and the
 * connection stops counting as unauthenticated.
 */
interface ConnectionCodec {

    Generation generation();

    /** The CONNECT's generation, for an IOTMP codec; ignored by a legacy one. */
    void generation(Generation generation);

    /** The frame codec in the pipeline, IOTMP or legacy, which the methods below act on unless overridden. */
    FrameCodec<?> frames();

    default void authenticated() {
        frames().authenticated();
    }

    /** While {@code gate} says no, the codec decodes no further frame (see {@code FrameCodec#decodeGate}). */
    default void decodeGate(BooleanSupplier gate) {
        frames().decodeGate(gate);
    }

    /** The gate opened again: decode what was held back. */
    default void resumeDecoding() {
        frames().resumeDecoding();
    }

    /** The estimated heap of the frame passed on last, valid while it travels down the pipeline. */
    default long lastFrameWeight() {
        return frames().lastFrameWeight();
    }
}
