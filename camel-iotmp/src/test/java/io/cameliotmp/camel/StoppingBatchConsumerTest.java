package io.cameliotmp.camel;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.server.DeviceId;
import io.cameliotmp.server.DeviceRegistration;
import io.cameliotmp.server.StreamListener;
import io.cameliotmp.testing.RawIotmpSocket;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.spi.ExceptionHandler;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.testing.Waits.WAIT;
import static io.cameliotmp.testing.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A batching stream consumer that stops closes its subscription, then hands its open batch to the route and waits for
 * it. A server thread that was delivering a sample to it as the subscription closed (past the closed check, see
 * {@code ClosedSubscriptionTest}) adds that sample while the route still processes the last batch: it went into a new
 * batch that nothing would ever hand on, lost without a word, and its stage, which holds the device's in-flight place,
 * never completed. Here the test is that thread: it hands the consumer's listener for the device a sample while the
 * stop waits for the route.
 */
class StoppingBatchConsumerTest extends IotmpCamelTestSupport {

    private final CountDownLatch routeEntered = new CountDownLatch(1);
    private final CountDownLatch releaseRoute = new CountDownLatch(1);
    private final List<Object> processed = new CopyOnWriteArrayList<>();
    private final List<Throwable> refused = new CopyOnWriteArrayList<>();

    @Override
    protected String deviceCredentials() {
        return "alice/*=pw";
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                // keeps the server up while the route under test stops
                from("iotmp:topic:unrelated").routeId("keeper").to("mock:keeper");
                from("iotmp:device:alice/*/temperature?batchSize=4&batchTimeout=600000").routeId("batched")
                        .process(e -> {
                            routeEntered.countDown();
                            releaseRoute.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                            for (Object sample : e.getMessage().getBody(List.class)) {
                                processed.add(((IotmpSample) sample).payload());
                            }
                        });
            }
        };
    }

    @Test
    void aSampleHandedOverWhileTheStopWaitsForTheLastBatchIsNotLost() throws Exception {
        IotmpDeviceStreamConsumer consumer = (IotmpDeviceStreamConsumer) context.getRoute("batched").getConsumer();
        consumer.setExceptionHandler(new Refusals());
        try (RawIotmpSocket device = RawIotmpSocket.connect(port, "alice", "esp32", "pw")) {
            int stream = device.acceptStream();
            DeviceRegistration registration = server(port).registry().registration(new DeviceId("alice", "esp32"))
                    .orElseThrow();
            StreamListener samples = consumer.forDevice(registration);
            CompletionStage<Void> first = samples.onSampleOnIoThread(registration, "temperature", stream, 1L, 0);

            CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> {
                try {
                    context.getRouteController().stopRoute("batched");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(routeEntered.await(WAIT.toMillis(), TimeUnit.MILLISECONDS))
                    .as("the stop handed the open batch to the route").isTrue();
            CompletionStage<Void> late = samples.onSampleOnIoThread(registration, "temperature", stream, 2L, 0);
            releaseRoute.countDown();
            stopping.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);

            assertThat(first.toCompletableFuture()).isCompleted();
            eventually().untilAsserted(() -> assertThat(late.toCompletableFuture())
                    .as("the late sample's stage completes: the device's in-flight place is given back")
                    .isCompleted());
            assertThat(processed).startsWith(1L);
            // handed on after the last batch: processed if the route still ran, else refused and reported
            assertThat(processed.contains(2L) || !refused.isEmpty()).as("the late sample was not lost silently")
                    .isTrue();
        }
    }

    /**
     * Camel's shutdown strategy interrupts the thread stopping a route when the stop outlasts its timeout, while the
     * consumer still waits for the batch in the route. The interrupted wait failed the stop half way: the consumer
     * was left failed rather than stopped, with its batch timer and delivery threads running for good. Here the
     * stopping thread is interrupted before it waits, so the wait is interrupted whatever the machine's speed.
     */
    @Test
    void anInterruptedStopStillStopsTheConsumerAndItsThreads() throws Exception {
        IotmpDeviceStreamConsumer consumer = (IotmpDeviceStreamConsumer) context.getRoute("batched").getConsumer();
        try (RawIotmpSocket device = RawIotmpSocket.connect(port, "alice", "esp32", "pw")) {
            int stream = device.acceptStream();
            DeviceRegistration registration = server(port).registry().registration(new DeviceId("alice", "esp32"))
                    .orElseThrow();
            StreamListener samples = consumer.forDevice(registration);
            for (long i = 1; i <= 4; i++) {
                samples.onSampleOnIoThread(registration, "temperature", stream, i, 0); // a full batch: to the route
            }
            assertThat(routeEntered.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
            assertThat(threadsOf("IotmpBatchTimeout")).as("the threads looked for below").hasSize(1);

            CompletableFuture<Boolean> interruptedAfterStop = CompletableFuture.supplyAsync(() -> {
                Thread.currentThread().interrupt();
                consumer.stop();
                return Thread.interrupted(); // the interrupt is kept for the caller, and cleared for the pool
            });
            assertThat(interruptedAfterStop.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
            assertThat(consumer.isStopped()).as("stopped, not failed").isTrue();

            releaseRoute.countDown();
            eventually().untilAsserted(() -> assertThat(threadsOf("IotmpBatchTimeout")).isEmpty());
            eventually().untilAsserted(() -> assertThat(threadsOf("IotmpBatchDelivery")).isEmpty());
            assertThat(processed).containsExactly(1L, 2L, 3L, 4L);
        }
    }

    private List<String> threadsOf(String name) {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(thread -> thread.contains("(" + context.getName() + ")") && thread.contains(name)).toList();
    }

    /** Records what the consumer reports instead of logging it. */
    private final class Refusals implements ExceptionHandler {
        @Override
        public void handleException(Throwable exception) {
            refused.add(exception);
        }

        @Override
        public void handleException(String message, Throwable exception) {
            refused.add(exception);
        }

        @Override
        public void handleException(String message, Exchange exchange, Throwable exception) {
            refused.add(exception);
        }
    }
}
