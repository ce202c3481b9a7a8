package io.cameliotmp.camel;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.protocol.Generation;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.testing.Waits.WAIT;
import static io.cameliotmp.testing.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A route stopped while its exchange is half way through: Camel's graceful stop waits for it, and the rest of the
 * route runs as if nothing stopped (a device call gets the route's answer, a sample reaches the route's end), while
 * the server stays up for another route. Suspended, a route serves nothing; resumed, it serves again.
 */
class GracefulRouteStopTest extends IotmpCamelTestSupport {

    private final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();
    private IotmpDevice device;

    @Override
    protected String deviceCredentials() {
        return "alice/*=pw";
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                onException(Exception.class).process(e -> failures.add(e.getProperty("CamelExceptionCaught",
                        Throwable.class)));
                from("iotmp:topic:unrelated").routeId("keeper").to("mock:keeper");
                from("iotmp:server:slow").routeId("call")
                        .process(e -> {
                            entered.countDown();
                            release.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                        })
                        .setBody(constant("answered")).to("mock:callEnd");
                from("iotmp:device:alice/*/temperature").routeId("stream").autoStartup(false)
                        .process(e -> {
                            entered.countDown();
                            release.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                        })
                        .to("mock:streamEnd");
            }
        };
    }

    @AfterEach
    void closeDevice() {
        release.countDown();
        if (device != null) {
            device.close();
        }
    }

    private void connect() throws Exception {
        device = IotmpDevice.builder().host("127.0.0.1").port(port).credentials("alice", "esp32", "pw")
                .generation(Generation.GEN2).build();
        device.resource("temperature").output(() -> 21);
        device.start().toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    private CompletableFuture<Void> stopWhileHeld(String route) throws Exception {
        assertThat(entered.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        IotmpServerConsumer consumer = (IotmpServerConsumer) context.getRoute(route).getConsumer();
        CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> {
            try {
                context.getRouteController().stopRoute(route);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        // Camel suspends the consumer, or stops at once one that cannot suspend, then waits for its route
        eventually().until(() -> consumer.isSuspended() || consumer.isStopped());
        return stopping;
    }

    @Test
    void aDeviceCallInTheRouteWhenItStopsGetsTheRoutesAnswer() throws Exception {
        connect();
        MockEndpoint end = getMockEndpoint("mock:callEnd");
        end.expectedMessageCount(1);
        CompletableFuture<Object> reply = device.runServerResource("slow", "x").toCompletableFuture();
        CompletableFuture<Void> stopping = stopWhileHeld("call");
        release.countDown();
        stopping.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);

        assertThat(reply.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("answered");
        end.assertIsSatisfied(WAIT.toMillis());
        assertThat(failures).isEmpty();
    }

    @Test
    void aSuspendedRouteServesNothingAndServesAgainOnceResumed() throws Exception {
        release.countDown();
        connect();
        context.getRouteController().suspendRoute("call");
        assertThat(catchThrowable(() -> device.runServerResource("slow", "x").toCompletableFuture()
                .get(WAIT.toMillis(), TimeUnit.MILLISECONDS))).as("no route serves it while suspended").isNotNull();

        context.getRouteController().resumeRoute("call");
        assertThat(device.runServerResource("slow", "x").toCompletableFuture()
                .get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("answered");
    }

    @Test
    void aSampleInTheRouteWhenItStopsReachesTheRoutesEnd() throws Exception {
        context.getRouteController().startRoute("stream");
        connect();
        MockEndpoint end = getMockEndpoint("mock:streamEnd");
        end.expectedMessageCount(1);
        eventually().until(() -> device.stream("temperature"));
        CompletableFuture<Void> stopping = stopWhileHeld("stream");
        release.countDown();
        stopping.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);

        end.assertIsSatisfied(WAIT.toMillis());
        assertThat(failures).isEmpty();
    }
}
