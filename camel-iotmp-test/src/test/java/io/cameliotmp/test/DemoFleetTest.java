package io.cameliotmp.test;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.protocol.session.ServiceCode;
import io.cameliotmp.server.DeviceFilter;
import io.cameliotmp.server.StreamListener;
import io.cameliotmp.server.StreamSample;
import io.cameliotmp.server.StreamSubscription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The examples' demo devices offer what the examples' READMEs promise: the demo credentials and resources. */
class DemoFleetTest {

    @RegisterExtension
    static IotmpServerExtension server = IotmpServerExtension
            .withCredentials("demo/device-1=secret-1,demo/device-2=secret-2");

    @Test
    void theDemoDevicesConnectWithTheDemoCredentialsAndAnswerTheirResources() throws Exception {
        try (DemoFleet fleet = DemoFleet.connectingTo("127.0.0.1", server.port(), 2).start()) {
            assertThat(fleet.awaitConnected(IotmpServerExtension.DEFAULT_WAIT)).isTrue();
            assertThat(server.run("demo", "device-2", "temperature", null)).isInstanceOfSatisfying(Map.class,
                    value -> assertThat(value).containsKey("celsius"));
            server.run("demo", "device-1", "led", Map.of("on", true));
            assertThat(server.run("demo", "device-1", "led", null)).isEqualTo(Map.of("on", true));
            assertThat(server.run("demo", "device-2", "led", null)).isEqualTo(Map.of("on", false));
            assertThat(server.run("demo", "device-1", "echo", "hi")).isEqualTo(Map.of("echo", "hi"));
            assertThat(fleet.device("device-2").isConnected()).isTrue();
            assertThatThrownBy(() -> fleet.device("device-3")).isInstanceOf(IllegalArgumentException.class);
        }
    }

    /** A closed fleet said it ran already; it starts again, as a test that reuses it expects. */
    @Test
    void aClosedFleetStartsAgain() {
        DemoFleet fleet = DemoFleet.connectingTo("127.0.0.1", server.port(), 1);
        try (fleet) {
            fleet.start();
            assertThat(fleet.awaitConnected(IotmpServerExtension.DEFAULT_WAIT)).isTrue();
            fleet.close();
            fleet.start();
            assertThat(fleet.awaitConnected(IotmpServerExtension.DEFAULT_WAIT)).isTrue();
            assertThatThrownBy(fleet::start).isInstanceOf(IllegalStateException.class);
        }
    }

    /** A port out of range failed only in start(), after the fleet's thread had started, which then ran on. */
    @Test
    void aPortOutOfRangeFailsBeforeAnythingStarts() {
        assertThatThrownBy(() -> DemoFleet.connectingTo("127.0.0.1", 0, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("port");
        assertThatThrownBy(() -> DemoFleet.connectingTo("127.0.0.1", 65_536, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void temperaturesChangeOnTheStreamsAndReachTheBucket() throws Exception {
        BlockingQueue<Object> samples = new LinkedBlockingQueue<>();
        BlockingQueue<Object> writes = new LinkedBlockingQueue<>();
        StreamSubscription subscription = server.server().subscriptions().subscribe(
                new DeviceFilter("demo", "device-1"), "temperature", 0, new CollectingListener(samples));
        try (AutoCloseable bucket = server.server().calls().registerService(ServiceCode.WRITE_BUCKET, "readings",
                call -> {
                    writes.add(call.payload());
                    return CompletableFuture.completedFuture(null);
                });
                DemoFleet fleet = DemoFleet.connectingTo("127.0.0.1", server.port(), 1)
                        .every(Duration.ofMillis(20)).writingBucket("readings").start()) {
            // the drift is a sine of the tick count: within a few ticks two different values have been streamed
            Object first = samples.poll(30, TimeUnit.SECONDS);
            assertThat(first).isNotNull();
            Object other;
            do {
                other = samples.poll(30, TimeUnit.SECONDS);
                assertThat(other).isNotNull();
            } while (other.equals(first));
            assertThat(writes.poll(30, TimeUnit.SECONDS)).isInstanceOfSatisfying(Map.class,
                    value -> assertThat(value).containsKey("celsius"));
        } finally {
            subscription.close();
        }
    }

    private record CollectingListener(BlockingQueue<Object> samples) implements StreamListener {
        @Override
        public CompletionStage<Void> onSample(StreamSample sample) {
            samples.add(sample.payload());
            return CompletableFuture.completedFuture(null);
        }
    }
}
