package io.cameliotmp.server;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The server's count of samples received, summed when it is read rather than kept as it happens. Each connection
 * already counts its own samples ({@link ConnectionCounters#SAMPLES_IN}, a plain write by the one thread that handles
 * its frames); a server-wide adder on top would cost every sample a locked instruction, the largest cost left per
 * sample of batched ingest. The total is read rarely (status, the dev console, a metrics scrape) and then costs one
 * pass over the connected devices.
 * <p>
 * A connection counts here from its authentication to its end; samples arrive only in between. When it ends its count
 * moves to {@link #ofEnded}, under the same lock as the sum, so a total never counts a connection twice or drops it,
 * and totals read one after the other never go down.
 */
final class ReceivedSamples {

    private final Set<ConnectionCounters> counting = ConcurrentHashMap.newKeySet();
    /** Samples of connections that ended. */
    private long ofEnded;

    /** A device authenticated: its connection's samples count from now on. */
    void started(ConnectionCounters connection) {
        counting.add(connection);
    }

    /**
     * The connection ended; called on the thread that handled its frames, after the last of them, so its count is
     * final. Ending twice counts once.
     */
    synchronized void ended(ConnectionCounters connection) {
        if (counting.remove(connection)) {
            ofEnded += connection.get(ConnectionCounters.SAMPLES_IN);
        }
    }

    synchronized long total() {
        long total = ofEnded;
        for (ConnectionCounters connection : counting) {
            total += connection.get(ConnectionCounters.SAMPLES_IN);
        }
        return total;
    }
}
