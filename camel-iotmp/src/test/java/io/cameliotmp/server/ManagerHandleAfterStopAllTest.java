package io.cameliotmp.server;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A handle closed after {@link IotmpServerManager#stopAll} (a producer a template stops after its component) leaves
 * the server started on the address since alone. Its release removed whatever entry the address had, the new
 * server's, which then ran on unseen by health checks, the dev console and JMX, and was never stopped.
 */
class ManagerHandleAfterStopAllTest {

    private final IotmpServerManager manager = new IotmpServerManager();

    @AfterEach
    void stopAll() {
        manager.stopAll();
    }

    private static IotmpServerConfig config() {
        return IotmpServerConfig.builder().host("127.0.0.1").port(0).nativeTransport(false).ioThreads(1).build();
    }

    @Test
    void aLateHandleOfAStoppedServerLeavesTheNextOneRunningAndListed() {
        IotmpServerManager.Handle before = manager.acquire(config());
        manager.stopAll();
        assertThat(before.server().isRunning()).isFalse();

        IotmpServerManager.Handle after = manager.acquire(config());
        assertThat(after.server()).isNotSameAs(before.server());
        before.close();

        assertThat(manager.running()).containsExactly(after.server());
        assertThat(manager.find("127.0.0.1", 0)).isSameAs(after.server());
        assertThat(after.server().isRunning()).isTrue();
        after.close();
        assertThat(manager.running()).isEmpty();
        assertThat(after.server().isRunning()).isFalse();
    }
}
