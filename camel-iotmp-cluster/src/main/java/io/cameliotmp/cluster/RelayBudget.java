package io.cameliotmp.cluster;

import io.cameliotmp.protocol.PsonFormat;

/**
 * What the relays of a member waiting for the other members hold: how many they are, and the bytes of the values
 * they carry. A count alone let a device that publishes frames of {@code maxFrameSize} make a member hold
 * {@code maxRelaysInFlight} times that (10,000 × 256 KiB at the defaults) while another member is slow; the bytes are
 * bounded apart ({@link ClusterOptions#maxRelayBytesInFlight()}). The bounds are read at each relay, from the
 * options of the member, which are set after this budget is made.
 */
final class RelayBudget {

    /** Why a relay found no room, for the caller's refusal; null when it was taken. */
    enum Refusal { COUNT, BYTES }

    private int count;
    private long bytes;

    /**
     * Takes room for one relay of {@code cost} bytes, or tells which bound it would cross; a relay that alone costs
     * more than {@code maxBytes} never fits.
     */
    synchronized Refusal take(long cost, int maxCount, long maxBytes) {
        if (count >= maxCount) {
            return Refusal.COUNT;
        }
        if (cost > maxBytes - bytes) {
            return Refusal.BYTES;
        }
        count++;
        bytes += cost;
        return null;
    }

    /** Gives back what a relay took, once its members answered (or it failed). */
    synchronized void release(long cost) {
        count--;
        bytes -= cost;
    }

    synchronized int count() {
        return count;
    }

    synchronized long bytes() {
        return bytes;
    }

    /**
     * The bytes a relay carrying these values costs: their PSON encoding (what a device sent, or what one would get),
     * strings counted as UTF-8. A value PSON cannot encode (a route's own object) counts one byte: routes are the
     * application's own, and what a device relays is always PSON.
     */
    static long cost(Object... values) {
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
