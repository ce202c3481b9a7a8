package io.cameliotmp.cluster;

import java.io.Serial;
import java.util.Arrays;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.infinispan.manager.EmbeddedCacheManager;
import org.infinispan.util.function.SerializableBiFunction;
import org.infinispan.util.function.SerializableFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one member runs on another through Infinispan's {@code ClusterExecutor} (forwarded calls themselves take
 * the {@link CallChannel}). Each task finds the
 * {@link InfinispanCluster} of the member it arrives at by that member's cache manager.
 */
final class ClusterTasks {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterTasks.class);

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
                member.deviceDirectory().replacedElsewhere(replaced, holder);
            }
            return Boolean.TRUE;
        }
    }

    /**
     * A sample (or the end) of a stream a member opened on a device held elsewhere, back to that member. It travels
     * on the {@link CallChannel}, whose answer, sent once the listener there is done with it, tells whether the
     * stream is still wanted; it is run as a task of Infinispan's executor only when a member of an earlier version
     * sends it that way, or receives it, during a rolling upgrade.
     *
     * @param ended  null for a sample; else why the stream ended
     * @param failed the stream failed: before it opened (stream id 0), or, with its id, because the device's
     *               connection ended (the calling member's listener hears of a lost stream)
     */
    record Relay(long relay, int streamId, Object payload, long receivedAtMillis, String ended, boolean failed)
            implements SerializableFunction<EmbeddedCacheManager, Boolean> {
        @Serial
        private static final long serialVersionUID = 1L;

        /**
         * The first value of a relay on the call channel, where a forwarded call has its kind's number: a member of
         * an earlier version fails to read it as a number, and the holder then relays to it through the executor.
         */
        private static final String MARK = "relay";
        private static final byte[] MARK_BYTES = ForwardedCall.encode(MARK);

        /** On the call channel: a run of PSON values, as a forwarded call ({@link ForwardedCall}). */
        byte[] toBytes() {
            return ForwardedCall.encode(MARK, relay, (long) streamId, payload, receivedAtMillis, ended, failed);
        }

        /** Whether these bytes from the call channel are a relay rather than a forwarded call. */
        static boolean isRelay(byte[] bytes) {
            return bytes.length >= MARK_BYTES.length
                   && Arrays.equals(bytes, 0, MARK_BYTES.length, MARK_BYTES, 0, MARK_BYTES.length);
        }

        static Relay fromBytes(byte[] bytes) {
            ByteBuf in = Unpooled.wrappedBuffer(bytes);
            if (!MARK.equals(ForwardedCall.next(in))) {
                throw new IllegalArgumentException("not a relay");
            }
            long relay = ForwardedCall.number(in);
            int streamId = (int) ForwardedCall.number(in);
            Object payload = ForwardedCall.next(in);
            long receivedAtMillis = ForwardedCall.number(in);
            String ended = (String) ForwardedCall.next(in);
            boolean failed = (Boolean) ForwardedCall.next(in);
            return new Relay(relay, streamId, payload, receivedAtMillis, ended, failed);
        }

        /** The calling member's answer: whether it still wants the stream. */
        static byte[] answer(boolean wanted) {
            return ForwardedCall.encode(wanted);
        }

        static boolean wanted(byte[] answer) {
            return Boolean.TRUE.equals(ForwardedCall.next(Unpooled.wrappedBuffer(answer)));
        }

        /**
         * Run here for a holder of an earlier version, whose relays are tasks: true once the listener here is done
         * with it ({@link #awaitHandled}), holding a thread of Infinispan's until then.
         */
        @Override
        public Boolean apply(EmbeddedCacheManager manager) {
            InfinispanCluster member = InfinispanCluster.of(manager);
            CompletionStage<Void> handled = member == null ? null : member.calls().relayed(this);
            if (handled == null) {
                return false;
            }
            awaitHandled(handled);
            return true;
        }

        /**
         * Waits until the listener here is done with a relayed sample, so the holder's in-flight bound counts it
         * until then. Bounded, so that a sample a route never finishes holds the thread for at most
         * {@link ForwardedCalls#RELAY_HANDLING_WAIT_SECONDS}, then lets the stream go on.
         */
        private static void awaitHandled(CompletionStage<Void> handled) {
            try {
                handled.toCompletableFuture().get(ForwardedCalls.RELAY_HANDLING_WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                LOG.debug("A relayed sample was not handled cleanly in time: {}", e.toString());
            }
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
