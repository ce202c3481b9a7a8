package io.cameliotmp.server;

import java.net.InetSocketAddress;
import java.net.ServerSocket;

import io.cameliotmp.micrometer.MicrometerServerMetrics;
import io.cameliotmp.testing.RawIotmpSocket;
import io.cameliotmp.testing.TestPorts;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.testing.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A start whose metrics cannot be made (a factory that throws, a registry that refuses a meter half-way) gives back
 * everything it made before: its threads, timer and listening port, and the meters it had registered. It kept the
 * threads of its event loops for good, so that a route controller retrying the start leaked a set of threads per
 * attempt.
 */
class FailedStartReleaseTest {

    private final int port = TestPorts.next();
    private IotmpServer running;

    @AfterEach
    void stop() {
        if (running != null) {
            running.stop();
        }
    }

    private IotmpServer server(ServerMetrics.Factory metrics) {
        return new IotmpServer(IotmpServerConfig.builder().host("127.0.0.1").port(port).nativeTransport(false)
                .ioThreads(1).workerThreads(1).metrics(metrics)
                .authenticator(StaticAuthenticator.parse("alice/esp32=pw")).build());
    }

    private static long serverThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("iotmp-")).count();
    }

    /** The port is free again, threads are gone, and a server started on the port afterwards works. */
    private void assertReleased(long threadsBefore) throws Exception {
        eventually().until(() -> serverThreads() == threadsBefore);
        try (ServerSocket again = new ServerSocket()) {
            again.bind(new InetSocketAddress("127.0.0.1", port));
        }
        running = server(ServerMetrics.Factory.NONE);
        running.start();
        try (RawIotmpSocket device = RawIotmpSocket.connect(port, "alice", "esp32", "pw")) {
            eventually().until(() -> running.registry().size() == 1);
        }
    }

    @Test
    void aMetricsFactoryThatThrowsLeavesNoThreadsNorPortBehind() throws Exception {
        long threadsBefore = serverThreads();
        IllegalStateException broken = new IllegalStateException("no metrics today");
        IotmpServer failed = server(server -> {
            throw broken;
        });

        assertThat(catchThrowable(failed::start)).isSameAs(broken);
        assertThat(failed.isRunning()).isFalse();
        assertThat(failed.metrics()).isSameAs(ServerMetrics.NONE);
        assertReleased(threadsBefore);
    }

    @Test
    void aRegistryThatRefusesAMeterHalfWayKeepsNoneOfTheServersMeters() throws Exception {
        long threadsBefore = serverThreads();
        // as Prometheus' registry does with a name it has under other tag keys
        MeterRegistry refusing = new SimpleMeterRegistry() {
            @Override
            protected Counter newCounter(Meter.Id id) {
                if (id.getName().equals("iotmp.refusals")) {
                    throw new IllegalArgumentException("iotmp.refusals is registered with other tag keys");
                }
                return super.newCounter(id);
            }
        };
        IotmpServer failed = server(MicrometerServerMetrics.factory(refusing));

        assertThat(catchThrowable(failed::start)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("iotmp.refusals");
        assertThat(refusing.getMeters()).as("the meters registered before the refused one").isEmpty();
        assertReleased(threadsBefore);
    }
}
