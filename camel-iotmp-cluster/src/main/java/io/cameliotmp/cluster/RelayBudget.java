package io.cameliotmp.cluster;

import java.util.HashMap;
import java.util.Map;

import io.cameliotmp.server.DeviceId;

/**
 * What the relays of a member waiting for the other members hold: how many they are, and the bytes of the values
 * they carry. A count alone let a device that publishes frames of {@code maxFrameSize} make a member hold
 * {@code maxRelaysInFlight} times that (10,000 × 256 KiB at the defaults) while another member is slow; the bytes are
 * bounded apart ({@link RelayBounds#maxRelayBytesInFlight()}). Both bounds alone let one device that publishes
 * fast, or publishes full frames, take the member's whole budget while another member is slow, and every other
 * device's relays were refused meanwhile: each device has a share of both
 * ({@link RelayBounds#maxRelaysPerDevice()}, {@link RelayBounds#maxRelayBytesPerDevice()}). A user's devices
 * together still could (a {@code user/*} credential lets one customer connect as many device ids as it likes): the
 * devices of one user have a share too ({@link RelayBounds#maxRelaysPerUser()},
 * {@link RelayBounds#maxRelayBytesPerUser()}), so they cannot starve the relays of the other users. The bounds are
 * read at each relay, from the options of the member, which are set after this budget is made.
 */
final class RelayBudget {

    /** Why a relay found no room, for the caller's refusal; null when it was taken. */
    enum Refusal {
        COUNT("maxRelaysInFlight"), BYTES("maxRelayBytesInFlight"), DEVICE_COUNT("maxRelaysPerDevice"),
        DEVICE_BYTES("maxRelayBytesPerDevice"), USER_COUNT("maxRelaysPerUser"), USER_BYTES("maxRelayBytesPerUser");

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

        boolean userShare() {
            return this == USER_COUNT || this == USER_BYTES;
        }
    }

    private int count;
    private long bytes;
    /**
     * What the relays of each device hold now: {count, bytes}. A device has an entry only while one of its relays
     * waits, so there are at most {@code maxRelaysInFlight} entries.
     */
    private final Map<DeviceId, long[]> devices = new HashMap<>();
    /** What the relays of the devices of each user hold now, {count, bytes}: an entry only while one waits. */
    private final Map<String, long[]> users = new HashMap<>();
    private long deviceShareRefusals;
    private long userShareRefusals;

    /**
     * Takes room for one relay of {@code cost} bytes, or tells which bound it would cross; a relay that alone costs
     * more than a bytes' bound never fits. A relay of a device ({@code device} not null: its publication, its
     * retained message, an update of its property) also takes from that device's share and from its user's, so that
     * neither one device nor the many devices of one user can take the member's whole budget and starve the relays
     * of every other device or user.
     */
    synchronized Refusal take(DeviceId device, long cost, RelayBounds bounds) {
        if (count >= bounds.maxRelaysInFlight()) {
            return Refusal.COUNT;
        }
        if (cost > bounds.maxRelayBytesInFlight() - bytes) {
            return Refusal.BYTES;
        }
        if (device != null) {
            Refusal share = beyond(devices.get(device), cost, bounds.maxRelaysPerDevice(),
                    bounds.maxRelayBytesPerDevice(), Refusal.DEVICE_COUNT, Refusal.DEVICE_BYTES);
            if (share == null) {
                share = beyond(users.get(device.user()), cost, bounds.maxRelaysPerUser(),
                        bounds.maxRelayBytesPerUser(), Refusal.USER_COUNT, Refusal.USER_BYTES);
            }
            if (share != null) {
                if (share.deviceShare()) {
                    deviceShareRefusals++;
                } else {
                    userShareRefusals++;
                }
                return share;
            }
        }
        count++;
        bytes += cost;
        if (device != null) {
            add(devices, device, cost);
            add(users, device.user(), cost);
        }
        return null;
    }

    /** Gives back what a relay took, once its members answered (or it failed). */
    synchronized void release(DeviceId device, long cost) {
        count--;
        bytes -= cost;
        if (device != null) {
            remove(devices, device, cost);
            remove(users, device.user(), cost);
        }
    }

    /** The bound of a share ({count, bytes} taken, null for nothing) this relay would cross, or null. */
    private static Refusal beyond(long[] taken, long cost, long maxCount, long maxBytes, Refusal byCount,
                                  Refusal byBytes) {
        if (taken != null && taken[0] >= maxCount) {
            return byCount;
        }
        if (cost > maxBytes - (taken == null ? 0 : taken[1])) {
            return byBytes;
        }
        return null;
    }

    private static <K> void add(Map<K, long[]> shares, K key, long cost) {
        long[] taken = shares.computeIfAbsent(key, k -> new long[2]);
        taken[0]++;
        taken[1] += cost;
    }

    /** Gives a relay's room back to a share; a share with no relay left is forgotten. */
    private static <K> void remove(Map<K, long[]> shares, K key, long cost) {
        long[] taken = shares.get(key);
        if (taken == null) {
            return;
        }
        if (--taken[0] <= 0) {
            shares.remove(key);
        } else {
            taken[1] -= cost;
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

    /** The bytes the relays of the devices of this user hold now. */
    synchronized long userBytes(String user) {
        long[] share = users.get(user);
        return share == null ? 0 : share[1];
    }

    /** Devices with a relay waiting now. */
    synchronized int devices() {
        return devices.size();
    }

    /** Users with a relay of one of their devices waiting now. */
    synchronized int users() {
        return users.size();
    }

    /** Relays refused because their device had its share already (they count among the refusals too). */
    synchronized long deviceShareRefusals() {
        return deviceShareRefusals;
    }

    /**
     * Relays refused because the devices of their user had the user's share already (they count among the refusals
     * too, not among {@link #deviceShareRefusals()}).
     */
    synchronized long userShareRefusals() {
        return userShareRefusals;
    }
}
