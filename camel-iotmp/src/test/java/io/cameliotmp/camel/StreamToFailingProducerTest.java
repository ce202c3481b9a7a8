package io.cameliotmp.camel;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.protocol.MessageType;
import io.cameliotmp.server.DeviceConnection;
import io.cameliotmp.server.DeviceId;
import io.cameliotmp.testing.RawIotmpSocket;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Consumer;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.support.DefaultAsyncProducer;
import org.apache.camel.support.DefaultEndpoint;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.testing.Waits.WAIT;
import static io.cameliotmp.testing.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@code streamTo} endpoint whose producer throws instead of failing the exchange: the stream's data handed on in
 * order waited behind the exchange that threw for ever, and the device's samples stayed in flight, so with a bound of
 * a few samples the device was never read again. The delivery that threw is given up and the next one goes on.
 */
class StreamToFailingProducerTest extends IotmpCamelTestSupport {

    private static final String TARGET = "failing-once://target";

    private final AtomicBoolean failNext = new AtomicBoolean(true);
    private final List<Object> delivered = new CopyOnWriteArrayList<>();

    @Override
    protected String deviceCredentials() {
        return "alice/esp32=pw";
    }

    @Override
    protected void configure(IotmpConfiguration config) {
        config.setMaxInFlight(4);
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() throws Exception {
                getContext().addEndpoint(TARGET, new FailingOnceEndpoint());
                from("direct:open").to("iotmp:device:alice/esp32/level?operation=startStream&streamTo="
                                       + TARGET);
            }
        };
    }

    @Test
    void aProducerThatThrowsHoldsUpNeitherTheStreamNorTheDevice() throws Exception {
        try (RawIotmpSocket device = RawIotmpSocket.connect(port, "alice", "esp32", "pw")) {
            CompletableFuture<Object> opened = template.asyncRequestBody("direct:open", null);
            IotmpMessage start = device.readMessage(Generation.GEN2);
            assertThat(start.type()).isEqualTo(MessageType.START_STREAM);
            device.send(IotmpMessage.ok(start.streamId()), Generation.GEN2);
            opened.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);

            int samples = 10; // beyond the in-flight bound: a delivery that stayed in flight would pause the device
            for (int i = 0; i < samples; i++) {
                device.send(IotmpMessage.streamData(start.streamId(), (long) i), Generation.GEN2);
            }
            DeviceConnection connection = server(port).registry().session(new DeviceId("alice", "esp32"))
                    .orElseThrow();
            eventually().untilAsserted(() -> assertThat(delivered).hasSize(samples - 1));
            assertThat(delivered).as("the rest in order, after the one the producer threw on")
                    .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
            eventually().until(() -> connection.counters().inFlight() == 0);
        }
    }

    /** An endpoint whose producer throws on its first exchange and takes the others. */
    private final class FailingOnceEndpoint extends DefaultEndpoint {

        FailingOnceEndpoint() {
            super(TARGET, null);
        }

        @Override
        public Producer createProducer() {
            return new DefaultAsyncProducer(this) {
                @Override
                public boolean process(Exchange exchange, AsyncCallback callback) {
                    if (failNext.getAndSet(false)) {
                        throw new IllegalStateException("refusing work");
                    }
                    delivered.add(exchange.getMessage().getBody());
                    callback.done(true);
                    return true;
                }
            };
        }

        @Override
        public Consumer createConsumer(Processor processor) {
            throw new UnsupportedOperationException("produce only");
        }
    }
}
