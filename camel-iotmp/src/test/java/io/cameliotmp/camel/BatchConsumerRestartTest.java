package io.cameliotmp.camel;

import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.protocol.MessageType;
import io.cameliotmp.server.DeviceId;
import io.cameliotmp.server.DeviceRegistration;
import io.cameliotmp.testing.RawIotmpSocket;
import io.cameliotmp.testing.StderrCapture;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.testing.Waits.WAIT;
import static io.cameliotmp.testing.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A batching stream consumer whose stop gave up on a batch its route never finished (the shutdown timeout ran out)
 * leaves that batch running on its old delivery thread. Started again, it made a new delivery thread and handed its
 * new batches on at once: the old and the new batch ran through the route at the same time, and a device's samples
 * came out of order, although batches are processed one after the other. The new start's batches now wait for the
 * old ones, for at most the context's shutdown timeout: a batch that never finishes held every later one for good.
 */
class BatchConsumerRestartTest extends IotmpCamelTestSupport {

    private final CountDownLatch firstEntered = new CountDownLatch(1);
    private final CountDownLatch releaseFirst = new CountDownLatch(1);
    private final CountDownLatch secondEntered = new CountDownLatch(1);
    private final AtomicInteger inRoute = new AtomicInteger();
    private final AtomicInteger mostInRoute = new AtomicInteger();
    private final List<Object> processed = new CopyOnWriteArrayList<>();

    @Override
    protected String deviceCredentials() {
        return "alice/*=pw";
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                // keeps the server, and the device's connection, up while the route under test stops and starts
                from("iotmp:topic:unrelated").routeId("keeper").to("mock:keeper");
                from("iotmp:device:alice/*/temperature?batchSize=1&batchTimeout=600000").routeId("batched")
                        .process(e -> {
                            mostInRoute.accumulateAndGet(inRoute.incrementAndGet(), Math::max);
                            try {
                                Object payload = ((IotmpSample) e.getMessage().getBody(List.class).get(0)).payload();
                                if (Long.valueOf(1).equals(payload)) {
                                    firstEntered.countDown();
                                    releaseFirst.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                                } else {
                                    secondEntered.countDown();
                                }
                                processed.add(payload);
                            } finally {
                                inRoute.decrementAndGet();
                            }
                        });
            }
        };
    }

    /**
     * A batch that does not finish holds the restarted consumer's batches for the shutdown timeout once more, not for
     * ever: then they go on beside it, and what was given up on is logged once.
     */
    @Test
    void batchesOfTheNewStartGoOnAfterTheShutdownTimeoutBesideABatchThatNeverFinishes() throws Exception {
        IotmpDeviceStreamConsumer consumer = (IotmpDeviceStreamConsumer) context.getRoute("batched").getConsumer();
        try (StderrCapture log = StderrCapture.start();
             RawIotmpSocket device = RawIotmpSocket.connect(port, "alice", "esp32", "pw")) {
            AtomicLong gaveUp = log.count(line -> line.contains("Gave up waiting for 1 batch(es) of 1 sample(s)"));
            int stream = device.acceptStream();
            DeviceRegistration registration = server(port).registry().registration(new DeviceId("alice", "esp32"))
                    .orElseThrow();
            CompletionStage<Void> first = consumer.forDevice(registration)
                    .onSampleOnIoThread(registration, "temperature", stream, 1L, 0);
            assertThat(firstEntered.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();

            context.getShutdownStrategy().setTimeout(1);
            context.getShutdownStrategy().setTimeUnit(TimeUnit.SECONDS);
            context.getRouteController().stopRoute("batched");
            context.getRouteController().startRoute("batched");
            IotmpDeviceStreamConsumer restarted =
                    (IotmpDeviceStreamConsumer) context.getRoute("batched").getConsumer();

            IotmpMessage reopen = device.readUntil(MessageType.START_STREAM, Generation.GEN2);
            device.send(IotmpMessage.ok(reopen.streamId()), Generation.GEN2);
            CompletionStage<Void> second = restarted.forDevice(registration)
                    .onSampleOnIoThread(registration, "temperature", reopen.streamId(), 2L, 0);

            // the first batch is still in the route, and is released only after the test
            eventually().untilAsserted(() -> assertThat(second.toCompletableFuture()).isCompleted());
            assertThat(processed).containsExactly(2L);
            assertThat(first.toCompletableFuture()).as("the old batch is still in the route").isNotDone();
            assertThat(restarted.waitingForEarlierBatches()).isFalse();
            assertThat(gaveUp).as("logged once").hasValue(1);
        }
    }

    @AfterEach
    void releaseTheRoute() {
        releaseFirst.countDown();
    }

    @Test
    void batchesOfTheNewStartWaitForTheBatchTheTimedOutStopLeftInTheRoute() throws Exception {
        IotmpDeviceStreamConsumer consumer = (IotmpDeviceStreamConsumer) context.getRoute("batched").getConsumer();
        try (RawIotmpSocket device = RawIotmpSocket.connect(port, "alice", "esp32", "pw")) {
            int stream = device.acceptStream();
            DeviceRegistration registration = server(port).registry().registration(new DeviceId("alice", "esp32"))
                    .orElseThrow();
            CompletionStage<Void> first = consumer.forDevice(registration)
                    .onSampleOnIoThread(registration, "temperature", stream, 1L, 0);
            assertThat(firstEntered.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();

            // the stop gives up on the batch in the route, as a shutdown timeout shorter than a slow route does
            context.getShutdownStrategy().setTimeout(1);
            context.getShutdownStrategy().setTimeUnit(TimeUnit.SECONDS);
            context.getRouteController().stopRoute("batched");
            context.getRouteController().startRoute("batched");
            IotmpDeviceStreamConsumer restarted =
                    (IotmpDeviceStreamConsumer) context.getRoute("batched").getConsumer();
            assertThat(first.toCompletableFuture()).as("the old batch is still in the route").isNotDone();

            IotmpMessage reopen = device.readUntil(MessageType.START_STREAM, Generation.GEN2);
            device.send(IotmpMessage.ok(reopen.streamId()), Generation.GEN2);
            int reopened = reopen.streamId();
            CompletionStage<Void> second = restarted.forDevice(registration)
                    .onSampleOnIoThread(registration, "temperature", reopened, 2L, 0);
            // handed on at once (the fault), or known to wait for the old batch: either is settled before the release
            eventually().until(() -> secondEntered.getCount() == 0 || restarted.waitingForEarlierBatches());
            assertThat(second.toCompletableFuture()).as("not acknowledged before the route took it").isNotDone();
            releaseFirst.countDown();

            eventually().untilAsserted(() -> assertThat(second.toCompletableFuture()).isCompleted());
            assertThat(first.toCompletableFuture()).isCompleted();
            assertThat(processed).containsExactly(1L, 2L);
            assertThat(mostInRoute).as("one batch in the route at a time").hasValue(1);
            assertThat(restarted.waitingForEarlierBatches()).isFalse();
        }
    }
}
