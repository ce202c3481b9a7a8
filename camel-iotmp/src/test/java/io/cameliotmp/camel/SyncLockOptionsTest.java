package io.cameliotmp.camel;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.device.IotmpErrorException;
import io.cameliotmp.server.DeviceId;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.BindToRegistry;
import org.apache.camel.builder.RouteBuilder;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.testing.Waits.WAIT;
import static io.cameliotmp.testing.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bounds of the sync locks are the server's options, set on an endpoint's URI: a lock token longer than
 * {@code maxLockTokenLength} is refused and counted as any name too long, a sync name is bounded by
 * {@code maxNameLength} alone (it was also cut at a fixed 256 characters), and a slot is held at most
 * {@code maxLockTimeout} whatever timeout the device asks for (it was a fixed day).
 */
class SyncLockOptionsTest extends IotmpCamelTestSupport {

    @BindToRegistry("meters")
    private final MeterRegistry meters = new SimpleMeterRegistry();

    private IotmpDevice one;
    private IotmpDevice two;

    @Override
    protected String deviceCredentials() {
        return "alice/*=pw";
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("iotmp:topic:unrelated?maxLockTokenLength=8&maxLockTimeout=1000&maxNameLength=300")
                        .to("mock:unused");
            }
        };
    }

    @AfterEach
    void closeDevices() {
        if (one != null) {
            one.close();
        }
        if (two != null) {
            two.close();
        }
    }

    @Test
    void aTokenLongerThanMaxLockTokenLengthIsRefusedAndCounted() throws Exception {
        one = device("one");

        assertThat(statusOf(one.lock("door", Map.of("lock", "t".repeat(9))).toCompletableFuture())).isEqualTo(400L);
        assertThat(meters.get("iotmp.quota.refusals").tags("quota", "name-length").counter().count()).isEqualTo(1.0);
        assertThat(granted(one.lock("door", Map.of("lock", "t".repeat(8))))).containsEntry("lock", "t".repeat(8));
    }

    @Test
    void aSyncNameIsBoundedByMaxNameLength() throws Exception {
        one = device("one");

        assertThat(granted(one.lock("s".repeat(300), null))).containsKey("lock");
        assertThat(statusOf(one.lock("s".repeat(301), null).toCompletableFuture())).isEqualTo(400L);
        assertThat(meters.get("iotmp.quota.refusals").tags("quota", "name-length").counter().count()).isEqualTo(1.0);
    }

    @Test
    void aSlotIsHeldAtMostMaxLockTimeout() throws Exception {
        one = device("one");
        two = device("two");

        assertThat(granted(one.lock("door", Map.of("timeout", 3600)))).containsKey("lock");
        // the holder stays connected: only the timeout the server granted frees the slot, not the hour asked for
        eventually().pollInterval(Duration.ofMillis(100)).until(() -> takes(two, "door"));
        assertThat(server(port).registry().isConnected(new DeviceId("alice", "one"))).isTrue();
    }

    private IotmpDevice device(String name) {
        IotmpDevice device = IotmpDevice.builder().host("127.0.0.1").port(port).credentials("alice", name, "pw")
                .noReconnect().build();
        device.start().toCompletableFuture().join();
        eventually().until(() -> server(port).registry().isConnected(new DeviceId("alice", name)));
        return device;
    }

    /** Whether the device gets a slot of the sync: false while it is held (ERROR 409). */
    private static boolean takes(IotmpDevice device, String sync) {
        try {
            device.lock(sync, null).toCompletableFuture().orTimeout(WAIT.toMillis(), TimeUnit.MILLISECONDS).join();
            return true;
        } catch (CompletionException e) {
            assertThat(((IotmpErrorException) e.getCause()).code()).isEqualTo(409L);
            return false;
        }
    }

    private static Map<String, Object> granted(CompletionStage<Object> lock) throws Exception {
        Object answer = lock.toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        return assertThat(answer).asInstanceOf(InstanceOfAssertFactories.map(String.class, Object.class)).actual();
    }

    private static Long statusOf(CompletableFuture<Object> refused) {
        try {
            refused.orTimeout(WAIT.toMillis(), TimeUnit.MILLISECONDS).join();
            throw new AssertionError("the lock was granted");
        } catch (CompletionException e) {
            return ((IotmpErrorException) e.getCause()).code();
        }
    }
}
