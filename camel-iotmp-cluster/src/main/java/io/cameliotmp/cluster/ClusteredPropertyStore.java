package io.cameliotmp.cluster;

import io.cameliotmp.protocol.PsonFormat;
import io.cameliotmp.server.DeviceId;
import io.cameliotmp.server.PropertyStore;
import io.cameliotmp.server.QuotaExceededException;
import org.infinispan.Cache;

/**
 * Device properties in a replicated cache of the cluster: every member reads them locally, so a device reads what it
 * set through another member, and a route on any member reads and sets them. One entry per device holds all its
 * properties, so the per-device quotas ({@code maxPropertiesPerDevice}, {@code maxPropertyBytesPerDevice}) are
 * checked against what the whole cluster holds; a write replaces the entry only if nobody wrote it meanwhile, and
 * otherwise tries again on the newer one.
 */
final class ClusteredPropertyStore implements PropertyStore {

    /** Writes of one device racing each other: each retry follows a write that succeeded, so this is never reached. */
    private static final int MAX_ATTEMPTS = 1_000;

    private final InfinispanCluster cluster;
    private final int maxProperties;
    private final long maxBytes;

    ClusteredPropertyStore(InfinispanCluster cluster, int maxPropertiesPerDevice, long maxPropertyBytesPerDevice) {
        this.cluster = cluster;
        this.maxProperties = maxPropertiesPerDevice;
        this.maxBytes = maxPropertyBytesPerDevice;
    }

    @Override
    public Object read(DeviceId device, String property) {
        PropertySet set = cache().get(HolderRecord.key(device));
        byte[] encoded = set == null ? null : set.get(property);
        return encoded == null ? null : PsonFormat.V2.decode(encoded);
    }

    /** @throws QuotaExceededException if the device would have too many properties or bytes of them */
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
                    return;
                }
            } else {
                PropertySet next = (current == null ? PropertySet.empty() : current)
                        .with(property, encoded, maxProperties, maxBytes);
                if (current == null ? cache.putIfAbsent(key, next) == null : cache.replace(key, current, next)) {
                    return;
                }
            }
        }
        throw new IllegalStateException("property " + property + " of " + device + " is written too often at once");
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
