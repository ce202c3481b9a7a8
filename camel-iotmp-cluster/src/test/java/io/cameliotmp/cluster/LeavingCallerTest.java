package io.cameliotmp.cluster;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.server.DeviceDisconnectedException;
import io.cameliotmp.server.DeviceId;
import io.cameliotmp.server.DeviceReply;
import io.cameliotmp.server.DeviceRequest;
import io.cameliotmp.server.IotmpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.cluster.ClusterNodes.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A call made through a member while that member leaves fails at once as disconnected, like the calls it had in
 * flight. Before, a call made once those had failed and before the member's call channel closed went out on that
 * channel and failed, when it closed, with a bare {@code IotmpRequestException} (or waited on a device that might
 * never answer); the member's leave is held at that point here, and the call is made there.
 */
class LeavingCallerTest {

    private static final Duration LONG_TIMEOUT = Duration.ofMinutes(5);

    private final ClusterNodes nodes = new ClusterNodes();
    private final ExecutorService handlers = Executors.newCachedThreadPool();
    private final CountDownLatch never = new CountDownLatch(1);

    @AfterEach
    void close() {
        never.countDown();
        nodes.close();
        handlers.shutdownNow();
    }

    @Test
    void aCallMadeWhileItsMemberLeavesFailsAtOnceAsDisconnected() throws Exception {
        List<IotmpServer> members = nodes.start(2);
        IotmpServer caller = members.get(0);
        IotmpServer holder = members.get(1);
        CountDownLatch reached = new CountDownLatch(2);
        nodes.hangingDevice(holder, "slow", handlers, reached, never).start().toCompletableFuture().join();
        DeviceId slow = new DeviceId("alice", "slow");
        eventually().until(() -> caller.locate(slow).isPresent());

        CompletableFuture<DeviceReply> before = caller.send(slow, DeviceRequest.run("hang", null), LONG_TIMEOUT);
        CompletableFuture<CompletableFuture<DeviceReply>> during = new CompletableFuture<>();
        InfinispanCluster leaving = ClusterNodes.cluster(caller);
        leaving.whileLeaving(() -> during.complete(caller.send(slow, DeviceRequest.run("hang", null),
                LONG_TIMEOUT)));

        leaving.leave();

        for (CompletableFuture<DeviceReply> call : List.of(before, during.get(60, TimeUnit.SECONDS))) {
            assertThat(call).failsWithin(60, TimeUnit.SECONDS).withThrowableOfType(Exception.class)
                    .withCauseInstanceOf(DeviceDisconnectedException.class);
        }
    }
}
