package io.cameliotmp.server;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the connections of a server hold in flight (the estimated heap their {@link FlowControl} counts), summed when
 * read. The total is read by a metrics scrape now and then; a shared adder kept up to date would cost every frame,
 * delivery and release a locked instruction on a line that all I/O threads and workers write.
 * <p>
 * A connection counts here from its creation until its channel has closed and it holds nothing any more, so the
 * deliveries of a closed connection that are still busy go on counting until they end.
 */
final class InFlightBytes {

    private final Set<FlowControl> connections = ConcurrentHashMap.newKeySet();

    void counting(FlowControl connection) {
        connections.add(connection);
    }

    void done(FlowControl connection) {
        connections.remove(connection);
    }

    /** A sum of each connection's exact count, not a snapshot of all at one instant: enough for a gauge. */
    long total() {
        long total = 0;
        for (FlowControl connection : connections) {
            total += connection.inFlightBytes();
        }
        return total;
    }

    /** The connections counted, closed ones that still hold something included. */
    int connections() {
        return connections.size();
    }
}
