package io.cameliotmp.cluster;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.server.DeviceErrorException;
import io.cameliotmp.server.DeviceId;
import io.cameliotmp.server.DeviceNotConnectedException;
import io.cameliotmp.server.DeviceRegistration;
import io.cameliotmp.server.DeviceRequest;
import io.cameliotmp.server.DeviceRequestTimeoutException;
import io.cameliotmp.server.DirectoryEntry;
import io.cameliotmp.server.IotmpServer;
import io.cameliotmp.server.TooManyPendingRequestsException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Three members on loopback: every member calls the devices of every other member, with the same outcomes. */
class ForwardedCallsTest {

    private final ClusterNodes nodes = new ClusterNodes();

    @AfterEach
    void close() {
        nodes.close();
    }

    @Test
    void everyMemberReachesTheDevicesOfEveryOtherMember() throws Exception {
        List<IotmpServer> members = nodes.start(3);
        for (int i = 0; i < members.size(); i++) {
            nodes.device(members.get(i), "device-" + i);
        }
        for (IotmpServer caller : members) {
            assertThat(caller.devices("alice")).extracting(e -> e.deviceId().device(), DirectoryEntry::member)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("device-0", "member-0"),
                            org.assertj.core.groups.Tuple.tuple("device-1", "member-1"),
                            org.assertj.core.groups.Tuple.tuple("device-2", "member-2"));
            for (int i = 0; i < members.size(); i++) {
                DeviceId device = new DeviceId("alice", "device-" + i);
                DeviceRegistration there = members.get(i).registry().registration(device).orElseThrow();
                var reply = caller.send(device, DeviceRequest.run("temperature", null), null)
                        .get(30, TimeUnit.SECONDS);
                assertThat(reply.payload()).isEqualTo(21L);
                assertThat(reply.registration()).isEqualTo(there);
                assertThat(caller.send(device, DeviceRequest.run("echo", Map.of("v", List.of(1L, "two"))), null)
                        .get(30, TimeUnit.SECONDS).payload()).isEqualTo(Map.of("v", List.of(1L, "two")));
                assertThat(caller.send(device, DeviceRequest.describe(null), null).get(30, TimeUnit.SECONDS)
                        .payload()).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                        .containsKeys("temperature", "echo");
                assertThat(caller.send(device, DeviceRequest.run("missing", null), null))
                        .failsWithin(30, TimeUnit.SECONDS).withThrowableOfType(Exception.class)
                        .withCauseInstanceOf(DeviceErrorException.class);
                assertThat(caller.locate(device)).map(DirectoryEntry::member).contains("member-" + i);
            }
            assertThat(caller.send(new DeviceId("alice", "nowhere"), DeviceRequest.run("temperature", null), null))
                    .failsWithin(30, TimeUnit.SECONDS).withThrowableOfType(Exception.class)
                    .withCauseInstanceOf(DeviceNotConnectedException.class);
        }
    }

    /**
     * The holder's own refusals reach the caller on another member as the same typed exceptions: a request the device
     * leaves unanswered times out after the caller's timeout, and one more than maxPendingRequests is refused.
     */
    @Test
    void aForwardedCallFailsWithTheHoldersTimeoutAndPendingLimit() throws Exception {
        java.util.concurrent.ExecutorService handlers = java.util.concurrent.Executors.newCachedThreadPool();
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        try {
            List<IotmpServer> members = nodes.server(config -> config.maxPendingRequests(2)).start(2);
            java.util.concurrent.CountDownLatch reached = new java.util.concurrent.CountDownLatch(3);
            nodes.track(nodes.hangingDevice(members.get(1), "slow", handlers, reached, release)).start()
                    .toCompletableFuture().get(30, TimeUnit.SECONDS);
            DeviceId slow = new DeviceId("alice", "slow");
            ClusterNodes.eventually().until(() -> members.get(0).locate(slow).isPresent());
            IotmpServer caller = members.get(0);

            var first = caller.send(slow, DeviceRequest.run("hang", null), java.time.Duration.ofMinutes(5));
            assertThat(caller.send(slow, DeviceRequest.run("hang", null), java.time.Duration.ofMillis(300)))
                    .failsWithin(30, TimeUnit.SECONDS).withThrowableOfType(Exception.class)
                    .withCauseExactlyInstanceOf(DeviceRequestTimeoutException.class)
                    .withMessageContaining("300 ms");
            var third = caller.send(slow, DeviceRequest.run("hang", null), java.time.Duration.ofMinutes(5));
            // all three reached the device: the first and third hold the holder's two slots
            assertThat(reached.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(caller.send(slow, DeviceRequest.run("temperature", null), java.time.Duration.ofMinutes(5)))
                    .failsWithin(30, TimeUnit.SECONDS).withThrowableOfType(Exception.class)
                    .withCauseInstanceOf(TooManyPendingRequestsException.class);
            assertThat(first).isNotDone();
            assertThat(third).isNotDone();
        } finally {
            release.countDown();
            handlers.shutdownNow();
        }
    }
}
