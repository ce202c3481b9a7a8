package io.cameliotmp.camel.device;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.camel.Exchange;
import org.apache.camel.ServiceStatus;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.support.service.BaseService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.testing.Waits.WAIT;
import static io.cameliotmp.testing.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A resource route stopped (or the context shut down) while it serves a call of the server: Camel's graceful stop
 * lets the call finish through the whole route and the server gets the route's answer, while calls that arrive
 * meanwhile find no such resource. A consumer Camel cannot suspend is stopped at once instead, and its stop stops the
 * route's processors under the call, which then fails half way.
 */
class IotmpDeviceGracefulStopTest extends IotmpDeviceTestSupport {

    private final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("iotmp-device:slow").routeId("slow")
                        .process(e -> {
                            entered.countDown();
                            assertThat(release.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
                        })
                        .to("mock:after")
                        .setBody(constant("done"));
                // keeps the device connected while the slow route stops
                from("iotmp-device:uptime").setBody(constant(1));
            }
        };
    }

    @AfterEach
    void releaseTheRoute() {
        release.countDown();
    }

    @Test
    void aCallInFlightFinishesThroughTheWholeRouteWhileItsRouteStops() throws Exception {
        awaitConnected();
        MockEndpoint after = getMockEndpoint("mock:after");
        after.expectedMessageCount(1);
        CompletableFuture<Exchange> call = template.asyncSend(SERVER_SIDE + "/slow", e -> e.getMessage().setBody(null));
        assertThat(entered.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();

        CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> {
            try {
                context.getRouteController().stopRoute("slow");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        // the consumer takes no more calls (suspended, or stopped), while the route waits for the one in flight
        BaseService consumer = (BaseService) context.getRoute("slow").getConsumer();
        eventually().until(() -> consumer.isSuspendingOrSuspended() || consumer.isStoppingOrStopped());

        release.countDown();

        Exchange answered = call.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(answered.getException()).isNull();
        assertThat(answered.getMessage().getBody()).isEqualTo("done");
        after.assertIsSatisfied();
        stopping.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(context.getRouteController().getRouteStatus("slow")).isEqualTo(ServiceStatus.Stopped);
        assertThat(connection().device().isConnected()).as("the uptime route keeps the connection").isTrue();
    }
}
