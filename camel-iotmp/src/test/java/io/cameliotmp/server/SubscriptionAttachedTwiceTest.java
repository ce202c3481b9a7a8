package io.cameliotmp.server;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.testing.RawIotmpSocket;
import io.cameliotmp.testing.TestPorts;
import io.cameliotmp.testing.Waits;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A subscription made while a device connects reaches that connection twice: the subscription attaches itself to every
 * connection registered, and the connection, announced after its registration, attaches every subscription listed.
 * (A Camel application that restarts while its fleet reconnects starts its routes in that window.) The listener must
 * still get each sample once.
 */
class SubscriptionAttachedTwiceTest {

    private static final DeviceId DEVICE = new DeviceId("alice", "esp32");

    private IotmpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void aSubscriptionAttachedTwiceGetsEachSampleOnce() throws Exception {
        server = new IotmpServer(IotmpServerConfig.builder().host("127.0.0.1").port(TestPorts.next())
                .authenticator(StaticAuthenticator.parse("alice/*=pw")).build());
        server.start();
        try (RawIotmpSocket device = RawIotmpSocket.connect(server.localAddress().getPort(), "alice", "esp32",
                "pw")) {
            Waits.eventually().until(() -> server.registry().session(DEVICE).isPresent());
            DeviceConnection connection = server.registry().session(DEVICE).orElseThrow();
            BlockingQueue<Object> samples = new LinkedBlockingQueue<>();
            StreamSubscription subscription = server.subscriptions().subscribe(new DeviceFilter("alice", "*"),
                    "temperature", 0, new StreamListener() {
                        @Override
                        public CompletionStage<Void> onSample(StreamSample sample) {
                            samples.add(sample.payload());
                            return CompletableFuture.completedFuture(null);
                        }
                    });
            // what the connection's announcement does when it lists the subscription the moment it is made
            connection.attach(List.of(subscription));
            int stream = device.acceptStream();

            device.send(IotmpMessage.streamData(stream, 1L), Generation.GEN2);
            device.send(IotmpMessage.streamData(stream, 2L), Generation.GEN2);

            assertThat(samples.poll(Waits.WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(1L);
            assertThat(samples.poll(Waits.WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("1 once, then 2")
                    .isEqualTo(2L);
        }
    }
}
