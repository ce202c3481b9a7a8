package io.cameliotmp.camel;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.testing.RawIotmpSocket;
import org.apache.camel.Message;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.testing.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A sample's headers are made when the route first asks for them: every way a route can ask (one header, the simple
 * language, {@code hasHeaders}, a copy of the message as a wire tap or the tracer takes) sees all of them, and the
 * body is there without them.
 */
class SampleMessageHeadersTest extends IotmpCamelTestSupport {

    private final List<Object> bodies = new CopyOnWriteArrayList<>();
    private final List<Boolean> hadHeaders = new CopyOnWriteArrayList<>();
    private final List<Map<String, Object>> copies = new CopyOnWriteArrayList<>();

    @Override
    protected String deviceCredentials() {
        return "alice/*=pw";
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("iotmp:device:alice/*/temperature")
                        .process(e -> bodies.add(e.getMessage().getBody()))
                        .process(e -> hadHeaders.add(e.getMessage().hasHeaders()))
                        .setHeader("viaSimple", simple("${header." + IotmpConstants.DEVICE + "}/${header."
                                                       + IotmpConstants.STREAM_ID + "}"))
                        .process(e -> {
                            Message copy = e.getMessage().copy();
                            copies.add(Map.copyOf(copy.getHeaders()));
                        });
            }
        };
    }

    @Test
    void everyWayOfAskingSeesTheHeaders() throws Exception {
        try (RawIotmpSocket esp32 = RawIotmpSocket.connect(port, "alice", "esp32", "pw")) {
            int stream = esp32.acceptStream();
            esp32.send(IotmpMessage.streamData(stream, Map.of("celsius", 21.5f)), Generation.GEN2);
            esp32.send(IotmpMessage.streamData(stream, 22L), Generation.GEN2);
            eventually().until(() -> copies.size() >= 2);
            assertThat(bodies).containsExactly(Map.of("celsius", 21.5f), 22L);
            assertThat(hadHeaders).containsExactly(true, true);
            for (Map<String, Object> headers : copies) {
                assertThat(headers).containsEntry(IotmpConstants.USER, "alice")
                        .containsEntry(IotmpConstants.DEVICE, "esp32")
                        .containsEntry(IotmpConstants.RESOURCE, "temperature")
                        .containsEntry(IotmpConstants.STREAM_ID, stream)
                        .containsEntry("viaSimple", "esp32/" + stream)
                        .containsKey(IotmpConstants.TIMESTAMP);
            }
        }
    }
}
