package io.cameliotmp.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.server.DeviceId;
import io.cameliotmp.server.DeviceReply;
import io.cameliotmp.server.DeviceRequest;
import io.cameliotmp.server.IotmpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.cluster.ClusterNodes.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The holder keeps no thread per forwarded call while the device works on it: 200 calls reach the device at once, and
 * all are answered. (When each call held a thread of Infinispan's blocking pool on the holder, not all of them did.)
 */
class ForwardedCallsInFlightTest {

    private static final int CALLS = 200;

    private final ClusterNodes nodes = new ClusterNodes();
    private final ExecutorService handlers = Executors.newCachedThreadPool();
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void close() {
        release.countDown();
        nodes.close();
        handlers.shutdownNow();
    }

    @Test
    void forwardedCallsWaitingForTheDeviceHoldNoThreadOnTheHolder() throws Exception {
        List<IotmpServer> members = nodes.start(2);
        IotmpServer holder = members.get(0);
        CountDownLatch reached = new CountDownLatch(CALLS);
        IotmpDevice device = nodes.track(IotmpDevice.builder().host("127.0.0.1")
                .port(holder.localAddress().getPort()).credentials("alice", "busy", "s3cr3t").noReconnect()
                // every call runs on the device at once: the device's own bound on handler work must not stop it
                .handlerExecutor(handlers).maxHandlersInFlight(CALLS).build());
        device.resource("slow").inputOutput(input -> {
            reached.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return input;
        });
        device.start().toCompletableFuture().join();
        DeviceId busy = new DeviceId("alice", "busy");
        eventually().until(() -> members.get(1).locate(busy).isPresent());

        List<CompletableFuture<DeviceReply>> calls = new ArrayList<>();
        for (int i = 0; i < CALLS; i++) {
            calls.add(members.get(1).send(busy, DeviceRequest.run("slow", (long) i), Duration.ofMinutes(5)));
        }
        assertThat(reached.await(60, TimeUnit.SECONDS)).as("every call reached the device at once").isTrue();
        release.countDown();

        for (int i = 0; i < CALLS; i++) {
            assertThat(calls.get(i).get(60, TimeUnit.SECONDS).payload()).isEqualTo((long) i);
        }
    }
}
