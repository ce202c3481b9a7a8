package io.cameliotmp.cluster;

import java.util.ArrayList;
import java.util.List;

import org.infinispan.conflict.EntryMergePolicy;
import org.infinispan.container.entries.CacheEntry;

/**
 * After a split brain, a device's properties are merged property by property: a property only one side has keeps
 * that side's value, and one both sides have keeps the value of the side Infinispan prefers (the larger side, or the
 * side whose coordinator leads the merge), as {@code PREFERRED_NON_NULL} does for whole entries. A device's
 * properties are one entry of the cache, and {@code PREFERRED_NON_NULL} kept one side's entry whole: a property set
 * through one side only was lost when another property of the device was set through the other side.
 */
final class PropertySetsMerged implements EntryMergePolicy<String, PropertySet> {

    @Override
    public CacheEntry<String, PropertySet> merge(CacheEntry<String, PropertySet> preferredEntry,
                                                 List<CacheEntry<String, PropertySet>> otherEntries) {
        CacheEntry<String, PropertySet> first = preferredEntry != null && preferredEntry.getValue() != null
                ? preferredEntry : null;
        List<PropertySet> sets = new ArrayList<>();
        if (first != null) {
            sets.add(first.getValue());
        }
        for (CacheEntry<String, PropertySet> other : otherEntries) {
            if (other == null || other.getValue() == null) {
                continue;
            }
            if (first == null) {
                first = other;
            }
            sets.add(other.getValue());
        }
        if (sets.size() < 2) {
            return first;
        }
        CacheEntry<String, PropertySet> merged = first.clone();
        merged.setValue(PropertySet.merged(sets));
        return merged;
    }
}
