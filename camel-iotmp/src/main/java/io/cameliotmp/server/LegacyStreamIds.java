package io.cameliotmp.server;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.random.RandomGenerator;

import io.cameliotmp.protocol.legacy.LegacyFrames;

/**
 * Where each legacy device's stream ids go on after a reconnect. A legacy device keeps streaming with the ids of its
 * previous connection after a socket drop (and nested resources even after a keep-alive failure), and has no way to
 * say which resource a sample is of; if the new connection handed out the same ids again, stale samples would be
 * taken for samples of a new stream. So every device's ids continue where its last connection stopped, through the
 * whole 16-bit space, and a stale id is not reused before all the others have been.
 * <p>
 * A device this memory does not know starts at a random id of that space, not at 1: it may well have streams open
 * with ids a server gave it before, one that ran in another JVM or on another member of a cluster, whose ids this
 * memory never saw and which, like every server, would have begun low. Starting at 1 every time, the new server
 * handed a reconnecting board's stale ids out again, and its stale samples reached the new streams. From a random
 * point, the runs of ids the two servers use overlap only by chance (about their lengths over 65535).
 * <p>
 * This outlives connections, so what it keeps is of fixed size whatever the devices are called: one entry per
 * authenticated device, keyed by a salted 64-bit hash of its user and id (never the strings, which a user with a
 * wildcard credential chooses at will), at most {@link ServerLimits#maxLegacyDevicesTracked()}, the least recently
 * connected (or given an id) forgotten first.
 * Two devices whose hashes collide only share where their ids continue. It outlives the server too when the server
 * is started again by its {@link IotmpServerManager}, as the component's are: the devices then attached reconnect to
 * the new server. Thread-safe.
 */
final class LegacyStreamIds {

    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    });

    private final byte[] salt = new byte[16];
    private final int maxDevices;
    private final RandomGenerator firstIds;
    private final Map<Long, Integer> next;

    LegacyStreamIds(int maxDevices) {
        this(maxDevices, new SecureRandom());
    }

    /** @param firstIds where the ids of devices this memory does not know start (tests give a fixed one) */
    LegacyStreamIds(int maxDevices, RandomGenerator firstIds) {
        IotmpServerConfig.requirePositive(maxDevices, "maxDevices");
        this.maxDevices = maxDevices;
        this.firstIds = firstIds;
        new SecureRandom().nextBytes(salt);
        next = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, Integer> eldest) {
                return size() > LegacyStreamIds.this.maxDevices;
            }
        };
    }

    /** The key {@code device}'s ids are kept under: computed once per connection, not per request. */
    long key(DeviceId device) {
        MessageDigest digest = SHA256.get();
        digest.reset();
        digest.update(salt);
        digest.update(device.user().getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
        digest.update(device.device().getBytes(StandardCharsets.UTF_8));
        byte[] hash = digest.digest();
        long value = 0;
        for (int i = 0; i < 8; i++) {
            value = value << 8 | (hash[i] & 0xFF);
        }
        return value;
    }

    /** The device with this {@link #key} has connected: it is now the most recently connected one. */
    synchronized void connected(long device) {
        next.get(device);
    }

    /**
     * The next id of the device with this {@link #key}: where its ids stopped, or a {@link #fresh} one for a device
     * not remembered; the one after it is remembered at once. Every connection of a device draws from this one
     * sequence. Each connection kept its own, begun where the memory stood when it was authenticated, and wrote it
     * back: two connections of one device at once (the one being replaced, or two boards sharing credentials) handed
     * out the same ids, and the older one, allocating after the newer, moved the memory back onto the newer one's
     * ids, which the board's next connection then handed out again.
     */
    synchronized int next(long device) {
        Integer remembered = next.get(device);
        int id = remembered != null ? remembered : fresh();
        next.put(device, id % LegacyFrames.MAX_STREAM_ID + 1);
        return id;
    }

    /** A random first id, 1 to {@link LegacyFrames#MAX_STREAM_ID}: the width of a board's stream ids. */
    synchronized int fresh() {
        return 1 + firstIds.nextInt(LegacyFrames.MAX_STREAM_ID);
    }

    /** How many devices' ids are kept at most. */
    int maxDevices() {
        return maxDevices;
    }

    /** Devices whose ids are kept. */
    synchronized int size() {
        return next.size();
    }
}
