package io.cameliotmp.device;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.protocol.MessageType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The bounds on the streams a server opens on the device: how many, how often they sample, and on which ids.
 */
class DeviceStreamLimitTest extends DeviceTestBase {

    /** The next answer (OK or ERROR) the device sends, skipping stream data. */
    private static IotmpMessage nextAnswer(TestIotmpServer.Connection c) throws Exception {
        while (true) {
            IotmpMessage message = c.next();
            if (message.type() == MessageType.OK || message.type() == MessageType.ERROR) {
                return message;
            }
        }
    }

    @Test
    void startStreamsBeyondTheLimitAreRefusedUntilOneIsStopped() throws Exception {
        startServer();
        IotmpDevice device = track(deviceBuilder().maxServerStreams(3).build());
        device.resource("sensor/:n").handler(ResourceKind.OUTPUT, request -> request.pathParams().get("n"));
        TestIotmpServer.Connection c = connect(device);

        for (int id = 1; id <= 3; id++) {
            c.send(IotmpMessage.startStream(id, "sensor/" + id, null));
            assertThat(nextAnswer(c)).isEqualTo(IotmpMessage.ok(id));
        }
        c.send(IotmpMessage.startStream(4, "sensor/4", null));
        IotmpMessage refused = nextAnswer(c);
        assertThat(refused.type()).isEqualTo(MessageType.ERROR);
        assertThat(refused.streamId()).isEqualTo(4);
        assertThat(((Number) refused.parameters()).intValue()).as("status").isEqualTo(429);
        assertThat(device.transportStats().serverStreamsRefused()).isEqualTo(1);

        c.send(IotmpMessage.stopStream(2));
        assertThat(nextAnswer(c)).isEqualTo(IotmpMessage.ok(2));
        c.send(IotmpMessage.startStream(5, "sensor/5", null));
        assertThat(nextAnswer(c)).isEqualTo(IotmpMessage.ok(5));
        // reopening an open id replaces that stream: it opens nothing new, so it is not refused
        c.send(IotmpMessage.startStream(5, "sensor/6", null));
        assertThat(nextAnswer(c)).isEqualTo(IotmpMessage.ok(5));
        assertThat(device.transportStats().serverStreamsRefused()).isEqualTo(1);
    }

    @Test
    void anIntervalBelowTheMinimumIsRaisedToIt() throws Exception {
        startServer();
        IotmpDevice device = track(deviceBuilder().minStreamInterval(Duration.ofMillis(500)).build());
        device.resource("fast").output(() -> 1L);
        device.resource("slow").output(() -> 2L);
        TestIotmpServer.Connection c = connect(device);

        c.send(IotmpMessage.startStream(7, "fast", Map.of("interval", 1L)));
        assertThat(nextAnswer(c)).isEqualTo(IotmpMessage.ok(7));
        c.send(IotmpMessage.startStream(8, "slow", Map.of("interval", 2_000L)));
        assertThat(nextAnswer(c)).isEqualTo(IotmpMessage.ok(8));

        // the interval the sampler is scheduled with (see ResourceStreams.scheduleSample)
        ResourceStreams streams = device.currentSession().resourceStreams;
        assertThat(streams.streamsFor("fast")).singleElement().extracting(s -> s.intervalMillis).isEqualTo(500L);
        assertThat(streams.streamsFor("slow")).singleElement().extracting(s -> s.intervalMillis).isEqualTo(2_000L);
    }

    @Test
    void aStartStreamOnTheIdOfTheDevicesSubscriptionIsRefusedAndTheSubscriptionKeepsItsData() throws Exception {
        startServer();
        IotmpDevice device = track(deviceBuilder().idGenerator(ids(0x4321, 0x0101)).build());
        device.resource("temperature").output(() -> 21L);
        TestIotmpServer.Connection c = connect(device);
        BlockingQueue<Object> received = new LinkedBlockingQueue<>();
        CompletionStage<ServerStream> opening = device.openServerStream(Map.of("event", "device_topic_publish",
                "scope", "subscribe", "topic", "cmd"), received::add);
        assertThat(c.next(MessageType.START_STREAM).streamId()).isEqualTo(0x0101);
        c.send(IotmpMessage.ok(0x0101));
        await(opening);

        c.send(IotmpMessage.startStream(0x0101, "temperature", null));
        IotmpMessage refused = nextAnswer(c);
        assertThat(refused.type()).isEqualTo(MessageType.ERROR);
        assertThat(refused.streamId()).isEqualTo(0x0101);
        assertThat(((Number) refused.parameters()).intValue()).as("status").isEqualTo(409);

        c.send(IotmpMessage.streamData(0x0101, "for the subscription"));
        assertThat(received.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("for the subscription");
    }

    @Test
    void theLimitsMustBePositive() {
        assertThatThrownBy(() -> IotmpDevice.builder().maxServerStreams(0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> IotmpDevice.builder().minStreamInterval(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
