package io.cameliotmp.camel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.protocol.Generation;
import io.cameliotmp.server.LegacyListeners;
import io.cameliotmp.testing.TestPorts;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.BindToRegistry;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.console.DevConsole;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.support.PluginHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.testing.Waits.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the operations guide ({@code docs/operations.md}) says a server shows, checked against running servers: every
 * meter with its tags and their values (in the guide's table and in the component reference), the health check's
 * details, and the fields of the dev console's JSON. A meter, a detail or a field added to the code without its
 * words in the guide fails here, and so does one the guide names that the code no longer has.
 */
class OperationsGuideTest extends IotmpCamelTestSupport {

    private static final Path GUIDE = Path.of("../docs/operations.md");
    private static final Path REFERENCE = Path.of("src/main/docs/iotmp-component.adoc");
    /** Meters only a cluster member has: RelayedPublicationMetersTest and ForwardedCallMetricsTest register them. */
    private static final String[] CLUSTER_METERS = {
            "iotmp.forwarded.calls", "iotmp.cluster.publications.waiting", "iotmp.cluster.publications.waiting.bytes",
            "iotmp.cluster.handover.overflows" };

    @BindToRegistry("meters")
    private final MeterRegistry meters = new SimpleMeterRegistry();

    /** A second server, over WebSocket, so that the console shows the fields of that transport too. */
    private final int webSocketPort = TestPorts.next();

    private IotmpDevice device;

    @Override
    protected String deviceCredentials() {
        return "alice/*=pw";
    }

    @Override
    protected void configure(IotmpConfiguration config) {
        config.setLegacyEnabled(true);
        config.setLegacyPort(0);
        config.setLegacyTlsPort(LegacyListeners.NONE);
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("iotmp:device:alice/*/temperature?interval=1000").routeId("temperatures").to("mock:temps");
                from("iotmp:events?port=" + webSocketPort + "&transport=WEBSOCKET&legacyEnabled=false")
                        .to("mock:events");
                from("direct:run").to("iotmp:device:alice/esp32/temperature");
            }
        };
    }

    @AfterEach
    void closeDevice() {
        if (device != null) {
            device.close();
        }
    }

    /** A device with a stream open to the consumer, and one call of a route answered: every kind of meter is there. */
    private void connectDeviceAndCallIt() throws Exception {
        device = IotmpDevice.builder().host("127.0.0.1").port(port).credentials("alice", "esp32", "pw")
                .generation(Generation.GEN2).build();
        device.resource("temperature").output(() -> Map.of("celsius", 21.5));
        device.start().toCompletableFuture().join();
        MockEndpoint temps = getMockEndpoint("mock:temps");
        temps.expectedMinimumMessageCount(1);
        temps.setResultWaitTime(WAIT.toMillis());
        temps.assertIsSatisfied();
        CompletableFuture<Object> reply = template.asyncRequestBody("direct:run", null);
        reply.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static String section(Path document, String heading, String next) throws IOException {
        String text = Files.readString(document);
        int start = text.indexOf(heading);
        assertThat(start).as(document + ": " + heading).isNotNegative();
        int end = text.indexOf(next, start + heading.length());
        assertThat(end).as(document + ": " + next + " after " + heading).isPositive();
        return text.substring(start, end);
    }

    /** The guide's table row of a meter: the line that starts with {@code | `name` |}. */
    private static String rowOf(String table, String meter) {
        return table.lines().filter(line -> line.startsWith("| `" + meter + "` |")).findFirst().orElse(null);
    }

    /** The guide's word for a meter's type: what a registry makes of it (a FunctionCounter is a counter). */
    private static String typeOf(Meter meter) {
        return switch (meter.getId().getType()) {
            case COUNTER -> "counter";
            case GAUGE -> "gauge";
            case TIMER -> "timer";
            default -> meter.getId().getType().name();
        };
    }

    /** The Type column of a row: {@code | `name` | type | tags | counts |}. */
    private static String typeColumn(String row) {
        return row.split("\\|")[2].trim();
    }

    @Test
    void everyMeterHasItsRowInTheGuideAndItsNameInTheReferenceWithItsTagsAndTheirValues() throws Exception {
        connectDeviceAndCallIt();
        String table = section(GUIDE, "## Metrics", "## Health check");
        String reference = section(REFERENCE, "== Metrics and health", "== Dev console");
        Set<String> names = new TreeSet<>();
        for (Meter meter : meters.getMeters()) {
            String name = meter.getId().getName();
            if (!name.startsWith("iotmp.")) {
                continue; // Camel's own meters, had it any
            }
            names.add(name);
            String row = rowOf(table, name);
            assertThat(row).as("docs/operations.md's row of %s", name).isNotNull();
            assertThat(reference).as("the reference's metrics name %s", name).contains("`" + name + "`");
            assertThat(typeColumn(row)).as("docs/operations.md's type of %s", name).startsWith(typeOf(meter));
            if ("bytes".equals(meter.getId().getBaseUnit())) {
                assertThat(row).as("docs/operations.md's row of %s says its unit", name).contains("bytes");
            }
            for (Tag tag : meter.getId().getTags()) {
                assertThat(reference).as("%s: tag %s", name, tag.getKey()).contains("`" + tag.getKey() + "`");
                if (tag.getKey().equals("host")) {
                    continue; // every meter has host and port: the guide's Tags column names only port
                }
                assertThat(row).as("%s: tag %s", name, tag.getKey()).contains("`" + tag.getKey() + "`");
                if (!tag.getKey().equals("port")) {
                    assertThat(row).as("%s: %s", name, tag).contains("`" + tag.getValue() + "`");
                    assertThat(reference).as("%s: %s", name, tag).contains("`" + tag.getValue() + "`");
                }
            }
        }
        assertThat(names).contains("iotmp.devices.connected", "iotmp.requests", "iotmp.refusals", "iotmp.samples");
        // the other way round: every row names a meter (those of a cluster member only in the cluster's tests)
        List<String> rows = table.lines().filter(line -> line.matches("^\\| `iotmp\\.[a-z.]+` \\|.*"))
                .map(line -> line.substring(3, line.indexOf('`', 3))).toList();
        assertThat(rows).hasSizeGreaterThan(10).contains(CLUSTER_METERS);
        assertThat(names).containsAll(rows.stream().filter(r -> !List.of(CLUSTER_METERS).contains(r)).toList());
    }

    @Test
    void theHealthChecksDetailsAreThoseTheGuideNames() throws Exception {
        String guide = section(GUIDE, "## Health check", "## Dev console");
        Collection<HealthCheck.Result> readiness = HealthCheckHelper.invokeReadiness(context);
        HealthCheck.Result iotmp = readiness.stream().filter(r -> r.getCheck().getId().equals("iotmp"))
                .findFirst().orElseThrow();
        assertThat(iotmp.getDetails()).hasSizeGreaterThan(2);
        assertThat(iotmp.getDetails().keySet())
                .map(detail -> detail.replaceFirst("^127\\.0\\.0\\.1:\\d+\\.", "host:port."))
                .as("details docs/operations.md's health check does not name")
                .filteredOn(named -> !guide.contains("`" + named + "`"))
                .isEmpty();
    }

    @Test
    void theGuideNamesEveryFieldOfTheDevConsolesJson() throws Exception {
        connectDeviceAndCallIt();
        String json = section(GUIDE, "The JSON form has the same content", "`IotmpDevConsoleTest`");
        DevConsole console = PluginHelper.getDevConsoleResolver(context).resolveDevConsole("iotmp");
        Object result = console.call(DevConsole.MediaType.JSON, Map.of());
        Set<String> fields = new TreeSet<>();
        collectFields(result, fields);
        assertThat(fields).contains("servers", "webSocketPath", "legacy", "streams", "streamId");
        assertThat(fields).as("fields docs/operations.md's JSON form does not name")
                .filteredOn(field -> !Pattern.compile("(?<![\\w])" + Pattern.quote(field) + "(?![\\w])")
                        .matcher(json).find())
                .isEmpty();
    }

    /**
     * The field names of a console answer, nested ones included, except those under {@code limits} and
     * {@code consumers}, which the guide names as a whole ({@code limits{…}}, {@code consumers[…]}): the limits are
     * the server's options, a stream's consumers routes or endpoints.
     */
    private static void collectFields(Object value, Set<String> fields) {
        if (value instanceof Map<?, ?> map) {
            map.forEach((key, nested) -> {
                fields.add((String) key);
                if (!key.equals("limits") && !key.equals("consumers")) {
                    collectFields(nested, fields);
                }
            });
        } else if (value instanceof List<?> list) {
            list.forEach(element -> collectFields(element, fields));
        }
    }
}
