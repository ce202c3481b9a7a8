package io.cameliotmp.camel;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.server.DeviceId;
import io.cameliotmp.testing.RawIotmpSocket;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.testing.Waits.WAIT;
import static io.cameliotmp.testing.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Batched delivery of device streams: full batches, a partial batch after batchTimeout and when the route stops,
 * samples of several devices in their order, and backpressure that holds while a batch is in the route.
 */
class BatchedStreamDeliveryTest extends IotmpCamelTestSupport {

    private static final long BATCH_TIMEOUT_MILLIS = 300;

    private final List<List<IotmpSample>> batches = new CopyOnWriteArrayList<>();
    private final List<Integer> sizeHeaders = new CopyOnWriteArrayList<>();
    /** When each batch of the timed route arrived (System.nanoTime) and how many samples it held. */
    private final List<long[]> timedBatches = new CopyOnWriteArrayList<>();
    private final CountDownLatch releaseBlocked = new CountDownLatch(1);
    private final List<Object> blockedPayloads = new CopyOnWriteArrayList<>();
    private final int blockedPort = io.cameliotmp.testing.TestPorts.next();
    private final int timedPort = io.cameliotmp.testing.TestPorts.next();
    private final int floodPort = io.cameliotmp.testing.TestPorts.next();
    private final List<IotmpSample> flooded = new CopyOnWriteArrayList<>();
    private final List<String> floodThreads = new CopyOnWriteArrayList<>();

    @Override
    protected String deviceCredentials() {
        return "alice/*=pw";
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                // a timeout no test waits for: batches are cut when full, and the last one when the route stops
                from("iotmp:device:alice/*/temperature?batchSize=4&batchTimeout=600000").routeId("temperature")
                        .process(e -> {
                            sizeHeaders.add(e.getMessage().getHeader(IotmpConstants.BATCH_SIZE, Integer.class));
                            batches.add(e.getMessage().getBody(List.class));
                        });
                from("iotmp:device:alice/*/humidity?port=" + timedPort + "&batchSize=100&batchTimeout="
                     + BATCH_TIMEOUT_MILLIS)
                        .process(e -> timedBatches.add(new long[] {System.nanoTime(),
                            e.getMessage().getBody(List.class).size()}));
                from("iotmp:device:alice/*/blocked?port=" + blockedPort
                     + "&batchSize=2&maxInFlight=4&batchTimeout=600000")
                        .process(e -> {
                            releaseBlocked.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                            for (Object sample : e.getMessage().getBody(List.class)) {
                                blockedPayloads.add(((IotmpSample) sample).payload());
                            }
                        });
                from("iotmp:device:alice/*/level?port=" + floodPort + "&batchSize=100&batchTimeout=50")
                        .process(e -> {
                            floodThreads.add(Thread.currentThread().getName());
                            flooded.addAll(e.getMessage().getBody(List.class));
                        });
            }
        };
    }

    @Test
    void samplesArriveInFullBatchesInTheirOrderAndTheLastBatchWhenTheRouteStops() throws Exception {
        long before = System.currentTimeMillis();
        int a;
        int b;
        try (RawIotmpSocket esp32 = RawIotmpSocket.connect(port, "alice", "esp32", "pw");
             RawIotmpSocket esp8266 = RawIotmpSocket.connect(port, "alice", "esp8266", "pw")) {
            a = esp32.acceptStream();
            b = esp8266.acceptStream();
            for (int i = 0; i < 5; i++) {
                esp32.send(IotmpMessage.streamData(a, i), Generation.GEN2);
                esp8266.send(IotmpMessage.streamData(b, 100 + i), Generation.GEN2);
            }
            eventually().until(() -> batches.stream().mapToInt(List::size).sum() == 8);
            assertThat(sizeHeaders).containsExactly(4, 4);
            // the two samples of the open batch are delivered when the consumer stops, not dropped
            context.getRouteController().stopRoute("temperature");
            eventually().until(() -> batches.stream().mapToInt(List::size).sum() == 10);
        }
        long after = System.currentTimeMillis();
        assertThat(batches).hasSize(3);
        assertThat(sizeHeaders).containsExactly(4, 4, 2);
        List<Object> fromEsp32 = new ArrayList<>();
        List<Object> fromEsp8266 = new ArrayList<>();
        for (List<IotmpSample> batch : batches) {
            for (IotmpSample sample : batch) {
                assertThat(sample.user()).isEqualTo("alice");
                assertThat(sample.resource()).isEqualTo("temperature");
                assertThat(sample.timestamp()).isBetween(before, after);
                boolean esp32 = sample.device().equals("esp32");
                assertThat(sample.streamId()).isEqualTo(esp32 ? a : b);
                (esp32 ? fromEsp32 : fromEsp8266).add(sample.payload());
            }
        }
        assertThat(fromEsp32).containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(fromEsp8266).containsExactly(100L, 101L, 102L, 103L, 104L);
    }

    @Test
    void batchOptionsThatMeanNothingAreRefusedWhenTheRouteIsCreated() {
        for (String options : List.of("batchSize=-1", "batchSize=10&batchTimeout=0")) {
            String named = options.startsWith("batchSize=-1") ? "batchSize" : "batchTimeout";
            assertThatThrownBy(() -> context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("iotmp:device:alice/*/pressure?" + options).to("mock:unused");
                }
            })).as(options).hasRootCauseInstanceOf(IllegalArgumentException.class)
                    .rootCause().hasMessageContaining(named);
        }
    }

    /** A batch that does not fill is delivered once its oldest sample waited batchTimeout, and not before. */
    @Test
    void aPartialBatchIsDeliveredAfterTheTimeout() throws Exception {
        long sentAt;
        try (RawIotmpSocket esp32 = RawIotmpSocket.connect(timedPort, "alice", "esp32", "pw")) {
            int id = esp32.acceptStream();
            sentAt = System.nanoTime();
            for (int i = 0; i < 3; i++) {
                esp32.send(IotmpMessage.streamData(id, i), Generation.GEN2);
            }
            eventually().until(() -> !timedBatches.isEmpty());
        }
        assertThat(timedBatches).hasSize(1);
        assertThat(timedBatches.get(0)[1]).isEqualTo(3);
        // a lower bound only: the samples reached the batch after they were sent, so it cannot be due earlier
        assertThat(TimeUnit.NANOSECONDS.toMillis(timedBatches.get(0)[0] - sentAt))
                .isGreaterThanOrEqualTo(BATCH_TIMEOUT_MILLIS);
    }

    @Test
    void aBatchInTheRouteHoldsItsSamplesInFlightSoTheDeviceIsPaused() throws Exception {
        try (RawIotmpSocket device = RawIotmpSocket.connect(blockedPort, "alice", "esp32", "pw")) {
            int id = device.acceptStream();
            for (int i = 0; i < 20; i++) {
                device.send(IotmpMessage.streamData(id, i), Generation.GEN2);
            }
            var connection = server(blockedPort).registry().session(new DeviceId("alice", "esp32")).orElseThrow();
            // the first batch of two is blocked in the route, the next waits behind it: reading stops at 4 in flight
            eventually().until(() -> connection.counters().readingPaused());
            assertThat(connection.counters().samplesIn()).isLessThan(20);
            releaseBlocked.countDown();
            eventually().until(() -> connection.counters().samplesIn() == 20);
            assertThat(connection.counters().samplesDropped()).isZero();
            // every sample reached the route once, in order: the pause held them back, it did not lose them
            eventually().until(() -> blockedPayloads.size() == 20);
            assertThat(blockedPayloads).containsExactlyElementsOf(
                    java.util.stream.LongStream.range(0, 20).boxed().toList());
        }
    }

    /**
     * Two devices flood a batching consumer with the default in-flight bound, so reading pauses and resumes many times
     * and samples are handed over both on the I/O thread and through the connection's worker: every sample arrives,
     * once, in its device's order, and the route runs on the consumer's own thread, never on the server's.
     */
    @Test
    void floodsArriveCompleteAndInOrderWithTheRouteOffTheServerThreads() throws Exception {
        int samples = 3000;
        try (RawIotmpSocket esp32 = RawIotmpSocket.connect(floodPort, "alice", "esp32", "pw");
             RawIotmpSocket esp8266 = RawIotmpSocket.connect(floodPort, "alice", "esp8266", "pw")) {
            int a = esp32.acceptStream();
            int b = esp8266.acceptStream();
            for (int i = 0; i < samples; i++) {
                esp32.send(IotmpMessage.streamData(a, (long) i), Generation.GEN2);
                esp8266.send(IotmpMessage.streamData(b, (long) i), Generation.GEN2);
            }
            eventually().until(() -> flooded.size() >= 2 * samples);
        }
        assertThat(flooded).hasSize(2 * samples);
        for (String device : List.of("esp32", "esp8266")) {
            List<Object> values = flooded.stream().filter(sample -> sample.device().equals(device))
                    .map(IotmpSample::payload).toList();
            assertThat(values).hasSize(samples);
            for (int i = 0; i < samples; i++) {
                assertThat(values.get(i)).as("%s sample %d", device, i).isEqualTo((long) i);
            }
        }
        assertThat(floodThreads).allMatch(name -> name.contains("IotmpBatchDelivery"), "the consumer's thread");
        // batches of 100 cannot fill under the default bound of 64 in flight: reading paused while each waited
        assertThat(server(floodPort).totals().readingPauses()).isPositive();
    }
}
