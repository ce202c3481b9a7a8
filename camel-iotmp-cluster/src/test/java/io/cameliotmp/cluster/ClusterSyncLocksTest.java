package io.cameliotmp.cluster;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.device.IotmpErrorException;
import io.cameliotmp.server.DeviceId;
import io.cameliotmp.server.IotmpServer;
import io.cameliotmp.server.ServerQuotas;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.cluster.ClusterNodes.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/** Sync locks across members: a slot held through one member blocks it on every other until it is freed. */
class ClusterSyncLocksTest {

    private final ClusterNodes nodes = new ClusterNodes();

    @AfterEach
    void close() {
        nodes.close();
    }

    @Test
    void aLockHeldOnOneMemberBlocksItOnAnotherUntilUnlocked() throws Exception {
        List<IotmpServer> members = nodes.start(2);
        IotmpDevice onA = nodes.device(members.get(0), "left");
        IotmpDevice onB = nodes.device(members.get(1), "right");

        String token = lock(onA, "door");
        assertRefused(onB, "door");
        // the holder may take its own slot again; another sync is free
        assertThat(onA.lock("door", Map.of("lock", token, "timeout", 3600L)).toCompletableFuture()
                .get(30, TimeUnit.SECONDS)).isEqualTo(Map.of("lock", token));
        lock(onB, "window");

        onA.unlock("door", token, true).toCompletableFuture().get(30, TimeUnit.SECONDS);
        String taken = lock(onB, "door");
        assertRefused(onA, "door");
        // unlocking with a token that holds nothing fails
        assertThat(onA.unlock("door", token, true)).failsWithin(30, TimeUnit.SECONDS)
                .withThrowableOfType(Exception.class).withCauseInstanceOf(IotmpErrorException.class);
        assertThat(taken).isNotEqualTo(token);
    }

    @Test
    void aSyncOfSeveralSlotsCountsHoldersOnEveryMember() throws Exception {
        List<IotmpServer> members = nodes.start(3);
        IotmpDevice first = nodes.device(members.get(0), "first");
        IotmpDevice second = nodes.device(members.get(1), "second");
        IotmpDevice third = nodes.device(members.get(2), "third");
        Map<String, Object> twoSlots = Map.of("slots", 2L);
        first.lock("pool", twoSlots).toCompletableFuture().get(30, TimeUnit.SECONDS);
        second.lock("pool", twoSlots).toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertThat(third.lock("pool", twoSlots)).failsWithin(30, TimeUnit.SECONDS)
                .withThrowableOfType(Exception.class).withCauseInstanceOf(IotmpErrorException.class);
    }

    @Test
    void theLocksOfAUsersDevicesAreCountedClusterWide() throws Exception {
        List<IotmpServer> members = nodes.start(2);
        IotmpDevice onA = nodes.device(members.get(0), "left");
        IotmpDevice onB = nodes.device(members.get(1), "right");
        int max = ServerQuotas.DEFAULT_MAX_LOCKS_PER_USER;
        String first = lock(onA, "sync-0");
        for (int i = 1; i < max; i++) {
            lock(i % 2 == 0 ? onA : onB, "sync-" + i);
        }
        assertRefused(onB, "one-more");
        assertRefused(onA, "one-more");

        onA.unlock("sync-0", first, true).toCompletableFuture().get(30, TimeUnit.SECONDS);
        lock(onB, "one-more");
    }

    @Test
    void aLockIsFreedWhenItsHolderDisconnects() throws Exception {
        List<IotmpServer> members = nodes.start(2);
        IotmpDevice onA = nodes.device(members.get(0), "holder");
        IotmpDevice onB = nodes.device(members.get(1), "waiter");
        lock(onA, "door");
        assertRefused(onB, "door");

        onA.close();

        eventually().until(() -> tryLock(onB, "door"));
    }

    /**
     * The directory's entry of the connection cannot be removed (here its cache is stopped on the holder's member; in
     * production a write timing out while a member is suspected): the slots the connection held are freed all the
     * same. Before, the failed removal skipped their release, and they stayed held up to {@code maxLockTimeout}
     * (a day at the default) after their device was gone.
     */
    @Test
    void aLockIsFreedWhenItsHolderDisconnectsEvenIfItsDirectoryEntryCannotBeRemoved() throws Exception {
        List<IotmpServer> members = nodes.start(2);
        IotmpDevice onA = nodes.device(members.get(0), "holder");
        IotmpDevice onB = nodes.device(members.get(1), "waiter");
        lock(onA, "door");
        assertRefused(onB, "door");

        ClusterNodes.cluster(members.get(0)).directoryCache().stop();
        onA.close();

        eventually().until(() -> tryLock(onB, "door"));
    }

    /**
     * Freeing the slots of a connection that ended fails (a write timing out while a member is suspected): they are
     * freed once a write of that member's succeeds again. Before, they stayed held up to {@code maxLockTimeout} (a
     * day at the default).
     */
    @Test
    void aLockWhoseReleaseFailedIsFreedOnceTheMembersWritesSucceedAgain() throws Exception {
        List<IotmpServer> members = nodes.start(2);
        IotmpServer a = members.get(0);
        IotmpDevice onA = nodes.device(a, "holder");
        IotmpDevice onB = nodes.device(members.get(1), "waiter");
        lock(onA, "door");
        FailingWrites failing = FailingWrites.on(ClusterNodes.cluster(a).locks());

        failing.keys.add("alice");
        onA.close();
        eventually().until(() -> failing.refused.get() > 0
                && a.registry().registration(new DeviceId("alice", "holder")).isEmpty());
        assertRefused(onB, "door");

        failing.keys.clear();
        nodes.device(a, "next");
        eventually().until(() -> tryLock(onB, "door"));
    }

    @Test
    void aLockIsFreedWhenItsHoldersMemberLeavesTheView() throws Exception {
        List<IotmpServer> members = nodes.start(2);
        IotmpServer a = members.get(0);
        IotmpServer b = members.get(1);
        IotmpDevice onA = nodes.device(a, "holder");
        IotmpDevice onB = nodes.device(b, "waiter");
        lock(onA, "door");
        assertRefused(onB, "door");

        // A is cut off without a goodbye; its device stays connected there, but B no longer sees A
        SplitBrainTest.cut(a, b);
        eventually().until(() -> ClusterNodes.cluster(b).members().size() == 1);

        eventually().until(() -> tryLock(onB, "door"));
    }

    @Test
    void theServersBoundsOnNamesAndTokensApplyToTheSharedLocks() throws Exception {
        // both above the defaults (256 and 128): the shared locks once capped them whatever the options said
        int nameLength = 400;
        int tokenLength = 200;
        nodes.server(config -> config.quotas(ServerQuotas.builder().maxNameLength(nameLength)
                .maxLockTokenLength(tokenLength).build()));
        List<IotmpServer> members = nodes.start(2);
        IotmpDevice onA = nodes.device(members.get(0), "left");
        IotmpDevice onB = nodes.device(members.get(1), "right");
        String longest = "s".repeat(nameLength);
        String token = "t".repeat(tokenLength);

        assertThat(onA.lock(longest, Map.of("lock", token, "timeout", 3600L)).toCompletableFuture()
                .get(30, TimeUnit.SECONDS)).isEqualTo(Map.of("lock", token));
        assertRefused(onB, longest);
        assertRefused(onB, longest + "s");
        assertThat(onB.lock("door", Map.of("lock", token + "t"))).failsWithin(30, TimeUnit.SECONDS)
                .withThrowableOfType(Exception.class).withCauseInstanceOf(IotmpErrorException.class);
        lock(onB, "door");
    }

    /** Takes a slot for an hour, so only what the test does frees it, never its timeout. */
    private static String lock(IotmpDevice device, String sync) throws Exception {
        Object answer = device.lock(sync, Map.of("timeout", 3600L)).toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertThat(answer).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP).containsKey("lock");
        return (String) ((Map<?, ?>) answer).get("lock");
    }

    private static void assertRefused(IotmpDevice device, String sync) {
        assertThat(device.lock(sync, Map.of())).failsWithin(30, TimeUnit.SECONDS)
                .withThrowableOfType(Exception.class).withCauseInstanceOf(IotmpErrorException.class);
    }

    private static boolean tryLock(IotmpDevice device, String sync) throws Exception {
        try {
            lock(device, sync);
            return true;
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof IotmpErrorException) {
                return false;
            }
            throw e;
        }
    }
}
