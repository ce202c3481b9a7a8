package io.cameliotmp.server;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.micrometer.MicrometerServerMetrics;
import io.cameliotmp.protocol.session.RequestKind;
import io.cameliotmp.testing.Waits;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.testing.Waits.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What health checks, the dev console, JMX and meters read of a server while it stops. Reading whether it runs, or
 * its legacy addresses, waited on the server's lock for the whole stop (seconds with devices to close), so that a
 * readiness probe or a JMX console hung on a stopping server. A request of the stopped server completing late
 * registered its timer again, which then stayed in the registry for good.
 */
class ReadsDuringStopTest {

    private static final DeviceId UPDATED = new DeviceId("alice", "esp32");

    private static IotmpServer server(MeterRegistry meters) {
        return new IotmpServer(IotmpServerConfig.builder().host("127.0.0.1").port(0).nativeTransport(false)
                .ioThreads(1).metrics(MicrometerServerMetrics.factory(meters))
                .legacy(new LegacyListeners(true, 0, LegacyListeners.NONE))
                .authenticator(StaticAuthenticator.parse("alice/esp32=pw")).build());
    }

    @Test
    void whetherItRunsAndItsAddressesAreReadWithoutWaitingForTheStop() throws Exception {
        IotmpServer server = server(new SimpleMeterRegistry());
        server.start();
        assertThat(server.isRunning()).isTrue();
        assertThat(server.legacyAddress()).isNotNull();
        CountDownLatch stopping = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        // a stop that takes its time, as one closing many devices does: a firmware update's stop hook that waits
        server.firmwareUpdates().claim(UPDATED, () -> {
            stopping.countDown();
            try {
                release.await(WAIT.toSeconds(), TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Thread stopper = new Thread(server::stop, "stopping-server");
        stopper.start();
        try {
            assertThat(stopping.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the stop is under way").isTrue();
            CompletableFuture<Boolean> running = CompletableFuture.supplyAsync(server::isRunning);
            CompletableFuture<Object> legacy = CompletableFuture.supplyAsync(server::legacyAddress);
            assertThat(running.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isFalse();
            assertThat(legacy.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isNull();
        } finally {
            release.countDown();
            stopper.join(Waits.WAIT.toMillis());
        }
        assertThat(stopper.isAlive()).isFalse();
    }

    @Test
    void aRequestEndingAfterTheStopRegistersNoMeter() {
        MeterRegistry meters = new SimpleMeterRegistry();
        IotmpServer server = server(meters);
        server.start();
        // taken as a session or a forwarded call takes it, before the stop
        ServerMetrics metrics = server.metrics();
        metrics.requestCompleted(RequestKind.RUN, 1_000, ServerMetrics.Outcome.OK);
        assertThat(meters.find("iotmp.requests").timers()).hasSize(1);
        server.stop();
        assertThat(meters.getMeters()).isEmpty();

        metrics.requestCompleted(RequestKind.RUN, 1_000, ServerMetrics.Outcome.DISCONNECTED);
        metrics.forwardedCallCompleted(1_000, ServerMetrics.Outcome.DISCONNECTED);
        assertThat(meters.getMeters()).as("nothing of the stopped server").isEmpty();
    }
}
