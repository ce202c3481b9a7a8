package io.cameliotmp.api;

import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import io.cameliotmp.device.IotmpDevice;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A Server-Sent Events client that stops reading (a raw socket with a small receive buffer that never reads, while
 * large samples or events fill the sockets' buffers) holds its writer thread in a blocked write only until
 * {@code stream-send-timeout}, not until Tomcat's own write timeout, here far longer than the test: the write fails,
 * the thread is free, the client's place is given back (only once its write has returned) and its connection closed.
 * With no bound on the connections per address, whose connector also serves this.
 */
@TestPropertySource(properties = {"camel.iotmp.api.stream-send-timeout=3s", "server.tomcat.connection-timeout=10m",
    "camel.iotmp.api.max-connections-per-address=0"})
@Import(DeviceSessionSocketLimitsTest.SmallSendBuffer.class)
class StuckStreamWritesTest extends OwnApplicationTestSupport {

    /** Long enough for the send timeout and a loaded machine, far shorter than Tomcat's write timeout. */
    private static final Duration FREED = Duration.ofSeconds(60);
    /** Samples or events pushed to fill the client's socket buffers: 64 of 8 KiB, many times the buffers. */
    private static final int FILLING = 64;
    private static final String PAD = "x".repeat(8 * 1024);
    private static final String BIG = "/v3/users/demo/devices/dev-1/resources/big/stream";

    @Autowired
    DeviceStreamController sseStreams;

    @Autowired
    DeviceEvents events;

    @Autowired
    CamelContext camel;

    private Socket client;

    @AfterEach
    void closeClient() throws Exception {
        if (client != null) {
            client.close();
        }
    }

    @Test
    void aResourceStreamClientThatStopsReadingFreesItsWriterAfterTheSendTimeout() throws Exception {
        AtomicReference<String> value = new AtomicReference<>("0:");
        IotmpDevice device = connect("demo", "dev-1", "secret-1", d -> d.resource("big").output(value::get));
        // the answer's head comes with the first sample
        client = DeviceSessionSocketLimitsTest.openNotReading(httpPort, BIG, "Accept: text/event-stream\r\n", null);
        await("the stream open at the device").atMost(WAIT).until(() -> device.streamChanged("big", value.get()));
        for (int seq = 1; seq <= FILLING; seq++) {
            value.set(seq + ":" + PAD);
            // false once the stream is closed as slow
            device.streamChanged("big", value.get());
        }

        await("the stuck write ended, the stream's place given back").atMost(FREED)
                .until(() -> sseStreams.openStreams() == 0);
        assertThat(sseStreams.slowClientsClosed()).isEqualTo(1);
        SlowAnswerReaderSupport.readToTheEnd(client);
    }

    @Test
    void anEventSubscriberThatStopsReadingFreesItsWriterAfterTheSendTimeout() throws Exception {
        client = DeviceSessionSocketLimitsTest.openNotReading(httpPort, "/v3/users/demo/events",
                "Accept: text/event-stream\r\n", "HTTP/1.1 200");
        await("subscribed").atMost(WAIT).until(() -> events.subscribed() == 1);
        for (int seq = 1; seq <= FILLING; seq++) {
            publish(seq);
        }

        await("the stuck write ended, the subscription's place given back").atMost(FREED)
                .until(() -> events.subscribed() == 0);
        assertThat(events.slowClientsClosed()).isEqualTo(1);
        SlowAnswerReaderSupport.readToTheEnd(client);
    }

    /** Publishes a device event of the server numbered {@code seq}. */
    private void publish(int seq) {
        events.publish(deviceEvent(camel, seq, PAD));
    }
}
