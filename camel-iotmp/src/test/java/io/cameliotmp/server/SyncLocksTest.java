package io.cameliotmp.server;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

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
}
