package io.cameliotmp.cluster;

import java.io.Serial;

import org.infinispan.manager.EmbeddedCacheManager;
import org.infinispan.util.function.SerializableBiFunction;
import org.infinispan.util.function.SerializableFunction;

/**
 * What one member runs on another through Infinispan's {@code ClusterExecutor} (forwarded calls themselves take
 * the {@link CallChannel}). Each task finds the
 * {@link InfinispanCluster} of the member it arrives at by that member's cache manager.
 */
final class ClusterTasks {

    private ClusterTasks() {
    }

    /**
     * Tells the member that held a device before that its connection was replaced by one on another member. Members
     * of this version learn of it from the directory's write ({@link DirectoryWrites}) and send none; it is still
     * run when a member of an earlier version sends it, during a rolling upgrade.
     */
    record Replaced(HolderRecord replaced, HolderRecord holder)
            implements SerializableFunction<EmbeddedCacheManager, Boolean> {
        @Serial
        private static final long serialVersionUID = 1L;

        @Override
        public Boolean apply(EmbeddedCacheManager manager) {
            InfinispanCluster member = InfinispanCluster.of(manager);
            if (member != null) {
                member.replacedElsewhere(replaced, holder);
            }
            return Boolean.TRUE;
        }
    }

    /**
     * A sample (or the end) of a stream a member opened on a device held elsewhere, back to that member.
     *
     * @param ended  null for a sample; else why the stream ended
     * @param failed the stream failed: before it opened (stream id 0), or, with its id, because the device's
     *               connection ended (the calling member's listener hears of a lost stream)
     */
    record Relay(long relay, int streamId, Object payload, long receivedAtMillis, String ended, boolean failed)
            implements SerializableFunction<EmbeddedCacheManager, Boolean> {
        @Serial
        private static final long serialVersionUID = 1L;

        /** True once the listener here is done with it (see {@link ForwardedCalls#awaitHandled}). */
        @Override
        public Boolean apply(EmbeddedCacheManager manager) {
            InfinispanCluster member = InfinispanCluster.of(manager);
            java.util.concurrent.CompletionStage<Void> handled = member == null ? null : member.calls().relayed(this);
            if (handled == null) {
                return false;
            }
            ForwardedCalls.awaitHandled(handled);
            return true;
        }
    }

    /**
     * A claim, and after a merge a member's reconciling: keeps this member's connection of a device in the directory
     * unless the directory already names a newer one ({@link HolderRecord#newerThan}). Runs where the entry is owned,
     * under its lock, so claims arriving in any order, and members reconciling at once, agree.
     */
    record ClaimIfNewer(HolderRecord mine)
            implements SerializableBiFunction<String, HolderRecord, HolderRecord> {
        @Serial
        private static final long serialVersionUID = 1L;

        @Override
        public HolderRecord apply(String key, HolderRecord current) {
            if (current == null || !current.newerThan(mine)) {
                return mine;
            }
            return current;
        }
    }
}
