package io.cameliotmp.camel;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.protocol.Generation;
import io.cameliotmp.server.ConnectionDetails;
import io.cameliotmp.server.DeviceConnection;
import io.cameliotmp.server.DeviceId;
import io.cameliotmp.server.IotmpServer;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.testing.Waits.WAIT;
import static io.cameliotmp.testing.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Routes of every consumer kind suspended and resumed, stopped and started, again and again while a device stays
 * connected to the server another route keeps up: each start or resume registers once, each suspend or stop forgets
 * what it registered (stream subscriptions and the device's shared stream, call handlers, topic subscriptions, device
 * listeners), leaves no thread, and the stopped consumers are not held by anything, so nothing of them piles up in a
 * server that outlives its routes.
 */
class ConsumerRestartCyclesTest extends IotmpCamelTestSupport {

    private static final List<String> CYCLED = List.of("stream", "batched", "resource", "service", "topic", "events");
    private static final int CYCLES = 5;

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
                from("iotmp:topic:unrelated").routeId("keeper").to("mock:keeper");
                from("iotmp:device:alice/*/temperature").routeId("stream").to("mock:stream");
                from("iotmp:device:alice/*/humidity?batchSize=2&batchTimeout=600000").routeId("batched")
                        .to("mock:batched");
                from("iotmp:server:echo").routeId("resource").setBody(simple("echo ${body}"));
                from("iotmp:service:endpoint/hook").routeId("service").to("mock:service");
                from("iotmp:topic:cycled/#").routeId("topic").to("mock:topic");
                from("iotmp:events").routeId("events").to("mock:events");
            }
        };
    }

    @AfterEach
    void closeDevice() {
        if (device != null) {
            device.close();
        }
    }

    @Test
    void restartedConsumersLeaveOneRegistrationEachAndNothingOfTheStoppedOnes() throws Exception {
        device = IotmpDevice.builder().host("127.0.0.1").port(port).credentials("alice", "esp32", "pw")
                .generation(Generation.GEN2).build();
        device.resource("temperature").output(() -> 21);
        device.resource("humidity").output(() -> 40);
        device.start().toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        IotmpServer server = server(port);
        DeviceConnection connection = server.registry().session(new DeviceId("alice", "esp32")).orElseThrow();
        eventually().untilAsserted(() -> assertThat(confirmedStreams(connection)).hasSize(2));

        List<WeakReference<Object>> stopped = new ArrayList<>();
        for (int cycle = 0; cycle < CYCLES; cycle++) {
            for (String route : CYCLED) {
                stopped.add(new WeakReference<>(context.getRoute(route).getConsumer()));
                context.getRouteController().suspendRoute(route);
                context.getRouteController().resumeRoute(route);
                context.getRouteController().stopRoute(route);
                context.getRouteController().startRoute(route);
            }
        }

        assertThat(server(port)).as("the server stayed up for the keeper").isSameAs(server);
        assertThat(server.subscriptions().all()).hasSize(2);
        // one stream per resource, serving the running consumer's subscription only
        eventually().untilAsserted(() -> {
            List<ConnectionDetails.Stream> streams = confirmedStreams(connection);
            assertThat(streams).extracting(ConnectionDetails.Stream::resource)
                    .containsExactlyInAnyOrder("temperature", "humidity");
            assertThat(streams).allSatisfy(stream -> assertThat(stream.subscriptions()).hasSize(1));
        });
        assertThat(device.runServerResource("echo", "hi").toCompletableFuture()
                .get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("echo hi");
        MockEndpoint service = getMockEndpoint("mock:service");
        service.expectedBodiesReceived(1);
        device.callEndpoint("hook", 1, true).toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        service.assertIsSatisfied(WAIT.toMillis());
        MockEndpoint topic = getMockEndpoint("mock:topic");
        topic.expectedBodiesReceived("once");
        template.sendBody("iotmp:topic:cycled/a", "once");
        topic.assertIsSatisfied(WAIT.toMillis());

        eventually().untilAsserted(() -> assertThat(threadsOf("IotmpBatchTimeout")).hasSize(1));
        eventually().untilAsserted(() -> assertThat(threadsOf("IotmpBatchDelivery")).hasSizeLessThanOrEqualTo(1));
        eventually().untilAsserted(() -> {
            System.gc();
            assertThat(stopped).as("stopped consumers nothing holds any more")
                    .allSatisfy(consumer -> assertThat(consumer.get()).isNull());
        });
    }

    private static List<ConnectionDetails.Stream> confirmedStreams(DeviceConnection connection) throws Exception {
        return connection.inspect().get(WAIT.toMillis(), TimeUnit.MILLISECONDS).streams().stream()
                .filter(ConnectionDetails.Stream::confirmed).toList();
    }

    private List<String> threadsOf(String name) {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(thread -> thread.contains("(" + context.getName() + ")") && thread.contains(name)).toList();
    }
}
