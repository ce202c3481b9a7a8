package io.cameliotmp.camel;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.protocol.MessageType;
import io.cameliotmp.server.DeviceCallException;
import io.cameliotmp.server.DeviceDisconnectedException;
import io.cameliotmp.server.DeviceErrorException;
import io.cameliotmp.server.DeviceNotConnectedException;
import io.cameliotmp.server.DeviceRequestTimeoutException;
import io.cameliotmp.testing.RawIotmpSocket;
import io.cameliotmp.testing.TestPorts;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.testing.Waits.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The connection lifecycle and error paths, with raw sockets as devices so the exact bytes are checked. The main
 * server's CONNECT deadline lies beyond every wait here; a second server has a short one, and a third a device with a
 * short keep-alive (with the main server's CONNECT deadline, so its CONNECT is never late however slow the machine).
 */
class ConnectionLifecycleTest extends IotmpCamelTestSupport {

    /** The CONNECT deadline of every server here but the one on {@link #fastPort}. */
    private static final Duration CONNECT_DEADLINE = Duration.ofMinutes(10);
    private static final Duration SHORT_CONNECT_DEADLINE = Duration.ofMillis(300);

    /** The producer timeout of direct:run: beyond every wait here, so no call of it ends by its timeout. */
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(2);

    private final int fastPort = TestPorts.next();
    private final int keepAlivePort = TestPorts.next();

    @Override
    protected String deviceCredentials() {
        return "alice/esp32=s3cr3t,alice/other=pw";
    }

    @Override
    protected void configure(IotmpConfiguration config) {
        config.setConnectTimeout(CONNECT_DEADLINE.toMillis());
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        String fast = "?port=" + fastPort + "&connectTimeout=" + SHORT_CONNECT_DEADLINE.toMillis();
        String keepAlive = "?port=" + keepAlivePort + "&deviceCredentials=alice/esp32=s3cr3t";
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:run").to("iotmp:device:alice/esp32?requestTimeout=" + RUN_TIMEOUT.toMillis());
                from("direct:runQuick").to("iotmp:device:alice/esp32?requestTimeout=300");
                from("iotmp:events").to("mock:events");
                from("iotmp:events").routeId("second-events-route").to("mock:eventsToo");
                from("iotmp:events" + fast).to("mock:fastEvents");
                from("iotmp:events" + keepAlive).to("mock:keepAliveEvents");
                from("iotmp:server:echo").setBody(simple("echo ${body}"));
                from("iotmp:server:boom").throwException(new IllegalStateException("boom"));
                from("iotmp:server:forbidden").throwException(new DeviceCallException(403, "not yours"));
            }
        };
    }

    private static RawIotmpSocket connect(int port, String device, String credential) throws Exception {
        RawIotmpSocket socket = new RawIotmpSocket(port);
        socket.send(IotmpMessage.connect(0x1234, "alice", device, credential), Generation.GEN2);
        assertThat(socket.readFrameHex()).isEqualTo("01 03 08 B4 24");
        return socket;
    }

    private CompletableFuture<Object> run(String route, String resource, Object input) {
        return template.asyncRequestBodyAndHeader(route, input, IotmpConstants.RESOURCE, resource);
    }

    private static Throwable failure(CompletableFuture<?> future) {
        try {
            future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            throw new AssertionError("expected the call to fail");
        } catch (ExecutionException e) {
            return e.getCause() instanceof org.apache.camel.CamelExecutionException c ? c.getCause() : e.getCause();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void wrongCredentialsGetBadCredentialsErrorAndClose() throws Exception {
        MockEndpoint events = getMockEndpoint("mock:events");
        events.expectedHeaderReceived(IotmpConstants.EVENT_TYPE, "authenticationRefused");
        try (RawIotmpSocket socket = new RawIotmpSocket(port)) {
            socket.send(IotmpMessage.connect(0x1234, "alice", "esp32", "wrong"), Generation.GEN2);
            assertThat(socket.readFrameHex()).isEqualTo("02 05 08 B4 24 10 02"); // vector F8
            assertThat(socket.closedWithin(WAIT)).isTrue();
        }
        events.assertIsSatisfied();
    }

    @Test
    void everyRouteOnTheEventsEndpointGetsEveryEvent() throws Exception {
        // an application's own event route and a library's (the device API's) may both consume iotmp:events
        MockEndpoint events = getMockEndpoint("mock:events");
        MockEndpoint eventsToo = getMockEndpoint("mock:eventsToo");
        for (MockEndpoint each : List.of(events, eventsToo)) {
            each.expectedHeaderReceived(IotmpConstants.EVENT_TYPE, "authenticationRefused");
            each.expectedHeaderReceived(IotmpConstants.DEVICE, "esp32");
        }
        try (RawIotmpSocket socket = new RawIotmpSocket(port)) {
            socket.send(IotmpMessage.connect(0x1234, "alice", "esp32", "wrong"), Generation.GEN2);
            assertThat(socket.closedWithin(WAIT)).isTrue();
        }
        MockEndpoint.assertIsSatisfied(events, eventsToo);
    }

    @Test
    void connectionWithoutConnectIsClosedAtTheDeadline() throws Exception {
        // the fast server's 300 ms deadline, not the 10 min of the others: closed within the wait, and not before
        long connecting = System.nanoTime();
        try (RawIotmpSocket socket = new RawIotmpSocket(fastPort)) {
            assertThat(socket.closedWithin(WAIT)).isTrue();
        }
        assertThat(Duration.ofNanos(System.nanoTime() - connecting)).isGreaterThanOrEqualTo(SHORT_CONNECT_DEADLINE);
    }

    @Test
    void anyMessageBeforeConnectClosesTheConnection() throws Exception {
        try (RawIotmpSocket socket = new RawIotmpSocket(port)) {
            socket.sendHex("06 0F 08 42 22 8B 74 65 6D 70 65 72 61 74 75 72 65"); // RUN temperature
            assertThat(socket.closedWithin(WAIT)).isTrue();
        }
    }

    @Test
    void silentDeviceIsClosedAfterItsKeepAliveTimesTolerance() throws Exception {
        MockEndpoint events = getMockEndpoint("mock:keepAliveEvents");
        events.expectedMessageCount(2);
        try (RawIotmpSocket socket = new RawIotmpSocket(keepAlivePort)) {
            socket.send(IotmpMessage.of(MessageType.CONNECT, 7, Map.of("ka", 1),
                    List.of("alice", "esp32", "s3cr3t"), null), Generation.GEN2);
            assertThat(socket.readFrameHex()).isEqualTo("01 02 08 07");
            assertThat(socket.closedWithin(WAIT)).isTrue();
        }
        events.assertIsSatisfied();
        assertThat(events.getExchanges().get(1).getMessage().getHeader(IotmpConstants.REASON, String.class))
                .contains("keep-alive");
    }

    @Test
    void secondConnectionOfADeviceReplacesTheFirst() throws Exception {
        try (RawIotmpSocket first = connect(port, "esp32", "s3cr3t");
             RawIotmpSocket second = connect(port, "esp32", "s3cr3t")) {
            assertThat(first.readFrameHex()).isEqualTo("04 00");
            assertThat(first.closedWithin(WAIT)).isTrue();
            CompletableFuture<Object> reply = run("direct:run", "temperature", null);
            IotmpMessage request = second.readMessage(Generation.GEN2);
            assertThat(request.resource()).isEqualTo("temperature");
            second.send(IotmpMessage.ok(request.streamId(), 21.5), Generation.GEN2);
            assertThat(reply.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(21.5f);
        }
    }

    @Test
    void disconnectDuringRunFailsTheExchangeAtOnce() throws Exception {
        CompletableFuture<Object> reply;
        try (RawIotmpSocket device = connect(port, "esp32", "s3cr3t")) {
            reply = run("direct:run", "temperature", null);
            assertThat(device.readMessage(Generation.GEN2).type()).isEqualTo(MessageType.RUN);
        }
        // the producer's timeout is 2 min and this waits at most 30 s: only the disconnect can end the call
        assertThat(failure(reply)).isInstanceOf(DeviceDisconnectedException.class);
    }

    @Test
    void unansweredRunTimesOutAndALateAnswerIsIgnored() throws Exception {
        try (RawIotmpSocket device = connect(port, "esp32", "s3cr3t")) {
            CompletableFuture<Object> reply = run("direct:runQuick", "temperature", null);
            IotmpMessage request = device.readMessage(Generation.GEN2);
            assertThat(failure(reply)).isInstanceOf(DeviceRequestTimeoutException.class);
            device.send(IotmpMessage.ok(request.streamId(), 1), Generation.GEN2);

            CompletableFuture<Object> next = run("direct:run", "temperature", null);
            IotmpMessage second = device.readMessage(Generation.GEN2);
            assertThat(second.streamId()).isNotEqualTo(request.streamId());
            device.send(IotmpMessage.ok(second.streamId(), 2), Generation.GEN2);
            assertThat(next.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(2L);
        }
    }

    @Test
    void deviceErrorBecomesATypedExceptionWithCodeAndMessage() throws Exception {
        try (RawIotmpSocket device = connect(port, "esp32", "s3cr3t")) {
            CompletableFuture<Object> reply = run("direct:run", "missing", null);
            IotmpMessage request = device.readMessage(Generation.GEN2);
            device.send(IotmpMessage.error(request.streamId(), 404, Map.of("error", "not found")), Generation.GEN2);
            Throwable error = failure(reply);
            assertThat(error).isInstanceOf(DeviceErrorException.class);
            assertThat(((DeviceErrorException) error).status()).isEqualTo(404);
            assertThat(((DeviceErrorException) error).deviceMessage()).isEqualTo("not found");
        }
    }

    @Test
    void callingADeviceThatIsNotConnectedFailsAtOnce() {
        assertThat(failure(run("direct:run", "temperature", null))).isInstanceOf(DeviceNotConnectedException.class);
    }

    @Test
    void serverResourceAnswersWithTheRouteResult() throws Exception {
        try (RawIotmpSocket device = connect(port, "esp32", "s3cr3t")) {
            device.send(IotmpMessage.run(0x42, "echo", null, "hi"), Generation.GEN2);
            IotmpMessage ok = device.readMessage(Generation.GEN2);
            assertThat(ok).isEqualTo(IotmpMessage.ok(0x42, "echo hi"));
        }
    }

    @Test
    void routeExceptionBecomesErrorWithTheMessage() throws Exception {
        try (RawIotmpSocket device = connect(port, "esp32", "s3cr3t")) {
            device.send(IotmpMessage.run(0x43, "boom", null, null), Generation.GEN2);
            assertThat(device.readMessage(Generation.GEN2))
                    .isEqualTo(IotmpMessage.error(0x43, 500L, Map.of("error", "boom")));
        }
    }

    /** The component reference's word: a route throws DeviceCallException to choose the ERROR's status. */
    @Test
    void routeDeviceCallExceptionChoosesTheErrorsStatus() throws Exception {
        try (RawIotmpSocket device = connect(port, "esp32", "s3cr3t")) {
            device.send(IotmpMessage.run(0x45, "forbidden", null, null), Generation.GEN2);
            assertThat(device.readMessage(Generation.GEN2))
                    .isEqualTo(IotmpMessage.error(0x45, 403L, Map.of("error", "not yours")));
        }
    }

    @Test
    void unknownServerResourceIsAnErrorAndFireAndForgetGetsNoReply() throws Exception {
        try (RawIotmpSocket device = connect(port, "esp32", "s3cr3t")) {
            device.send(IotmpMessage.run(0, "nothing-here", null, null), Generation.GEN2);
            device.send(IotmpMessage.run(0x44, "nothing-here", null, null), Generation.GEN2);
            IotmpMessage error = device.readMessage(Generation.GEN2);
            assertThat(error.type()).isEqualTo(MessageType.ERROR);
            assertThat(error.streamId()).isEqualTo(0x44);
        }
    }

    @Test
    void oversizedFrameHeaderClosesTheConnection() throws Exception {
        try (RawIotmpSocket device = connect(port, "esp32", "s3cr3t")) {
            device.sendHex("06 FF FF FF 7F");
            assertThat(device.closedWithin(WAIT)).isTrue();
        }
    }

    @Test
    void malformedFrameAfterConnectIsDroppedAndTheConnectionGoesOn() throws Exception {
        try (RawIotmpSocket device = connect(port, "esp32", "s3cr3t")) {
            device.sendHex("06 04 08 01 23 00"); // wire type 3: cannot be decoded
            device.sendHex("05 00");
            assertThat(device.readFrameHex()).isEqualTo("05 00");
        }
    }

    @Test
    void producerNeedsADeviceFromUriOrHeaders() {
        Throwable error = failure(template.asyncRequestBody("iotmp:device:alice", null));
        assertThat(error).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> context.getEndpoint("iotmp:nonsense:x")).hasMessageContaining("nonsense");
        assertThatThrownBy(() -> context.getEndpoint("iotmp:service:event/x")).hasMessageContaining("serverEvent");
    }
}
