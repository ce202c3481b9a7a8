package io.cameliotmp.camel;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.protocol.MessageType;
import io.cameliotmp.server.DeviceId;
import io.cameliotmp.server.DeviceConnection;
import io.cameliotmp.server.SessionCounters;
import io.cameliotmp.testing.RawIotmpSocket;
import io.cameliotmp.testing.TestPorts;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Consumers at different intervals share one device stream, and a route that blocks makes the server stop reading
 * the device instead of buffering its samples.
 */
class StreamSharingAndBackpressureTest extends IotmpCamelTestSupport {

    private static final int MAX_IN_FLIGHT = 8;
    private static final int SAMPLE_BYTES = 1024;

    private final int slowPort = TestPorts.next();
    private final CountDownLatch routeBlocked = new CountDownLatch(1);
    private final ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();

    @Override
    protected String deviceCredentials() {
        return "alice/esp32=pw";
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("iotmp:device:alice/esp32/temperature?interval=1000").to("mock:every1000");
                from("iotmp:device:alice/esp32/temperature?interval=1500").to("mock:every1500");
                from("iotmp:device:alice/esp32/data?port=" + slowPort + "&maxInFlight=" + MAX_IN_FLIGHT)
                        .process(e -> routeBlocked.await(30, TimeUnit.SECONDS))
                        .to("mock:slow");
            }
        };
    }

    @AfterEach
    void stopClock() {
        routeBlocked.countDown();
        clock.shutdownNow();
    }

    private static RawIotmpSocket connect(int port) throws Exception {
        return RawIotmpSocket.connect(port, "alice", "esp32", "pw");
    }

    private static List<Long> arrivals(MockEndpoint mock) {
        return mock.getExchanges().stream().map(e -> e.getMessage().getHeader(IotmpConstants.TIMESTAMP, Long.class))
                .toList();
    }

    @Test
    void consumersAtOneAndOneAndAHalfSecondsShareOneStreamAtTheGreatestCommonDivisor() throws Exception {
        MockEndpoint every1000 = getMockEndpoint("mock:every1000");
        MockEndpoint every1500 = getMockEndpoint("mock:every1500");
        every1000.expectedMinimumMessageCount(3);
        every1500.expectedMinimumMessageCount(2);
        try (RawIotmpSocket device = connect(port)) {
            IotmpMessage start = device.readMessage(Generation.GEN2);
            assertThat(start.type()).isEqualTo(MessageType.START_STREAM);
            assertThat(start.resource()).isEqualTo("temperature");
            assertThat(start.parameters()).isEqualTo(Map.of("interval", 500L));
            device.send(IotmpMessage.ok(start.streamId()), Generation.GEN2);
            device.sendHex("05 00");
            assertThat(device.readFrameHex()).as("one stream only: no second START_STREAM or STOP_STREAM")
                    .isEqualTo("05 00");

            // the device samples every 500 ms, as asked, for three seconds
            AtomicInteger sent = new AtomicInteger();
            clock.scheduleAtFixedRate(() -> {
                if (sent.get() < 7) {
                    try {
                        device.send(IotmpMessage.streamData(start.streamId(), Map.of("celsius", sent.getAndIncrement())),
                                Generation.GEN2);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            }, 0, 500, TimeUnit.MILLISECONDS);
            every1000.assertIsSatisfied();
            every1500.assertIsSatisfied();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (sent.get() < 7 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
        }
        // each consumer gets its own rate out of the shared stream (with half the stream's interval of slack)
        assertGaps(arrivals(every1000), 750);
        assertGaps(arrivals(every1500), 1250);
        assertThat(every1000.getReceivedCounter()).isGreaterThan(every1500.getReceivedCounter());
        assertThat(every1000.getReceivedCounter()).isLessThan(7);
    }

    private static void assertGaps(List<Long> arrivals, long atLeast) {
        for (int i = 1; i < arrivals.size(); i++) {
            assertThat(arrivals.get(i) - arrivals.get(i - 1)).as("gap before sample " + i).isGreaterThanOrEqualTo(atLeast);
        }
    }


    @Test
    void aBlockedRouteStopsTheReadingInsteadOfBufferingAndLosesNothing() throws Exception {
        int samples = 2000;
        MockEndpoint slow = getMockEndpoint("mock:slow");
        slow.expectedMessageCount(samples);
        slow.setResultWaitTime(30_000);
        try (RawIotmpSocket device = connect(slowPort)) {
            IotmpMessage start = device.readMessage(Generation.GEN2);
            device.send(IotmpMessage.ok(start.streamId()), Generation.GEN2);
            // 2 MB of samples: far more than the server may hold while the route is blocked
            Thread writer = new Thread(() -> {
                try {
                    for (int i = 0; i < samples; i++) {
                        byte[] payload = new byte[SAMPLE_BYTES];
                        payload[0] = (byte) i;
                        device.send(IotmpMessage.streamData(start.streamId(), List.of(i, payload)), Generation.GEN2);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            writer.start();

            DeviceConnection session = server(slowPort).registry().session(new DeviceId("alice", "esp32")).orElseThrow();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!session.counters().readingPaused() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            SessionCounters blocked = session.counters();
            assertThat(blocked.readingPaused()).as("reading paused").isTrue();
            Thread.sleep(500); // give a server that ignored the pause the time to read on
            SessionCounters later = session.counters();
            // what was decoded before the pause took effect is at most one socket read (64 KiB) of samples
            assertThat(later.inFlight()).isLessThanOrEqualTo(MAX_IN_FLIGHT + 64 * 1024 / SAMPLE_BYTES + 2);
            assertThat(later.framesIn()).isLessThan(samples / 10);

            routeBlocked.countDown();
            slow.assertIsSatisfied();
            writer.join(10_000);
            assertThat(session.counters().samplesDropped()).isZero();
        }
        List<Object> order = slow.getExchanges().stream()
                .map(e -> ((List<?>) e.getMessage().getBody()).get(0)).map(Object.class::cast).toList();
        assertThat(order).as("every sample, in order").isEqualTo(
                java.util.stream.LongStream.range(0, samples).boxed().map(Object.class::cast).toList());
    }

}
