package io.cameliotmp.camel;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.cameliotmp.device.IotmpDevice;
import org.apache.camel.console.DevConsole;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.util.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.testing.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dev console shows a page of a server's devices: {@code limit} of them, after the first {@code offset}, so that an
 * operator can read a server with more devices than a page (thousands connect to one) page by page rather than only
 * its first page or all of them at once.
 */
class IotmpDevConsolePagesTest extends IotmpCamelTestSupport {

    private final List<IotmpDevice> devices = new ArrayList<>();

    @Override
    protected String deviceCredentials() {
        return "alice/*=pw";
    }

    @AfterEach
    void closeDevices() {
        devices.forEach(IotmpDevice::close);
    }

    private void connect(String... ids) {
        for (String id : ids) {
            IotmpDevice device = IotmpDevice.builder().host("127.0.0.1").port(port).credentials("alice", id, "pw")
                    .build();
            devices.add(device);
            device.start().toCompletableFuture().join();
        }
    }

    private JsonObject server(Map<String, Object> options) {
        DevConsole console = PluginHelper.getDevConsoleResolver(context).resolveDevConsole("iotmp");
        List<?> servers = (List<?>) ((JsonObject) console.call(DevConsole.MediaType.JSON, options)).get("servers");
        return (JsonObject) servers.get(0);
    }

    private List<String> shown(Map<String, Object> options) {
        List<String> ids = new ArrayList<>();
        for (Object u : (List<?>) server(options).get("users")) {
            for (Object d : (List<?>) ((JsonObject) u).get("devices")) {
                ids.add((String) ((JsonObject) d).get("device"));
            }
        }
        return ids;
    }

    @Test
    void offsetAndLimitShowOnePageOfTheSortedDevices() {
        // the server starts with the first route or producer; the console needs it running
        context.createProducerTemplate().requestBody("iotmp:device:alice?operation=devices", (Object) null);
        connect("d", "b", "a", "c");
        eventually().until(() -> server(port).registry().size() == 4);

        assertThat(shown(Map.of(IotmpDevConsole.LIMIT, "2"))).containsExactly("a", "b");
        assertThat(shown(Map.of(IotmpDevConsole.LIMIT, "2", IotmpDevConsole.OFFSET, "2"))).containsExactly("c", "d");
        assertThat(shown(Map.of(IotmpDevConsole.LIMIT, "2", IotmpDevConsole.OFFSET, "3"))).containsExactly("d");
        assertThat(server(Map.of(IotmpDevConsole.OFFSET, "3"))).containsEntry("devicesShown", 1)
                .containsEntry("devicesOffset", 3).containsEntry("connectedDevices", 4);
        // past the end, or with limits that do not fit an int when added: nothing, and no error
        assertThat(shown(Map.of(IotmpDevConsole.OFFSET, "4"))).isEmpty();
        assertThat(shown(Map.of(IotmpDevConsole.OFFSET, "99999999999999"))).isEmpty();
        assertThat(shown(Map.of(IotmpDevConsole.OFFSET, "1", IotmpDevConsole.LIMIT, "99999999999")))
                .containsExactly("b", "c", "d");
        // as typed into a URL: not a number, or below 0, is the first page
        assertThat(shown(Map.of(IotmpDevConsole.OFFSET, "two", IotmpDevConsole.LIMIT, "1"))).containsExactly("a");
        assertThat(shown(Map.of(IotmpDevConsole.OFFSET, "-2", IotmpDevConsole.LIMIT, "1"))).containsExactly("a");

        DevConsole console = PluginHelper.getDevConsoleResolver(context).resolveDevConsole("iotmp");
        assertThat((String) console.call(DevConsole.MediaType.TEXT,
                Map.of(IotmpDevConsole.OFFSET, "2", IotmpDevConsole.LIMIT, "1")))
                .contains("4 connected (1 shown after the first 2)").contains("        c (session")
                .doesNotContain("        a (session", "        d (session");
    }
}
