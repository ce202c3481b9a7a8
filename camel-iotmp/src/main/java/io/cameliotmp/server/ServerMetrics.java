package io.cameliotmp.server;

import java.util.Locale;

import io.cameliotmp.protocol.session.RequestKind;

/**
 * What a server reports for monitoring. The server calls it from its I/O and session threads, so implementations
 * must be thread-safe and must not block. {@link #NONE} records nothing; {@code MicrometerServerMetrics} feeds
 * Micrometer.
 * <p>
 * Samples received are not an event here: each connection counts its own, and {@link ServerTotals#samplesReceived()}
 * sums them when read, so that a sample costs no shared write.
 */
public interface ServerMetrics {

    ServerMetrics NONE = new ServerMetrics() {
    };

    /** Creates the metrics of one server when it starts, so they can be tagged with its address. */
    @FunctionalInterface
    interface Factory {

        Factory NONE = server -> ServerMetrics.NONE;

        ServerMetrics create(IotmpServer server);
    }

    /** The outcome of a server→device request. */
    enum Outcome {
        OK,
        ERROR,
        TIMEOUT,
        DISCONNECTED
    }

    default void deviceConnected() {
    }

    default void deviceDisconnected() {
    }

    default void authenticationRefused() {
    }

    /**
     * A connection closed on arrival by a limit: maxConnections, maxConnectionsPerSecond(PerAddress), a blocked address
     * or maxUnauthenticatedPerAddress; with proxyProtocol also a connection without a valid PROXY header.
     */
    default void connectionRejected() {
    }

    /**
     * A connection or CONNECT refused by a hardening limit (for connections closed on arrival, in addition to
     * {@link #connectionRejected()}).
     */
    default void refused(Refusal reason) {
    }

    /** A built-in service refused a request because a device or user reached a quota. */
    default void quotaExceeded(QuotaExceededException.Quota quota) {
    }

    /** A server→device request ended. */
    default void requestCompleted(RequestKind kind, long nanos, Outcome outcome) {
    }

    /**
     * A call this server forwarded to the cluster member holding the device ended: {@code nanos} from forwarding to
     * its outcome, as seen by the calling member. A device the holder no longer has counts as
     * {@link Outcome#DISCONNECTED}.
     */
    default void forwardedCallCompleted(long nanos, Outcome outcome) {
    }

    /**
     * How a firmware update of the server ended, as {@link #firmwareUpdateEnded} reports it. The OTA procedure (package
     * {@code io.cameliotmp.server.ota}, which builds on this one) maps its own outcome here, so that the server needs
     * nothing of it: a failure whose reason is a timeout is {@link #TIMEOUT}, any other {@link #FAILED}.
     */
    enum FirmwareOutcome {
        /** The device came back running the expected version. */
        UPDATED,
        /** The device came back, its version unknown: the reconnect is the only confirmation. */
        REBOOTED,
        /** The image was staged and the device told to reboot; the update did not wait for it. */
        STAGED,
        /** The device already ran the expected version; nothing was sent. */
        ALREADY_CURRENT,
        /** The update failed for another reason than a timeout (refused, device gone, checksum, ...). */
        FAILED,
        /** A step was not answered in time, or the device did not come back within the reboot timeout. */
        TIMEOUT;

        /** The metric tag: {@code already-current}, in the root locale whatever the default one. */
        public String tag() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /**
     * A firmware update of this server ended, refused before it began (another update of the device running, an image
     * that could not be read) included. Once per update; an update ending after its server stopped is not counted.
     */
    default void firmwareUpdateEnded(FirmwareOutcome outcome) {
    }

    default void sampleDropped() {
    }

    /**
     * Route consumers whose deliveries are bounded, each by its own {@code maxDeliveriesInFlight} (and topic consumers
     * by their {@code maxDeliveryBytesInFlight}).
     */
    enum RouteDelivery {
        /** A publication on a topic, for an {@code iotmp:topic} consumer. */
        TOPIC,
        /** A device lifecycle event, for an {@code iotmp:events} consumer. */
        EVENT;

        /** The metric tag. */
        public String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * A publication or event was not handed to a route consumer because its route had {@code maxDeliveriesInFlight}
     * exchanges, or {@code maxDeliveryBytesInFlight} bytes, unfinished.
     */
    default void deliveryDropped(RouteDelivery kind) {
    }

    /**
     * A publication or event of {@code bytes} (0 for events, whose size is not counted) was handed to a route
     * consumer; {@link #deliveryEnded} follows once its route completes it.
     */
    default void deliveryStarted(RouteDelivery kind, long bytes) {
    }

    /** The route completed a delivery counted by {@link #deliveryStarted}, with the same bytes. */
    default void deliveryEnded(RouteDelivery kind, long bytes) {
    }

    /**
     * A connection stopped reading its device: its work in flight reached {@code maxInFlight} (four times it under
     * DROP_SAMPLES) or {@code maxDecodedFrameBytes}. Once per pause, however long it lasts.
     */
    default void readingPaused() {
    }

    /**
     * A legacy device sent a sample on a stream id of one of its earlier connections (the stream is gone): it was
     * dropped, never delivered to a stream of the new connection.
     */
    default void staleSampleDropped() {
    }

    /**
     * A legacy device streamed on a stream id of one of its earlier connections, and the server asked it to stop the
     * streams of {@code resources} of its resources, those no stream of the new connection has.
     */
    default void staleStreamsStopped(int resources) {
    }

    /**
     * A connection closed because more than {@code maxPendingWriteBytes} were queued for a peer that does not read,
     * whoever wrote them: the session, or the transport answering the peer by itself (TLS key updates). Once per
     * connection, and only when that was why it closed.
     */
    default void pendingWritesExceeded() {
    }

    /**
     * A WebSocket peer's ping was not answered: the connection was not writable (the peer does not read what is
     * queued for it) or closing. Once per ping dropped.
     */
    default void webSocketPingUnanswered() {
    }

    /**
     * A WebSocket peer broke the WebSocket protocol (an unmasked frame, reserved bits or opcodes, a fragmented or
     * oversized control frame, a frame above the payload limit, a continuation out of place, a close frame with an
     * invalid code or a truncated body): the frame decoder answered with a close frame and the connection closed.
     * Once per connection, since the decoder reads nothing after a violation.
     */
    default void webSocketProtocolViolation() {
    }

    /**
     * A legacy device sent, after its AUTH was answered, a frame the server ignores: one of a flag devices never send
     * towards an open session (RUN, START_STREAM, STOP_STREAM, another AUTH), an answer nobody waits for, or a frame
     * of an unknown type. Stale samples are not among them ({@link #staleSampleDropped()}).
     */
    default void legacyFrameIgnored() {
    }

    default void bytesReceived(long bytes) {
    }

    default void bytesSent(long bytes) {
    }

    /** The server stopped: unregister anything bound to it. */
    default void close() {
    }
}
