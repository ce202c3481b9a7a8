package io.cameliotmp.camel;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.server.ota.FirmwareUpdateException;
import io.cameliotmp.testing.RawIotmpSocket;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.BindToRegistry;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.console.DevConsole;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.test.junit5.TestExecutionConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.testing.Waits.WAIT;
import static io.cameliotmp.testing.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * An operator reads the same quantity in three places: the Micrometer meters, the JMX MBean and the dev console. After
 * the same events the three agree, and a stop and start of the server (of its routes) leaves neither a stale meter nor
 * a stale MBean: the meters of the new server count from zero and read the new server.
 */
class ObservabilityAgreementTest extends IotmpCamelTestSupport {

    @BindToRegistry("meters")
    private final MeterRegistry meters = new SimpleMeterRegistry();

    private final MBeanServer mbeans = ManagementFactory.getPlatformMBeanServer();
    private IotmpDevice device;

    @Override
    public void configureTest(TestExecutionConfiguration configuration) {
        super.configureTest(configuration);
        configuration.withJMX(true);
    }

    @Override
    protected String deviceCredentials() {
        return "alice/*=pw";
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("iotmp:device:alice/*/temperature?interval=1000").routeId("temperatures").to("mock:temps");
                from("direct:run").to("iotmp:device:alice/esp32/temperature");
                from("direct:ota").to("iotmp:device:alice/absent?operation=firmwareUpdate");
            }
        };
    }

    @AfterEach
    void closeDevice() {
        if (device != null) {
            device.close();
        }
    }

    /** A refused CONNECT, then a device that streams and answers one call of a route, and leaves. */
    private void driveEvents() throws Exception {
        try (RawIotmpSocket wrong = new RawIotmpSocket(port)) {
            wrong.send(IotmpMessage.connect(1, "alice", "intruder", "nope"), Generation.GEN2);
            wrong.readFrameHex();
        }
        device = IotmpDevice.builder().host("127.0.0.1").port(port).credentials("alice", "esp32", "pw")
                .generation(Generation.GEN2).noReconnect().build();
        device.resource("temperature").output(() -> Map.of("celsius", 21.5));
        device.start().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        getMockEndpoint("mock:temps").expectedMinimumMessageCount(1);
        getMockEndpoint("mock:temps").setResultWaitTime(WAIT.toMillis());
        getMockEndpoint("mock:temps").assertIsSatisfied();
        template.asyncRequestBody("direct:run", null).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        // a firmware update of a device that is not connected: it fails before anything is sent
        assertThat(catchThrowable(() -> template.requestBody("direct:ota", new byte[] { 1, 2, 3 })))
                .hasRootCauseInstanceOf(FirmwareUpdateException.class);
    }

    private ObjectName mbean() throws Exception {
        Set<ObjectName> names = mbeans.queryNames(new ObjectName("org.apache.camel:type=iotmp,*"), null);
        return names.stream().filter(n -> n.getKeyProperty("name").equals(ObjectName.quote("127.0.0.1:" + port)))
                .findFirst().orElse(null);
    }

    private long jmx(String attribute) throws Exception {
        return ((Number) mbeans.getAttribute(mbean(), attribute)).longValue();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> consoleServer() {
        DevConsole console = PluginHelper.getDevConsoleResolver(context).resolveDevConsole("iotmp");
        Map<String, Object> json = (Map<String, Object>) console.call(DevConsole.MediaType.JSON, Map.of());
        List<Map<String, Object>> servers = (List<Map<String, Object>>) json.get("servers");
        assertThat(servers).hasSize(1);
        return servers.get(0);
    }

    @SuppressWarnings("unchecked")
    private long console(String total) {
        return ((Number) ((Map<String, Object>) consoleServer().get("totals")).get(total)).longValue();
    }

    private long counter(String name, String key, String value) {
        return (long) meters.find(name).tag("port", String.valueOf(port)).tag(key, value).functionCounters().stream()
                .mapToDouble(c -> c.count()).sum()
               + (long) meters.find(name).tag("port", String.valueOf(port)).tag(key, value).counters().stream()
                       .mapToDouble(c -> c.count()).sum();
    }

    private long counter(String name) {
        return (long) meters.find(name).tag("port", String.valueOf(port)).counters().stream()
                .mapToDouble(c -> c.count()).sum();
    }

    private long requests() {
        return meters.find("iotmp.requests").tag("port", String.valueOf(port)).timers().stream()
                .mapToLong(Timer::count).sum();
    }

    /** The same quantity, read in the three places, once the device has left and nothing moves any more. */
    private void assertAgree(String jmx, String console, long micrometer) throws Exception {
        assertThat(List.of(jmx(jmx), console(console), micrometer)).as("JMX %s, console %s, Micrometer", jmx, console)
                .containsOnly(jmx(jmx));
    }

    @Test
    void micrometerJmxAndTheConsoleTellTheSameCounts() throws Exception {
        driveEvents();
        assertThat(jmx("ConnectedDevices")).isEqualTo(1);
        assertThat(((Number) consoleServer().get("connectedDevices")).longValue()).isEqualTo(1);
        assertThat(meters.get("iotmp.devices.connected").tag("port", String.valueOf(port)).gauge().value())
                .isEqualTo(1.0);
        device.close();
        eventually().until(() -> jmx("DevicesDisconnected") == 1);

        eventually().untilAsserted(() -> {
            assertAgree("DevicesAccepted", "connected", counter("iotmp.connections", "event", "connected"));
            assertAgree("DevicesDisconnected", "disconnected", counter("iotmp.connections", "event", "disconnected"));
            assertAgree("ConnectionsRefused", "refused", counter("iotmp.connections", "event", "refused"));
            assertAgree("ConnectionsRejected", "rejected", counter("iotmp.connections", "event", "rejected"));
            assertAgree("Requests", "requests", requests());
            assertAgree("SamplesReceived", "samplesReceived", counter("iotmp.samples", "state", "received"));
            assertAgree("SamplesDropped", "samplesDropped", counter("iotmp.samples", "state", "dropped"));
            assertAgree("ReadingPauses", "readingPauses", counter("iotmp.reading.pauses"));
            assertAgree("PendingWritesExceeded", "pendingWritesExceeded", counter("iotmp.pending.writes.exceeded"));
            assertAgree("WebSocketPingsUnanswered", "webSocketPingsUnanswered",
                    counter("iotmp.websocket.pings.unanswered"));
            assertAgree("WebSocketProtocolViolations", "webSocketProtocolViolations",
                    counter("iotmp.websocket.protocol.violations"));
            assertAgree("LegacyFramesIgnored", "legacyFramesIgnored", counter("iotmp.legacy.frames.ignored"));
            assertAgree("BytesIn", "bytesIn", counter("iotmp.bytes", "direction", "in"));
            assertAgree("BytesOut", "bytesOut", counter("iotmp.bytes", "direction", "out"));
            assertAgree("FirmwareUpdates", "firmwareUpdates", counter("iotmp.firmware.updates"));
            assertAgree("FirmwareUpdatesFailed", "firmwareUpdatesFailed",
                    counter("iotmp.firmware.updates", "outcome", "failed"));
            assertAgree("FirmwareUpdatesTimedOut", "firmwareUpdatesTimedOut",
                    counter("iotmp.firmware.updates", "outcome", "timeout"));
        });
        assertThat(jmx("DevicesAccepted")).isEqualTo(1);
        assertThat(jmx("ConnectionsRefused")).isEqualTo(1);
        assertThat(jmx("Requests")).as("the stream's START_STREAM and the route's RUN").isEqualTo(2);
        assertThat(jmx("SamplesReceived")).isPositive();
        assertThat(jmx("BytesIn")).isPositive();
        assertThat(jmx("FirmwareUpdatesFailed")).as("the update of the absent device").isEqualTo(1);
    }

    private Set<String> iotmpMeters() {
        Set<String> ids = new TreeSet<>();
        for (Meter meter : meters.getMeters()) {
            if (meter.getId().getName().startsWith("iotmp.")) {
                ids.add(meter.getId().toString());
            }
        }
        return ids;
    }

    @Test
    void aRestartOfTheServerLeavesNoStaleMeterNorMBean() throws Exception {
        driveEvents();
        Set<String> before = iotmpMeters();
        assertThat(before).isNotEmpty();
        device.close();

        // the routes, not the context: a Camel context stopped drops its components and beans, so a start makes all
        // anew; stopping its routes stops the server and starting them starts another on the same address
        context.getRouteController().stopAllRoutes();
        assertThat(iotmpMeters()).as("meters of the stopped server").isEmpty();
        assertThat(mbeans.queryNames(new ObjectName("org.apache.camel:type=iotmp,*"), null))
                .as("MBeans of the stopped server").isEmpty();

        context.getRouteController().startAllRoutes();
        Set<String> after = iotmpMeters();
        // the timers appear on first use: the new server has had no request yet
        assertThat(after).isNotEmpty().isSubsetOf(before);
        assertThat(mbean()).as("the new server's MBean").isNotNull();
        assertThat(counter("iotmp.connections", "event", "connected")).as("counts of the new server").isZero();
        assertThat(counter("iotmp.connections", "event", "refused")).isZero();
        assertThat(counter("iotmp.bytes", "direction", "in")).isZero();
        assertThat(counter("iotmp.samples", "state", "received")).isZero();

        device = IotmpDevice.builder().host("127.0.0.1").port(port).credentials("alice", "esp32", "pw")
                .generation(Generation.GEN2).noReconnect().build();
        device.resource("temperature").output(() -> Map.of("celsius", 21.5));
        device.start().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        eventually().until(() -> jmx("ConnectedDevices") == 1);
        assertThat(meters.get("iotmp.devices.connected").tag("port", String.valueOf(port)).gauge().value())
                .as("the gauge reads the new server").isEqualTo(1.0);
        assertThat(counter("iotmp.connections", "event", "connected")).isEqualTo(1);
        // the stream's START_STREAM may have added its timer meanwhile: one of the first run's, nothing else
        assertThat(iotmpMeters()).containsAll(after).isSubsetOf(before);
    }
}
