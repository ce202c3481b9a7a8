package io.cameliotmp.camel;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.testing.RawIotmpSocket;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.testing.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Batches into a route that goes on asynchronously (here on a thread pool of four): the next batch is handed on only
 * once the route is done with the one before, so batches never overtake each other and each device's samples stay in
 * order, whatever threads the route runs them on.
 */
class AsyncRouteBatchOrderTest extends IotmpCamelTestSupport {

    private final List<IotmpSample> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger inRoute = new AtomicInteger();
    private final AtomicInteger mostInRoute = new AtomicInteger();

    @Override
    protected String deviceCredentials() {
        return "alice/*=pw";
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("iotmp:device:alice/*/level?batchSize=7&batchTimeout=50")
                        .threads(4)
                        .process(e -> {
                            mostInRoute.accumulateAndGet(inRoute.incrementAndGet(), Math::max);
                            received.addAll(e.getMessage().getBody(List.class));
                            inRoute.decrementAndGet();
                        });
            }
        };
    }

    @Test
    void batchesOfAnAsynchronousRouteStayInOrder() throws Exception {
        int samples = 500;
        try (RawIotmpSocket one = RawIotmpSocket.connect(port, "alice", "one", "pw");
             RawIotmpSocket two = RawIotmpSocket.connect(port, "alice", "two", "pw")) {
            int a = one.acceptStream();
            int b = two.acceptStream();
            for (int i = 0; i < samples; i++) {
                one.send(IotmpMessage.streamData(a, i), Generation.GEN2);
                two.send(IotmpMessage.streamData(b, i), Generation.GEN2);
            }
            eventually().until(() -> received.size() == 2 * samples);
        }
        assertThat(mostInRoute.get()).as("batches in the route at once").isEqualTo(1);
        for (String device : List.of("one", "two")) {
            List<Object> payloads = new ArrayList<>();
            received.stream().filter(s -> s.device().equals(device)).forEach(s -> payloads.add(s.payload()));
            assertThat(payloads).as(device).hasSize(samples);
            for (int i = 0; i < samples; i++) {
                assertThat(payloads.get(i)).as("%s's sample %d", device, i).isEqualTo((long) i);
            }
        }
    }
}
