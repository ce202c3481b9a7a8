package io.cameliotmp.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.cameliotmp.server.DeviceDirectory;
import io.cameliotmp.server.DeviceId;
import io.cameliotmp.server.DirectoryEntry;
import io.cameliotmp.server.LocalDevices;
import org.infinispan.Cache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's directory of which member holds each device: a replicated cache (every member reads it locally)
 * whose entry names the device's newest connection ({@link HolderRecord#newerThan}). Claims and releases are
 * conditional writes, decided where the entry is owned; a member whose entry is overwritten by another's learns of
 * it from the write ({@link DirectoryWrites}). Empty while the member is not joined.
 */
final class ClusterDirectory implements DeviceDirectory {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterDirectory.class);

    private final InfinispanCluster cluster;

    ClusterDirectory(InfinispanCluster cluster) {
        this.cluster = cluster;
    }

    @Override
    public DirectoryEntry claim(DirectoryEntry entry) {
        Cache<String, HolderRecord> cache = cluster.directoryCache();
        if (cache == null) {
            return null;
        }
        HolderRecord claimed = HolderRecord.of(entry, cluster.node());
        String key = HolderRecord.key(entry.deviceId());
        // conditional writes, decided where the entry is owned: a claim that arrives late (its member was slow to
        // make it) must not overwrite the claim of a connection the device made after it, which would end that one
        while (true) {
            HolderRecord current = cache.get(key);
            if (current != null && current.newerThan(claimed)) {
                LOG.debug("Device {} connected to {} after its connection here: claim of session {} refused",
                        entry.deviceId(), current.member(), entry.sessionNumber());
                LocalDevices target = cluster.local();
                if (target != null) {
                    target.replacedElsewhere(entry.registration(), current.entry());
                }
                return null;
            }
            // a previous holder elsewhere learns of it from this write (DirectoryWrites)
            boolean written = current == null ? cache.putIfAbsent(key, claimed) == null
                    : current.equals(claimed) || cache.replace(key, current, claimed);
            if (written) {
                return current == null || current.equals(claimed) ? null : current.entry();
            }
        }
    }

    /**
     * The connection ended: its entry goes, and so do the sync lock slots it held, even when removing the entry
     * fails (a write timing out while a member is suspected, say). Before, that failure skipped the slots, which
     * stayed held up to {@code maxLockTimeout} (a day at the default) after their device was gone.
     */
    @Override
    public void release(DirectoryEntry entry) {
        RuntimeException failure = null;
        try {
            Cache<String, HolderRecord> cache = cluster.directoryCache();
            if (cache != null) {
                cache.remove(HolderRecord.key(entry.deviceId()), HolderRecord.of(entry, cluster.node()));
            }
        } catch (RuntimeException e) {
            failure = e;
        }
        try {
            ClusteredSyncLocks held = cluster.createdSyncLocks();
            if (held != null) {
                held.released(entry.registration());
            }
        } catch (RuntimeException e) {
            if (failure == null) {
                failure = e;
            } else {
                failure.addSuppressed(e);
            }
        }
        if (failure != null) {
            throw failure; // the server logs it
        }
    }

    @Override
    public Optional<DirectoryEntry> lookup(DeviceId device) {
        return record(device).map(HolderRecord::entry);
    }

    @Override
    public List<DirectoryEntry> entries(String user) {
        Cache<String, HolderRecord> cache = cluster.directoryCache();
        if (cache == null) {
            return List.of();
        }
        List<DirectoryEntry> result = new ArrayList<>();
        for (HolderRecord record : cache.values()) {
            if (user == null || user.equals(record.user())) {
                result.add(record.entry());
            }
        }
        return result;
    }

    Optional<HolderRecord> record(DeviceId device) {
        Cache<String, HolderRecord> cache = cluster.directoryCache();
        return cache == null ? Optional.empty() : Optional.ofNullable(cache.get(HolderRecord.key(device)));
    }

    /**
     * The member leaves: its entries go now, so the other members stop forwarding to it at once, not at the next
     * view change.
     */
    void removeOwn() {
        Cache<String, HolderRecord> cache = cluster.directoryCache();
        UUID node = cluster.node();
        if (cache == null) {
            return;
        }
        try {
            for (Map.Entry<String, HolderRecord> entry : List.copyOf(cache.entrySet())) {
                if (entry.getValue().node().equals(node)) {
                    cache.remove(entry.getKey(), entry.getValue());
                }
            }
        } catch (RuntimeException e) {
            LOG.debug("Could not remove this member's devices from the directory", e);
        }
    }

    /** Another member's write replaced {@code replaced}: its connection closes, if it is this member's. */
    void replacedElsewhere(HolderRecord replaced, HolderRecord holder) {
        LocalDevices target = cluster.local();
        if (target != null && replaced.node().equals(cluster.node())) {
            target.replacedElsewhere(replaced.registration(), holder.entry());
        }
    }
}
