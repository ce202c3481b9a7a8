package io.cameliotmp.server;

import java.net.InetAddress;
import java.net.ServerSocket;

import io.cameliotmp.micrometer.MicrometerServerMetrics;
import io.cameliotmp.testing.RawIotmpSocket;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.testing.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A server that fails to start (its port is taken) leaves no meters behind: they would stay registered for good, and
 * the next server on the address, whose meters have the same names and tags, would be handed them back, its
 * {@code iotmp.devices.connected} reading the server that never ran.
 */
class FailedStartMetersTest {

    private final MeterRegistry meters = new SimpleMeterRegistry();
    private IotmpServer running;

    @AfterEach
    void stop() {
        if (running != null) {
            running.stop();
        }
    }

    private IotmpServer server(int port) {
        return new IotmpServer(IotmpServerConfig.builder().host("127.0.0.1").port(port).nativeTransport(false)
                .ioThreads(1).metrics(MicrometerServerMetrics.factory(meters))
                .authenticator(StaticAuthenticator.parse("alice/esp32=pw")).build());
    }

    @Test
    void aServerThatFailedToStartLeavesNoMetersAndTheNextOneGetsItsOwn() throws Exception {
        IotmpServer failed;
        int port;
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = taken.getLocalPort();
            failed = server(port);
            assertThatThrownBy(failed::start).as("the port is taken").isInstanceOf(RuntimeException.class);
        }
        assertThat(meters.getMeters()).as("nothing of the server that never ran").isEmpty();
        assertThat(failed.metrics()).isSameAs(ServerMetrics.NONE);

        running = server(port);
        running.start();
        try (RawIotmpSocket device = RawIotmpSocket.connect(port, "alice", "esp32", "pw")) {
            eventually().until(() -> running.registry().size() == 1);
            assertThat(meters.get("iotmp.devices.connected").gauge().value()).as("the running server's").isEqualTo(1);
        }
        assertThat(failed.isRunning()).isFalse(); // still reachable: its gauge would have read it
    }
}
