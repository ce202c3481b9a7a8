package io.cameliotmp.server;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.UUID;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * Thinger's sync locks (services 6 and 7): a named lock with a number of slots, each holder identified by a lock
 * token and released explicitly or when its timeout expires, so a device that dies while holding a slot cannot block
 * the others forever. A slot taken by a device's connection is freed too when that connection ends
 * ({@link #released(DeviceRegistration)}), as in a cluster: a device that reconnects takes its slot again with its
 * token if nobody took it meanwhile. In memory; all methods are atomic.
 * <p>
 * Syncs belong to a user, and the slots held by one user's devices at once are limited ({@code maxLocksPerUser});
 * sync names ({@code maxNameLength}), tokens ({@code maxLockTokenLength}) and timeouts ({@code maxLockTimeout}) are
 * bounded too, so what the locks keep is bounded per user.
 */
public final class SyncLocks implements SyncLockService {

    /** Used when a device asks for a lock without a timeout. */
    public static final long DEFAULT_TIMEOUT_SECONDS = 60;

    /** Syncs by user, then by name; holders by token with their slot. */
    private final Map<String, UserLocks> byUser = new HashMap<>();
    private final ServerQuotas quotas;
    private final LongSupplier clock;

    public SyncLocks() {
        this(ServerQuotas.DEFAULT);
    }

    public SyncLocks(int maxLocksPerUser) {
        this(ServerQuotas.builder().maxLocksPerUser(maxLocksPerUser).build());
    }

    /** Locks within the server's {@code maxLocksPerUser}, {@code maxNameLength}, token length and timeout. */
    public SyncLocks(ServerQuotas quotas) {
        this(quotas, System::currentTimeMillis);
    }

    SyncLocks(LongSupplier clock) {
        this(ServerQuotas.DEFAULT, clock);
    }

    SyncLocks(int maxLocksPerUser, LongSupplier clock) {
        this(ServerQuotas.builder().maxLocksPerUser(maxLocksPerUser).build(), clock);
    }

    SyncLocks(ServerQuotas quotas, LongSupplier clock) {
        this.quotas = quotas;
        this.clock = clock;
    }

    /**
     * Refuses a sync name longer than {@code maxNameLength} and a token longer than {@code maxLockTokenLength}, as
     * any {@link SyncLockService} must before it keeps them.
     *
     * @throws QuotaExceededException 400 ({@code name-length})
     */
    public static void requireBounded(ServerQuotas quotas, String sync, String token) {
        if (sync.length() > quotas.maxNameLength()) {
            throw new QuotaExceededException(QuotaExceededException.Quota.NAME_LENGTH,
                    "sync names are at most " + quotas.maxNameLength() + " characters");
        }
        if (token != null && token.length() > quotas.maxLockTokenLength()) {
            throw new QuotaExceededException(QuotaExceededException.Quota.NAME_LENGTH,
                    "lock tokens are at most " + quotas.maxLockTokenLength() + " characters");
        }
    }

    /**
     * How long a slot asked for {@code timeoutSeconds} is held, in milliseconds: at least a second, at most
     * {@code maxLockTimeout}.
     */
    public static long grantedMillis(ServerQuotas quotas, long timeoutSeconds) {
        long asked = timeoutSeconds >= Long.MAX_VALUE / 1000 ? Long.MAX_VALUE : Math.max(1, timeoutSeconds) * 1000;
        return Math.min(asked, quotas.maxLockTimeout().toMillis());
    }

    /** {@link #lock(String, String, String, int, long)} of a sync of no particular user. */
    public String lock(String sync, String token, int slots, long timeoutSeconds) {
        return lock("", sync, token, slots, timeoutSeconds);
    }

    /**
     * Takes a slot of a sync of {@code user}.
     *
     * @param token          the holder's token, or null to get a new one (a holder may re-take its own slot)
     * @param slots          how many holders may hold the sync at once (at least 1)
     * @param timeoutSeconds when the slot frees itself (at most {@code maxLockTimeout})
     * @return the token on success, null when every slot is taken
     * @throws QuotaExceededException 400 ({@code name-length}) for a sync name or token that is too long
     *                                ({@link #requireBounded}), 429 if
     *                                the user's devices hold {@code maxLocksPerUser} slots already
     */
    public String lock(String user, String sync, String token, int slots, long timeoutSeconds) {
        return lock(user, null, sync, token, slots, timeoutSeconds);
    }

    /** Takes a slot for {@code holder}'s connection, or for nobody's (a route's) when it is null. */
    private synchronized String lock(String user, DeviceRegistration holder, String sync, String token, int slots,
                                     long timeoutSeconds) {
        requireBounded(quotas, sync, token);
        long now = clock.getAsLong();
        UserLocks locks = byUser.computeIfAbsent(user, u -> new UserLocks());
        Map<String, Slot> holders = locks.syncs.computeIfAbsent(sync, s -> new HashMap<>());
        locks.expire(holders, now);
        Slot slot = new Slot(now + grantedMillis(quotas, timeoutSeconds), holder);
        if (token != null && holders.containsKey(token)) {
            holders.put(token, slot);
            return token;
        }
        if (holders.size() >= Math.max(1, slots)) {
            return null;
        }
        if (locks.held >= quotas.maxLocksPerUser()) {
            locks.expireAll(now);
            if (locks.held >= quotas.maxLocksPerUser()) {
                locks.dropIfEmpty(sync);
                if (locks.syncs.isEmpty()) {
                    byUser.remove(user);
                }
                throw new QuotaExceededException(QuotaExceededException.Quota.LOCKS,
                        "the devices of a user may hold " + quotas.maxLocksPerUser() + " locks at once");
            }
            holders = locks.syncs.computeIfAbsent(sync, s -> new HashMap<>()); // expireAll drops empty syncs
        }
        String taken = token != null ? token : UUID.randomUUID().toString();
        holders.put(taken, slot);
        locks.held++;
        return taken;
    }

    /** Takes a slot of a sync of the holder's user, held until it expires, is unlocked or the connection ends. */
    @Override
    public String lock(DeviceRegistration holder, String sync, String token, int slots, long timeoutSeconds) {
        return lock(holder.user(), holder, sync, token, slots, timeoutSeconds);
    }

    /**
     * The connection ended: the slots it took are free. Without this a device that lost its connection kept the
     * others of its user out of a sync until the timeout it asked for (up to a day) expired.
     */
    public synchronized void released(DeviceRegistration holder) {
        UserLocks locks = byUser.get(holder.user());
        if (locks == null) {
            return;
        }
        locks.dropAll(slot -> slot.heldBy(holder));
        if (locks.syncs.isEmpty()) {
            byUser.remove(holder.user());
        }
    }

    /** {@link #unlock(String, String, String)} of a sync of no particular user. */
    public boolean unlock(String sync, String token) {
        return unlock("", sync, token);
    }

    /** Frees the holder's slot; false if it held none (never had one, or it expired). */
    @Override
    public synchronized boolean unlock(String user, String sync, String token) {
        UserLocks locks = byUser.get(user);
        Map<String, Slot> holders = locks == null ? null : locks.syncs.get(sync);
        if (holders == null) {
            return false;
        }
        Slot slot = holders.remove(token);
        if (slot != null) {
            locks.held--;
        }
        locks.dropIfEmpty(sync);
        if (locks.syncs.isEmpty()) {
            byUser.remove(user);
        }
        return slot != null && slot.expiry() > clock.getAsLong();
    }

    /** Slots held now by the devices of {@code user}, expired ones included until they are noticed. */
    public synchronized int held(String user) {
        UserLocks locks = byUser.get(user);
        return locks == null ? 0 : locks.held;
    }

    /**
     * A held slot: when it frees itself, and the connection that took it (null for a route or this class's users,
     * whose slots only expire or are unlocked).
     */
    private record Slot(long expiry, DeviceRegistration holder) {

        /** Taken by that connection: the same device and session (its registration may change while it lasts). */
        boolean heldBy(DeviceRegistration connection) {
            return holder != null && holder.deviceId().equals(connection.deviceId())
                   && holder.sessionNumber() == connection.sessionNumber();
        }
    }

    /** One user's syncs and how many slots they hold in all. Guarded by the {@link SyncLocks}. */
    private static final class UserLocks {
        final Map<String, Map<String, Slot>> syncs = new HashMap<>();
        int held;

        void expire(Map<String, Slot> holders, long now) {
            drop(holders, slot -> slot.expiry() <= now);
        }

        void expireAll(long now) {
            dropAll(slot -> slot.expiry() <= now);
        }

        /** Frees the slots of {@code holders} that {@code freed} picks. */
        void drop(Map<String, Slot> holders, Predicate<Slot> freed) {
            Iterator<Slot> slots = holders.values().iterator();
            while (slots.hasNext()) {
                if (freed.test(slots.next())) {
                    slots.remove();
                    held--;
                }
            }
        }

        /** Frees the slots of every sync that {@code freed} picks, and drops the syncs left empty. */
        void dropAll(Predicate<Slot> freed) {
            Iterator<Map<String, Slot>> all = syncs.values().iterator();
            while (all.hasNext()) {
                Map<String, Slot> holders = all.next();
                drop(holders, freed);
                if (holders.isEmpty()) {
                    all.remove();
                }
            }
        }

        void dropIfEmpty(String sync) {
            Map<String, Slot> holders = syncs.get(sync);
            if (holders != null && holders.isEmpty()) {
                syncs.remove(sync);
            }
        }
    }
}
