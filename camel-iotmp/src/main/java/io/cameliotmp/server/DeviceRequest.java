package io.cameliotmp.server;

/**
 * A server→device request; {@link IotmpServer#send} sends any of them and returns the device's answer.
 */
public sealed interface DeviceRequest {

    /** Runs a resource; {@code input} may be null (read an output), {@code parameters} are handler options. */
    record Run(String resource, Object input, Object parameters) implements DeviceRequest {
    }

    /** Describes the whole API ({@code resource == null}) or one resource. */
    record Describe(String resource) implements DeviceRequest {
    }

    /**
     * Opens a stream on a resource. {@code intervalMillis > 0} samples periodically, 0 streams on change (event mode).
     * Samples go to {@code listener} until either side stops the stream or the device disconnects.
     */
    record StartStream(String resource, long intervalMillis, Object extraParameters, StreamListener listener)
            implements DeviceRequest {
    }

    /** Stops a stream this server opened. */
    record StopStream(int streamId) implements DeviceRequest {
    }

    /** Sends data into an open stream: new input for the resource, or raw bytes of a session. Not answered. */
    record StreamData(int streamId, Object payload) implements DeviceRequest {
    }

    static Run run(String resource, Object input) {
        return new Run(resource, input, null);
    }

    static Describe describe(String resource) {
        return new Describe(resource);
    }

    static StartStream startStream(String resource, long intervalMillis, StreamListener listener) {
        return new StartStream(resource, intervalMillis, null, listener);
    }

    static StopStream stopStream(int streamId) {
        return new StopStream(streamId);
    }

    static StreamData streamData(int streamId, Object payload) {
        return new StreamData(streamId, payload);
    }
}
