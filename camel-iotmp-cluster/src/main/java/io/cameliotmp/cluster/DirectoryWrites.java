package io.cameliotmp.cluster;

import java.util.UUID;

import org.infinispan.notifications.Listener;
import org.infinispan.notifications.cachelistener.annotation.CacheEntryModified;
import org.infinispan.notifications.cachelistener.event.CacheEntryModifiedEvent;

/**
 * Ends a connection here once the directory names another holder of its device: every member applies each write of
 * the replicated directory, so the member whose entry a reconnect (or a merge) overwrote learns of it from the write
 * itself. A notice task sent to the previous holder at each reconnect used to do this: a device (or many devices of
 * one credential) flapping between members, or a slow previous holder, left one task and its future outstanding per
 * reconnect, without a bound; the write holds nothing beyond what the directory holds anyway.
 * <p>
 * The rule is the directory's: its entry names the one connection of a device. A claim overwrites the entry (the
 * last claim wins), and after a split brain {@link NewestHolderWins} and the members' reconciling keep the newer
 * connection; whichever write replaced this member's entry, the connection it named here is not the device's any
 * more. Runs on the thread that applies the write: it only looks the session up and asks it to close (which
 * happens on the connection's own executor).
 */
@Listener(observation = Listener.Observation.POST)
final class DirectoryWrites {

    private final InfinispanCluster cluster;

    DirectoryWrites(InfinispanCluster cluster) {
        this.cluster = cluster;
    }

    @CacheEntryModified
    public void modified(CacheEntryModifiedEvent<String, HolderRecord> event) {
        HolderRecord before = event.getOldValue();
        HolderRecord after = event.getNewValue();
        UUID here = cluster.node();
        if (event.isPre() || before == null || after == null || here == null || !before.node().equals(here)
            || after.node().equals(here)) {
            return;
        }
        cluster.deviceDirectory().replacedElsewhere(before, after);
    }
}
