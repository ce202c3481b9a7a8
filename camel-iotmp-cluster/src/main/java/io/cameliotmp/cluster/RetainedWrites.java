package io.cameliotmp.cluster;

import io.cameliotmp.cluster.ClusteredRetained.RetainedRecord;
import org.infinispan.notifications.Listener;
import org.infinispan.notifications.cachelistener.annotation.CacheEntryCreated;
import org.infinispan.notifications.cachelistener.annotation.CacheEntryModified;
import org.infinispan.notifications.cachelistener.annotation.CacheEntryRemoved;
import org.infinispan.notifications.cachelistener.event.CacheEntryCreatedEvent;
import org.infinispan.notifications.cachelistener.event.CacheEntryModifiedEvent;
import org.infinispan.notifications.cachelistener.event.CacheEntryRemovedEvent;

/**
 * Keeps each write of the cluster's retained messages on the member that applies it: the replicated cache applies
 * the writes of one key in one order on every member, so every member ends up keeping the message the cache holds.
 * Runs on the thread that applies the write, and only keeps the message with the member's server (no delivery).
 */
@Listener(observation = Listener.Observation.POST)
final class RetainedWrites {

    private final ClusteredRetained retained;

    RetainedWrites(ClusteredRetained retained) {
        this.retained = retained;
    }

    @CacheEntryCreated
    public void created(CacheEntryCreatedEvent<String, RetainedRecord> event) {
        retained.applied(event.getKey(), event.getValue(), event.isOriginLocal());
    }

    @CacheEntryModified
    public void modified(CacheEntryModifiedEvent<String, RetainedRecord> event) {
        if (event.isCreated()) {
            return; // kept as created
        }
        retained.applied(event.getKey(), event.getNewValue(), event.isOriginLocal());
    }

    @CacheEntryRemoved
    public void removed(CacheEntryRemovedEvent<String, RetainedRecord> event) {
        retained.applied(event.getKey(), null, event.isOriginLocal());
    }
}
