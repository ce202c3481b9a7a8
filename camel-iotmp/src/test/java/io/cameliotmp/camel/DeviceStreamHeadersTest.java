package io.cameliotmp.camel;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.testing.RawIotmpSocket;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.testing.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every sample of a device stream carries the device's headers, built once per device: a route that changes or
 * removes headers of one sample must not change the next one's, from the same device or another.
 */
class DeviceStreamHeadersTest extends IotmpCamelTestSupport {

    private final List<Map<String, Object>> seen = new CopyOnWriteArrayList<>();

    @Override
    protected String deviceCredentials() {
        return "alice/*=pw";
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("iotmp:device:alice/*/temperature").process(e -> {
                    seen.add(Map.copyOf(e.getMessage().getHeaders()));
                    e.getMessage().setHeader(IotmpConstants.DEVICE, "tampered");
                    e.getMessage().removeHeader(IotmpConstants.USER);
                    e.getMessage().setHeader("extra", 1);
                });
            }
        };
    }

    @Test
    void eachSampleGetsItsOwnCopyOfItsDevicesHeaders() throws Exception {
        try (RawIotmpSocket esp32 = RawIotmpSocket.connect(port, "alice", "esp32", "pw");
             RawIotmpSocket esp8266 = RawIotmpSocket.connect(port, "alice", "esp8266", "pw")) {
            int esp32Stream = esp32.acceptStream();
            int esp8266Stream = esp8266.acceptStream();
            for (int i = 0; i < 3; i++) {
                esp32.send(IotmpMessage.streamData(esp32Stream, i), Generation.GEN2);
                esp8266.send(IotmpMessage.streamData(esp8266Stream, 10 + i), Generation.GEN2);
            }
            eventually().until(() -> seen.size() >= 6);
            assertThat(seen).hasSize(6);
            for (Map<String, Object> headers : seen) {
                String device = (String) headers.get(IotmpConstants.DEVICE);
                assertThat(device).isIn("esp32", "esp8266");
                assertThat(headers).containsEntry(IotmpConstants.USER, "alice")
                        .containsEntry(IotmpConstants.RESOURCE, "temperature")
                        .containsEntry(IotmpConstants.GENERATION, "GEN2")
                        .containsEntry(IotmpConstants.STREAM_ID, device.equals("esp32") ? esp32Stream : esp8266Stream)
                        .containsKey(IotmpConstants.TIMESTAMP)
                        .doesNotContainKey("extra");
                assertThat((String) headers.get(IotmpConstants.REMOTE_ADDRESS)).startsWith("/127.0.0.1:");
            }
            assertThat(seen).filteredOn(h -> "esp32".equals(h.get(IotmpConstants.DEVICE))).hasSize(3);
        }
    }
}
