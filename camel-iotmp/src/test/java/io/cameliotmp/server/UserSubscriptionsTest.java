package io.cameliotmp.server;

import java.time.Duration;
import java.util.Map;

import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.testing.RawIotmpSocket;
import io.cameliotmp.testing.TestPorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Device subscriptions to topics and events are kept by user: a publication of one user reaches that user's devices
 * only (and a route's for every user all of them), a device's opening and stopping of streams touches its own
 * user's subscriptions only, and nothing is kept for a user once its devices' streams are gone.
 */
class UserSubscriptionsTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private IotmpServer server;

    @BeforeEach
    void start() {
        server = new IotmpServer(IotmpServerConfig.builder().host("127.0.0.1").port(TestPorts.next())
                .ioThreads(1).workerThreads(2)
                .authenticator(StaticAuthenticator.parse("alice/*=pw,bob/*=pw")).build());
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    private RawIotmpSocket device(String user, String device) throws Exception {
        return RawIotmpSocket.connect(server.localAddress().getPort(), user, device, "pw");
    }

    private static void subscribe(RawIotmpSocket device, int streamId, Map<String, Object> parameters)
            throws Exception {
        device.send(IotmpMessage.startStream(streamId, 8, parameters), Generation.GEN2);
        assertThat(device.readMessage(Generation.GEN2)).isEqualTo(IotmpMessage.ok(streamId));
    }

    @Test
    void subscriptionsAreKeptByUserAndForgottenWithTheirStreams() throws Exception {
        try (RawIotmpSocket alice = device("alice", "a1"); RawIotmpSocket bob = device("bob", "b1")) {
            subscribe(alice, 2, Map.of("event", "device_topic_publish", "scope", "subscribe", "topic", "#"));
            subscribe(alice, 4, Map.of("event", "alarm"));
            subscribe(bob, 2, Map.of("event", "device_topic_publish", "scope", "subscribe", "topic", "#"));
            assertThat(server.events().deviceSubscriptions("alice")).isEqualTo(2);
            assertThat(server.events().deviceSubscriptions("bob")).isEqualTo(1);

            server.topics().publish("bob", "t", "for bob", false);
            server.topics().publish(null, "t", "for everyone", false);
            assertThat(server.topics().raise("alice", "alarm", "fire")).isEqualTo(1);
            assertThat(bob.readMessage(Generation.GEN2)).isEqualTo(IotmpMessage.streamData(2, "for bob"));
            assertThat(bob.readMessage(Generation.GEN2)).isEqualTo(IotmpMessage.streamData(2, "for everyone"));
            assertThat(alice.readMessage(Generation.GEN2)).as("bob's publication is not alice's")
                    .isEqualTo(IotmpMessage.streamData(2, "for everyone"));
            assertThat(alice.readMessage(Generation.GEN2)).isEqualTo(IotmpMessage.streamData(4, "fire"));

            alice.send(IotmpMessage.stopStream(2), Generation.GEN2);
            await().atMost(PATIENCE).until(() -> server.events().deviceSubscriptions("alice") == 1);
        }
        await().atMost(PATIENCE).until(() -> server.events().usersWithDeviceSubscriptions() == 0);
    }
}
