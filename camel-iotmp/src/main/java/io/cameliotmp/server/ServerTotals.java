package io.cameliotmp.server;

import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;

import io.cameliotmp.protocol.session.RequestKind;
import io.cameliotmp.server.ServerMetrics.RouteDelivery;

/**
 * What one server has counted since it was created, whether or not Micrometer is present: the numbers the dev
 * console, the JMX view and the {@code status} operation show. Kept by a {@link ServerMetrics} that counts and then
 * hands every event on to the configured metrics.
 */
public final class ServerTotals {

    private final LongAdder connected = new LongAdder();
    private final LongAdder disconnected = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder requests = new LongAdder();
    private final LongAdder requestsFailed = new LongAdder();
    private final LongAdder requestsTimedOut = new LongAdder();
    private final ReceivedSamples samplesReceived = new ReceivedSamples();
    private final LongAdder samplesDropped = new LongAdder();
    private final LongAdder staleSamplesDropped = new LongAdder();
    private final LongAdder staleStreamsStopped = new LongAdder();
    private final LongAdder deliveriesDropped = new LongAdder();
    /** Per {@link RouteDelivery} ordinal: a gauge, so an increment and a decrement per delivery. */
    private final LongAdder[] deliveriesInFlight = Stream.generate(LongAdder::new)
            .limit(RouteDelivery.values().length).toArray(LongAdder[]::new);
    private final LongAdder[] deliveryBytesInFlight = Stream.generate(LongAdder::new)
            .limit(RouteDelivery.values().length).toArray(LongAdder[]::new);
    private final LongAdder readingPauses = new LongAdder();
    private final LongAdder pendingWritesExceeded = new LongAdder();
    private final LongAdder webSocketPingsUnanswered = new LongAdder();
    private final LongAdder webSocketProtocolViolations = new LongAdder();
    private final LongAdder legacyFramesIgnored = new LongAdder();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final LongAdder refusedByLimits = new LongAdder();
    private final LongAdder quotaRefusals = new LongAdder();
    private final LongAdder forwardedCalls = new LongAdder();
    private final LongAdder forwardedCallsFailed = new LongAdder();
    private final LongAdder forwardedCallsTimedOut = new LongAdder();
    private final LongAdder firmwareUpdates = new LongAdder();
    private final LongAdder firmwareUpdatesFailed = new LongAdder();
    private final LongAdder firmwareUpdatesTimedOut = new LongAdder();

    /** Devices accepted (CONNECT authenticated). */
    public long connected() {
        return connected.sum();
    }

    /** Connections of accepted devices that ended. */
    public long disconnected() {
        return disconnected.sum();
    }

    /** CONNECTs refused by authentication, blocked device ids included. */
    public long refused() {
        return refused.sum();
    }

    /** Connections closed on arrival by maxConnections, maxConnectionsPerSecond or a blocked address. */
    public long rejected() {
        return rejected.sum();
    }

    /** Requests of the server to devices that ended, whatever the outcome. */
    public long requests() {
        return requests.sum();
    }

    /** Requests the device answered with ERROR, or that failed because the connection ended. */
    public long requestsFailed() {
        return requestsFailed.sum();
    }

    /** Requests the device did not answer in time. */
    public long requestsTimedOut() {
        return requestsTimedOut.sum();
    }

    /**
     * Samples received on streams, summed over the connections when read (see {@link ReceivedSamples}): one pass
     * over the connected devices, so not for a hot loop.
     */
    public long samplesReceived() {
        return samplesReceived.total();
    }

    /** Where connections count the samples of {@link #samplesReceived()}. */
    ReceivedSamples receivedSamples() {
        return samplesReceived;
    }

    /** Samples dropped by {@link BackpressurePolicy#DROP_SAMPLES}. */
    public long samplesDropped() {
        return samplesDropped.sum();
    }

    /**
     * Publications and events not handed to a topic or events consumer whose route had {@code maxDeliveriesInFlight}
     * exchanges unfinished.
     */
    public long deliveriesDropped() {
        return deliveriesDropped.sum();
    }

    /** Publications and events handed to topic and events consumers of this kind and not completed by their routes. */
    public long deliveriesInFlight(RouteDelivery kind) {
        return deliveriesInFlight[kind.ordinal()].sum();
    }

    /**
     * Bytes of the publications counted by {@link #deliveriesInFlight} (topic and PSON-encoded payload; events count
     * none), each topic consumer's at most its {@code maxDeliveryBytesInFlight}, or one publication larger alone.
     */
    public long deliveryBytesInFlight(RouteDelivery kind) {
        return deliveryBytesInFlight[kind.ordinal()].sum();
    }

    /** Samples of legacy devices on stream ids of an earlier connection, dropped. */
    public long staleSamplesDropped() {
        return staleSamplesDropped.sum();
    }

    /**
     * Resources of legacy devices the server asked to stop streaming because the device went on streaming on ids of an
     * earlier connection.
     */
    public long staleStreamsStopped() {
        return staleStreamsStopped.sum();
    }

    /** Times a connection stopped reading its device because its work in flight reached a bound. */
    public long readingPauses() {
        return readingPauses.sum();
    }

    /** Connections closed because more than {@code maxPendingWriteBytes} were queued for a peer that does not read. */
    public long pendingWritesExceeded() {
        return pendingWritesExceeded.sum();
    }

    /** WebSocket pings not answered because the connection was not writable (its peer does not read) or closing. */
    public long webSocketPingsUnanswered() {
        return webSocketPingsUnanswered.sum();
    }

    /** WebSocket connections closed because their peer broke the WebSocket protocol. */
    public long webSocketProtocolViolations() {
        return webSocketProtocolViolations.sum();
    }

    /** Frames legacy devices sent after their AUTH was answered that the server ignored (stale samples apart). */
    public long legacyFramesIgnored() {
        return legacyFramesIgnored.sum();
    }

    public long bytesIn() {
        return bytesIn.sum();
    }

    public long bytesOut() {
        return bytesOut.sum();
    }

    /** Connections and CONNECTs refused by a limit against hostile peers (see {@link Refusal}). */
    public long refusedByLimits() {
        return refusedByLimits.sum();
    }

    /** Requests of devices refused because a quota was reached. */
    public long quotaRefusals() {
        return quotaRefusals.sum();
    }

    /** Calls this member forwarded to the cluster member holding the device that ended, whatever the outcome. */
    public long forwardedCalls() {
        return forwardedCalls.sum();
    }

    /** Forwarded calls the device answered with ERROR, or whose device or holding member went away. */
    public long forwardedCallsFailed() {
        return forwardedCallsFailed.sum();
    }

    /** Forwarded calls the device did not answer in time. */
    public long forwardedCallsTimedOut() {
        return forwardedCallsTimedOut.sum();
    }

    /** Firmware updates of this server that ended, whatever the outcome. */
    public long firmwareUpdates() {
        return firmwareUpdates.sum();
    }

    /** Firmware updates that failed for another reason than a timeout (refused ones included). */
    public long firmwareUpdatesFailed() {
        return firmwareUpdatesFailed.sum();
    }

    /** Firmware updates that failed because the device did not answer a step or come back in time. */
    public long firmwareUpdatesTimedOut() {
        return firmwareUpdatesTimedOut.sum();
    }

    /**
     * Metrics that count here first, then hand the event to {@code next}. Every method of {@link ServerMetrics} is
     * overridden, or an event would stop here; ServerTotalsTest checks it.
     */
    ServerMetrics counting(ServerMetrics next) {
        return new ServerMetrics() {
            @Override
            public void deviceConnected() {
                connected.increment();
                next.deviceConnected();
            }

            @Override
            public void deviceDisconnected() {
                disconnected.increment();
                next.deviceDisconnected();
            }

            @Override
            public void authenticationRefused() {
                refused.increment();
                next.authenticationRefused();
            }

            @Override
            public void connectionRejected() {
                rejected.increment();
                next.connectionRejected();
            }

            @Override
            public void refused(Refusal reason) {
                refusedByLimits.increment();
                next.refused(reason);
            }

            @Override
            public void quotaExceeded(QuotaExceededException.Quota quota) {
                quotaRefusals.increment();
                next.quotaExceeded(quota);
            }

            @Override
            public void requestCompleted(RequestKind kind, long nanos, Outcome outcome) {
                requests.increment();
                if (outcome == Outcome.ERROR || outcome == Outcome.DISCONNECTED) {
                    requestsFailed.increment();
                } else if (outcome == Outcome.TIMEOUT) {
                    requestsTimedOut.increment();
                }
                next.requestCompleted(kind, nanos, outcome);
            }

            @Override
            public void forwardedCallCompleted(long nanos, Outcome outcome) {
                forwardedCalls.increment();
                if (outcome == Outcome.ERROR || outcome == Outcome.DISCONNECTED) {
                    forwardedCallsFailed.increment();
                } else if (outcome == Outcome.TIMEOUT) {
                    forwardedCallsTimedOut.increment();
                }
                next.forwardedCallCompleted(nanos, outcome);
            }

            @Override
            public void firmwareUpdateEnded(FirmwareOutcome outcome) {
                firmwareUpdates.increment();
                if (outcome == FirmwareOutcome.FAILED) {
                    firmwareUpdatesFailed.increment();
                } else if (outcome == FirmwareOutcome.TIMEOUT) {
                    firmwareUpdatesTimedOut.increment();
                }
                next.firmwareUpdateEnded(outcome);
            }

            @Override
            public void sampleDropped() {
                samplesDropped.increment();
                next.sampleDropped();
            }

            @Override
            public void deliveryDropped(RouteDelivery kind) {
                deliveriesDropped.increment();
                next.deliveryDropped(kind);
            }

            @Override
            public void deliveryStarted(RouteDelivery kind, long bytes) {
                deliveriesInFlight[kind.ordinal()].increment();
                deliveryBytesInFlight[kind.ordinal()].add(bytes);
                next.deliveryStarted(kind, bytes);
            }

            @Override
            public void deliveryEnded(RouteDelivery kind, long bytes) {
                deliveriesInFlight[kind.ordinal()].decrement();
                deliveryBytesInFlight[kind.ordinal()].add(-bytes);
                next.deliveryEnded(kind, bytes);
            }

            @Override
            public void staleSampleDropped() {
                staleSamplesDropped.increment();
                next.staleSampleDropped();
            }

            @Override
            public void staleStreamsStopped(int resources) {
                staleStreamsStopped.add(resources);
                next.staleStreamsStopped(resources);
            }

            @Override
            public void readingPaused() {
                readingPauses.increment();
                next.readingPaused();
            }

            @Override
            public void pendingWritesExceeded() {
                pendingWritesExceeded.increment();
                next.pendingWritesExceeded();
            }

            @Override
            public void webSocketPingUnanswered() {
                webSocketPingsUnanswered.increment();
                next.webSocketPingUnanswered();
            }

            @Override
            public void webSocketProtocolViolation() {
                webSocketProtocolViolations.increment();
                next.webSocketProtocolViolation();
            }

            @Override
            public void legacyFrameIgnored() {
                legacyFramesIgnored.increment();
                next.legacyFrameIgnored();
            }

            @Override
            public void bytesReceived(long bytes) {
                bytesIn.add(bytes);
                next.bytesReceived(bytes);
            }

            @Override
            public void bytesSent(long bytes) {
                bytesOut.add(bytes);
                next.bytesSent(bytes);
            }

            @Override
            public void close() {
                next.close();
            }
        };
    }
}
