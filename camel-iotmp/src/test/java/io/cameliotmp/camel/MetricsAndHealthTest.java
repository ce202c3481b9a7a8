package io.cameliotmp.camel;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.server.IotmpServer;
import io.cameliotmp.testing.RawIotmpSocket;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.BindToRegistry;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.health.HealthCheckRegistry;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.testing.Waits.WAIT;
import static io.cameliotmp.testing.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/** Micrometer metrics, found through the registry's MeterRegistry, and the iotmp readiness check. */
class MetricsAndHealthTest extends IotmpCamelTestSupport {

    @BindToRegistry("meters")
    private final MeterRegistry meters = new SimpleMeterRegistry();

    @Override
    protected String deviceCredentials() {
        return "alice/esp32=pw";
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:run").to("iotmp:device:alice/esp32/temperature");
            }
        };
    }

    private double count(String name, String... tags) {
        return meters.find(name).tags(tags).counters().stream().mapToDouble(c -> c.count()).sum();
    }

    @Test
    void serverActivityIsMeasured() throws Exception {
        try (RawIotmpSocket device = RawIotmpSocket.connect(port, "alice", "esp32", "pw")) {
            CompletableFuture<Object> reply = template.asyncRequestBody("direct:run", null);
            IotmpMessage run = device.readMessage(Generation.GEN2);
            device.send(IotmpMessage.ok(run.streamId(), Map.of("celsius", 20)), Generation.GEN2);
            reply.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(meters.get("iotmp.devices.connected").gauge().value()).isEqualTo(1.0);
        }
        try (RawIotmpSocket wrong = new RawIotmpSocket(port)) {
            wrong.send(IotmpMessage.connect(1, "alice", "esp32", "nope"), Generation.GEN2);
            wrong.readFrameHex();
        }
        assertThat(count("iotmp.connections", "event", "connected")).isEqualTo(1.0);
        assertThat(count("iotmp.connections", "event", "refused")).isEqualTo(1.0);
        assertThat(meters.get("iotmp.requests").tags("kind", "RUN", "outcome", "ok").timer().count()).isEqualTo(1);
        assertThat(count("iotmp.bytes", "direction", "in")).isGreaterThan(40);
        assertThat(count("iotmp.bytes", "direction", "out")).isGreaterThan(20);
        eventually().until(() -> count("iotmp.connections", "event", "disconnected") >= 1);
        assertThat(count("iotmp.connections", "event", "disconnected")).isEqualTo(1.0);
        // one description per meter name, true of every tag: a registry shows only one of them
        assertThat(meters.find("iotmp.connections").counters()).extracting(c -> c.getId().getDescription())
                .hasSize(4).containsOnly(meters.get("iotmp.connections").tags("event", "rejected").counter().getId()
                        .getDescription());
        assertThat(meters.get("iotmp.connections").tags("event", "connected").counter().getId().getDescription())
                .contains("connected", "refused", "rejected");
    }

    @Test
    void readinessIsUpWhileTheServerListensAndMetersGoWithTheServer() throws Exception {
        assertThat(HealthCheckRegistry.get(context)).as("camel-health on the test classpath").isNotNull();
        Collection<HealthCheck.Result> readiness = HealthCheckHelper.invokeReadiness(context);
        HealthCheck.Result iotmp = readiness.stream().filter(r -> r.getCheck().getId().equals("iotmp"))
                .findFirst().orElseThrow();
        assertThat(iotmp.getState()).isEqualTo(HealthCheck.State.UP);
        assertThat(iotmp.getDetails()).containsEntry("servers", 1);

        context.getRouteController().stopAllRoutes();
        assertThat(meters.find("iotmp.devices.connected").gauge()).as("removed with the server").isNull();
    }

    @Test
    void aDrainingServerIsNotReadyButAlive() throws Exception {
        IotmpServer server = context.getComponent("iotmp", IotmpComponent.class).servers().running().get(0);
        server.drain().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);

        HealthCheck check = HealthCheckRegistry.get(context).getCheck("iotmp").orElseThrow();
        HealthCheck.Result readiness = check.callReadiness();
        assertThat(readiness.getState()).isEqualTo(HealthCheck.State.DOWN);
        assertThat(readiness.getMessage()).hasValueSatisfying(m -> assertThat(m).contains("is draining"));
        // a liveness probe that restarted the application would cut the drain short
        HealthCheck.Result liveness = check.callLiveness();
        assertThat(liveness.getState()).isEqualTo(HealthCheck.State.UP);
        assertThat(liveness.getDetails()).containsEntry("127.0.0.1:" + port + ".draining", true);
    }
}
