package io.cameliotmp.server;

import java.util.List;

/**
 * A look inside one device connection at one moment, taken on the connection's executor (see
 * {@link DeviceConnection#inspect()}): its counters, the server's requests waiting for an answer, and the streams
 * open on the device, with the subscriptions each serves.
 *
 * @param pendingRequests requests of the server the device has not answered yet
 * @param streams         the streams the server opened on the device's resources
 * @param deviceStreams   the event streams the device opened toward the server (topics, properties, events)
 */
public record ConnectionDetails(DeviceRegistration registration, SessionCounters counters, int pendingRequests,
                                List<Stream> streams, int deviceStreams) {

    /**
     * One stream the server opened on a device resource.
     *
     * @param intervalMillis the sampling interval asked for; 0 for on change
     * @param confirmed      whether the device answered the START_STREAM with OK
     * @param subscriptions  the standing subscriptions (consumers) the stream serves; empty for a stream a producer
     *                       opened ({@code startStream}, byte sessions, downloads)
     * @param listener       who receives the stream's samples
     */
    public record Stream(int streamId, String resource, long intervalMillis, boolean confirmed,
                         List<StreamSubscription> subscriptions, StreamListener listener) {
    }
}
