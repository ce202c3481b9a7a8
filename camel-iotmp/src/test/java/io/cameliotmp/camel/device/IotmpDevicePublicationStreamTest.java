package io.cameliotmp.camel.device;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.device.IotmpDisconnectedException;
import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.protocol.MessageType;
import io.cameliotmp.testing.RawIotmpSocket;
import io.cameliotmp.testing.TestPorts;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.testing.Waits.WAIT;
import static io.cameliotmp.testing.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The publication stream of a topic when it ends: a server may stop a stream the device opened (STOP_STREAM,
 * docs/protocol.md §7.4), and the device client never opens such a stream again, so the next message must open a new
 * one; a connection lost while the stream is opening fails the message at once. The server here is a raw socket: the
 * project's own server never stops a device's stream nor leaves a START_STREAM unanswered.
 */
class IotmpDevicePublicationStreamTest extends CamelTestSupport {

    private final int port = TestPorts.next();
    private ServerSocket listener;

    @Override
    protected CamelContext createCamelContext() throws Exception {
        listener = new ServerSocket(port, 1, InetAddress.getLoopbackAddress());
        CamelContext context = super.createCamelContext();
        IotmpDeviceConfiguration device = context.getComponent("iotmp-device", IotmpDeviceComponent.class)
                .getConfiguration();
        device.setHost("127.0.0.1");
        device.setPort(port);
        device.setUser("demo");
        device.setDevice("gateway");
        device.setCredential("gw-secret");
        device.setKeepAlive(0);
        // longer than any wait of the test: an exchange that waits for it fails the test
        device.setRequestTimeout(3_600_000);
        return context;
    }

    @AfterEach
    void closeListener() throws Exception {
        listener.close();
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:publish").to("iotmp-device:topic:alerts/kitchen");
            }
        };
    }

    /** A publish before the device took in the CONNECT's OK would fail at once, as the device is not connected. */
    private void awaitConnected() {
        IotmpDeviceComponent component = context.getComponent("iotmp-device", IotmpDeviceComponent.class);
        eventually().until(() -> component.connections().all().get(0).device().isConnected());
    }

    private Future<Exchange> publish(String body) {
        return template.asyncSend("direct:publish", e -> e.getMessage().setBody(body));
    }

    @Test
    void theNextMessageAfterTheServerStoppedThePublicationStreamOpensANewOne() throws Exception {
        listener.setSoTimeout((int) WAIT.toMillis());
        try (RawIotmpSocket server = new RawIotmpSocket(listener.accept())) {
            IotmpMessage connect = server.readUntil(MessageType.CONNECT, Generation.GEN2);
            server.send(IotmpMessage.ok(connect.streamId()), Generation.GEN2);
            awaitConnected();

            Future<Exchange> first = publish("smoke");
            IotmpMessage start = server.readUntil(MessageType.START_STREAM, Generation.GEN2);
            server.send(IotmpMessage.ok(start.streamId()), Generation.GEN2);
            assertThat(server.readUntil(MessageType.STREAM_DATA, Generation.GEN2).payload()).isEqualTo("smoke");
            assertThat(first.get(WAIT.toMillis(), TimeUnit.MILLISECONDS).getException()).isNull();

            server.send(IotmpMessage.stopStream(start.streamId()), Generation.GEN2);
            assertThat(server.readUntil(MessageType.OK, Generation.GEN2).streamId()).isEqualTo(start.streamId());

            Future<Exchange> second = publish("heat");
            IotmpMessage reopened = server.readUntil(MessageType.START_STREAM, Generation.GEN2);
            assertThat(reopened.parameters()).isEqualTo(start.parameters());
            server.send(IotmpMessage.ok(reopened.streamId()), Generation.GEN2);
            IotmpMessage data = server.readUntil(MessageType.STREAM_DATA, Generation.GEN2);
            assertThat(data.streamId()).isEqualTo(reopened.streamId());
            assertThat(data.payload()).isEqualTo("heat");
            assertThat(second.get(WAIT.toMillis(), TimeUnit.MILLISECONDS).getException()).isNull();
        }
    }

    @Test
    void aMessageWhoseStreamIsOpeningFailsAtOnceWhenTheConnectionEnds() throws Exception {
        listener.setSoTimeout((int) WAIT.toMillis());
        Future<Exchange> sent;
        try (RawIotmpSocket server = new RawIotmpSocket(listener.accept())) {
            IotmpMessage connect = server.readUntil(MessageType.CONNECT, Generation.GEN2);
            server.send(IotmpMessage.ok(connect.streamId()), Generation.GEN2);
            awaitConnected();
            sent = publish("smoke");
            server.readUntil(MessageType.START_STREAM, Generation.GEN2);
        } // the connection ends with the START_STREAM unanswered

        Exchange failed = sent.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(failed.getException()).isInstanceOf(IotmpDisconnectedException.class);
    }
}
