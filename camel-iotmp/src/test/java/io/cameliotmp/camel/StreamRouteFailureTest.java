package io.cameliotmp.camel;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.server.DeviceConnection;
import io.cameliotmp.server.DeviceId;
import io.cameliotmp.testing.RawIotmpSocket;
import io.cameliotmp.testing.TestPorts;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.spi.ExceptionHandler;
import org.apache.camel.support.DefaultConsumer;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.testing.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A stream route that fails every exchange: each failure reaches the consumer's exception handler with its exchange,
 * and the samples are released all the same, so a small in-flight bound never stalls the device.
 */
class StreamRouteFailureTest extends IotmpCamelTestSupport {

    private static final int SAMPLES = 20;

    private final int batchedPort = TestPorts.next();
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private final List<Object> failedBodies = new CopyOnWriteArrayList<>();
    private volatile boolean throwingHandler;

    @Override
    protected String deviceCredentials() {
        return "alice/*=pw";
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                errorHandler(noErrorHandler());
                from("iotmp:device:alice/*/level?maxInFlight=4").routeId("per-sample")
                        .throwException(new IllegalStateException("database down"));
                from("iotmp:device:alice/*/level?port=" + batchedPort + "&maxInFlight=4&batchSize=2&batchTimeout=50")
                        .routeId("batched")
                        .throwException(new IllegalStateException("database down"));
            }
        };
    }

    @Test
    void everyFailedSampleReachesTheExceptionHandlerAndIsReleased() throws Exception {
        recordFailuresOf("per-sample");
        DeviceConnection connection = streamAndFail(port);
        assertThat(failures).hasSize(SAMPLES).containsOnly("Error processing stream sample: database down");
        assertThat(failedBodies).hasSize(SAMPLES).allSatisfy(body -> assertThat(body).isInstanceOf(Long.class));
        assertThat(connection.counters().samplesDropped()).isZero();
    }

    @Test
    void everyFailedBatchReachesTheExceptionHandlerAndItsSamplesAreReleased() throws Exception {
        recordFailuresOf("batched");
        DeviceConnection connection = streamAndFail(batchedPort);
        assertThat(failures).containsOnly("Error processing a batch of stream samples: database down");
        assertThat(failedBodies).allSatisfy(body -> assertThat(body).isInstanceOf(List.class));
        assertThat(failedBodies.stream().mapToInt(body -> ((List<?>) body).size()).sum()).isEqualTo(SAMPLES);
        assertThat(connection.counters().samplesDropped()).isZero();
    }

    /**
     * An exception handler that throws once it has seen the failure (a custom one; Camel's own do not) must not keep
     * the samples in flight: the device would pause at its bound and never be read again.
     */
    @Test
    void aThrowingExceptionHandlerStillReleasesTheSamples() throws Exception {
        throwingHandler = true;
        recordFailuresOf("per-sample");
        streamAndFail(port);
        assertThat(failures).hasSize(SAMPLES);
    }

    @Test
    void aThrowingExceptionHandlerStillReleasesTheBatches() throws Exception {
        throwingHandler = true;
        recordFailuresOf("batched");
        streamAndFail(batchedPort);
        assertThat(failedBodies.stream().mapToInt(body -> ((List<?>) body).size()).sum()).isEqualTo(SAMPLES);
    }

    /** Streams more samples than the in-flight bound and waits until every one has failed and nothing is held. */
    private DeviceConnection streamAndFail(int onPort) throws Exception {
        try (RawIotmpSocket device = RawIotmpSocket.connect(onPort, "alice", "esp32", "pw")) {
            int id = device.acceptStream();
            for (int i = 0; i < SAMPLES; i++) {
                device.send(IotmpMessage.streamData(id, i), Generation.GEN2);
            }
            DeviceConnection connection =
                    server(onPort).registry().session(new DeviceId("alice", "esp32")).orElseThrow();
            eventually().until(() -> connection.counters().samplesIn() == SAMPLES
                                     && failedSamples() == SAMPLES && connection.counters().inFlight() == 0);
            return connection;
        }
    }

    private int failedSamples() {
        return failedBodies.stream().mapToInt(body -> body instanceof List<?> list ? list.size() : 1).sum();
    }

    private void recordFailuresOf(String routeId) {
        ((DefaultConsumer) context.getRoute(routeId).getConsumer()).setExceptionHandler(new ExceptionHandler() {
            @Override
            public void handleException(Throwable exception) {
                failures.add("without exchange");
            }

            @Override
            public void handleException(String message, Throwable exception) {
                failures.add(message);
            }

            @Override
            public void handleException(String message, Exchange exchange, Throwable exception) {
                failures.add(message + ": " + exception.getMessage());
                failedBodies.add(exchange.getMessage().getBody());
                if (throwingHandler) {
                    throw new IllegalStateException("the exception handler failed too");
                }
            }
        });
    }
}
