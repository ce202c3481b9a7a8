package io.cameliotmp.cluster;

import java.io.Serial;
import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;

/**
 * The sync locks of one user as the clustered lock cache stores them: syncs by name, their holders by token. Never
 * changed once made: every change makes a new set with a new stamp, and two sets are equal when their stamps are,
 * so a conditional replace detects any change that came between. Keeping a user's syncs in one entry makes the
 * per-user quota one atomic decision.
 */
final class UserLockSet implements Serializable {

    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * One slot of a sync: when it frees itself (epoch milliseconds, so members' clocks should agree) and the
     * connection holding it, which releases it when it ends or its member leaves.
     */
    record Holder(long expiresAtMillis, String device, long sessionNumber, long nodeMostBits, long nodeLeastBits)
            implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;

        UUID node() {
            return new UUID(nodeMostBits, nodeLeastBits);
        }
    }

    private final long stamp;
    private final HashMap<String, HashMap<String, Holder>> syncs;

    private UserLockSet(HashMap<String, HashMap<String, Holder>> syncs) {
        this.stamp = ThreadLocalRandom.current().nextLong();
        this.syncs = syncs;
    }

    static UserLockSet empty() {
        return new UserLockSet(new HashMap<>());
    }

    /** Slots held, expired ones included. */
    int held() {
        int held = 0;
        for (Map<String, Holder> holders : syncs.values()) {
            held += holders.size();
        }
        return held;
    }

    boolean isEmpty() {
        return syncs.isEmpty();
    }

    Holder holder(String sync, String token) {
        Map<String, Holder> holders = syncs.get(sync);
        return holders == null ? null : holders.get(token);
    }

    int holders(String sync) {
        Map<String, Holder> holders = syncs.get(sync);
        return holders == null ? 0 : holders.size();
    }

    /** A copy without the slots that {@code drop} names; this very set when it names none. */
    UserLockSet without(Predicate<Holder> drop) {
        HashMap<String, HashMap<String, Holder>> kept = new HashMap<>();
        boolean changed = false;
        for (Map.Entry<String, HashMap<String, Holder>> sync : syncs.entrySet()) {
            HashMap<String, Holder> holders = new HashMap<>();
            for (Map.Entry<String, Holder> holder : sync.getValue().entrySet()) {
                if (drop.test(holder.getValue())) {
                    changed = true;
                } else {
                    holders.put(holder.getKey(), holder.getValue());
                }
            }
            if (!holders.isEmpty()) {
                kept.put(sync.getKey(), holders);
            }
        }
        return changed ? new UserLockSet(kept) : this;
    }

    UserLockSet withoutExpired(long now) {
        return without(holder -> holder.expiresAtMillis() <= now);
    }

    UserLockSet withoutMembersOtherThan(Set<UUID> members) {
        return without(holder -> !members.contains(holder.node()));
    }

    /** A copy where {@code token} holds a slot of {@code sync} (a new one, or its own again). */
    UserLockSet with(String sync, String token, Holder holder) {
        HashMap<String, HashMap<String, Holder>> next = copy();
        next.computeIfAbsent(sync, s -> new HashMap<>()).put(token, holder);
        return new UserLockSet(next);
    }

    /** A copy without the slot of {@code token}. */
    UserLockSet without(String sync, String token) {
        HashMap<String, HashMap<String, Holder>> next = copy();
        HashMap<String, Holder> holders = next.get(sync);
        if (holders != null) {
            holders.remove(token);
            if (holders.isEmpty()) {
                next.remove(sync);
            }
        }
        return new UserLockSet(next);
    }

    private HashMap<String, HashMap<String, Holder>> copy() {
        HashMap<String, HashMap<String, Holder>> copy = new HashMap<>();
        syncs.forEach((sync, holders) -> copy.put(sync, new HashMap<>(holders)));
        return copy;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof UserLockSet set && set.stamp == stamp;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(stamp);
    }
}
