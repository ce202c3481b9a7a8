package io.cameliotmp.server;

import java.util.concurrent.CompletionStage;

/**
 * Receives the samples of a device stream. The returned stage tells the server when the sample has been handled;
 * until then it counts against the device's in-flight bound, which is how a slow consumer slows the device down
 * instead of making the server buffer without limit.
 */
public interface StreamListener {

    CompletionStage<Void> onSample(StreamSample sample);

    /** The stream ended: stopped by either side, refused by the device, or the connection closed. */
    default void onStreamEnded(DeviceRegistration registration, String resource, int streamId, String reason) {
    }

    /** The device refused to open the stream, or did not answer in time. */
    default void onStreamFailed(DeviceRegistration registration, String resource, Throwable cause) {
    }
}
