package io.cameliotmp.camel;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.protocol.MessageType;
import io.cameliotmp.server.DeviceConnection;
import io.cameliotmp.server.DeviceId;
import io.cameliotmp.server.SessionCounters;
import io.cameliotmp.testing.RawIotmpSocket;
import io.cameliotmp.testing.TestPorts;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.BindToRegistry;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.testing.Waits.WAIT;
import static io.cameliotmp.testing.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Consumers at different intervals share one device stream, and a route that blocks makes the server stop reading
 * the device instead of buffering its samples.
 */
class StreamSharingAndBackpressureTest extends IotmpCamelTestSupport {

    private static final int MAX_IN_FLIGHT = 8;
    private static final int SAMPLE_BYTES = 1024;
    private static final int SAMPLES = 7;

    private final int slowPort = TestPorts.next();
    private final CountDownLatch routeBlocked = new CountDownLatch(1);
    @BindToRegistry("meters")
    private final MeterRegistry meters = new SimpleMeterRegistry();

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
    void unblockRoute() {
        routeBlocked.countDown();
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
        try (RawIotmpSocket device = connect(port)) {
            IotmpMessage start = device.readMessage(Generation.GEN2);
            assertThat(start.type()).isEqualTo(MessageType.START_STREAM);
            assertThat(start.resource()).isEqualTo("temperature");
            assertThat(start.parameters()).isEqualTo(Map.of("interval", 500L));
            device.send(IotmpMessage.ok(start.streamId()), Generation.GEN2);
            device.sendHex("05 00");
            assertThat(device.readFrameHex()).as("one stream only: no second START_STREAM or STOP_STREAM")
                    .isEqualTo("05 00");

            // The device samples every 500 ms, as asked, seven times. A busy machine can only stretch the gaps the
            // server sees, never shorten them: each sample goes out 500 ms after the server took the previous one
            // in and handed it to the routes.
            DeviceConnection session = server(port).registry().session(new DeviceId("alice", "esp32")).orElseThrow();
            for (int sample = 0; sample < SAMPLES; sample++) {
                if (sample > 0) {
                    Thread.sleep(500);
                }
                device.send(IotmpMessage.streamData(start.streamId(), Map.of("celsius", sample)), Generation.GEN2);
                int received = sample + 1;
                eventually().until(() -> session.counters().samplesIn() == received
                                         && session.counters().inFlight() == 0);
            }
        }
        // Each consumer gets its own rate out of the shared stream, by the server's clock (the timestamp header):
        // never two samples closer than its interval less half the stream's interval of slack ...
        assertGaps(arrivals(every1000), 750);
        assertGaps(arrivals(every1500), 1250);
        // ... and never more skipped than that allows: with the samples at least 500 ms apart, two of them span
        // 1000 ms (>= 750), three span 1500 ms (>= 1250)
        assertSteps(samples(every1000), 2);
        assertSteps(samples(every1500), 3);
    }

    private static void assertGaps(List<Long> arrivals, long atLeast) {
        for (int i = 1; i < arrivals.size(); i++) {
            assertThat(arrivals.get(i) - arrivals.get(i - 1)).as("gap before sample " + i)
                    .isGreaterThanOrEqualTo(atLeast);
        }
    }

    /** The samples a consumer got: the first one, then never more than {@code atMost} on from the one before. */
    private static void assertSteps(List<Integer> samples, int atMost) {
        assertThat(samples).as("samples delivered").startsWith(0);
        for (int i = 1; i < samples.size(); i++) {
            assertThat(samples.get(i) - samples.get(i - 1)).as("step to %s in %s", samples.get(i), samples)
                    .isBetween(1, atMost);
        }
        assertThat(samples.get(samples.size() - 1)).as("last of %s", samples).isGreaterThan(SAMPLES - 1 - atMost);
    }

    private static List<Integer> samples(MockEndpoint mock) {
        return mock.getExchanges().stream()
                .map(e -> ((Number) e.getMessage().getBody(Map.class).get("celsius")).intValue()).toList();
    }


    @Test
    void aBlockedRouteStopsTheReadingInsteadOfBufferingAndLosesNothing() throws Exception {
        int samples = 2000;
        MockEndpoint slow = getMockEndpoint("mock:slow");
        slow.expectedMessageCount(samples);
        slow.setResultWaitTime(WAIT.toMillis());
        try (RawIotmpSocket device = connect(slowPort)) {
            IotmpMessage start = device.readMessage(Generation.GEN2);
            device.send(IotmpMessage.ok(start.streamId()), Generation.GEN2);
            // 2 MB of samples: far more than the server may hold while the route is blocked
            AtomicInteger written = new AtomicInteger();
            Thread writer = new Thread(() -> {
                try {
                    for (int i = 0; i < samples; i++) {
                        byte[] payload = new byte[SAMPLE_BYTES];
                        payload[0] = (byte) i;
                        device.send(IotmpMessage.streamData(start.streamId(), List.of(i, payload)), Generation.GEN2);
                        written.incrementAndGet();
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            writer.start();

            DeviceConnection session = server(slowPort).registry().session(new DeviceId("alice", "esp32"))
                    .orElseThrow();
            eventually().until(() -> session.counters().readingPaused());
            // samples are waiting to be read: the device wrote far more than the server took in
            eventually().until(() -> written.get() > session.counters().framesIn() + 2 * MAX_IN_FLIGHT);
            // a server that ignored the pause would read on; what was decoded before the pause took effect is at
            // most one socket read (64 KiB) of samples, and the counters must stay within that all along
            eventually().during(Duration.ofMillis(500)).untilAsserted(() -> {
                SessionCounters later = session.counters();
                assertThat(later.readingPaused()).as("reading paused").isTrue();
                assertThat(later.inFlight()).isLessThanOrEqualTo(MAX_IN_FLIGHT + 64 * 1024 / SAMPLE_BYTES + 2);
                assertThat(later.framesIn()).isLessThan(samples / 10);
            });

            assertThat(server(slowPort).totals().readingPauses()).as("the pause counted").isEqualTo(1);

            routeBlocked.countDown();
            slow.assertIsSatisfied();
            writer.join(WAIT.toMillis());
            assertThat(session.counters().samplesDropped()).isZero();
            // the samples still unread at the unblocking (over 16) went through at most 8 at a time: paused again
            long pauses = server(slowPort).totals().readingPauses();
            assertThat(pauses).isGreaterThan(1);
            assertThat(meters.get("iotmp.reading.pauses").tag("port", String.valueOf(slowPort)).counter().count())
                    .isEqualTo(pauses);
        }
        List<Object> order = slow.getExchanges().stream()
                .map(e -> ((List<?>) e.getMessage().getBody()).get(0)).map(Object.class::cast).toList();
        assertThat(order).as("every sample, in order").isEqualTo(
                java.util.stream.LongStream.range(0, samples).boxed().map(Object.class::cast).toList());
    }

}
