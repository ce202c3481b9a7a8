package io.cameliotmp.server;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.device.IotmpErrorException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.testing.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A server alone frees the sync lock slots of a device's connection when it ends, as a cluster does: a device that
 * lost its connection while holding a lock kept its user's other devices out until its timeout (up to a day).
 */
class SyncLockDisconnectTest {

    private IotmpServer server;
    private IotmpDevice one;
    private IotmpDevice two;

    @AfterEach
    void stop() {
        if (one != null) {
            one.close();
        }
        if (two != null) {
            two.close();
        }
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void theLocksOfADeviceThatDisconnectsAreFree() throws Exception {
        server = new IotmpServer(IotmpServerConfig.builder().host("127.0.0.1").port(0).nativeTransport(false)
                .authenticator(StaticAuthenticator.parse("alice/one=s3cr3t,alice/two=s3cr3t")).build());
        server.start();
        one = device("one");
        two = device("two");

        long longest = ServerQuotas.DEFAULT_MAX_LOCK_TIMEOUT_MILLIS / 1000;
        Object held = one.lock("door", Map.of("timeout", longest)).toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
        assertThat(held).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP).containsKey("lock");
        assertThat(statusOf(two.lock("door", null).toCompletableFuture())).isEqualTo(409L);

        one.close();
        eventually().until(() -> !server.registry().isConnected(new DeviceId("alice", "one")));
        assertThat(two.lock("door", null).toCompletableFuture().get(30, TimeUnit.SECONDS))
                .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP).containsKey("lock");
    }

    /**
     * A sync name or token too long is a refusal like a name too long for any other service: counted in
     * {@code iotmp.quota.refusals{quota=name-length}}; and a refused unlock does not echo the token, any value of any
     * size a device sent.
     */
    @Test
    void aTokenTooLongIsCountedAndAnUnlockRefusedDoesNotEchoTheToken() throws Exception {
        server = new IotmpServer(IotmpServerConfig.builder().host("127.0.0.1").port(0).nativeTransport(false)
                .authenticator(StaticAuthenticator.parse("alice/one=s3cr3t")).build());
        server.start();
        one = device("one");

        assertThat(statusOf(one.lock("door", Map.of("lock", "t".repeat(ServerQuotas.DEFAULT_MAX_LOCK_TOKEN_LENGTH + 1)))
                .toCompletableFuture())).isEqualTo(400L);
        assertThat(server.totals().quotaRefusals()).isEqualTo(1);

        CompletableFuture<Object> unlocked = one.unlock("door", "forged\nWARN line", true).toCompletableFuture();
        assertThat(statusOf(unlocked)).isEqualTo(404L);
        assertThat(unlocked.handle((ok, e) -> String.valueOf(((IotmpErrorException) e).payload())).join())
                .contains("not locked").doesNotContain("forged");
    }

    private IotmpDevice device(String name) {
        IotmpDevice device = IotmpDevice.builder().host("127.0.0.1").port(server.localAddress().getPort())
                .credentials("alice", name, "s3cr3t").noReconnect().build();
        device.start().toCompletableFuture().join();
        eventually().until(() -> server.registry().isConnected(new DeviceId("alice", name)));
        return device;
    }

    private static Long statusOf(CompletableFuture<Object> refused) {
        try {
            refused.orTimeout(30, TimeUnit.SECONDS).join();
            throw new AssertionError("the lock was granted");
        } catch (CompletionException e) {
            return ((IotmpErrorException) e.getCause()).code();
        }
    }
}
