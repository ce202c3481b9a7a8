package io.cameliotmp.api;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.camel.CamelContext;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultConsumer;
import org.apache.camel.support.DefaultEndpoint;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A client that does not keep up: the samples waiting for it are bounded, the oldest dropped, the latest kept. */
class DeviceSampleStreamTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor();
    private final CamelContext camel = new DefaultCamelContext();

    @AfterEach
    void stop() throws Exception {
        sender.shutdownNow();
        camel.close();
    }

    /** A place among streams that leave it room: these tests are not about the bounds. */
    private static UserSlots.Slot place() throws UserSlots.Refused {
        return new UserSlots(UserSlots.Kind.SSE_STREAMS, 1, 1.0).acquire("demo");
    }

    @Test
    void aSlowClientGetsTheLatestSamplesAndTheServerHoldsAtMostTheBound() throws Exception {
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<Object> written = new CopyOnWriteArrayList<>();
        DeviceSampleStream.Client slow = new ReadingClient() {
            @Override
            public void send(String event, Object data, Runnable done) {
                writing.countDown();
                try {
                    // the first write blocks, as a write to a client that does not read does
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                written.add(((java.util.Map<?, ?>) data).get("value"));
                done.run();
            }
        };
        Set<DeviceSampleStream> open = ConcurrentHashMap.newKeySet();
        DeviceSampleStream stream = new DeviceSampleStream("test", new StreamRefusals.Key("demo", "dev-1", "counter"),
                slow, sender, sender, open, place(), new StreamRefusals(null), Duration.ofSeconds(60));

        stream.process(sample(0));
        assertThat(writing.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        int more = 3 * DeviceSampleStream.MAX_QUEUED;
        for (int i = 1; i <= more; i++) {
            stream.process(sample(i));
        }
        assertThat(stream.queued()).isEqualTo(DeviceSampleStream.MAX_QUEUED);

        release.countDown();
        await("written").atMost(WAIT).until(() -> written.size() == 1 + DeviceSampleStream.MAX_QUEUED);
        // the one being written, then the newest MAX_QUEUED in order: the older ones were dropped
        assertThat(written.get(0)).isEqualTo(0);
        assertThat(written.subList(1, written.size()))
                .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(more - DeviceSampleStream.MAX_QUEUED
                                                                                  + 1, more).boxed().toList());
        assertThat(stream.queued()).isZero();
        assertThat(open).containsExactly(stream);
    }

    @Test
    void aClientThatLeavesWhileItsStreamOpensLeavesNoConsumerRunning() throws Exception {
        DeviceSampleStream.Client client = new ReadingClient();
        StreamRefusals connected = new StreamRefusals(null) {
            @Override
            String connection(String user, String device) {
                return "since-1";
            }
        };
        Set<DeviceSampleStream> open = ConcurrentHashMap.newKeySet();
        DeviceSampleStream stream = new DeviceSampleStream("test", new StreamRefusals.Key("demo", "dev-1", "counter"),
                client, sender, sender, open, place(), connected, Duration.ofSeconds(60));
        AtomicReference<Consumer> created = new AtomicReference<>();
        DefaultEndpoint endpoint = new DefaultEndpoint("test:leaving", null) {
            @Override
            public Producer createProducer() {
                throw new UnsupportedOperationException();
            }

            @Override
            public Consumer createConsumer(Processor processor) {
                // the client leaves (its response fails, a stream refused by another client ends it) meanwhile
                stream.close();
                created.set(new DefaultConsumer(this, processor));
                return created.get();
            }
        };
        endpoint.setCamelContext(camel);

        stream.open(endpoint);

        assertThat(created.get()).isNotNull();
        assertThat(created.get()).as("the consumer opened for the client gone")
                .matches(consumer -> ((DefaultConsumer) consumer).isStopped());
        assertThat(open).isEmpty();
    }

    /** A client that takes every write at once and never leaves on its own. */
    private static class ReadingClient implements DeviceSampleStream.Client {
        @Override
        public void send(String event, Object data, Runnable done) {
            done.run();
        }

        @Override
        public void keepAlive(Runnable done) {
            done.run();
        }

        @Override
        public void complete() {
        }

        @Override
        public void abort(Exception failure) {
        }
    }

    private DefaultExchange sample(int value) {
        DefaultExchange exchange = new DefaultExchange(camel);
        exchange.getMessage().setBody(value);
        return exchange;
    }
}
