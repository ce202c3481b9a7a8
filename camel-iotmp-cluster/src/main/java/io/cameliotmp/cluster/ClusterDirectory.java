package io.cameliotmp.cluster;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;

import io.cameliotmp.server.DeviceDirectory;
import io.cameliotmp.server.DeviceId;
import io.cameliotmp.server.DeviceRegistration;
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
 * <p>
 * A claim or a release that fails (a write timing out while a member is suspected, say) is repaired: the next write
 * of this member that succeeds, or the next view, has the housekeeping thread record every device connected here
 * and remove the entries (and free the sync lock slots) naming this member that no connection here matches any
 * more. Before, a failed release left its device listed as connected here (its slots held up to their timeout), and
 * a failed claim left it unreachable from the others, until it reconnected.
 */
final class ClusterDirectory implements DeviceDirectory {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterDirectory.class);

    private final InfinispanCluster cluster;
    /** A claim or a release of this member failed since the last repair began. */
    private final AtomicBoolean repairDue = new AtomicBoolean();
    /** A repair waits on the housekeeping thread (one is enough however many writes succeed meanwhile). */
    private final AtomicBoolean repairQueued = new AtomicBoolean();

    ClusterDirectory(InfinispanCluster cluster) {
        this.cluster = cluster;
    }

    @Override
    public DirectoryEntry claim(DirectoryEntry entry) {
        Cache<String, HolderRecord> cache = cluster.directoryCache();
        if (cache == null) {
            return null;
        }
        DirectoryEntry replaced;
        try {
            replaced = claim(cache, entry);
        } catch (RuntimeException e) {
            repairDue.set(true);
            throw e; // the server logs it
        }
        repairIfDue();
        return replaced;
    }

    private DirectoryEntry claim(Cache<String, HolderRecord> cache, DirectoryEntry entry) {
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
                repairIfDue();
            }
        } catch (RuntimeException e) {
            repairDue.set(true);
            failure = e;
        }
        try {
            ClusteredSyncLocks held = cluster.createdSyncLocks();
            if (held != null) {
                held.released(entry.registration());
            }
        } catch (RuntimeException e) {
            repairDue.set(true);
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

    /** After a write that succeeded: a repair of earlier failures is queued once. */
    private void repairIfDue() {
        if (!repairDue.get() || !repairQueued.compareAndSet(false, true)) {
            return;
        }
        ExecutorService work = cluster.housekeeping();
        if (work == null || work.isShutdown()) {
            repairQueued.set(false);
            return;
        }
        work.execute(this::repair);
    }

    /** On the housekeeping thread (a new view asks for it too): makes up for the claims and releases that failed. */
    void repair() {
        repairQueued.set(false);
        if (!repairDue.compareAndSet(true, false)) {
            return;
        }
        try {
            int recorded = holdLocalDevices();
            int removed = removeStaleOwn();
            ClusteredSyncLocks locks = cluster.createdSyncLocks();
            LocalDevices target = cluster.local();
            int users = locks == null || target == null ? 0 : locks.releaseEnded(target::localRegistrations);
            LOG.info("IOTMP cluster {}: directory repaired after failed writes ({} devices recorded again, {} entries "
                     + "and the sync locks of {} users of connections gone freed)", cluster.options().name(),
                    recorded, removed, users);
        } catch (RuntimeException e) {
            repairDue.set(true); // the next write that succeeds, or the next view, tries again
            LOG.debug("Could not repair the cluster directory", e);
        }
    }

    /**
     * Every device connected here goes into the directory under this member, unless another member holds a newer
     * connection of it, in which case the connection here is the one that goes; each decision is atomic where the
     * entry lives. Run after a merge (a split brain heals to one owner per device whatever the order) and by a
     * repair.
     *
     * @return how many entries this wrote
     */
    int holdLocalDevices() {
        LocalDevices target = cluster.local();
        Cache<String, HolderRecord> cache = cluster.directoryCache();
        UUID node = cluster.node();
        if (target == null || cache == null) {
            return 0;
        }
        List<HolderRecord> written = new ArrayList<>();
        for (DeviceRegistration registration : target.localRegistrations()) {
            HolderRecord mine = HolderRecord.of(new DirectoryEntry(cluster.memberName(), registration), node);
            String key = HolderRecord.key(registration.deviceId());
            HolderRecord before = cache.get(key);
            // a member whose entry this overwrites closes its connection on the write (DirectoryWrites)
            HolderRecord after = cache.compute(key, new ClusterTasks.ClaimIfNewer(mine));
            if (!mine.equals(after)) {
                LOG.info("IOTMP cluster {}: {} is connected to {} too, with a newer connection; closing this one",
                        cluster.options().name(), registration.deviceId(), after.member());
                target.replacedElsewhere(registration, after.entry());
            } else if (!mine.equals(before)) {
                written.add(mine);
            }
        }
        // a connection that ended meanwhile may have removed its entry before this wrote it again: it is removed
        // here (a connection leaves the registry before it releases its entry)
        Set<DeviceRegistration> still = new HashSet<>(target.localRegistrations());
        for (HolderRecord record : written) {
            if (!still.contains(record.registration())) {
                cache.remove(HolderRecord.key(record.deviceId()), record);
            }
        }
        return written.size();
    }

    /** The entries naming this member whose connection is not here any more: a release of theirs failed. */
    private int removeStaleOwn() {
        LocalDevices target = cluster.local();
        Cache<String, HolderRecord> cache = cluster.directoryCache();
        UUID node = cluster.node();
        if (target == null || cache == null) {
            return 0;
        }
        List<Map.Entry<String, HolderRecord>> own = new ArrayList<>();
        for (Map.Entry<String, HolderRecord> entry : List.copyOf(cache.entrySet())) {
            if (entry.getValue().node().equals(node)) {
                own.add(entry);
            }
        }
        // read after the entries: a connection is in the registry before it claims, so an entry read above whose
        // connection is not in this set has ended (and its release failed, or is on its way)
        Set<DeviceRegistration> here = new HashSet<>(target.localRegistrations());
        int removed = 0;
        for (Map.Entry<String, HolderRecord> entry : own) {
            if (!here.contains(entry.getValue().registration()) && cache.remove(entry.getKey(), entry.getValue())) {
                removed++;
            }
        }
        return removed;
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
