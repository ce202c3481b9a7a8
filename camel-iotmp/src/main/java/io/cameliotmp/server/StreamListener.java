package io.cameliotmp.server;

import java.util.concurrent.CompletionStage;

/**
 * Receives the samples of a device stream. The returned stage tells the server when the sample has been handled;
 * until then it counts against the device's in-flight bound, which is how a slow consumer slows the device down
 * instead of making the server buffer without limit.
 */
public interface StreamListener {

    CompletionStage<Void> onSample(StreamSample sample);

    /**
     * The listener for one device's samples, asked once when a subscription starts serving a device. A listener that
     * prepares something per device (the parts of a message that never change, a lookup) returns an object holding
     * it, kept as long as the subscription serves that connection; the default serves every device itself.
     */
    default StreamListener forDevice(DeviceRegistration registration) {
        return this;
    }

    /**
     * Whether {@link #onSample} may be called on the connection's I/O thread, skipping the hop to the connection's
     * worker: only for a listener that never blocks and is safe to call from any thread (a consumer that appends the
     * sample to a batch and processes batches elsewhere). Samples of one device still arrive in their order. Asked of
     * the listener {@link #forDevice} returned.
     */
    default boolean acceptsSamplesOnIoThread() {
        return false;
    }

    /**
     * Takes a sample on the I/O thread ({@link #acceptsSamplesOnIoThread}) from its parts, so that a listener that
     * keeps samples in a form of its own (a batching consumer's batch element) spares the server building a
     * {@link StreamSample} for each: at high rates, every object per sample counts. The default builds one for
     * {@link #onSample}.
     *
     * @param receivedAtMillis when the server received the sample, in milliseconds since the epoch
     */
    default CompletionStage<Void> onSampleOnIoThread(DeviceRegistration registration, String resource, int streamId,
                                                     Object payload, long receivedAtMillis) {
        return onSample(new StreamSample(registration, resource, streamId, payload, receivedAtMillis));
    }

    /** The stream ended: stopped by either side, refused by the device, or the connection closed. */
    default void onStreamEnded(DeviceRegistration registration, String resource, int streamId, String reason) {
    }

    /**
     * The stream ended because the device's connection ended (or, in a cluster, the member holding it left) rather
     * than being stopped by either side. A listener waiting for an outcome fails it with the disconnect; the default
     * treats it as any other end.
     */
    default void onStreamLost(DeviceRegistration registration, String resource, int streamId, String reason) {
        onStreamEnded(registration, resource, streamId, reason);
    }

    /** The device refused to open the stream, or did not answer in time. */
    default void onStreamFailed(DeviceRegistration registration, String resource, Throwable cause) {
    }
}
