package io.cameliotmp.camel.device;

import java.lang.management.LockInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.BindToRegistry;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.testing.Waits.WAIT;
import static io.cameliotmp.testing.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A connection released by its last endpoint while another endpoint acquires the same one: the new connection keeps
 * its meters, whatever the order in which the old one's meters go and the new one's come.
 */
class IotmpDeviceConnectionMetersTest extends IotmpDeviceTestSupport {

    /** A real registry that, once armed, holds the first removal of a meter until the test lets it go. */
    static final class HeldRemovalRegistry extends SimpleMeterRegistry {
        volatile CountDownLatch removing;
        final CountDownLatch letGo = new CountDownLatch(1);

        @Override
        public Meter remove(Meter meter) {
            CountDownLatch armed = removing;
            if (armed != null) {
                removing = null;
                armed.countDown();
                try {
                    letGo.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return super.remove(meter);
        }
    }

    @BindToRegistry("meters")
    private final HeldRemovalRegistry meters = new HeldRemovalRegistry();

    @AfterEach
    void letGoOfTheRemoval() {
        meters.letGo.countDown(); // a failed test must not leave a thread held
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("iotmp:events").to("mock:server"); // starts the server
            }
        };
    }

    @Test
    void aConnectionAcquiredWhileTheLastOneClosesKeepsItsMeters() throws Exception {
        IotmpDeviceComponent component = deviceComponent(context);
        IotmpDeviceConfiguration configuration = component.getConfiguration().copy();
        SharedDevice first = component.acquire(configuration, device -> {
        });
        eventually().until(() -> first.device().isConnected());
        assertThat(connectedGauge()).isEqualTo(1);

        CountDownLatch removing = new CountDownLatch(1);
        meters.removing = removing;
        CompletableFuture<Void> released = new CompletableFuture<>();
        Thread releaser = new Thread(() -> {
            component.release(first);
            released.complete(null);
        }, "releaser");
        releaser.start();
        assertThat(removing.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("the release removes meters").isTrue();

        // another endpoint takes the same connection while the first one's meters are on their way out
        CompletableFuture<SharedDevice> acquired = new CompletableFuture<>();
        Thread acquirer = new Thread(() -> {
            try {
                acquired.complete(component.acquire(configuration, device -> {
                }));
            } catch (Throwable e) {
                acquired.completeExceptionally(e);
            }
        }, "acquirer");
        acquirer.start();
        // either the acquire is done, or it waits for the release (the order the connections keep)
        eventually().until(() -> acquired.isDone() || waitsForMonitorHeldBy(acquirer, component.connections(),
                releaser));
        meters.letGo.countDown();
        released.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        SharedDevice second = acquired.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);

        assertThat(second).isNotSameAs(first);
        eventually().until(() -> second.device().isConnected());
        assertThat(meters.find("iotmp.device.connected").tags("device", DEVICE).gauge())
                .as("the new connection's gauge is registered").isNotNull();
        assertThat(connectedGauge()).isEqualTo(1);
        assertThat(meters.find("iotmp.device.connections").tags("device", DEVICE, "event", "connected").counter())
                .as("the new connection's counters are registered").isNotNull();

        component.release(second);
        assertThat(meters.find("iotmp.device.connected").gauges()).as("removed with the connection").isEmpty();
    }

    private double connectedGauge() {
        return meters.get("iotmp.device.connected").tags("device", DEVICE).gauge().value();
    }

    /** Whether {@code waiter} is blocked entering the monitor of {@code monitor}, which {@code owner} holds. */
    private static boolean waitsForMonitorHeldBy(Thread waiter, Object monitor, Thread owner) {
        ThreadInfo info = ManagementFactory.getThreadMXBean().getThreadInfo(waiter.getId());
        LockInfo lock = info != null ? info.getLockInfo() : null;
        return info != null && info.getThreadState() == Thread.State.BLOCKED && lock != null
               && lock.getIdentityHashCode() == System.identityHashCode(monitor)
               && info.getLockOwnerId() == owner.getId();
    }
}
