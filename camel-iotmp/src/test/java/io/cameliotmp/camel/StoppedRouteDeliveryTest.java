package io.cameliotmp.camel;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.server.DeviceId;
import io.cameliotmp.server.DeviceListener;
import io.cameliotmp.server.DeviceRegistration;
import io.cameliotmp.server.IotmpServer;
import io.cameliotmp.server.StreamListener;
import io.cameliotmp.server.StreamSample;
import io.cameliotmp.testing.RawIotmpSocket;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.spi.ExceptionHandler;
import org.apache.camel.support.DefaultConsumer;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.testing.Waits.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server hands a publication or a device event to every listener in turn, on the thread that made it: a topic or
 * events consumer whose route stopped while that thread was still on the listeners before it was handed the message
 * all the same, and the stopped route refused it, logged with its stack trace by the consumer (a line per message).
 * A consumer that is stopping or stopped takes nothing more. Here a listener registered ahead of the route's consumer
 * holds the delivering thread while the route stops. A stream consumer's samples go the same way: the server skips a
 * closed subscription, but a thread past that check still hands its sample over.
 */
class StoppedRouteDeliveryTest extends IotmpCamelTestSupport {

    private final List<Object> delivered = new CopyOnWriteArrayList<>();
    private final List<Throwable> handled = new CopyOnWriteArrayList<>();

    @Override
    protected String deviceCredentials() {
        return "alice/*=pw";
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                // keeps the server up while the routes under test stop
                from("iotmp:topic:unrelated").routeId("keeper").to("mock:keeper");
                from("iotmp:topic:late/#").routeId("topic").autoStartup(false)
                        .process(e -> delivered.add(e.getMessage().getBody()));
                from("iotmp:events").routeId("events").autoStartup(false)
                        .process(e -> delivered.add(e.getMessage().getBody()));
                from("iotmp:device:alice/*/temperature").routeId("stream")
                        .process(e -> delivered.add(e.getMessage().getBody()));
            }
        };
    }

    @Test
    void aPublicationOnItsWayToAStoppingTopicConsumerIsNotHandedToItsRoute() throws Exception {
        IotmpServer server = server(port);
        Holder holder = new Holder();
        try (AutoCloseable ahead = server.topics().subscribe("late/#", message -> holder.hold())) {
            context.getRouteController().startRoute("topic");
            recordFailures("topic");
            CompletableFuture<Void> publishing
                    = CompletableFuture.runAsync(() -> server.topics().publish(null, "late/x", 1L, false));
            holder.awaitHeld();
            context.getRouteController().stopRoute("topic");
            holder.release();
            publishing.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }
        assertThat(delivered).as("nothing reached the stopped route").isEmpty();
        assertThat(handled).as("nothing refused and logged").isEmpty();
    }

    @Test
    void aConnectOnItsWayToAStoppingEventsConsumerIsNotHandedToItsRoute() throws Exception {
        IotmpServer server = server(port);
        Holder holder = new Holder();
        DeviceListener ahead = new DeviceListener() {
            @Override
            public void onConnected(DeviceRegistration registration) {
                holder.hold();
            }
        };
        CountDownLatch allTold = new CountDownLatch(1);
        DeviceListener behind = new DeviceListener() {
            @Override
            public void onConnected(DeviceRegistration registration) {
                allTold.countDown();
            }
        };
        server.registry().addListener(ahead);
        try {
            context.getRouteController().startRoute("events");
            server.registry().addListener(behind);
            recordFailures("events");
            CompletableFuture<RawIotmpSocket> connecting = CompletableFuture.supplyAsync(() -> {
                try {
                    return RawIotmpSocket.connect(port, "alice", "esp32", "pw");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            holder.awaitHeld();
            context.getRouteController().stopRoute("events");
            holder.release();
            // the listener behind the consumer is told last: the consumer's turn has come and gone
            assertThat(allTold.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("every listener told").isTrue();
            connecting.get(WAIT.toMillis(), TimeUnit.MILLISECONDS).close();
        } finally {
            server.registry().removeListener(ahead);
            server.registry().removeListener(behind);
        }
        assertThat(delivered).as("nothing reached the stopped route").isEmpty();
        assertThat(handled).as("nothing refused and logged").isEmpty();
    }

    /**
     * The test is the server thread that passed the subscription's closed check just before the route stopped: it
     * hands the consumer's listener for the device a sample after the stop.
     */
    @Test
    void aSampleHandedToAStoppedStreamConsumerIsNotHandedToItsRoute() throws Exception {
        try (RawIotmpSocket device = RawIotmpSocket.connect(port, "alice", "esp32", "pw")) {
            int stream = device.acceptStream();
            DeviceRegistration registration = server(port).registry().registration(new DeviceId("alice", "esp32"))
                    .orElseThrow();
            StreamListener consumer = (StreamListener) context.getRoute("stream").getConsumer();
            StreamListener samples = consumer.forDevice(registration);
            recordFailures("stream");
            context.getRouteController().stopRoute("stream");

            CompletionStage<Void> late = samples.onSample(new StreamSample(registration, "temperature", stream, 1L, 0));

            assertThat(late.toCompletableFuture()).as("its place is given back").isCompleted();
        }
        assertThat(delivered).as("nothing reached the stopped route").isEmpty();
        assertThat(handled).as("nothing refused and logged").isEmpty();
    }

    private void recordFailures(String routeId) {
        ((DefaultConsumer) context.getRoute(routeId).getConsumer()).setExceptionHandler(new ExceptionHandler() {
            @Override
            public void handleException(Throwable exception) {
                handled.add(exception);
            }

            @Override
            public void handleException(String message, Throwable exception) {
                handled.add(exception);
            }

            @Override
            public void handleException(String message, Exchange exchange, Throwable exception) {
                handled.add(exception);
            }
        });
    }

    /** Holds the thread that delivers to the listener ahead of the consumer until released. */
    private static final class Holder {
        private final CountDownLatch held = new CountDownLatch(1);
        private final CountDownLatch release = new CountDownLatch(1);

        void hold() {
            held.countDown();
            try {
                release.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        void awaitHeld() throws InterruptedException {
            assertThat(held.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("delivering thread held").isTrue();
        }

        void release() {
            release.countDown();
        }
    }
}
