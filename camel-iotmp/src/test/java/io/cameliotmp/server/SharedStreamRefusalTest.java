package io.cameliotmp.server;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.protocol.MessageType;
import io.cameliotmp.testing.RawIotmpSocket;
import io.cameliotmp.testing.TestPorts;
import io.cameliotmp.testing.Waits;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A shared stream the device refused while a subscriber still wants it: a later subscriber (on change or periodic)
 * makes the server ask the device again instead of waiting for a stream that was never opened.
 */
class SharedStreamRefusalTest {

    private static final Duration WAIT = Waits.WAIT;

    private IotmpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    private RawIotmpSocket connectedDevice() throws Exception {
        server = new IotmpServer(IotmpServerConfig.builder().host("127.0.0.1").port(TestPorts.next())
                .authenticator(StaticAuthenticator.parse("alice/*=pw")).build());
        server.start();
        RawIotmpSocket device = RawIotmpSocket.connect(server.localAddress().getPort(), "alice", "esp32", "pw");
        DeviceId id = new DeviceId("alice", "esp32");
        Waits.eventually().until(() -> server.registry().session(id).isPresent());
        return device;
    }

    @Test
    void aRefusedOnChangeStreamIsAskedForAgainByTheNextSubscriber() throws Exception {
        refusedStreamIsAskedForAgain(0);
    }

    @Test
    void aRefusedPeriodicStreamIsAskedForAgainByTheNextSubscriber() throws Exception {
        refusedStreamIsAskedForAgain(1000);
    }

    private void refusedStreamIsAskedForAgain(long interval) throws Exception {
        try (RawIotmpSocket device = connectedDevice()) {
            Recorder first = new Recorder();
            server.subscriptions().subscribe(new DeviceFilter("alice", "*"), "temperature", interval, first);
            IotmpMessage start = device.readUntil(MessageType.START_STREAM, Generation.GEN2);
            device.send(IotmpMessage.error(start.streamId(), 404L, null), Generation.GEN2);
            assertThat(first.failures.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("first told")
                    .isInstanceOf(DeviceErrorException.class);

            Recorder second = new Recorder();
            server.subscriptions().subscribe(new DeviceFilter("alice", "esp32"), "temperature", interval, second);
            IotmpMessage again = device.readUntil(MessageType.START_STREAM, Generation.GEN2);
            assertThat(again.resource()).isEqualTo("temperature");
            device.send(IotmpMessage.ok(again.streamId()), Generation.GEN2);
            device.send(IotmpMessage.streamData(again.streamId(), 215L), Generation.GEN2);

            assertThat(second.samples.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("second's sample")
                    .isEqualTo(215L);
            assertThat(first.samples.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("first's sample, too")
                    .isEqualTo(215L);
            assertThat(second.failures).isEmpty();
        }
    }

    private static final class Recorder implements StreamListener {
        final BlockingQueue<Object> samples = new LinkedBlockingQueue<>();
        final BlockingQueue<Throwable> failures = new LinkedBlockingQueue<>();

        @Override
        public CompletionStage<Void> onSample(StreamSample sample) {
            samples.add(sample.payload());
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void onStreamFailed(DeviceRegistration registration, String resource, Throwable cause) {
            failures.add(cause);
        }
    }

}
