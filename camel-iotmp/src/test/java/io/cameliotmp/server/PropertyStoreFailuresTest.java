package io.cameliotmp.server;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.protocol.MessageType;
import io.cameliotmp.testing.RawIotmpSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A property store that fails (a database that is down or does not answer in time) fails the device's request that
 * needed it, with the store's status, and nothing else: the device stays connected.
 */
class PropertyStoreFailuresTest {

    /** A store whose database is down: every call fails as {@link JdbcPropertyStore} fails then. */
    private static final PropertyStore DOWN = new PropertyStore() {
        @Override
        public Object read(DeviceId device, String property) {
            throw new DeviceCallException(503, "property store unavailable");
        }

        @Override
        public void write(DeviceId device, String property, Object value) {
            throw new DeviceCallException(503, "property store unavailable");
        }
    };

    private IotmpServer server;

    @BeforeEach
    void start() {
        server = new IotmpServer(IotmpServerConfig.builder().host("127.0.0.1").port(0).nativeTransport(false)
                .authenticator(request -> CompletableFuture.completedFuture(AuthDecision.accept()))
                .propertyStore(DOWN).build());
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    /**
     * A subscription to a property's updates that asks for its current value read the store on the connection's
     * executor outside any handler's guard: the store's failure closed the connection, and a device that subscribes
     * again on connecting came back to the same failure, again and again.
     */
    @Test
    void aFailingStoreFailsTheRequestsThatNeedItAndKeepsTheDeviceConnected() throws Exception {
        try (RawIotmpSocket device = RawIotmpSocket.connect(server.localAddress().getPort(), "alice", "esp32",
                "pw")) {
            device.send(IotmpMessage.startStream(10, 8, Map.of("event", "device_property_update",
                    "filters", Map.of("property", "p"), "current", true)), Generation.GEN2);
            assertRefused(device.readMessage(Generation.GEN2), 10);
            device.send(IotmpMessage.of(MessageType.RUN, 11, "p", 1, 2), Generation.GEN2); // set a property
            assertRefused(device.readMessage(Generation.GEN2), 11);
            device.send(IotmpMessage.of(MessageType.RUN, 12, "p", null, 1), Generation.GEN2); // read a property
            assertRefused(device.readMessage(Generation.GEN2), 12);

            device.send(IotmpMessage.KEEP_ALIVE, Generation.GEN2);
            assertThat(device.readMessage(Generation.GEN2).type()).isEqualTo(MessageType.KEEP_ALIVE);
            DeviceConnection session = server.registry().session(new DeviceId("alice", "esp32")).orElseThrow();
            assertThat(session.inspect().get(30, java.util.concurrent.TimeUnit.SECONDS).deviceStreams()).isZero();
        }
    }

    private static void assertRefused(IotmpMessage answer, int streamId) {
        assertThat(answer.type()).as("answer to %s", streamId).isEqualTo(MessageType.ERROR);
        assertThat(answer.streamId()).isEqualTo(streamId);
        assertThat(answer.parameters()).isEqualTo(503L);
    }
}
