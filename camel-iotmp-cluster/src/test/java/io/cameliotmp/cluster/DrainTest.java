package io.cameliotmp.cluster;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.server.DeviceId;
import io.cameliotmp.server.DeviceListener;
import io.cameliotmp.server.DeviceRegistration;
import io.cameliotmp.server.DeviceRequest;
import io.cameliotmp.server.DirectoryEntry;
import io.cameliotmp.server.IotmpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A member drained for a rolling upgrade: it stops accepting, its devices get DISCONNECT and reconnect to the other
 * member, and every device stays callable from both members. The test stands in for the load balancer: a device
 * told to go reconnects to the member that still accepts.
 */
class DrainTest {

    private static final int DEVICES = 12;
    private static final int RATE = 5;

    private final ClusterNodes nodes = new ClusterNodes();
    private final ExecutorService balancer = Executors.newSingleThreadExecutor();

    @AfterEach
    void close() {
        balancer.shutdownNow();
        nodes.close();
    }

    @Test
    void afterADrainEveryDeviceIsOnTheOtherMemberAndCallableFromBoth() throws Exception {
        List<IotmpServer> members = nodes.start(2);
        IotmpServer drained = members.get(0);
        IotmpServer other = members.get(1);
        Map<String, String> reasons = new ConcurrentHashMap<>();
        List<Long> disconnectedAt = new CopyOnWriteArrayList<>();
        drained.registry().addListener(new DeviceListener() {
            @Override
            public void onDisconnected(DeviceRegistration registration, String reason) {
                disconnectedAt.add(System.nanoTime());
                reasons.put(registration.deviceId().device(), reason);
                // the load balancer: the device reconnects where connections are accepted (not on this thread);
                // none once the test is over and the members stop
                if (!balancer.isShutdown()) {
                    balancer.execute(() -> nodes.connect(other, registration.deviceId().device()));
                }
            }
        });
        for (int i = 0; i < DEVICES; i++) {
            nodes.device(drained, "device-" + i);
        }
        int port = drained.localAddress().getPort();

        long drainStart = System.nanoTime();
        var done = drained.drain(RATE);
        assertThat(drained.isDraining()).isTrue();
        assertThat(drained.drain(1000)).as("the drain under way").isSameAs(done);
        // not accepting: the listener is closed, and a device cannot log in at its port
        assertThat(drained.isRunning()).isFalse();
        assertThat(logsIn(port)).as("a device logs in at the drained port").isFalse();
        done.get(60, TimeUnit.SECONDS);

        assertThat(drained.registry().size()).isZero();
        assertThat(reasons).hasSize(DEVICES).allSatisfy((device, reason) -> assertThat(reason).contains("draining"));
        // the pace: at 5 a second one device goes per 200 ms batch, batches at fixed times from the start, so the
        // k-th device cannot have gone before k - 1 batch periods (a lower bound: a slow machine only delays them)
        List<Long> sorted = disconnectedAt.stream().sorted().toList();
        for (int k = 1; k < sorted.size(); k++) {
            assertThat(TimeUnit.NANOSECONDS.toMillis(sorted.get(k) - drainStart)).as("device %d gone after", k + 1)
                    .isGreaterThanOrEqualTo(k * 1000L / RATE);
        }
        ClusterNodes.eventually().until(() -> other.registry().size() == DEVICES);
        for (int i = 0; i < DEVICES; i++) {
            DeviceId device = new DeviceId("alice", "device-" + i);
            ClusterNodes.eventually().until(() -> drained.locate(device).map(DirectoryEntry::member)
                    .filter("member-1"::equals).isPresent());
            for (IotmpServer caller : members) {
                assertThat(caller.send(device, DeviceRequest.run("temperature", null), null)
                        .get(30, TimeUnit.SECONDS).payload()).isEqualTo(21L);
            }
        }
        assertThat(drained.totals().forwardedCalls()).isEqualTo(DEVICES);
    }

    /**
     * Whether a device of alice logs in at the loopback {@code port}. Only the drained member could accept it there:
     * a bare socket probe cannot tell, since once the listener freed its ephemeral port anything in the machine may be
     * given that port (or the probe may connect to itself). A refused connection fails at once; something else that
     * accepted never answers the CONNECT, and the device gives up after its request timeout.
     */
    private boolean logsIn(int port) {
        try (IotmpDevice device = IotmpDevice.builder().host("127.0.0.1").port(port)
                .credentials("alice", "device-late", "s3cr3t").noReconnect().build()) {
            device.start().toCompletableFuture().get(60, TimeUnit.SECONDS);
            return true;
        } catch (ExecutionException | TimeoutException refused) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
