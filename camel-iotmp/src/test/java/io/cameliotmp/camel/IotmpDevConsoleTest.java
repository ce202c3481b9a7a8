package io.cameliotmp.camel;

import java.util.List;
import java.util.Map;

import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.testing.RawIotmpSocket;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.console.DevConsole;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.util.json.JsonObject;
import org.apache.camel.util.json.Jsoner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.testing.Waits.WAIT;
import static io.cameliotmp.testing.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.LIST;
import static org.assertj.core.api.InstanceOfAssertFactories.MAP;

/**
 * The iotmp dev console, found the way Camel finds consoles (its service file), against a running server with a
 * connected device, a consumer's stream and a refused device; and the counters of {@code operation=status}.
 */
class IotmpDevConsoleTest extends IotmpCamelTestSupport {

    private IotmpDevice device;

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
                from("direct:call").to("iotmp:device:alice");
            }
        };
    }

    @AfterEach
    void closeDevice() {
        if (device != null) {
            device.close();
        }
    }

    private void connectDevice() {
        device = IotmpDevice.builder().host("127.0.0.1").port(port).credentials("alice", "esp32", "pw")
                .generation(Generation.GEN2).build();
        device.resource("temperature").output(() -> Map.of("celsius", 21.5));
        device.start().toCompletableFuture().join();
    }

    private DevConsole console() {
        DevConsole console = PluginHelper.getDevConsoleResolver(context).resolveDevConsole("iotmp");
        assertThat(console).as("META-INF/services/org/apache/camel/dev-console/iotmp").isNotNull();
        return console;
    }

    @SuppressWarnings("unchecked")
    private JsonObject json(Map<String, Object> options) {
        Object result = console().call(DevConsole.MediaType.JSON, options);
        assertThat(result).isInstanceOf(JsonObject.class);
        // the way the console's JSON leaves the process
        assertThat(Jsoner.serialize((Map<String, Object>) result)).startsWith("{\"servers\":[");
        return (JsonObject) result;
    }

    private void awaitFirstSample() throws InterruptedException {
        MockEndpoint temps = getMockEndpoint("mock:temps");
        temps.expectedMinimumMessageCount(1);
        temps.setResultWaitTime(WAIT.toMillis());
        temps.assertIsSatisfied();
    }

    private static JsonObject map(JsonObject json, String key) {
        return (JsonObject) json.get(key);
    }

    private static JsonObject only(Object list) {
        assertThat(list).asInstanceOf(LIST).hasSize(1);
        return (JsonObject) ((List<?>) list).get(0);
    }

    @Test
    void showsServersDevicesStreamsAndCounts() throws Exception {
        // a refused device first, so the refusal is counted
        try (RawIotmpSocket wrong = new RawIotmpSocket(port)) {
            wrong.send(IotmpMessage.connect(1, "alice", "intruder", "nope"), Generation.GEN2);
            wrong.readFrameHex();
        }
        connectDevice();
        // the device's stream is open once its first sample reached the route
        awaitFirstSample();

        JsonObject server = only(json(Map.of()).get("servers"));
        assertThat(server).containsEntry("host", "127.0.0.1").containsEntry("port", port)
                .containsEntry("protocol", "iotmp").containsEntry("transport", "TCP").containsEntry("tls", false)
                .containsEntry("running", true).containsEntry("connectedDevices", 1)
                .containsEntry("component", "iotmp");
        assertThat(map(server, "limits")).containsEntry("maxInFlight", 64).containsEntry("maxConnections", 20000)
                .containsEntry("backpressurePolicy", "PAUSE");
        assertThat(map(server, "totals")).containsEntry("connected", 1L).containsEntry("refused", 1L)
                .containsEntry("samplesDropped", 0L).containsEntry("readingPauses", 0L);
        assertThat(((Number) map(server, "totals").get("bytesIn")).longValue()).isPositive();
        JsonObject subscription = only(server.get("subscriptions"));
        assertThat(subscription).containsEntry("devices", "alice/*").containsEntry("resource", "temperature")
                .containsEntry("intervalMillis", 1000L).containsEntry("routeId", "temperatures");

        JsonObject user = only(server.get("users"));
        assertThat(user).containsEntry("user", "alice");
        JsonObject esp32 = only(user.get("devices"));
        assertThat(esp32).containsEntry("device", "esp32").containsEntry("generation", "GEN2")
                .containsEntry("keepAliveSeconds", 60).containsEntry("pendingRequests", 0)
                .containsEntry("samplesDropped", 0L)
                .containsKeys("remoteAddress", "connectedAt", "session", "inFlight");
        assertThat(((Number) esp32.get("samplesIn")).longValue()).isPositive();
        assertThat(((Number) esp32.get("bytesIn")).longValue()).isPositive();
        assertThat(((Number) esp32.get("bytesOut")).longValue()).isPositive();
        JsonObject stream = only(esp32.get("streams"));
        assertThat(stream).containsEntry("resource", "temperature").containsEntry("intervalMillis", 1000L)
                .containsEntry("confirmed", true);
        assertThat(only(stream.get("consumers"))).containsEntry("routeId", "temperatures");

        String text = (String) console().call(DevConsole.MediaType.TEXT, Map.of());
        assertThat(text).contains("IOTMP server 127.0.0.1:" + port + " (iotmp)").contains("User alice")
                .contains("esp32 (session").contains("1 refused").contains("-> route temperatures");
    }

    @Test
    void userAndLimitOptionsChooseTheDevicesShown() {
        connectDevice();
        eventually().until(() -> server(port).registry().size() == 1);
        JsonObject other = only(json(Map.of(IotmpDevConsole.USER, "bob")).get("servers"));
        assertThat(other).containsEntry("connectedDevices", 1).containsEntry("devicesShown", 0);
        assertThat(other.get("users")).asInstanceOf(LIST).isEmpty();
        JsonObject none = only(json(Map.of(IotmpDevConsole.LIMIT, "0")).get("servers"));
        assertThat(none).containsEntry("devicesShown", 0);
        assertThat(only(json(Map.of(IotmpDevConsole.USER, "alice")).get("servers")))
                .containsEntry("devicesShown", 1);
    }

    @Test
    void aLimitThatIsNotANumberShowsTheDefault() {
        connectDevice();
        eventually().until(() -> server(port).registry().size() == 1);
        // as typed into a URL's query or camel cmd: a typo must not turn the console into an error
        for (String limit : List.of("ten", "", "1e3", "99999999999999999999")) {
            assertThat(only(json(Map.of(IotmpDevConsole.LIMIT, limit)).get("servers")))
                    .as("limit=%s", limit).containsEntry("devicesShown", 1);
        }
        assertThat(only(json(Map.of(IotmpDevConsole.LIMIT, " 0 ")).get("servers"))).containsEntry("devicesShown", 0);
        assertThat(only(json(Map.of(IotmpDevConsole.LIMIT, "99999999999")).get("servers")))
                .containsEntry("devicesShown", 1);
        assertThat((String) console().call(DevConsole.MediaType.TEXT, Map.of(IotmpDevConsole.LIMIT, "ten")))
                .contains("esp32");
    }

    @Test
    void namesWithBidiControlsAreEscapedInTheTextAndExactInTheJson() throws Exception {
        // device ids with them are refused at CONNECT; the names routes give are shown too, and a right-to-left
        // override and an isolate would show "evilexe.txt..." reordered in a terminal
        String hostile = "evil\u202Etxt.exe\u2067x\u200F";
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("iotmp:device:alice/*/humidity?interval=1000").routeId(hostile).to("mock:humidity");
            }
        });

        String text = (String) console().call(DevConsole.MediaType.TEXT, Map.of());
        assertThat(text).doesNotContain("\u202E").doesNotContain("\u2067").doesNotContain("\u200F")
                .contains("-> route evil\\u202etxt.exe\\u2067x\\u200f");
        assertThat(only(json(Map.of()).get("servers")).get("subscriptions")).asInstanceOf(LIST)
                .anySatisfy(sub -> assertThat(((Map<?, ?>) sub).get("routeId")).isEqualTo(hostile));
    }

    @Test
    void statusCarriesTheConnectionsCounters() throws Exception {
        connectDevice();
        awaitFirstSample();
        Map<?, ?> status = template.requestBodyAndHeaders("direct:call", null,
                Map.of(IotmpConstants.DEVICE, "esp32", IotmpConstants.OPERATION, "status"), Map.class);
        assertThat(status).asInstanceOf(MAP).containsEntry("connected", true).containsEntry("user", "alice")
                .containsEntry("generation", "GEN2").containsEntry("keepAlive", 60)
                .containsKeys("session", "inFlight", "readingPaused", "framesIn", "framesOut", "samplesIn",
                        "samplesDropped", "malformedFrames", "bytesIn", "bytesOut");
        assertThat((Long) status.get("bytesIn")).isPositive();
        assertThat((Long) status.get("framesIn")).isPositive();
    }

    @Test
    void noServerNoEntries() throws Exception {
        context.getRouteController().stopAllRoutes();
        assertThat(json(Map.of()).get("servers")).asInstanceOf(LIST).isEmpty();
        assertThat((String) console().call(DevConsole.MediaType.TEXT, Map.of())).isEmpty();
    }
}
