package io.cameliotmp.camel;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.server.PsonCost;
import io.cameliotmp.server.ServerMetrics.RouteDelivery;
import io.cameliotmp.testing.RawIotmpSocket;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.AsyncCallback;
import org.apache.camel.BindToRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.support.AsyncProcessorSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.testing.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Topic and events consumers hold at most maxDeliveriesInFlight exchanges their route has not completed: a route that
 * continues asynchronously would otherwise let devices that publish or connect fast make the server hold any number.
 * The routes here park every exchange and never complete it, until the test ends.
 */
class RouteDeliveryBoundTest extends IotmpCamelTestSupport {

    private static final int SUBSCRIBE_EVENT = 8;

    @BindToRegistry("meters")
    private final MeterRegistry meters = new SimpleMeterRegistry();
    private final List<Runnable> parked = new CopyOnWriteArrayList<>();
    private volatile boolean completeAll;

    @Override
    protected String deviceCredentials() {
        return "alice/*=pw";
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("iotmp:topic:held/#?maxDeliveriesInFlight=5").routeId("held").process(new NeverCompletes());
                from("iotmp:events?maxDeliveriesInFlight=2").routeId("events").process(new NeverCompletes());
                from("iotmp:topic:bytes/#?maxDeliveryBytesInFlight=2500").routeId("bytes")
                        .process(new NeverCompletes());
                from("iotmp:topic:tight/#?maxDeliveryBytesInFlight=100").routeId("tight")
                        .process(new NeverCompletes());
                // one place is enough for a synchronous route: each exchange is complete before the next arrives
                from("iotmp:topic:sync/#?maxDeliveriesInFlight=1").routeId("sync").to("mock:sync");
            }
        };
    }

    /** Parks the exchange: the route never completes it while the test runs. */
    private final class NeverCompletes extends AsyncProcessorSupport {
        @Override
        public boolean process(Exchange exchange, AsyncCallback callback) {
            if (completeAll) {
                callback.done(true);
                return true;
            }
            parked.add(() -> callback.done(false));
            return false;
        }
    }

    /** Before the context stops, which would otherwise wait for the parked exchanges. */
    @AfterEach
    void completeParkedExchanges() {
        completeAll = true;
        completeParked();
    }

    private void completeParked() {
        List<Runnable> now = List.copyOf(parked);
        parked.removeAll(now);
        now.forEach(Runnable::run);
    }

    private double dropped(String kind) {
        return meters.find("iotmp.deliveries.dropped").tags("kind", kind).counters().stream()
                .mapToDouble(c -> c.count()).sum();
    }

    private double inFlightGauge(String kind) {
        return meters.find("iotmp.deliveries.in.flight").tags("kind", kind).gauges().stream()
                .mapToDouble(g -> g.value()).sum();
    }

    private double inFlightBytesGauge(String kind) {
        return meters.find("iotmp.deliveries.in.flight.bytes").tags("kind", kind).gauges().stream()
                .mapToDouble(g -> g.value()).sum();
    }

    private long inFlightBytes(String routeId) {
        return ((IotmpTopicConsumer) context.getRoute(routeId).getConsumer()).deliveryBytesInFlight();
    }

    private int inFlight(String routeId) {
        Object consumer = context.getRoute(routeId).getConsumer();
        return consumer instanceof IotmpTopicConsumer topic ? topic.deliveriesInFlight()
                : ((IotmpEventsConsumer) consumer).deliveriesInFlight();
    }

    private RawIotmpSocket publishingOn(String device, String topic) throws Exception {
        RawIotmpSocket socket = RawIotmpSocket.connect(port, "alice", device, "pw");
        socket.send(IotmpMessage.startStream(5, SUBSCRIBE_EVENT,
                Map.of("event", "device_topic_publish", "scope", "publish", "topic", topic)), Generation.GEN2);
        assertThat(socket.readMessage(Generation.GEN2)).isEqualTo(IotmpMessage.ok(5, null));
        return socket;
    }

    @Test
    void aRouteThatNeverCompletesHoldsAtMostTheBoundAndTheRestIsDroppedAndCounted() throws Exception {
        try (RawIotmpSocket device = publishingOn("esp32", "held/esp32")) {
            for (int i = 0; i < 20; i++) {
                device.send(IotmpMessage.streamData(5, i), Generation.GEN2);
            }
            eventually().untilAsserted(() -> assertThat(dropped("topic")).isEqualTo(15));
            assertThat(inFlight("held")).isEqualTo(5);
            assertThat(server(port).totals().deliveriesDropped()).isGreaterThanOrEqualTo(15);
            assertThat(server(port).totals().deliveriesInFlight(RouteDelivery.TOPIC)).isEqualTo(5);
            assertThat(inFlightGauge("topic")).as("the gauge of what the routes hold").isEqualTo(5);

            completeParked(); // the route catches up: its places are free again
            assertThat(inFlight("held")).isZero();
            assertThat(inFlightGauge("topic")).isZero();
            device.send(IotmpMessage.streamData(5, "again"), Generation.GEN2);
            eventually().untilAsserted(() -> assertThat(inFlight("held")).isEqualTo(1));
            assertThat(dropped("topic")).isEqualTo(15);
        }
    }

    /**
     * A thousand publications of a device's largest frame would hold gigabytes within the count's bound: the bytes are
     * bounded too. Each publication here is its topic and a byte string of 1,000 bytes, PSON-encoded (1,015 bytes):
     * two fit in 2,500 bytes, a third does not.
     */
    @Test
    void aRouteThatNeverCompletesHoldsAtMostTheByteBound() throws Exception {
        long one = PsonCost.of("bytes/esp32", new byte[1000]);
        try (RawIotmpSocket device = publishingOn("esp32", "bytes/esp32")) {
            for (int i = 0; i < 10; i++) {
                device.send(IotmpMessage.streamData(5, new byte[1000]), Generation.GEN2);
            }
            eventually().untilAsserted(() -> assertThat(dropped("topic")).isEqualTo(8));
            assertThat(inFlight("bytes")).isEqualTo(2);
            assertThat(inFlightBytes("bytes")).isEqualTo(2 * one);
            assertThat(server(port).totals().deliveryBytesInFlight(RouteDelivery.TOPIC)).isEqualTo(2 * one);
            assertThat(inFlightBytesGauge("topic")).as("the gauge of the bytes the routes hold").isEqualTo(2 * one);

            completeParked();
            assertThat(inFlightBytes("bytes")).isZero();
            assertThat(inFlightBytesGauge("topic")).isZero();
            device.send(IotmpMessage.streamData(5, new byte[1000]), Generation.GEN2);
            eventually().untilAsserted(() -> assertThat(inFlight("bytes")).isEqualTo(1));
            assertThat(dropped("topic")).isEqualTo(8);
        }
    }

    /** A publication larger than the byte bound is still handed over when the route holds nothing: one at a time. */
    @Test
    void aPublicationLargerThanTheByteBoundPassesAloneAndOnlyAlone() throws Exception {
        try (RawIotmpSocket device = publishingOn("esp32", "tight/esp32")) {
            for (int i = 0; i < 3; i++) {
                device.send(IotmpMessage.streamData(5, new byte[1000]), Generation.GEN2);
            }
            eventually().untilAsserted(() -> assertThat(dropped("topic")).isEqualTo(2));
            assertThat(inFlight("tight")).isEqualTo(1);

            completeParked();
            device.send(IotmpMessage.streamData(5, new byte[1000]), Generation.GEN2);
            eventually().untilAsserted(() -> assertThat(inFlight("tight")).isEqualTo(1));
            assertThat(dropped("topic")).isEqualTo(2);
        }
    }

    @Test
    void eventsBeyondTheBoundAreDroppedAndCounted() throws Exception {
        List<RawIotmpSocket> devices = new CopyOnWriteArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                devices.add(RawIotmpSocket.connect(port, "alice", "device-" + i, "pw"));
            }
            eventually().untilAsserted(() -> assertThat(dropped("event")).isEqualTo(3));
            assertThat(inFlight("events")).isEqualTo(2);
            assertThat(inFlightGauge("event")).isEqualTo(2);
        } finally {
            for (RawIotmpSocket device : devices) {
                device.close();
            }
        }
    }

    @Test
    void aSynchronousRouteIsUnaffected() throws Exception {
        MockEndpoint sync = getMockEndpoint("mock:sync");
        sync.expectedMessageCount(200);
        sync.setResultWaitTime(30_000);
        try (RawIotmpSocket device = publishingOn("esp32", "sync/esp32")) {
            for (int i = 0; i < 200; i++) {
                device.send(IotmpMessage.streamData(5, i), Generation.GEN2);
            }
            sync.assertIsSatisfied();
        }
        assertThat(dropped("topic")).isZero();
        // the mock has the last exchange before the route completes it and gives its place back
        eventually().untilAsserted(() -> assertThat(inFlight("sync")).isZero());
    }
}
