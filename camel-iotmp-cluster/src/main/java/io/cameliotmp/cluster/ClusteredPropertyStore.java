package io.cameliotmp.cluster;

import io.cameliotmp.protocol.PsonFormat;
import io.cameliotmp.server.DeviceId;
import io.cameliotmp.server.PropertyQuotas;
import io.cameliotmp.server.PropertyStore;
import io.cameliotmp.server.QuotaExceededException;
import org.infinispan.Cache;

/**
 * Device properties in a replicated cache of the cluster: every member reads them locally, so a device reads what it
 * set through another member, and a route on any member reads and sets them. One entry per device holds all its
 * properties, so the per-device quotas ({@code maxPropertiesPerDevice}, {@code maxPropertyBytesPerDevice}) are
 * checked against what the whole cluster holds; a write replaces the entry only if nobody wrote it meanwhile, and
 * otherwise tries again on the newer one.
 * <p>
 * The bytes of all the devices of a user ({@code maxPropertyBytesPerUser}) are counted cluster-wide too, in one entry
 * per user of a second replicated cache, changed the same way (only if nobody changed it meanwhile): properties
 * outlive their device's connection, and an authenticator may accept any device id of a user, so without this count a
 * device logging in under ever new ids, on one member or spread over all, could fill every member's heap. A write that
 * grows a device's properties first reserves the growth in its user's count, refused beyond the quota, and gives it
 * back if the device's entry changed meanwhile; a write that shrinks them gives the bytes back once it is stored. So
 * the count is never below what the user's devices hold, and concurrent writes through different members never take
 * it past the quota. A write that fails midway (a member leaving, a timeout) may leave its growth counted: that can
 * only refuse a later write early, never let more in.
 */
final class ClusteredPropertyStore implements PropertyStore {

    /**
     * Writes of one device, or counts of one user, racing each other: each retry follows a write that succeeded, so
     * this is reached only by a write losing that many races in a row; it then fails instead of spinning on.
     */
    private static final int MAX_ATTEMPTS = 1_000;

    private final InfinispanCluster cluster;
    private final int maxProperties;
    private final long maxBytes;
    private final long maxUserBytes;

    ClusteredPropertyStore(InfinispanCluster cluster, int maxPropertiesPerDevice, long maxPropertyBytesPerDevice,
                           long maxPropertyBytesPerUser) {
        this.cluster = cluster;
        this.maxProperties = maxPropertiesPerDevice;
        this.maxBytes = maxPropertyBytesPerDevice;
        this.maxUserBytes = maxPropertyBytesPerUser;
    }

    @Override
    public Object read(DeviceId device, String property) {
        PropertySet set = cache().get(HolderRecord.key(device));
        byte[] encoded = set == null ? null : set.get(property);
        return encoded == null ? null : PsonFormat.V2.decode(encoded);
    }

    /** @throws QuotaExceededException if the device or its user would have too many properties or bytes of them */
    @Override
    public void write(DeviceId device, String property, Object value) {
        Cache<String, PropertySet> cache = cache();
        String key = HolderRecord.key(device);
        byte[] encoded = value == null ? null : PsonFormat.V2.toBytes(value);
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            PropertySet current = cache.get(key);
            if (encoded == null) {
                if (current == null) {
                    return;
                }
                PropertySet next = current.without(property);
                if (next == current) {
                    return;
                }
                if (next.isEmpty() ? cache.remove(key, current) : cache.replace(key, current, next)) {
                    release(device.user(), current.bytes() - next.bytes());
                    return;
                }
            } else {
                PropertySet base = current == null ? PropertySet.empty() : current;
                PropertySet next = base.with(property, encoded, maxProperties, maxBytes);
                long growth = next.bytes() - base.bytes();
                if (growth > 0) {
                    reserve(device.user(), property, growth);
                }
                if (current == null ? cache.putIfAbsent(key, next) == null : cache.replace(key, current, next)) {
                    if (growth < 0) {
                        release(device.user(), -growth);
                    }
                    return;
                }
                if (growth > 0) {
                    release(device.user(), growth); // not written: the next attempt reserves what it needs
                }
            }
        }
        throw new IllegalStateException("property " + property + " of " + device + " is written too often at once");
    }

    /**
     * Adds {@code bytes} to the user's count.
     *
     * @throws QuotaExceededException if that would take it beyond {@code maxPropertyBytesPerUser}
     */
    private void reserve(String user, String property, long bytes) {
        Cache<String, Long> users = users();
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Long held = users.get(user);
            long after = (held == null ? 0 : held) + bytes;
            PropertyQuotas.checkUser(property, after, maxUserBytes);
            if (held == null ? users.putIfAbsent(user, after) == null : users.replace(user, held, after)) {
                return;
            }
        }
        throw new IllegalStateException("the property bytes of user " + user + " are counted too often at once");
    }

    /**
     * Takes {@code bytes} off the user's count; a count reaching zero is removed, so a user without properties keeps
     * no entry.
     */
    private void release(String user, long bytes) {
        Cache<String, Long> users = users();
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Long held = users.get(user);
            if (held == null) {
                return; // only after a split healed with the count of another side: nothing of it to give back
            }
            long after = held - bytes;
            if (after <= 0 ? users.remove(user, held) : users.replace(user, held, after)) {
                return;
            }
        }
        throw new IllegalStateException("the property bytes of user " + user + " are counted too often at once");
    }

    private Cache<String, Long> users() {
        Cache<String, Long> users = cluster.propertyUsers();
        if (users == null) {
            throw new IllegalStateException("cluster member " + cluster.memberName() + " is not joined");
        }
        return users;
    }

    private Cache<String, PropertySet> cache() {
        Cache<String, PropertySet> cache = cluster.properties();
        if (cache == null) {
            throw new IllegalStateException("cluster member " + cluster.memberName() + " is not joined");
        }
        return cache;
    }

    @Override
    public String toString() {
        return "properties of cluster " + cluster.options().name();
    }
}
