package io.cameliotmp.cluster;

import java.util.HashMap;
import java.util.Map;

import io.cameliotmp.protocol.PsonFormat;
import io.cameliotmp.server.DeviceId;

/**
 * What the relays of a member waiting for the other members hold: how many they are, and the bytes of the values
 * they carry. A count alone let a device that publishes frames of {@code maxFrameSize} make a member hold
 * {@code maxRelaysInFlight} times that (10,000 × 256 KiB at the defaults) while another member is slow; the bytes are
 * bounded apart ({@link ClusterOptions#maxRelayBytesInFlight()}). Both bounds alone let one device that publishes
 * fast, or publishes full frames, take the member's whole budget while another member is slow, and every other
 * device's relays were refused meanwhile: each device has a share of both
 * ({@link ClusterOptions#maxRelaysPerDevice()}, {@link ClusterOptions#maxRelayBytesPerDevice()}). The bounds are
 * read at each relay, from the options of the member, which are set after this budget is made.
 */
final class RelayBudget {

    /** Why a relay found no room, for the caller's refusal; null when it was taken. */
    enum Refusal {
        COUNT("maxRelaysInFlight"), BYTES("maxRelayBytesInFlight"), DEVICE_COUNT("maxRelaysPerDevice"),
        DEVICE_BYTES("maxRelayBytesPerDevice");

        private final String option;

        Refusal(String option) {
            this.option = option;
        }

        /** The option whose bound refused the relay. */
        String option() {
            return option;
        }

        boolean deviceShare() {
            return this == DEVICE_COUNT || this == DEVICE_BYTES;
        }
    }

    private int count;
    private long bytes;
    /**
     * What the relays of each device hold now: {count, bytes}. A device has an entry only while one of its relays
     * waits, so there are at most {@code maxRelaysInFlight} entries.
     */
    private final Map<DeviceId, long[]> devices = new HashMap<>();
    private long deviceShareRefusals;

    /**
     * Takes room for one relay of {@code cost} bytes, or tells which bound it would cross; a relay that alone costs
     * more than a bytes' bound never fits. A relay of a device ({@code device} not null: its publication, its
     * retained message, an update of its property) also takes from that device's share, so that one device cannot
     * take the member's whole budget and starve the relays of every other device.
     */
    synchronized Refusal take(DeviceId device, long cost, ClusterOptions options) {
        if (count >= options.maxRelaysInFlight()) {
            return Refusal.COUNT;
        }
        if (cost > options.maxRelayBytesInFlight() - bytes) {
            return Refusal.BYTES;
        }
        long[] share = device == null ? null : devices.get(device);
        if (share != null && share[0] >= options.maxRelaysPerDevice()) {
            deviceShareRefusals++;
            return Refusal.DEVICE_COUNT;
        }
        if (device != null && cost > options.maxRelayBytesPerDevice() - (share == null ? 0 : share[1])) {
            deviceShareRefusals++;
            return Refusal.DEVICE_BYTES;
        }
        count++;
        bytes += cost;
        if (device != null) {
            long[] taken = share != null ? share : devices.computeIfAbsent(device, d -> new long[2]);
            taken[0]++;
            taken[1] += cost;
        }
        return null;
    }

    /** Gives back what a relay took, once its members answered (or it failed). */
    synchronized void release(DeviceId device, long cost) {
        count--;
        bytes -= cost;
        long[] share = device == null ? null : devices.get(device);
        if (share != null && --share[0] <= 0) {
            devices.remove(device);
        } else if (share != null) {
            share[1] -= cost;
        }
    }

    synchronized int count() {
        return count;
    }

    synchronized long bytes() {
        return bytes;
    }

    /** The bytes the relays of this device hold now. */
    synchronized long bytes(DeviceId device) {
        long[] share = devices.get(device);
        return share == null ? 0 : share[1];
    }

    /** Devices with a relay waiting now. */
    synchronized int devices() {
        return devices.size();
    }

    /** Relays refused because their device had its share already (they count among the refusals too). */
    synchronized long deviceShareRefusals() {
        return deviceShareRefusals;
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
