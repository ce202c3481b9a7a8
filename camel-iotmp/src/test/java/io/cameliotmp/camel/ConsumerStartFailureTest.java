package io.cameliotmp.camel;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;

import io.cameliotmp.testing.TestPorts;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.testing.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A consumer whose start fails gives back what it took: a second route on a server resource another route serves is
 * refused with a message that says so, and takes no reference on the server (stopping the first route stops the
 * server, and frees the resource for the second); a batching consumer whose server cannot start leaves no thread;
 * an endpoint whose server fails to start again and again is remembered once for the health check.
 */
class ConsumerStartFailureTest extends IotmpCamelTestSupport {

    private final int sharedPort = TestPorts.next();

    @Override
    protected String deviceCredentials() {
        return "alice/*=pw";
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("iotmp:server:echo?port=" + sharedPort).routeId("first").setBody(constant("first"));
                // another endpoint (an option of its own) on the same resource of the same server
                from("iotmp:server:echo?port=" + sharedPort + "&bridgeErrorHandler=true").routeId("second")
                        .autoStartup(false).setBody(constant("second"));
            }
        };
    }

    @Test
    void aSecondRouteOnAServerResourceIsRefusedAndKeepsNoHoldOnTheServer() throws Exception {
        Throwable refused = catchThrowable(() -> context.getRouteController().startRoute("second"));
        assertThat(refused).hasStackTraceContaining("server resource 'echo' is already registered");
        assertThat(server(sharedPort)).as("still served for the first route").isNotNull();

        context.getRouteController().stopRoute("first");
        assertThat(server(sharedPort)).as("the refused route held no reference on the server").isNull();

        context.getRouteController().startRoute("second");
        assertThat(server(sharedPort)).as("the resource is free once the first route stopped").isNotNull();
    }

    @Test
    void aBatchingConsumerWhoseServerCannotStartLeavesNoThread() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("iotmp:device:alice/*/temperature?port=" + taken.getLocalPort()
                         + "&batchSize=2&batchTimeout=600000").routeId("batched").autoStartup(false)
                            .to("mock:batched");
                }
            });
            Throwable failure = catchThrowable(() -> context.getRouteController().startRoute("batched"));
            assertThat(failure).hasStackTraceContaining("Address already in use");
            eventually().untilAsserted(() -> assertThat(threadsOf("IotmpBatch")).isEmpty());
        }
    }

    /**
     * Sends through a producer template to an endpoint whose server cannot start, again and again: the template makes
     * a new producer for each send whose producer failed to start, and each failed start was remembered for the health
     * check under its producer, one more entry, holding the producer, per send, until a send succeeded.
     */
    @Test
    void theFailedStartsOfAnEndpointAreRememberedOnce() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            String uri = "iotmp:device:alice?operation=devices&port=" + taken.getLocalPort();
            for (int attempt = 0; attempt < 10; attempt++) {
                assertThat(catchThrowable(() -> template.requestBody(uri, (Object) null)))
                        .hasStackTraceContaining("Address already in use");
            }
            ServerStarts starts = context.getComponent("iotmp", IotmpComponent.class).serverStarts();
            assertThat(starts.current(context)).singleElement()
                    .satisfies(failed -> assertThat(failed.failed()).isTrue());
        }
    }

    private List<String> threadsOf(String name) {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(thread -> thread.contains("(" + context.getName() + ")") && thread.contains(name)).toList();
    }
}
