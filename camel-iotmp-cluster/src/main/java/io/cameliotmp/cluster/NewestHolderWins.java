package io.cameliotmp.cluster;

import java.util.List;

import org.infinispan.conflict.EntryMergePolicy;
import org.infinispan.container.entries.CacheEntry;

/**
 * After a split brain, where both sides may have accepted a connection of the same device, the directory keeps the
 * newer connection ({@link HolderRecord#newerThan}); the member holding the older one closes it when it reconciles.
 */
final class NewestHolderWins implements EntryMergePolicy<String, HolderRecord> {

    @Override
    public CacheEntry<String, HolderRecord> merge(CacheEntry<String, HolderRecord> preferredEntry,
                                                  List<CacheEntry<String, HolderRecord>> otherEntries) {
        CacheEntry<String, HolderRecord> newest = preferredEntry;
        for (CacheEntry<String, HolderRecord> other : otherEntries) {
            if (other == null || other.getValue() == null) {
                continue;
            }
            if (newest == null || newest.getValue() == null || other.getValue().newerThan(newest.getValue())) {
                newest = other;
            }
        }
        return newest;
    }
}
