package io.cameliotmp.camel;

import io.cameliotmp.server.IotmpServer;
import io.cameliotmp.server.ServerMetrics;
import io.cameliotmp.server.ServerMetrics.RouteDelivery;
import org.apache.camel.AsyncCallback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The exchanges a topic or events consumer handed to its route and the route has not completed: at most
 * {@code maxDeliveriesInFlight} of them, and for topic consumers at most {@code maxDeliveryBytesInFlight} bytes of
 * their payloads (PSON-encoded size), since a publication may be as large as a device's frame and a count alone would
 * let a thousand of them hold gigabytes. One delivery is always taken when the route holds none, however large, so a
 * byte bound below the largest frame slows a topic down to one publication at a time instead of silencing it.
 * <p>
 * Stream samples and device calls are bounded per device by the server's flow control, which stops reading the
 * device; a publication or an event is not acknowledged to anyone, so nothing could wait for the route: beyond the
 * bounds it is dropped, counted ({@code iotmp.deliveries.dropped}) and logged within the server's rate limit for lines
 * peers cause. Every exchange is counted, those a synchronous route completes before {@code process} returns too, so
 * the bounds are exact; such a route holds one per thread delivering.
 */
final class DeliveriesInFlight {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveriesInFlight.class);

    private final int max;
    private final long maxBytes;
    private final RouteDelivery kind;
    /** What a dropped delivery was, for the log lines: made once, not for every delivery. */
    private final String droppingAtCount;
    private final String droppingAtBytes;
    private int held;
    private long heldBytes;

    /**
     * @param maxBytes the bound on the bytes held, {@link Long#MAX_VALUE} for deliveries whose size is bounded
     *                 otherwise (device events: names and reasons)
     * @param what     what one delivery is, for the log, e.g. "a publication for iotmp://topic:a/#"
     */
    DeliveriesInFlight(int maxDeliveriesInFlight, long maxBytes, RouteDelivery kind, String what) {
        this.max = maxDeliveriesInFlight;
        this.maxBytes = maxBytes;
        this.kind = kind;
        this.droppingAtCount = "Dropping " + what + ": its route has " + maxDeliveriesInFlight + " unfinished";
        this.droppingAtBytes = "Dropping " + what + ": its route holds up to " + maxBytes + " bytes unfinished";
    }

    /**
     * Takes a place for one delivery of {@code bytes}; null, after counting the drop, when the route holds as many, or
     * as many bytes, as it may. The place is given back with {@link #release(Place)} once the route completed the
     * exchange (see {@link #releasing}) or if the exchange never reached it; the place remembers what counted it in,
     * so that a server stopping meanwhile does not leave it counted.
     */
    Place tryTake(IotmpServer server, long bytes) {
        boolean atCount;
        boolean took;
        synchronized (this) {
            atCount = held >= max;
            took = !atCount && (held == 0 || bytes <= maxBytes - heldBytes);
            if (took) {
                held++;
                heldBytes += bytes;
            }
        }
        if (took) {
            ServerMetrics metrics = server == null ? ServerMetrics.NONE : server.metrics();
            metrics.deliveryStarted(kind, bytes);
            return new Place(metrics, bytes);
        }
        // outside the lock: the log line may be written
        if (atCount) {
            dropped(server, droppingAtCount, "maxDeliveriesInFlight");
        } else {
            dropped(server, droppingAtBytes, "maxDeliveryBytesInFlight");
        }
        return null;
    }

    void release(Place place) {
        synchronized (this) {
            held--;
            heldBytes -= place.bytes();
        }
        place.metrics().deliveryEnded(kind, place.bytes());
    }

    /** The route's callback for an exchange that took a place: gives the place back, then calls {@code then}. */
    AsyncCallback releasing(Place place, AsyncCallback then) {
        return doneSync -> {
            release(place);
            then.done(doneSync);
        };
    }

    /** Exchanges handed to the route and not completed now. */
    synchronized int held() {
        return held;
    }

    /** Bytes of the payloads handed to the route and not completed now. */
    synchronized long heldBytes() {
        return heldBytes;
    }

    private void dropped(IotmpServer server, String line, String option) {
        if (server == null) {
            return; // stopping: the server's metrics are gone with it
        }
        server.metrics().deliveryDropped(kind);
        server.logPeerCaused(LOG, line, option);
    }

    /** One delivery's place: the metrics that counted it in and the bytes it holds. */
    record Place(ServerMetrics metrics, long bytes) {
    }
}
