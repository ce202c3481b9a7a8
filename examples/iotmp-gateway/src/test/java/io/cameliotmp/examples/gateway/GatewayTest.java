package io.cameliotmp.examples.gateway;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.server.DeviceErrorException;
import io.cameliotmp.test.FreePorts;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.support.CamelContextHelper;
import org.apache.camel.test.junit5.CamelContextConfiguration;
import org.apache.camel.test.junit5.TestExecutionConfiguration;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.MAP;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

/**
 * The gateway as shipped (application.properties and routes.yaml, loaded by Camel Main), connecting to an IOTMP
 * server of the iotmp component in the same context, on a free port, with a test credential and faster timers. The
 * server's routes call the gateway's resources, stream its memory and take its bucket writes: data both ways.
 */
class GatewayTest extends CamelMainTestSupport {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String DEVICE = "iotmp:device:demo/device-3";

    /** Runs in the constructor: overrides of application.properties for the test. */
    @Override
    public void configureContext(CamelContextConfiguration configuration) {
        super.configureContext(configuration);
        String port = String.valueOf(FreePorts.next());
        Properties overrides = new Properties();
        overrides.put("camel.component.iotmp-device.port", port);
        overrides.put("camel.component.iotmp-device.credential", "test-secret");
        overrides.put("camel.component.iotmp-device.reconnect-backoff-max", "1000");
        overrides.put("camel.component.iotmp.host", "127.0.0.1");
        overrides.put("camel.component.iotmp.port", port);
        overrides.put("camel.component.iotmp.device-credentials", "demo/device-3=test-secret");
        overrides.put("stream.period", "100");
        overrides.put("bucket.period", "100");
        overrides.put("bucket.name", "test-bucket");
        configuration.withUseOverridePropertiesWithPropertiesComponent(overrides);
    }

    /** The context starts only after the test added the server's routes. */
    @Override
    public void configureTest(TestExecutionConfiguration configuration) {
        super.configureTest(configuration);
        configuration.withUseAdviceWith(true);
    }

    private void startWithTheServer() throws Exception {
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("iotmp:service:bucket/test-bucket").to("mock:bucket");
                from(DEVICE + "/memory").to("mock:memory"); // an on-change stream of the gateway's memory
            }
        });
        context.start();
        Awaitility.await().atMost(WAIT).untilAsserted(() -> assertThat(template.requestBody(
                DEVICE + "?operation=status", null, Map.class)).containsEntry("connected", true));
    }

    private Object run(String resource, Object input) {
        return template.requestBody(DEVICE + "/" + resource, input);
    }

    private Object describe(String resource) {
        return template.requestBody(DEVICE + (resource == null ? "" : "/" + resource) + "?operation=describe",
                (Object) null);
    }

    @Test
    void theServerReadsTheHostThroughTheGatewaysResources() throws Exception {
        startWithTheServer();

        assertThat(describe(null)).isEqualTo(Map.of("load", Map.of("fn", 3L), "memory", Map.of("fn", 3L),
                "label", Map.of("fn", 2L), "disk", Map.of("fn", 4L)));
        assertThat(run("load", null)).asInstanceOf(MAP).containsKey("cpus");
        assertThat(run("memory", null)).asInstanceOf(MAP).containsKeys("freeMb", "totalMb");
        assertThat(run("disk", "/")).asInstanceOf(MAP).containsEntry("path", "/").containsKey("totalMb");
        assertThat(run("disk", Map.of("path", "/"))).asInstanceOf(MAP).containsEntry("path", "/");
        assertThat(run("disk", Map.of("path", "/tmp"))).asInstanceOf(MAP).containsEntry("path", "/tmp");
        // a path that exists but is not one of gateway.disks: the server learns nothing of the host's files
        for (String other : new String[] {"/etc", "/no/such/path", "/tmp/"}) {
            assertThatThrownBy(() -> run("disk", other))
                    .isInstanceOf(CamelExecutionException.class).cause().isInstanceOf(DeviceErrorException.class)
                    .hasMessageContaining("not a path this gateway reports on; it reports on [/, /tmp]");
        }
    }

    /**
     * Each input a resource refused was logged at WARN, with the server's input in the message: a server sending bad
     * inputs filled the gateway's log with a line per request, each as long as the server liked. Refused inputs are
     * the server's to hear about (it gets the ERROR); the gateway logs them at DEBUG.
     */
    @Test
    void inputsTheResourcesRefuseDoNotFillTheGatewaysLog() throws Exception {
        startWithTheServer();
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            for (int i = 0; i < 5; i++) {
                String path = "/no/such/path/" + "x".repeat(1000) + i;
                Map<String, Object> label = Map.of("not", "a text " + i);
                assertThatThrownBy(() -> run("disk", path)).cause().isInstanceOf(DeviceErrorException.class)
                        .hasMessageContaining("not a path this gateway reports on");
                assertThatThrownBy(() -> run("label", label)).cause().isInstanceOf(DeviceErrorException.class);
            }
        } finally {
            System.setErr(original);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertThat(log.lines().filter(line -> line.contains("WARN") || line.contains("ERROR")))
                .as("nothing above INFO for the refused inputs").isEmpty();
    }

    /**
     * A refused label was answered with an ERROR that repeated the input as Java prints it: a list of 8,000 zeros
     * (8 kB, within what the server sends a device) came back as a message of 24,000 characters, which the
     * quickstart's API passes on to its caller. Like the disk resource's, the ERROR says what the resource takes,
     * and repeats the input only when it is short.
     */
    @Test
    void aRefusedLabelIsAnsweredWithoutRepeatingTheInput() throws Exception {
        startWithTheServer();
        List<Integer> zeros = Collections.nCopies(8_000, 0);

        assertThatThrownBy(() -> run("label", zeros)).cause().isInstanceOf(DeviceErrorException.class)
                .extracting(Throwable::getMessage, STRING).hasSizeLessThan(200)
                .contains("a label is a text of 1 to 32 characters");
        assertThat(run("label", "lab-8")).isNull();
        assertThat(describe("label")).isEqualTo(Map.of("in", "lab-8"));
    }

    @Test
    void theServerChangesTheLabelThatTheBucketRecordsCarry() throws Exception {
        MockEndpoint bucket = getMockEndpoint("mock:bucket");
        startWithTheServer();
        assertThat(describe("label")).isEqualTo(Map.of("in", "gateway"));

        assertThat(run("label", "lab-7")).isNull();

        assertThat(describe("label")).isEqualTo(Map.of("in", "lab-7"));
        assertThatThrownBy(() -> run("label", 42)).cause().isInstanceOf(DeviceErrorException.class);
        Awaitility.await().atMost(WAIT).until(() -> bucket.getExchanges().stream()
                .anyMatch(e -> "lab-7".equals(e.getMessage().getBody(Map.class).get("label"))));
    }

    @Test
    void theGatewayStreamsItsMemoryAndWritesItsBucket() throws Exception {
        MockEndpoint memory = getMockEndpoint("mock:memory");
        memory.expectedMinimumMessageCount(3); // the first reading when the stream opens, then the pushed ones
        MockEndpoint bucket = getMockEndpoint("mock:bucket");
        bucket.expectedMinimumMessageCount(2);
        startWithTheServer();

        MockEndpoint.assertIsSatisfied(WAIT.toMillis(), TimeUnit.MILLISECONDS, memory, bucket);
        assertThat(memory.getExchanges().get(2).getMessage().getBody()).asInstanceOf(MAP).containsKey("freeMb");
        assertThat(bucket.getExchanges().get(0).getMessage().getBody()).asInstanceOf(MAP)
                .containsKeys("label", "cpus", "freeMb");
    }

    @Test
    void theCredentialIsMaskedInTheStartUpSummary() throws Exception {
        startWithTheServer();
        // Camel Main logs every camel.component.* property at start-up, masking the keys this finds sensitive
        assertThat(CamelContextHelper.containsSensitive(context, "camel.component.iotmp-device.credential")).isTrue();
    }
}
