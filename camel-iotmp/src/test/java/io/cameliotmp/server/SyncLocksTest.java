package io.cameliotmp.server;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SyncLocksTest {

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final SyncLocks locks = new SyncLocks(now::get);

    @Test
    void slotsLimitHoldersAndExpiredHoldersFreeTheirSlot() {
        String first = locks.lock("door", null, 2, 10);
        String second = locks.lock("door", null, 2, 10);
        assertThat(first).isNotNull().isNotEqualTo(second);
        assertThat(locks.lock("door", null, 2, 10)).isNull();
        assertThat(locks.lock("door", first, 2, 10)).as("a holder may renew").isEqualTo(first);

        now.addAndGet(10_001);
        assertThat(locks.lock("door", null, 2, 10)).as("both expired").isNotNull();
        assertThat(locks.unlock("door", first)).as("expired holders hold nothing").isFalse();
    }

    @Test
    void unlockFreesTheSlot() {
        String token = locks.lock("gate", "mine", 1, 60);
        assertThat(token).isEqualTo("mine");
        assertThat(locks.lock("gate", "theirs", 1, 60)).isNull();
        assertThat(locks.unlock("gate", "theirs")).isFalse();
        assertThat(locks.unlock("gate", "mine")).isTrue();
        assertThat(locks.lock("gate", "theirs", 1, 60)).isEqualTo("theirs");
    }

    @Test
    void theSlotsHeldByOneUsersDevicesAreLimitedAndExpiredOnesMakeRoom() {
        SyncLocks limited = new SyncLocks(2, now::get);
        assertThat(limited.lock("alice", "a", null, 1, 10)).isNotNull();
        assertThat(limited.lock("alice", "b", null, 1, 60)).isNotNull();
        assertThatThrownBy(() -> limited.lock("alice", "c", null, 1, 60))
                .isInstanceOfSatisfying(QuotaExceededException.class, e -> {
                    assertThat(e.status()).isEqualTo(429);
                    assertThat(e.quota()).isEqualTo(QuotaExceededException.Quota.LOCKS);
                });
        assertThat(limited.lock("bob", "c", null, 1, 60)).as("another user has a quota of his own").isNotNull();
        assertThat(limited.held("alice")).isEqualTo(2);

        now.addAndGet(10_001);
        assertThat(limited.lock("alice", "c", null, 1, 60)).as("the expired slot of 'a' made room").isNotNull();
        assertThat(limited.held("alice")).isEqualTo(2);
    }

    /**
     * A device that lost its connection while holding a slot kept its user's other devices out of the sync until the
     * timeout it asked for (up to a day): the slots a connection took are free when it ends, and only those.
     */
    @Test
    void theSlotsOfAConnectionAreFreeWhenItEnds() {
        DeviceRegistration first = connection("pump-1", 1);
        DeviceRegistration other = connection("pump-2", 2);
        String held = locks.lock(first, "door", null, 1, ServerQuotas.DEFAULT_MAX_LOCK_TIMEOUT_MILLIS / 1000);
        String gate = locks.lock(first, "gate", "mine", 2, ServerQuotas.DEFAULT_MAX_LOCK_TIMEOUT_MILLIS / 1000);
        String theirs = locks.lock(other, "gate", null, 2, ServerQuotas.DEFAULT_MAX_LOCK_TIMEOUT_MILLIS / 1000);
        String route = locks.lock("alice", "valve", null, 1, ServerQuotas.DEFAULT_MAX_LOCK_TIMEOUT_MILLIS / 1000);
        assertThat(locks.lock(other, "door", null, 1, 10)).isNull();
        assertThat(locks.held("alice")).isEqualTo(4);

        locks.released(connection("pump-1", 3)); // the same device's next connection took nothing yet
        assertThat(locks.held("alice")).isEqualTo(4);
        locks.released(first);

        assertThat(locks.held("alice")).as("the other device's and the route's slots stay").isEqualTo(2);
        assertThat(locks.unlock("alice", "door", held)).isFalse();
        assertThat(locks.unlock("alice", "gate", gate)).isFalse();
        assertThat(locks.lock(other, "door", null, 1, 10)).isNotNull();
        assertThat(locks.unlock("alice", "gate", theirs)).isTrue();
        assertThat(locks.unlock("alice", "valve", route)).isTrue();
    }

    private static DeviceRegistration connection(String device, long session) {
        return new DeviceRegistration(new DeviceId("alice", device), session, null, java.time.Instant.EPOCH,
                null, 60);
    }

    @Test
    void namesTokensAndTimeoutsAreBounded() {
        assertThatThrownBy(() -> locks.lock("alice", "x".repeat(ServerQuotas.DEFAULT_MAX_NAME_LENGTH + 1), null, 1, 10))
                .isInstanceOfSatisfying(DeviceCallException.class, e -> assertThat(e.status()).isEqualTo(400));
        String tooLongToken = "t".repeat(ServerQuotas.DEFAULT_MAX_LOCK_TOKEN_LENGTH + 1);
        assertThatThrownBy(() -> locks.lock("alice", "door", tooLongToken, 1, 10))
                .isInstanceOfSatisfying(DeviceCallException.class, e -> assertThat(e.status()).isEqualTo(400));
        String forever = locks.lock("alice", "door", null, 1, Long.MAX_VALUE);
        now.addAndGet(ServerQuotas.DEFAULT_MAX_LOCK_TIMEOUT_MILLIS + 1);
        assertThat(locks.lock("alice", "door", null, 1, 10)).as("held at most a day").isNotNull()
                .isNotEqualTo(forever);
    }
}
