package io.cameliotmp.server;

/**
 * A server→device request; {@link IotmpServer#send} sends any of them and returns the device's answer.
 */
public sealed interface DeviceRequest {

    /**
     * Calls the visitor's method for this kind of request. Java 17 has no pattern switch, so this is how code that
     * must handle every kind is checked by the compiler: a new kind adds a method here, and every visitor must
     * implement it.
     */
    <R> R accept(Visitor<R> visitor);

    /** One method per kind of request; see {@link #accept}. */
    interface Visitor<R> {
        R run(Run run);

        R describe(Describe describe);

        R startStream(StartStream start);

        R stopStream(StopStream stop);

        R streamData(StreamData data);
    }

    /** Runs a resource; {@code input} may be null (read an output), {@code parameters} are handler options. */
    record Run(String resource, Object input, Object parameters) implements DeviceRequest {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.run(this);
        }
    }

    /** Describes the whole API ({@code resource == null}) or one resource. */
    record Describe(String resource) implements DeviceRequest {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.describe(this);
        }
    }

    /**
     * Opens a stream on a resource. {@code intervalMillis > 0} samples periodically, 0 streams on change (event mode).
     * Samples go to {@code listener} until either side stops the stream or the device disconnects.
     */
    record StartStream(String resource, long intervalMillis, Object extraParameters, StreamListener listener)
            implements DeviceRequest {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.startStream(this);
        }
    }

    /** Stops a stream this server opened. */
    record StopStream(int streamId) implements DeviceRequest {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.stopStream(this);
        }
    }

    /** Sends data into an open stream: new input for the resource, or raw bytes of a session. Not answered. */
    record StreamData(int streamId, Object payload) implements DeviceRequest {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.streamData(this);
        }
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
