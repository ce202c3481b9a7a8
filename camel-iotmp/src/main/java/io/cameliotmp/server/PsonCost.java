package io.cameliotmp.server;

import io.cameliotmp.protocol.PsonFormat;

/**
 * What values held for a peer cost against a byte bound: their PSON encoding (what a device sent, or what one would
 * get), strings counted as UTF-8. The measure of the bounds on what waits for someone else: publications a topic
 * consumer's route has not completed, relays waiting for the other members of a cluster.
 */
public final class PsonCost {

    private PsonCost() {
    }

    /**
     * The bytes of {@code values}, PSON-encoded. A value PSON cannot encode (a route's own object) counts one byte:
     * routes are the application's own, and what a device sends is always PSON.
     */
    public static long of(Object... values) {
        long cost = 0;
        for (Object value : values) {
            try {
                cost += PsonFormat.V2.sizeOf(value);
            } catch (RuntimeException e) {
                cost += 1;
            }
        }
        return cost;
    }
}
