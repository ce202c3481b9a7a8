package io.cameliotmp.camel;

import java.util.concurrent.atomic.AtomicInteger;

import io.cameliotmp.server.IotmpServer;
import io.cameliotmp.server.ServerMetrics;
import io.cameliotmp.server.ServerMetrics.RouteDelivery;
import org.apache.camel.AsyncCallback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The exchanges a topic or events consumer handed to its route and the route has not completed, at most
 * {@code maxDeliveriesInFlight}. Stream samples and device calls are bounded per device by the server's flow control,
 * which stops reading the device; a publication or an event is not acknowledged to anyone, so nothing could wait for
 * the route: beyond the bound it is dropped, counted ({@code iotmp.deliveries.dropped}) and logged within the
 * server's rate limit for lines peers cause. Every exchange is counted, those a synchronous route completes before
 * {@code process} returns too, so the bound is exact; such a route holds one per thread delivering.
 */
final class DeliveriesInFlight {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveriesInFlight.class);

    private final int max;
    private final RouteDelivery kind;
    /** What a dropped delivery was, for the log line: made once, not for every delivery. */
    private final String dropping;
    private final AtomicInteger held = new AtomicInteger();

    /** @param what what one delivery is, for the log, e.g. "a publication for iotmp://topic:a/#" */
    DeliveriesInFlight(int maxDeliveriesInFlight, RouteDelivery kind, String what) {
        this.max = maxDeliveriesInFlight;
        this.kind = kind;
        this.dropping = "Dropping " + what + ": its route has " + maxDeliveriesInFlight + " unfinished";
    }

    /**
     * Takes a place for one delivery; null, after counting the drop, when the route holds as many as it may. The place
     * is given back with {@link #release(ServerMetrics)} of what this returned, once the route completed the exchange
     * (see {@link #releasing}) or if the exchange never reached it: what counted the delivery in, so that a server
     * stopping meanwhile does not leave it counted.
     */
    ServerMetrics tryTake(IotmpServer server) {
        int now;
        do {
            now = held.get();
            if (now >= max) {
                dropped(server);
                return null;
            }
        } while (!held.compareAndSet(now, now + 1));
        ServerMetrics metrics = server == null ? ServerMetrics.NONE : server.metrics();
        metrics.deliveryStarted(kind);
        return metrics;
    }

    void release(ServerMetrics metrics) {
        held.decrementAndGet();
        metrics.deliveryEnded(kind);
    }

    /** The route's callback for an exchange that took a place: gives the place back, then calls {@code then}. */
    AsyncCallback releasing(ServerMetrics metrics, AsyncCallback then) {
        return doneSync -> {
            release(metrics);
            then.done(doneSync);
        };
    }

    /** Exchanges handed to the route and not completed now. */
    int held() {
        return held.get();
    }

    private void dropped(IotmpServer server) {
        if (server == null) {
            return; // stopping: the server's metrics are gone with it
        }
        server.metrics().deliveryDropped(kind);
        server.logPeerCaused(LOG, dropping, "maxDeliveriesInFlight");
    }
}
