package io.cameliotmp.server;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
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
 * A subscription closes at once, while the streams it served stop later, on each connection's executor. A Camel
 * consumer closes its subscription when its route stops, and stops the route's processor right after: every sample
 * still handed to it would be refused by the route and logged with its stack trace (about a hundred thousand lines in a
 * benchmark that stopped a fast ingest). No sample reaches the listener of a closed subscription, whether it comes
 * through the executor or straight from the I/O thread.
 */
class ClosedSubscriptionTest {

    private static final DeviceId DEVICE = new DeviceId("alice", "esp32");

    private IotmpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void aSampleQueuedForTheExecutorIsNotHandedToAClosedSubscription() throws Exception {
        try (RawIotmpSocket device = connectedDevice()) {
            Recorder recorder = new Recorder(false);
            StreamSubscription subscription = subscribeAndTakeFirstSample(device, recorder);
            int stream = recorder.stream;
            DeviceConnection connection = server.registry().session(DEVICE).orElseThrow();
            CountDownLatch release = blockExecutor(connection);
            try {
                // the sample waits in the connection's inbox, ahead of the stream's stop that close() queues
                device.send(IotmpMessage.streamData(stream, 2L), Generation.GEN2);
                Waits.eventually().until(() -> connection.counters().inFlight() >= 1);
                subscription.close();
            } finally {
                release.countDown();
            }
            device.readUntil(MessageType.STOP_STREAM, Generation.GEN2);

            assertThat(connection.counters().samplesIn()).as("the second sample was handled").isEqualTo(2);
            assertThat(recorder.samples).as("and not handed to the closed subscription's listener").isEmpty();
        }
    }

    @Test
    void aSampleTheIoThreadDeliversIsNotHandedToAClosedSubscription() throws Exception {
        try (RawIotmpSocket device = connectedDevice()) {
            Recorder recorder = new Recorder(true);
            StreamSubscription subscription = subscribeAndTakeFirstSample(device, recorder);
            int stream = recorder.stream;
            DeviceConnection connection = server.registry().session(DEVICE).orElseThrow();
            CountDownLatch release = blockExecutor(connection);
            try {
                // the stream's stop waits behind the blocked executor; the inbox is empty, so the I/O thread
                // delivers the next sample itself
                subscription.close();
                device.send(IotmpMessage.streamData(stream, 2L), Generation.GEN2);
                Waits.eventually().until(() -> connection.counters().samplesIn() == 2);
                assertThat(recorder.samples).as("nothing for the closed subscription's listener").isEmpty();
            } finally {
                release.countDown();
            }
            device.readUntil(MessageType.STOP_STREAM, Generation.GEN2);
            assertThat(recorder.samples).isEmpty();
        }
    }

    private RawIotmpSocket connectedDevice() throws Exception {
        // one worker: the test holds it to keep what the connection queues there waiting
        server = new IotmpServer(IotmpServerConfig.builder().host("127.0.0.1").port(TestPorts.next())
                .workerThreads(1).authenticator(StaticAuthenticator.parse("alice/*=pw")).build());
        server.start();
        RawIotmpSocket device = RawIotmpSocket.connect(server.localAddress().getPort(), "alice", "esp32", "pw");
        Waits.eventually().until(() -> server.registry().session(DEVICE).isPresent());
        return device;
    }

    /** Subscribes {@code recorder}, opens the stream on the device and waits until its first sample arrived. */
    private StreamSubscription subscribeAndTakeFirstSample(RawIotmpSocket device, Recorder recorder)
            throws Exception {
        StreamSubscription subscription = server.subscriptions().subscribe(new DeviceFilter("alice", "*"),
                "temperature", 0, recorder);
        recorder.stream = device.acceptStream();
        device.send(IotmpMessage.streamData(recorder.stream, 1L), Generation.GEN2);
        assertThat(recorder.samples.poll(Waits.WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(1L);
        return subscription;
    }

    /** Holds the connection's executor until the returned latch is counted down; returns once it is held. */
    private static CountDownLatch blockExecutor(DeviceConnection connection) throws InterruptedException {
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        connection.runOnExecutor(() -> {
            held.countDown();
            try {
                release.await(Waits.WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(held.await(Waits.WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("executor held").isTrue();
        return release;
    }

    private static final class Recorder implements StreamListener {
        final BlockingQueue<Object> samples = new LinkedBlockingQueue<>();
        private final boolean onIoThread;
        /** The device's stream the recorder's subscription opened. */
        int stream;

        Recorder(boolean onIoThread) {
            this.onIoThread = onIoThread;
        }

        @Override
        public CompletionStage<Void> onSample(StreamSample sample) {
            samples.add(sample.payload());
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public boolean acceptsSamplesOnIoThread() {
            return onIoThread;
        }
    }
}
