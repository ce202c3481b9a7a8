package io.cameliotmp.cluster;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;

import org.infinispan.Cache;
import org.infinispan.manager.EmbeddedCacheManager;
import org.infinispan.notifications.Listener;
import org.infinispan.notifications.cachelistener.annotation.TopologyChanged;
import org.infinispan.notifications.cachelistener.event.TopologyChangedEvent;
import org.infinispan.notifications.cachemanagerlistener.annotation.Merged;
import org.infinispan.notifications.cachemanagerlistener.annotation.ViewChanged;
import org.infinispan.notifications.cachemanagerlistener.event.ViewChangedEvent;
import org.infinispan.remoting.transport.Address;
import org.infinispan.topology.CacheTopology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a member does when the cluster's view changes: fails the calls forwarded to members that left, at once; ends
 * the streams it serves for them; as
 * coordinator, removes their devices from the directory and frees their sync locks; after a merge, reconciles the
 * directory once the merged caches hold every member's entries, so that a split brain heals to one owner per device.
 * Everything but failing the calls runs on the member's housekeeping thread, never on Infinispan's notifying one.
 */
final class ViewUpkeep {

    private static final Logger LOG = LoggerFactory.getLogger(ViewUpkeep.class);

    private final InfinispanCluster cluster;
    /**
     * Set by a merge view, on the notifying thread; the directory is reconciled once its cache has merged too (its
     * next full topology past the conflict resolution). Set on the housekeeping thread before, behind whatever that
     * thread was doing: when the merged topologies had all arrived by then, the member never reconciled.
     */
    private final AtomicBoolean mergePending = new AtomicBoolean();
    /**
     * Set by a merge view, on the notifying thread (before the retained cache's merged topology can arrive); this
     * member's retained messages are taken again from that cache once its conflicts are resolved.
     */
    private final AtomicBoolean retainedMergePending = new AtomicBoolean();

    ViewUpkeep(InfinispanCluster cluster) {
        this.cluster = cluster;
    }

    /** The cache manager's listener of view changes (merges included), which hands them to {@link #viewChanged}. */
    ViewListener viewListener() {
        return new ViewListener();
    }

    void viewChanged(ViewChangedEvent event) {
        Set<UUID> now = new HashSet<>();
        for (Address address : event.getNewMembers()) {
            now.add(address.getNodeUUID());
        }
        Set<UUID> left = new HashSet<>();
        for (Address address : event.getOldMembers()) {
            if (!now.contains(address.getNodeUUID())) {
                left.add(address.getNodeUUID());
            }
        }
        String name = cluster.options().name();
        LOG.info("IOTMP cluster {} view {}: {}{}", name, event.getViewId(), event.getNewMembers(),
                event.isMergeView() ? " (merged)" : "");
        if (event.isMergeView()) {
            mergePending.set(true);
            retainedMergePending.set(true);
        }
        // at once, on the notifying thread: nothing forwarded to a member that left may wait for its timeout
        cluster.calls().memberLeft(left, "cluster member left");
        housekeeping(() -> {
            // streams opened here for members that left: nobody hears of them any more
            cluster.calls().originsLeft(left);
            EmbeddedCacheManager manager = cluster.manager();
            if (manager != null && manager.isCoordinator()) {
                removeEntriesOfMembersNotIn(now);
                ClusteredSyncLocks held = cluster.createdSyncLocks();
                if (held != null) {
                    held.membersLeft(now);
                }
            }
            // writes that failed while a member was suspected: the new view may take them
            cluster.deviceDirectory().repair();
        }, "directory upkeep after view " + event.getViewId());
    }

    /**
     * The directory cache's listener. A merge view arrives before the caches of the merged sides have exchanged their
     * entries; the directory is reconciled only once its cache's topology holds every member of the view, past the
     * conflict resolution, so each member decides on the merged entries, not on those of its own side. The merge
     * writes its choices without telling the cache's listeners ({@link DirectoryWrites}): this is how the member
     * holding the older connection learns of it.
     */
    MergeSettled directoryTopology() {
        return new MergeSettled(mergePending, this::reconcile, "reconciling the directory after a merge");
    }

    /**
     * The retained cache's listener: after a merge, once the cache's conflicts are resolved, this member keeps what
     * the merged cache holds. The merge writes the value it chose for each topic without telling the caches'
     * listeners, so each side went on keeping what it had kept while split, and the cache's value of a topic only
     * the other side wrote was kept nowhere on this side.
     */
    MergeSettled retainedTopology() {
        return new MergeSettled(retainedMergePending, () -> cluster.retainedMessages().takeMerged(),
                "taking the retained messages of the cluster after a merge");
    }

    private static boolean resolvingConflicts(Cache<?, ?> cache) {
        return cache.getAdvancedCache().getDistributionManager().getCacheTopology().getPhase()
               == CacheTopology.Phase.CONFLICT_RESOLUTION;
    }

    /** The coordinator's job: devices of members that crashed (or are cut off) are not reachable there. */
    private void removeEntriesOfMembersNotIn(Set<UUID> view) {
        Cache<String, HolderRecord> cache = cluster.directoryCache();
        if (cache == null) {
            return;
        }
        int removed = 0;
        for (Map.Entry<String, HolderRecord> entry : List.copyOf(cache.entrySet())) {
            if (!view.contains(entry.getValue().node()) && cache.remove(entry.getKey(), entry.getValue())) {
                removed++;
            }
        }
        if (removed > 0) {
            LOG.info("IOTMP cluster {}: removed {} devices of members that left", cluster.options().name(), removed);
        }
    }

    /**
     * After a merge: every device connected here must be in the directory under this member, unless another member
     * holds a newer connection of it ({@link ClusterDirectory#holdLocalDevices}).
     */
    private void reconcile() {
        cluster.deviceDirectory().holdLocalDevices();
    }

    private void housekeeping(Runnable task, String what) {
        ExecutorService work = cluster.housekeeping();
        if (work == null || work.isShutdown()) {
            return;
        }
        work.execute(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.warn("IOTMP cluster {}: {} failed", cluster.options().name(), what, e);
            }
        });
    }

    /**
     * A replicated cache's topology changes: once a merge is pending and the cache's topology holds every member of
     * the view, past Infinispan's conflict resolution phase, {@code task} runs once on the housekeeping thread.
     */
    @Listener
    final class MergeSettled {
        private final AtomicBoolean pending;
        private final Runnable task;
        private final String what;

        MergeSettled(AtomicBoolean pending, Runnable task, String what) {
            this.pending = pending;
            this.task = task;
            this.what = what;
        }

        @TopologyChanged
        public void topologyChanged(TopologyChangedEvent<?, ?> event) {
            EmbeddedCacheManager current = cluster.manager();
            if (event.isPre() || current == null || !pending.get()
                || event.getWriteConsistentHashAtEnd().getMembers().size() < current.getMembers().size()
                || resolvingConflicts(event.getCache())) {
                return;
            }
            if (pending.compareAndSet(true, false)) {
                housekeeping(task, what);
            }
        }
    }

    /** Infinispan's notifications of view changes. */
    @Listener
    public final class ViewListener {
        @ViewChanged
        public void viewChanged(ViewChangedEvent event) {
            ViewUpkeep.this.viewChanged(event);
        }

        @Merged
        public void merged(ViewChangedEvent event) {
            ViewUpkeep.this.viewChanged(event);
        }
    }
}
