package io.cameliotmp.server;

import io.cameliotmp.micrometer.MicrometerServerMetrics;
import io.cameliotmp.testing.RawIotmpSocket;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.testing.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two servers configured with port 0 in one meter registry each have their own meters, tagged with the port each
 * bound. Both were tagged {@code port=0}: the second was handed the first's meters, its gauges read the first server,
 * and the first one's stop took the second's meters away.
 */
class EphemeralPortMetersTest {

    private final MeterRegistry meters = new SimpleMeterRegistry();
    private IotmpServer first;
    private IotmpServer second;

    @AfterEach
    void stop() {
        if (first != null) {
            first.stop();
        }
        if (second != null) {
            second.stop();
        }
    }

    private IotmpServer start() {
        IotmpServer server = new IotmpServer(IotmpServerConfig.builder().host("127.0.0.1").port(0)
                .nativeTransport(false).ioThreads(1).metrics(MicrometerServerMetrics.factory(meters))
                .authenticator(StaticAuthenticator.parse("alice/esp32=pw")).build());
        server.start();
        return server;
    }

    private double connected(IotmpServer server) {
        return meters.get("iotmp.devices.connected").tag("port", String.valueOf(server.port())).gauge().value();
    }

    @Test
    void eachServerOnAnEphemeralPortHasItsOwnMeters() throws Exception {
        first = start();
        second = start();
        assertThat(first.port()).isEqualTo(first.localAddress().getPort()).isPositive();
        assertThat(second.port()).isEqualTo(second.localAddress().getPort()).isNotEqualTo(first.port());
        assertThat(first.config().port()).isZero();
        assertThat(meters.find("iotmp.devices.connected").gauges()).hasSize(2);

        try (RawIotmpSocket device = RawIotmpSocket.connect(first.port(), "alice", "esp32", "pw")) {
            eventually().until(() -> first.registry().size() == 1);
            assertThat(connected(first)).isEqualTo(1);
            assertThat(connected(second)).isZero();
        }

        int firstPort = first.port();
        first.stop();
        first = null;
        assertThat(meters.find("iotmp.devices.connected").tag("port", String.valueOf(firstPort)).gauge())
                .as("the stopped server's meters are gone").isNull();
        assertThat(connected(second)).as("the other server's stay").isZero();
        assertThat(second.toString()).contains("127.0.0.1:" + second.port());
    }
}
