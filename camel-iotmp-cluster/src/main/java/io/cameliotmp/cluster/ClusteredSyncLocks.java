package io.cameliotmp.cluster;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

import io.cameliotmp.server.DeviceRegistration;
import io.cameliotmp.server.QuotaExceededException;
import io.cameliotmp.server.ServerQuotas;
import io.cameliotmp.server.SyncLockService;
import io.cameliotmp.server.SyncLocks;
import org.infinispan.Cache;

/**
 * Sync locks in a replicated cache of the cluster, one entry per user: a slot taken by a device on one member blocks
 * it for devices on every other, and {@code maxLocksPerUser} counts what a user's devices hold cluster-wide. As with
 * {@link SyncLocks}, a slot frees itself when its timeout expires; here it is also freed when the connection that
 * took it ends, and when that connection's member leaves the view. A change replaces the user's entry only if nobody
 * changed it meanwhile, and otherwise is decided again on the newer one.
 */
final class ClusteredSyncLocks implements SyncLockService {

    /** Changes of one user's locks racing each other: each retry follows a change that succeeded. */
    private static final int MAX_ATTEMPTS = 1_000;

    private final InfinispanCluster cluster;
    /** The server's bounds on names, tokens, timeouts and locks per user: the same as on a server alone. */
    private final ServerQuotas quotas;
    private final int maxLocksPerUser;
    private final LongSupplier clock;

    ClusteredSyncLocks(InfinispanCluster cluster, ServerQuotas quotas) {
        this(cluster, quotas, System::currentTimeMillis);
    }

    ClusteredSyncLocks(InfinispanCluster cluster, ServerQuotas quotas, LongSupplier clock) {
        this.cluster = cluster;
        this.quotas = quotas;
        this.maxLocksPerUser = quotas.maxLocksPerUser();
        this.clock = clock;
    }

    @Override
    public String lock(DeviceRegistration holder, String sync, String token, int slots, long timeoutSeconds) {
        SyncLocks.requireBounded(quotas, sync, token);
        long granted = SyncLocks.grantedMillis(quotas, timeoutSeconds);
        String holderToken = token != null ? token : UUID.randomUUID().toString();
        UUID node = cluster.node();
        String[] grantedToken = new String[1];
        change(holder.user(), current -> {
            long now = clock.getAsLong();
            UserLockSet live = current.withoutExpired(now);
            long expiry = now > Long.MAX_VALUE - granted ? Long.MAX_VALUE : now + granted;
            UserLockSet.Holder slot = new UserLockSet.Holder(expiry, holder.device(), holder.sessionNumber(),
                    node.getMostSignificantBits(), node.getLeastSignificantBits());
            if (live.holder(sync, holderToken) != null) {
                grantedToken[0] = holderToken;
                return live.with(sync, holderToken, slot);
            }
            if (live.holders(sync) >= Math.max(1, slots)) {
                grantedToken[0] = null;
                return live;
            }
            if (live.held() >= maxLocksPerUser) {
                throw new QuotaExceededException(QuotaExceededException.Quota.LOCKS,
                        "the devices of a user may hold " + maxLocksPerUser + " locks at once");
            }
            grantedToken[0] = holderToken;
            return live.with(sync, holderToken, slot);
        });
        return grantedToken[0];
    }

    @Override
    public boolean unlock(String user, String sync, String token) {
        boolean[] held = new boolean[1];
        change(user, current -> {
            UserLockSet live = current.withoutExpired(clock.getAsLong());
            held[0] = live.holder(sync, token) != null;
            return held[0] ? live.without(sync, token) : live;
        });
        return held[0];
    }

    /** The connection ended: the slots it holds are free. */
    void released(DeviceRegistration registration) {
        UUID node = cluster.node();
        Cache<String, UserLockSet> cache = cluster.locks();
        if (cache == null || node == null || !cache.containsKey(registration.user())) {
            return;
        }
        change(registration.user(), current -> current.without(holder -> holder.node().equals(node)
                && holder.device().equals(registration.device())
                && holder.sessionNumber() == registration.sessionNumber()));
    }

    /** The coordinator's job at a view change: the slots of connections on members that left are free. */
    void membersLeft(Set<UUID> view) {
        Cache<String, UserLockSet> cache = cluster.locks();
        if (cache == null) {
            return;
        }
        for (Map.Entry<String, UserLockSet> entry : Set.copyOf(cache.entrySet())) {
            if (entry.getValue().withoutMembersOtherThan(view) != entry.getValue()) {
                change(entry.getKey(), current -> current.withoutMembersOtherThan(view));
            }
        }
    }

    /**
     * A repair's job: frees the slots of this member's connections that are not among {@code here} any more (their
     * release failed). {@code here} is read after the slots: a connection is in the registry before it can take one.
     *
     * @return how many users' locks changed
     */
    int releaseEnded(Supplier<List<DeviceRegistration>> here) {
        UUID node = cluster.node();
        Cache<String, UserLockSet> cache = cluster.locks();
        if (cache == null || node == null) {
            return 0;
        }
        Set<Map.Entry<String, UserLockSet>> entries = Set.copyOf(cache.entrySet());
        Set<SlotOwner> live = new HashSet<>();
        for (DeviceRegistration registration : here.get()) {
            live.add(new SlotOwner(registration.user(), registration.device(), registration.sessionNumber()));
        }
        int changed = 0;
        for (Map.Entry<String, UserLockSet> entry : entries) {
            String user = entry.getKey();
            Predicate<UserLockSet.Holder> ended = holder -> holder.node().equals(node)
                    && !live.contains(new SlotOwner(user, holder.device(), holder.sessionNumber()));
            if (entry.getValue().without(ended) != entry.getValue()) {
                change(user, current -> current.without(ended));
                changed++;
            }
        }
        return changed;
    }

    /** The connection a slot names. */
    private record SlotOwner(String user, String device, long sessionNumber) {
    }

    /** Applies {@code change} to the user's current locks until no other change came between. */
    private void change(String user, Function<UserLockSet, UserLockSet> change) {
        Cache<String, UserLockSet> cache = cluster.locks();
        if (cache == null) {
            throw new IllegalStateException("cluster member " + cluster.memberName() + " is not joined");
        }
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            UserLockSet current = cache.get(user);
            UserLockSet next = change.apply(current == null ? UserLockSet.empty() : current);
            boolean done;
            if (current == null) {
                done = next.isEmpty() || cache.putIfAbsent(user, next) == null;
            } else if (next == current) {
                done = true;
            } else if (next.isEmpty()) {
                done = cache.remove(user, current);
            } else {
                done = cache.replace(user, current, next);
            }
            if (done) {
                return;
            }
        }
        throw new IllegalStateException("the locks of user " + user + " change too often at once");
    }
}
