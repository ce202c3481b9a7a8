package io.cameliotmp.server;

/**
 * Sync locks (services 6 and 7) as the built-in services use them: {@link SyncLocks} in memory on a server alone, or
 * locks shared by the members of a cluster ({@link ServerCluster#syncLocks}), so a lock taken by a device on one
 * member blocks it for devices on every other.
 */
public interface SyncLockService {

    /**
     * Takes a slot of a sync of the holder's user for the connection {@code holder}.
     *
     * @param token          the holder's token, or null to get a new one (a holder may re-take its own slot)
     * @param slots          how many holders may hold the sync at once (at least 1)
     * @param timeoutSeconds when the slot frees itself (at most the server's {@code maxLockTimeout})
     * @return the token on success, null when every slot is taken
     * @throws QuotaExceededException 400 ({@code name-length}) for a sync name or token that is too long
     *                                ({@link SyncLocks#requireBounded}), 429 if
     *                                the user's devices hold {@code maxLocksPerUser} slots already
     */
    String lock(DeviceRegistration holder, String sync, String token, int slots, long timeoutSeconds);

    /** Frees the holder's slot of a sync of {@code user}; false if it held none (never had one, or it expired). */
    boolean unlock(String user, String sync, String token);
}
