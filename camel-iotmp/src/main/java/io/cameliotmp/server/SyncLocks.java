package io.cameliotmp.server;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Thinger's sync locks (services 6 and 7): a named lock with a number of slots, each holder identified by a lock
 * token and released explicitly or when its timeout expires, so a device that dies while holding a slot cannot block
 * the others forever. In memory; all methods are atomic.
 */
public final class SyncLocks {

    /** Used when a device asks for a lock without a timeout. */
    public static final long DEFAULT_TIMEOUT_SECONDS = 60;

    private final Map<String, Map<String, Long>> holdersBySync = new HashMap<>();
    private final java.util.function.LongSupplier clock;

    public SyncLocks() {
        this(System::currentTimeMillis);
    }

    SyncLocks(java.util.function.LongSupplier clock) {
        this.clock = clock;
    }

    /**
     * Takes a slot of a sync.
     *
     * @param token          the holder's token, or null to get a new one (a holder may re-take its own slot)
     * @param slots          how many holders may hold the sync at once (at least 1)
     * @param timeoutSeconds when the slot frees itself
     * @return the token on success, null when every slot is taken
     */
    public synchronized String lock(String sync, String token, int slots, long timeoutSeconds) {
        long now = clock.getAsLong();
        Map<String, Long> holders = holdersBySync.computeIfAbsent(sync, s -> new HashMap<>());
        holders.values().removeIf(expiry -> expiry <= now);
        String holder = token != null ? token : UUID.randomUUID().toString();
        if (!holders.containsKey(holder) && holders.size() >= Math.max(1, slots)) {
            return null;
        }
        holders.put(holder, now + Math.max(1, timeoutSeconds) * 1000);
        return holder;
    }

    /** Frees the holder's slot; false if it held none (never had one, or it expired). */
    public synchronized boolean unlock(String sync, String token) {
        Map<String, Long> holders = holdersBySync.get(sync);
        if (holders == null) {
            return false;
        }
        Long expiry = holders.remove(token);
        if (holders.isEmpty()) {
            holdersBySync.remove(sync);
        }
        return expiry != null && expiry > clock.getAsLong();
    }
}
